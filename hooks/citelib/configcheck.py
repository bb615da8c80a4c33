"""mkdocs.yml's values that a theme writes into every page, held to what can stand there.

MkDocs' Jinja does not escape: Material writes the site's name, copyright, navigation titles,
`extra` and the theme's settings into each page as they are, in text, in attributes and in inline
scripts. `extra.scope` ran `alert` on every page from `__md_scope=new URL("...",location)`, and a
`<script>` in `copyright` or `extra.consent` ran as written. The build and the site check read
each page's content, not what the theme writes around it from the configuration.
"""

from __future__ import annotations

import html
import re

import yaml

from citelib import configyaml, rendered

# Paths and patterns the build reads itself, which no theme writes into a page. Plugins' and
# Markdown extensions' settings are checked: Material writes some of them (the toc extension's
# title heads every page's table of contents).
BUILD_ONLY = {"INHERIT", "docs_dir", "site_dir", "hooks", "watch", "not_in_nav", "exclude_docs", "draft_docs",
              "extra.citations", "extra.redirects"}
# Values the theme writes as HTML (Material's copyright may hold a link): markup that runs is refused.
HTML_VALUES = {"copyright"}
# What ends the text, the attribute value or the script string a value stands in (Material writes
# none between single quotes).
BREAKS_OUT = re.compile(r'[<>"\\`\r\n]')
STRING = "tag:yaml.org,2002:str"


# Each value of `config_text` that could write markup or script into a page, to `add(line, col,
# message)`. Navigation titles are keys of `nav`, and checked as values.
def check(config_text: str, add) -> None:
    root = configyaml.compose(config_text)
    if root is not None:
        for name, node in _values(root, ""):
            problem = _problem(name, node.value)
            if problem:
                add(node.start_mark.line + 1, node.start_mark.column + 1, problem)


# (dotted name, scalar node) of every text the theme may write, in the order of the file.
def _values(node, name: str):
    if name in BUILD_ONLY:
        return
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if name.split(".")[0] == "nav" and isinstance(key, yaml.ScalarNode):
                yield "a title in nav", key
            inner = key.value if isinstance(key, yaml.ScalarNode) and name.split(".")[0] != "nav" else ""
            yield from _values(value, f"{name}.{inner}".strip(".") if inner else name)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from _values(item, name)
    elif isinstance(node, yaml.ScalarNode) and node.tag == STRING:
        yield name, node


# What is wrong with `value` where the theme writes it, or "".
def _problem(name: str, value: str) -> str:
    if name in HTML_VALUES:
        unsafe = rendered.read(value).unsafe if "<" in value else []
        return f"{name} holds markup that runs a script: {unsafe[0].describe()}" if unsafe else ""
    # Written into an attribute, "&lt;" is a "<" again; Material's tooltips then show a title as HTML.
    found, referenced = BREAKS_OUT.search(value), False
    if found is None:
        found, referenced = BREAKS_OUT.search(html.unescape(value)), True
    if found is None:
        return ""
    shown = {"\r": "a line break", "\n": "a line break"}.get(found[0], repr(found[0]))
    shown += " (as a character reference)" if referenced else ""
    return (f"{name or 'the value'} holds {shown}, which ends the text, attribute or script string the theme "
            "writes it in, on every page")
