"""The one reader of `extra.citations` in mkdocs.yml, checked against its schema.

A setting of the wrong type is a CFG001 problem at its own line, never a traceback and never a
check silently switched off (a string where a list belongs would otherwise be read letter by letter).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import yaml

from citelib import configyaml

# Each setting: its type, its default, and what it is for (the message names it).
SCHEMA = {
    "content": ("list", (),
                "pages that must cite a source: folders end with '/', files are named"),
    "uncited_sources": ("mapping", {}, "sources no page cites yet, each with a reason"),
    "explainers": ("list", (), "pages that get 'Cite this page' and citation metadata"),
    "sources_page": ("string", "sources.md", "the page that lists every source"),
    "glossary": ("string", "glossary.md", "the glossary page"),
}


# Which pages must cite at least one source: folders end with "/", files are named.
@dataclass(frozen=True)
class PageSet:
    paths: tuple[str, ...] = ()

    def __contains__(self, src_uri: str) -> bool:
        return any(src_uri.startswith(p) if p.endswith("/") else src_uri == p for p in self.paths)


# The citation settings of a site, valid or defaulted.
@dataclass
class Settings:
    content: PageSet = field(default_factory=lambda: PageSet(SCHEMA["content"][1]))
    uncited_sources: dict[str, str] = field(default_factory=dict)
    explainers: PageSet = field(default_factory=lambda: PageSet(SCHEMA["explainers"][1]))
    sources_page: str = SCHEMA["sources_page"][1]
    glossary: str = SCHEMA["glossary"][1]
    # Line of each uncited_sources key in mkdocs.yml, for BIB009.
    allow_list_lines: dict[str, int] = field(default_factory=dict)


# Read `extra` (MkDocs' parsed value) with `config_text` (the file, for line numbers). Each problem
# is reported as add(line, message); a bad setting falls back to its default.
def read(extra, config_text: str, add) -> Settings:
    lines = _lines_of(config_text)
    settings = Settings()
    if not isinstance(extra, Mapping):
        return settings
    raw = extra.get("citations")
    if raw is None:
        return settings
    if not isinstance(raw, Mapping):
        add(lines.get(("citations",), 1), f"extra.citations must be a mapping, not {_kind(raw)}")
        return settings
    for name, value in raw.items():
        line = lines.get(("citations", str(name)), lines.get(("citations",), 1))
        if name not in SCHEMA:
            add(line, f"extra.citations has no setting '{name}' (known: {', '.join(SCHEMA)})")
            continue
        kind, _, purpose = SCHEMA[name]
        problem = _type_problem(kind, value)
        if problem:
            add(line, f"extra.citations.{name} ({purpose}) must be {problem}, not {_kind(value)}")
            continue
        if kind == "list":
            bad = [(index, item) for index, item in enumerate(value) if not isinstance(item, str) or not item]
            for index, item in bad:
                add(lines.get(("citations", name, index), line),
                    f"extra.citations.{name} item {index + 1} must be a page path, not {_kind(item)}")
            if bad:
                continue
            setattr(settings, name, PageSet(tuple(value)))
        elif kind == "mapping":
            settings.uncited_sources = {}
            for key, reason in (value or {}).items():
                key_line = lines.get(("citations", name, str(key)), line)
                if reason is not None and not isinstance(reason, str):
                    # Reported once, here: the source stays listed, so BIB008/BIB009 do not repeat it.
                    add(key_line, f"extra.citations.{name}.{key}: the reason must be text, not {_kind(reason)}")
                    reason = str(reason)
                settings.uncited_sources[str(key)] = reason
                settings.allow_list_lines[str(key)] = key_line
        else:
            setattr(settings, name, value)
    return settings


# Why `value` is not of `kind` ("" when it is).
def _type_problem(kind: str, value) -> str:
    if kind == "list":
        return "" if isinstance(value, list) else "a list of page paths"
    if kind == "mapping":
        return "" if value is None or isinstance(value, dict) else "a mapping of key: reason"
    return "" if isinstance(value, str) and value else "a page path"


# How a YAML value is called in a message.
def _kind(value) -> str:
    if value is None:
        return "empty"
    return {dict: "a mapping", list: "a list", str: f"the text {value!r}", bool: "true/false"}.get(
        type(value), f"{type(value).__name__} {value!r}")


# Line of each node under extra.citations, by its path of keys (list items by index); MkDocs' own tags (!ENV,
# !relative) are composed, not constructed, so any mkdocs.yml reads.
def _lines_of(config_text: str) -> dict[tuple, int]:
    root = configyaml.compose(config_text)
    if root is None:
        return {}
    found: dict[tuple[str, ...], int] = {}
    extra = configyaml.child(root, "extra")
    citations = configyaml.child(extra, "citations")
    if citations is None:
        return found
    found[("citations",)] = _line_of_key(extra, "citations")
    if isinstance(citations, yaml.MappingNode):
        for key, value in citations.value:
            found[("citations", str(key.value))] = key.start_mark.line + 1
            if isinstance(value, yaml.MappingNode):
                for inner, _ in value.value:
                    found[("citations", str(key.value), str(inner.value))] = inner.start_mark.line + 1
            elif isinstance(value, yaml.SequenceNode):
                for index, item in enumerate(value.value):
                    found[("citations", str(key.value), index)] = item.start_mark.line + 1
    return found


# The line of key `name` in a mapping node.
def _line_of_key(node, name: str) -> int:
    return next((key.start_mark.line + 1 for key, _ in node.value if key.value == name), 1)
