"""What crosses hooks in one build, and nothing else. Imported by the hooks alone: the library's
other modules take their inputs as arguments.

Order of events across the hooks (mkdocs.yml lists them; MkDocs runs hooks after plugins for
the same event unless a priority says otherwise):

| event | who | what |
| --- | --- | --- |
| on_startup | citations | note `build` or `serve`; at the process's exit, leave the heap uncollected (gc.freeze) |
| on_config (200) | page_dates | ask git for every page's dates: it answers while the others set up |
| on_config (100, before mkdocs-bibtex) | citations | settings, parse and check bib/, the guard, the plugin reuses the parse |
| on_config | sources_page, claims_ledger, page_metadata, glossary | forget the previous build; require citations to have run |
| on_config | redirects | read extra.redirects (CFG002 for a bad row); require citations to have run |
| on_config (90) | preview | `mkdocs serve --dirty` only: what the site's outputs depend on (config, hooks, templates) |
| on_files | citations | pages that are not UTF-8: noted, built with U+FFFD |
| on_files | redirects | each redirect's old address is free and its new page exists (CFG002) |
| on_files | sources_page | the whole bibliography as one .bib file, a generated file of the site |
| on_files | page_dates | git's answer: each page's first publication and last change (the preview's keys read them) |
| on_pre_build | citations | building (not serving): freeze what lives through the build; format each source once, as sanitized HTML behind a token |
| on_nav | citations | keep the navigation, to render a page's named template once in on_env |
| on_nav | sources_page, claims_ledger | where the sources page is, the reading order |
| on_nav (-100) | preview | each page's key; a page whose key is kept gets its outputs back and is not rendered |
| on_pre_page (1000) | preview | catch the warnings of a page being rendered |
| on_page_markdown (100) | citations | check the Markdown and the review front matter, hand the plugin only approved citations, each stamped |
| on_page_markdown (0) | mkdocs-bibtex | `[@key]` becomes `[^key]` plus a footnote definition |
| on_page_markdown (0) | page_dates | the page's dates and history link into its meta |
| on_page_markdown (-10) | sources_page | the list of sources with their COinS, on the sources page |
| on_page_markdown (-50) | glossary | hover terms (`abbr` gets only the terms a page's text holds) |
| on_page_content (-40) | citations | references in, one reading of the page, HTM checks (markup that leaves the content too), stamps out; a title that holds markup shown as text; serving: a slot for the problems banner |
| on_page_content (-50) | claims_ledger, page_metadata | claims from the reading; the review, Cite this page, Scholar tags, link previews, JSON-LD |
| on_page_content (-1000) | preview | keep the rendered page's outputs |
| on_env (-100) | citations | keep compiled templates (templatecache); escape the front matter the theme writes as raw HTML; a named template that is missing, fails or leaves the content out is PAG004 |
| on_env (-200) | preview | pages in build order; which pages are written (all when the navigation changed) |
| on_page_context (100) | preview | where the page's search entries start |
| on_post_page | sources_page | the "Cited by" lists, once every page is read |
| on_post_page | citations | serving only: the page's problems in a banner at its top |
| on_post_page | redirects | note each page's title, for the link on its redirect pages |
| on_post_page (-100) | preview | keep the page's search entries |
| on_post_build (50) | preview | the search index from every page's entries, in build order; outputs of removed pages deleted |
| on_post_build | claims_ledger | write site/claims.json |
| on_post_build | redirects | a redirect page at each old address (overrides/partials/redirect.html) |
| on_post_build (-100) | citations | orphan sources, then every problem at once; stop unless serving |
| on_shutdown | citations | let go of what on_pre_build froze |
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from mkdocs.exceptions import PluginError

from citelib.bib import Bibliography
from citelib.diagnostics import Report
from citelib.rendered import Reading
from citelib.scan import Scan
from citelib.settings import Settings


# One page as the citation hook saw it, for the hooks that run after it.
@dataclass
class PageState:
    shown_path: str
    scan: Scan
    url: str = ""
    title: str = ""
    # Lines of front matter before the Markdown that MkDocs hands to plugins.
    line_offset: int = 0
    # Each stamped cite (its key, locator and offset in the Markdown), in stamp order.
    stamped: list = field(default_factory=list)
    reading: Reading | None = None
    # Who reviewed the page and when (citelib.review.Review), from its front matter; None without.
    review: object = None
    # What the page adds to site-wide outputs, kept with it by a serve preview (citelib/preview.py):
    # its claims and its line of the ledger's page list (None: not listed), and each problem the
    # page caused at a bib entry, as (key, field, code, message): its place is the entry's own.
    claims: list = field(default_factory=list)
    claims_page: dict | None = None
    bib_problems: list[tuple[str, str, str, str]] = field(default_factory=list)


# One build's shared facts; reset by citations.on_config at the start of every build.
class BuildState:
    def __init__(self) -> None:
        self.command = "build"
        self.reset()

    def reset(self) -> None:
        # id() of the config this build's citation hook read: the other hooks check it is theirs.
        self.config_id = 0
        self.report = Report()
        self.settings = Settings()
        self.bibliography = Bibliography()
        self.root = Path.cwd()
        self.config_path = "mkdocs.yml"
        self.guard = None
        # Page src_uri -> what the citation hook learned of it, in build order.
        self.pages: dict[str, PageState] = {}
        # Formatted references kept on disk between builds (formatting.DiskCache), once set up.
        self.disk_cache = None
        # Page scans kept in memory and on disk (scancache.ScanCache), once set up.
        self.scan_cache = None
        # Shown path of each page that is not UTF-8 -> (line, col, message) of its first bad byte.
        self.unreadable: dict[str, tuple[int, int, str]] = {}
        # Inputs of every page that other hooks read, for the serve preview's keys: the glossary's
        # {term: definition} (glossary.py) and each page's last change (page_dates.py).
        self.glossary_titles: dict[str, str] = {}
        self.page_dates: dict[str, str] = {}

    # Whether a key names a source of bib/.
    def is_source(self, key: str) -> bool:
        return key in self.bibliography


state = BuildState()


# Readings of rendered pages by their HTML and what the reading took from the configuration (the
# extensions' own link texts), from the previous build and this one: a `mkdocs serve` rebuild reads
# again only the pages whose HTML or settings changed (the nonce is the process's).
class _Readings:
    def __init__(self) -> None:
        self.before: dict[tuple[str, frozenset[str]], Reading] = {}
        self.now: dict[tuple[str, frozenset[str]], Reading] = {}

    def get(self, html_text: str, link_texts: frozenset[str]):
        key = (html_text, link_texts)
        return self.now.get(key) or self.before.get(key)

    def keep(self, html_text: str, link_texts: frozenset[str], reading) -> None:
        self.now[(html_text, link_texts)] = reading

    # A new build: what the last one read may be reused once more, the rest is let go.
    def turn(self) -> None:
        self.before, self.now = self.now, {}


readings = _Readings()


# Stop the build when hooks/citations.py did not run first: the other hooks only show what it
# checked, and without it they would publish pages nobody checked.
def require_citations(hook: str, config) -> None:
    if state.config_id != id(config):
        raise PluginError(f"hooks/{hook} needs hooks/citations.py, listed before it under `hooks:` in "
                          "mkdocs.yml: without it no citation on the site is checked")
