"""mkdocs.yml's values that a theme writes into every page, held to what can stand there.

MkDocs' Jinja does not escape: Material writes the site's name, copyright, navigation titles,
`extra` and the theme's settings into each page as they are, in text, in attributes and in inline
scripts. `extra.scope` ran `alert` on every page from `__md_scope=new URL("...",location)`, and a
`<script>` in `copyright` or `extra.consent` ran as written. The build and the site check read
each page's content, not what the theme writes around it from the configuration.
"""

from __future__ import annotations

import html
import os
import re

import yaml

from citelib import configyaml, rendered

# Paths and patterns the build reads itself, which no theme writes into a page. Plugins' and
# Markdown extensions' settings are checked: Material writes some of them (the toc extension's
# title heads every page's table of contents).
BUILD_ONLY = {"INHERIT", "docs_dir", "site_dir", "hooks", "watch", "not_in_nav", "exclude_docs", "draft_docs",
              "extra.citations", "extra.redirects"}
# Half of a UTF-16 surrogate pair (YAML's "\ud800"): no page that holds one can be written as UTF-8.
SURROGATE = re.compile("[\ud800-\udfff]")
# Values the theme writes as HTML (Material's copyright may hold a link): markup that runs is refused.
HTML_VALUES = {"copyright"}
# Values the theme writes as a link's address on every page (the repository, the edit button, the
# logo's home, social and language links): a script URL there runs when a reader follows it.
LINK_VALUES = {"site_url", "repo_url", "edit_uri", "extra.homepage", "extra.social.link", "extra.alternate.link"}
# What ends the text, the attribute value or the script string a value stands in (Material writes
# none between single quotes).
BREAKS_OUT = re.compile(r'[<>"\\`\r\n]')
# The site's own scripts and style sheets: one from another site runs code, or restyles every page,
# from outside this repository, and breaks reading offline.
ASSET_VALUES = {"extra_javascript": "a script", "extra_javascript.path": "a script", "extra_css": "a style sheet"}
ADDRESS = re.compile(r"(?:[A-Za-z][A-Za-z0-9+.-]*:|[/\\]{2})")
STRING = "tag:yaml.org,2002:str"
# YAML's own tags for text, numbers, dates, lists and mappings, and MkDocs' two (`!ENV`, `!relative`).
PLAIN_TAGS = {f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "timestamp", "seq",
                                                        "map", "merge")} | {"!ENV", "!relative"}
# A Markdown extension's setting may name a Python function (pymdownx documents it): that names, and
# builds nothing.
PYTHON_NAME = "tag:yaml.org,2002:python/name:"


# Each value of `config_text` that could write markup or script into a page, or that YAML would
# build into something other than text, to `add(line, col, message)`.
def check(config_text: str, add) -> None:
    root = configyaml.compose(config_text)
    if root is not None:
        for mark, problem in _problems(root, ""):
            add(mark.line + 1, mark.column + 1, problem)


# The same for `config_file` and each file it inherits from (INHERIT), to `add(path, line, col, message)`:
# MkDocs merges an inherited file's values into the configuration as if they were written here.
def check_file(config_file, add) -> None:
    seen = set()
    while config_file is not None and config_file.resolve() not in seen:
        seen.add(config_file.resolve())
        try:
            text = configyaml.read_text(config_file)
        except (OSError, UnicodeDecodeError):
            return  # MkDocs reports a file it cannot read
        check(text, lambda line, col, message, shown=config_file: add(shown, line, col, message))
        parent = configyaml.child(configyaml.compose(text), "INHERIT")
        config_file = config_file.parent / parent.value if isinstance(parent, yaml.ScalarNode) else None


# (mark, problem) of every text the theme may write under `node` (named `name`, dotted), and of
# every tag that builds something else.
def _problems(node, name: str):
    if name in BUILD_ONLY:
        return
    if node.tag not in PLAIN_TAGS and not (node.tag.startswith(PYTHON_NAME) and name.startswith("markdown_extensions")):
        yield node.start_mark, (f"{name or 'a value'} has the tag {node.tag}, which builds no text but a Python "
                                "object, bytes or a call: write the value as text")
        return
    if node.tag == "!ENV":
        yield from _environment(node, name)
    elif node.tag == "!relative" and isinstance(node, yaml.ScalarNode):
        # MkDocs writes the folder it names ($config_dir, $docs_dir) and the rest as written.
        problem = _problem(name, node.value)
        if problem:
            yield node.start_mark, problem
    elif isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            is_nav = name.split(".")[0] == "nav"
            if isinstance(key, yaml.ScalarNode):
                yield from _text("a title in nav" if is_nav else f"a key in {name or 'mkdocs.yml'}", key)
            inner = key.value if isinstance(key, yaml.ScalarNode) and not is_nav else ""
            yield from _problems(value, f"{name}.{inner}".strip(".") if inner else name)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from _problems(item, name)
    elif isinstance(node, yaml.ScalarNode) and node.tag == STRING:
        yield from _text(name, node)


# An `!ENV` value as MkDocs reads it: the first of its variables that is set, else its default.
def _environment(node, name: str):
    if isinstance(node, yaml.ScalarNode):
        names, default = [node.value], None
    else:
        items = node.value
        names = [item.value for item in (items[:-1] if len(items) > 1 else items) if isinstance(item, yaml.ScalarNode)]
        default = items[-1] if len(items) > 1 else None
    variable = next((variable for variable in names if variable in os.environ), None)
    if variable is not None:
        problem = _problem(name, os.environ[variable])
        if problem:
            yield node.start_mark, f"{problem} (the value of the environment variable {variable})"
    elif default is not None:
        yield from _problems(default, name)


