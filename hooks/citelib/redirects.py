"""Pages that moved: one table (`extra.redirects` in mkdocs.yml, old path: new path, both in docs/)
and, for each row, a small page at the old address that sends the reader to the new one.

A redirect page works online and from disk (file://, the offline zip): its links are relative, a
script carries the #anchor over, a refresh does the same without scripts (to the top of the page),
and a visible link is there if neither runs. It names the new page as canonical and asks search
engines not to index it; it is no page of the site, so neither the sitemap nor search lists it.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urljoin

import yaml
from mkdocs.structure.files import File
from mkdocs.utils import get_relative_url

from citelib import configyaml

# A page path inside docs/: plain names joined by "/", ending in .md; no "..", no leading "/", so a
# redirect page can only be written inside the site.
PAGE_PATH = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*(?:/[A-Za-z0-9_][A-Za-z0-9_.-]*)*\.md")
SETTING = "extra.redirects"


# One row of the table, with its line in mkdocs.yml.
@dataclass(frozen=True)
class Redirect:
    old: str
    new: str
    line: int


# Where a redirect page goes in the site, and the link that leads on from it.
@dataclass(frozen=True)
class RedirectPage:
    dest_uri: str
    href: str
    canonical: str


# The table under `extra.redirects`, read from MkDocs' parsed `extra` and the file's text (for
# line numbers). Each bad row is reported as add(line, message) and left out.
def read(extra, config_text: str, add) -> list[Redirect]:
    raw = extra.get("redirects") if isinstance(extra, Mapping) else None
    if raw is None:
        return []
    lines = _lines_of(config_text)
    top = lines.get(None, 1)
    if not isinstance(raw, Mapping):
        add(top, f"{SETTING} must be a mapping of old page: new page, not {_kind(raw)}")
        return []
    found = []
    # YAML keeps the last of two equal keys without a word: each earlier one is named here.
    for line, old in _repeated_keys(config_text):
        add(line, f"{SETTING}: '{old}' is given again further down, and only the last row counts: "
            "keep one row per old page")
    for old, new in raw.items():
        line = lines.get(str(old), top)
        bad = [f"'{value}'" for value in (old, new) if not isinstance(value, str) or not PAGE_PATH.fullmatch(value)]
        if bad:
            add(line, f"{SETTING}: {' and '.join(bad)} is not a page path in docs/ (like questions/rlhf.md)")
            continue
        found.append(Redirect(old, new, line))
    return found


# The rows that can be written, given the site's files: an old path must have no file of its own
# any more (else the redirect would overwrite it), and a new path must be a page.
def check(redirects: list[Redirect], dest_of_file: Mapping[str, str], pages: set[str],
          use_directory_urls: bool, add) -> list[Redirect]:
    taken = {dest: src for src, dest in dest_of_file.items()}
    # Two old paths can build to one address (a.md and a/index.md): the second page would overwrite the first.
    written: dict[str, str] = {}
    usable = []
    for redirect in redirects:
        dest = _file(redirect.old, use_directory_urls).dest_uri
        if dest in written:
            add(redirect.line, f"{SETTING}: {redirect.old} and {written[dest]} both build to {dest}, so one "
                "redirect page would replace the other: keep one of the two rows")
        elif dest in taken:
            still = "still a page" if taken[dest] == redirect.old else f"taken: {taken[dest]} is built at its address"
            add(redirect.line, f"{SETTING}: {redirect.old} is {still}; the redirect would replace it: "
                "delete that file or this row")
        elif redirect.new not in pages:
            add(redirect.line, f"{SETTING}: {redirect.old} leads to {redirect.new}, which is no page in docs/")
        else:
            written[dest] = redirect.old
            usable.append(redirect)
    return usable



# The page written for one row: its place in the site, its relative link, and the canonical URL.
def page_for(redirect: Redirect, use_directory_urls: bool, site_url: str | None) -> RedirectPage:
    old = _file(redirect.old, use_directory_urls)
    new = _file(redirect.new, use_directory_urls)
    href = get_relative_url(new.url, old.url)
    canonical = urljoin(site_url, new.url) if site_url else ""
    return RedirectPage(posixpath.normpath(old.dest_uri), href, canonical)


# Where MkDocs builds the file at a docs/ path, in the site.
def dest_uri(src: str, use_directory_urls: bool) -> str:
    return _file(src, use_directory_urls).dest_uri


# A File for a docs/ path as MkDocs would build it (no file needs to exist).
def _file(src: str, use_directory_urls: bool) -> File:
    return File(src, src_dir=None, dest_dir="", use_directory_urls=use_directory_urls)


# How a YAML value is called in a message.
def _kind(value) -> str:
    return {list: "a list", str: f"the text {value!r}"}.get(type(value), f"{type(value).__name__} {value!r}")


# Line of `extra.redirects` (key None) and of each of its keys, from the composed YAML; MkDocs'
# own tags (!ENV) are composed, not constructed, so any mkdocs.yml reads.
def _lines_of(config_text: str) -> dict:
    root = configyaml.compose(config_text)
    if root is None:
        return {}
    found: dict = {}
    extra = configyaml.child(root, "extra")
    if not isinstance(extra, yaml.MappingNode):
        return found
    for key, value in extra.value:
        if key.value == "redirects":
            found[None] = key.start_mark.line + 1
            if isinstance(value, yaml.MappingNode):
                found.update({str(k.value): k.start_mark.line + 1 for k, _ in value.value})
    return found


# (line, key) of each key of `extra.redirects` that a later key of the same table repeats.
def _repeated_keys(config_text: str) -> list[tuple[int, str]]:
    root = configyaml.compose(config_text)
    if root is None:
        return []
    table = configyaml.child(configyaml.child(root, "extra"), "redirects")
    if not isinstance(table, yaml.MappingNode):
        return []
    keys = [(key.start_mark.line + 1, str(key.value)) for key, _ in table.value if isinstance(key, yaml.ScalarNode)]
    return [(line, name) for index, (line, name) in enumerate(keys) if any(name == later for _, later in keys[index + 1:])]

