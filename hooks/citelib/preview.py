"""A live preview that rebuilds what an edit changed: each page's outputs, kept by what they depend on.

`mkdocs serve --dirty` asks each page whether it was modified; hooks/preview.py answers from here.
A page is rendered again only when its key changed. The key holds everything the page's rendering
reads: its own bytes, the site's signature (mkdocs.yml, the hooks, the theme overrides, the Markdown
settings), the list of files and their URLs (links resolve against it), the set of source keys and
quarantined keys (checks and suggestions read it), the text of every entry the page may cite, the
glossary's hover terms it may show, and its last-change date. A page whose key is kept gets back
what rendering it gave: the HTML, table of contents, title, anchors, front matter, the citation
hook's reading, claims and problems, its warnings, and its search entries. Cross-page outputs (the
sources page and its "Cited by" lists, claims.json, the search index, the orphan check) are made
again every build from every page's kept contributions. A page is written again when it was
rendered, or when the navigation (every page's title and address) changed.

Library code: inputs as arguments, no MkDocs events (docs/contributing/performance.md has the table
of what invalidates what).
"""

from __future__ import annotations

import copy
import hashlib
import html
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable


# Any `@key` in a page's text: the scanner's key characters (scan.CITE_ITEM), wherever they stand,
# so every key a citation, footnote or check on the page can name is among them.
KEY_TOKEN = re.compile(r"@([A-Za-z0-9_-]+)")


# What rendering one page gave, and what it added to the site's shared outputs.
@dataclass
class Kept:
    key: str
    markdown: str
    meta: dict
    content: str
    toc: Any
    title_from_render: str | None
    anchors: set[str] | None
    # Links to anchors of other pages, by the target's src_uri (File objects are new every build).
    links_to_anchors: dict[str, dict[str, str]] | None
    # The citation hook's PageState: scan, reading, claims, bib problems.
    page_state: Any
    # Problems at the page's own path, as (path, line, col, code, message).
    problems: list[tuple]
    # Warnings logged while the page was rendered (broken links, ...): logged again when reused.
    warnings: list[logging.LogRecord]
    search_entries: list[dict] = field(default_factory=list)


# One serve session's kept pages, for one site folder.
class PreviewCache:
    def __init__(self) -> None:
        self.site = ""
        self.pages: dict[str, Kept] = {}
        self.nav = None
        # Output files written by the last build: one that is no longer a page's is deleted.
        self.outputs: set[str] = set()

    # A new build: with another site signature nothing kept is valid (config, hooks, theme).
    def start(self, site_signature: str) -> None:
        if site_signature != self.site:
            self.pages.clear()
            self.nav = None
        self.site = site_signature

    def reusable(self, src_uri: str, key: str | None) -> Kept | None:
        kept = self.pages.get(src_uri)
        return kept if kept is not None and key is not None and kept.key == key else None

    # Keep this build's pages and let every other one go (memory stays one entry a page).
    def replace(self, pages: dict[str, Kept]) -> None:
        self.pages = pages

    def clear(self) -> None:
        self.__init__()


# -----------------------------------------------------------------------------
# Keys
# -----------------------------------------------------------------------------


def _digest(*parts: Iterable[str | bytes] | str | bytes) -> str:
    hasher = hashlib.sha256()
    for part in parts:
        items = [part] if isinstance(part, (str, bytes)) else part
        for item in items:
            data = item if isinstance(item, bytes) else item.encode("utf-8", "surrogatepass")
            hasher.update(len(data).to_bytes(8, "big"))
            hasher.update(data)
    return hasher.hexdigest()


# What every page's output depends on: the config file's text, the code of the hooks and the
# theme overrides (every file below `code_dirs`), and any other settings given as text.
def site_signature(config_text: bytes, code_dirs: Iterable[Path], *settings: str) -> str:
    parts: list[str | bytes] = [config_text, *settings]
    for folder in code_dirs:
        for path in sorted(Path(folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                parts += [path.as_posix(), path.read_bytes()]
    return _digest(parts)


# Every file's source path and address: a link on a page resolves against this list.
def files_signature(files: Iterable[tuple[str, str]]) -> str:
    return _digest(sorted(f"{src}\0{url}" for src, url in files))


# The set of source keys and of quarantined keys (unknown-key checks and suggestions read them).
def keys_signature(source_keys: Iterable[str], broken: Iterable[str]) -> str:
    return _digest(sorted(source_keys), ["\0broken"], sorted(broken))


# The glossary terms whose text (any case) the page's text holds, with their definitions: the
# hover titles it can get. Whitespace is folded and character references and backslash escapes
# are undone, so a term that the page shows is found in what the page says.
def glossary_part(text: str, titles: dict[str, str]) -> list[str]:
    if not titles:
        return []
    folded = " ".join(html.unescape(text.replace("\\", "")).split()).lower()
    return [f"{term}\0{title}" for term, title in sorted(titles.items()) if term.lower() in folded]


# A page's key: its bytes and everything else its rendering reads. `entry_keys` maps each source
# key the page may cite to its entry's formatting key (formatting.entry_key).
def page_key(raw: bytes, shared: str, entry_keys: dict[str, str], glossary: list[str], date: str) -> str:
    cited = [f"{key}\0{value}" for key, value in sorted(entry_keys.items())]
    return _digest([raw, shared, date, "\0cites"], cited, ["\0glossary"], glossary)


# Keys the page's text may name (a superset of its citations and footnote labels).
def named_keys(text: str) -> set[str]:
    return set(KEY_TOKEN.findall(text))


# -----------------------------------------------------------------------------
# Pages
# -----------------------------------------------------------------------------


# What rendering `page` gave, to keep (its front matter copied: on_env escapes it in place).
def keep_page(page, key: str, page_state, problems: list[tuple], warnings: list[logging.LogRecord]) -> Kept:
    links = page.links_to_anchors
    return Kept(
        key=key, markdown=page.markdown, meta=copy.deepcopy(page.meta), content=page.content, toc=page.toc,
        title_from_render=page._title_from_render,
        anchors=set(page.present_anchor_ids) if page.present_anchor_ids is not None else None,
        links_to_anchors=None if links is None else {f.src_uri: dict(a) for f, a in links.items()},
        page_state=page_state, problems=problems, warnings=warnings)


# Give `page` back what rendering it gave, as if it had just been rendered.
def restore_page(page, kept: Kept, files) -> None:
    page.markdown = kept.markdown
    page.meta = copy.deepcopy(kept.meta)
    page.content = kept.content
    page.toc = kept.toc
    page._title_from_render = kept.title_from_render
    page.present_anchor_ids = set(kept.anchors) if kept.anchors is not None else None
    if kept.links_to_anchors is None:
        page.links_to_anchors = None
    else:
        page.links_to_anchors = {}
        for src_uri, anchors in kept.links_to_anchors.items():
            target = files.get_file_from_path(src_uri)
            if target is not None:
                page.links_to_anchors[target] = dict(anchors)


# The navigation as the theme shows it on every page: each item's kind, title and address.
def nav_signature(items) -> str:
    parts: list[str] = []

    def walk(entries, depth: int) -> None:
        for item in entries:
            parts.append(f"{depth}\0{type(item).__name__}\0{item.title}\0{getattr(item, 'url', '')}")
            walk(getattr(item, "children", None) or [], depth + 1)

    walk(items, 0)
    return _digest(parts)


# The search index's entries in build order: each page's own, fresh or kept.
def search_entries(order: Iterable[str], pages: dict[str, Kept]) -> list[dict]:
    return [entry for src_uri in order if src_uri in pages for entry in pages[src_uri].search_entries]