def _text(name: str, node):
    if node.tag in (STRING, "tag:yaml.org,2002:null", "tag:yaml.org,2002:int", "tag:yaml.org,2002:bool",
                    "tag:yaml.org,2002:float", "tag:yaml.org,2002:timestamp"):
        problem = _problem(name, node.value)
        if problem:
            yield node.start_mark, problem


# Settings (name and value, or any value) that have Material write HTML a second time or from
# outside the site, each with why.
REFUSED = {
    ("theme.features", "navigation.instant.preview"):
        "has Material preview every linked part of a page by reading its HTML a second time (innerHTML), "
        "where markup that is inert once can run a script (as the data-preview attribute, which the build "
        "refuses): leave the feature out",
    ("theme.font.text", None):
        "has Material load the font from Google Fonts on every page, from outside this site, which a reader "
        "offline does not have: leave theme.font false",
    ("theme.font.code", None):
        "has Material load the font from Google Fonts on every page, from outside this site, which a reader "
        "offline does not have: leave theme.font false",
    ("extra.analytics.provider", None):
        "has Material load the provider's script from another site into every page, which no review of this "
        "repository sees: the site has no analytics",
    ("extra.version.provider", None):
        "turns on Material's version selector, which fetches versions.json from above the site's root, "
        "outside this site, and writes each version's title as HTML: the site is not versioned, leave "
        "extra.version out",
}


# What is wrong with `value` where the theme writes it, or "".
def _problem(name: str, value: str) -> str:
    if (half := SURROGATE.search(value)) is not None:
        return (f"{name or 'a value'} holds \\u{ord(half[0]):04x}, half of a surrogate pair, which no page can be "
                "written with (MkDocs would stop with a traceback): write the character itself, or leave it out")
    refused = REFUSED.get((name, value.strip()), REFUSED.get((name, None)))
    if refused:
        return f"{name} {value.strip()!r} {refused}"
    if name in LINK_VALUES and not rendered.safe_url(value):
        return (f"{name} {value.strip()!r} is written as a link on every page, and it is no web address: write an "
                "http(s) address or a path")
    if name in ASSET_VALUES and ADDRESS.match(rendered.url_as_read(value)):
        return (f"{name} {value.strip()!r} loads {ASSET_VALUES[name]} from another site into every page, which "
                "no review of this repository sees and which a reader offline does not have: put the file under "
                "docs/ and name its path")
    # Copyright is written as HTML: read as a browser shows it ("[<!-- -->@key]" shows "[@key]").
    reading = rendered.read(value) if name in HTML_VALUES else None
    shown = reading.visible if reading is not None else rendered.read_as_shown(html.unescape(value))
    if _shown_as_text(name) and (literal := rendered.SHOWN_CITATION.search(shown)):
        return (f"{name or 'a value'} holds {literal[0]!r}, which readers see as a literal citation wherever the "
                "theme writes it (a title, the header, the footer): cite sources in pages, with [@key]")
    if reading is not None:
        unsafe = reading.unsafe if "<" in value else []
        if unsafe:
            return f"{name} holds markup that runs a script: {unsafe[0].describe()}"
        start = rendered.left_open(value, rendered.AROUND_FOOTER) if "<" in value else None
        if start is not None:
            part = value[max(start, 0):max(start, 0) + 40]
            what = f"closes the theme's element around it with {part!r}" if part.startswith("</") else \
                f"leaves {part!r} open at its end"
            return (f"{name} {what}: what the theme writes after it on every page would stand in its markup or "
                    "around it: close every tag, quote and comment it opens, and no other")
        return ""
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


# Whether the theme may show a value as text: any but a pattern ("[^a-z]+" as the search's separator, a
# slug function's or an exclusion's), whose brackets are no citation. (Plugins' and extensions'
# settings may be shown: the toc extension's title heads every page's table of contents.)
def _shown_as_text(name: str) -> bool:
    last = name.rsplit(".", 1)[-1].lower()
    return not any(word in last for word in ("separator", "pattern", "regex", "slugify", "exclude", "ignore"))


# Replace each half of a surrogate pair in the settings (but the build's own paths) with U+FFFD, in place: the
# build goes on to report it (above) instead of stopping in MkDocs with a traceback.
def replace_surrogates(config) -> None:
    for name in list(config.keys()):
        if name in BUILD_ONLY:
            continue
        value = config.get(name)
        if isinstance(value, str):
            if SURROGATE.search(value):
                config[name] = SURROGATE.sub("\ufffd", value)
        elif value is not None:
            _replace_inside(value)


def _replace_inside(container, depth: int = 0) -> None:
    if depth > 100:
        return
    items = list(container.items()) if hasattr(container, "items") else list(enumerate(container)) \
        if isinstance(container, list) else []
    for key, value in items:
        if isinstance(value, str):
            if SURROGATE.search(value):
                container[key] = SURROGATE.sub("\ufffd", value)
        elif isinstance(value, list) or hasattr(value, "items"):
            _replace_inside(value, depth + 1)
    # A title in nav is a key: the mapping is written again, in its order.
    if type(container) is dict and any(isinstance(key, str) and SURROGATE.search(key) for key in container):
        renamed = {SURROGATE.sub("\ufffd", key) if isinstance(key, str) else key: value
                   for key, value in container.items()}
        container.clear()
        container.update(renamed)
