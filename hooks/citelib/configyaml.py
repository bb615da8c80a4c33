"""mkdocs.yml as YAML nodes, for the line numbers of settings (composed once per text), and loaded
by YAML's safe loader for the tools.

MkDocs' own tags (!ENV, !relative) are composed, not constructed, so any mkdocs.yml reads. The
settings and the redirects both point at lines of the same file; composing it once for both
saves two parses of it a build.
"""

from __future__ import annotations

import codecs
from functools import lru_cache
from pathlib import Path

import yaml


# The text of a YAML file as YAML (and so MkDocs) decodes it: UTF-16 after its byte order mark,
# else UTF-8 (a byte order mark left out). Raises OSError or UnicodeDecodeError.
def read_text(path) -> str:
    data = Path(path).read_bytes()
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    return data.decode("utf-8-sig")


# The document's root node, or None when the text is not YAML (MkDocs reports that itself).
@lru_cache(maxsize=2)
def compose(config_text: str):
    try:
        return yaml.compose(config_text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return None


# The value under `name` in a mapping node, or None.
def child(node, name: str):
    if not isinstance(node, yaml.MappingNode):
        return None
    return next((value for key, value in node.value if key.value == name), None)


# YAML's safe loader, with a Markdown extension's `!!python/name:` setting read as the name it is.
class _SafeLoader(yaml.SafeLoader):
    pass


_SafeLoader.add_multi_constructor("tag:yaml.org,2002:python/name:", lambda loader, suffix, node: f"python/name:{suffix}")


# mkdocs.yml as MkDocs reads it (`!ENV`, INHERIT), by YAML's safe loader: MkDocs' own loader builds
# `!!python/object/apply:os.system [...]` by running it, and a check of the site must not. A tag
# that builds a Python object is an error here (MkDocs' ConfigurationError); configcheck names it.
def load(source) -> dict:
    from mkdocs.utils.yaml import get_yaml_loader, yaml_load

    return yaml_load(source, get_yaml_loader(_SafeLoader)) or {}
