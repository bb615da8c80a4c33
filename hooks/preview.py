"""MkDocs hook: under `mkdocs serve --dirty` (`make serve`), a rebuild renders only the pages an edit
changed and writes only what changed; every other page's outputs are reused (citelib/preview.py
says what a page's key holds). A plain build, or `mkdocs serve` without --dirty, renders every page:
this hook then does nothing.

MkDocs' dirty mode asks `file.is_modified()` before rendering a page and again before writing it;
this hook answers both from the kept pages, gives a skipped page back its outputs before anything
reads them, and makes the search index from every page's entries in build order (Material's own
dirty-mode index keeps one page's entries, at the end).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from mkdocs.plugins import event_priority

from citelib import bib, formatting, preview
from citelib.scan import MarkdownSettings
from citelib.state import require_citations, state

log = logging.getLogger("mkdocs.hooks.preview")

# Whether the last on_startup was a dirty serve; each site folder takes it at its first build (a
# test builds a serve site and clean ones in one process).
_startup_dirty = False
_dirty_sites: dict[str, bool] = {}
# Kept pages of each dirty-served site folder.
_caches: dict[str, preview.PreviewCache] = {}


# This build's decisions and what it has seen so far.
class _Build:
    def __init__(self) -> None:
        self.active = False
        self.cache: preview.PreviewCache | None = None
        self.site_dir = ""
        self.nav = None
        self.order: list[str] = []
        self.keys: dict[str, str | None] = {}
        self.render: set[str] = set()
        self.write: set[str] = set()
        self.always_write: set[str] = set()
        self.writing = False
        self.kept: dict[str, preview.Kept] = {}
        self.outputs: set[str] = set()
        self.search = None
        self.search_start = 0
        self.catcher: _Catcher | None = None


_build = _Build()


# Warnings logged while one page renders, to log again when the page is reused.
class _Catcher(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def on_startup(command: str, dirty: bool) -> None:
    global _startup_dirty
    _startup_dirty = command == "serve" and dirty
    if _startup_dirty:  # MkDocs warns that a dirty build is inaccurate; with this hook it is not
        build_log = logging.getLogger("mkdocs.commands.build")
        if not any(isinstance(f, _DirtyWarning) for f in build_log.filters):
            build_log.addFilter(_DirtyWarning())


# Drops MkDocs' warning that a dirty build "will likely lead to inaccurate navigation": the
# preview writes what a clean build writes (tests/test_preview.py), and says what it rendered.
class _DirtyWarning(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not (isinstance(record.msg, str) and record.msg.startswith("A 'dirty' build is being performed"))


# Active only for a dirty serve; a new config, hook or template (its signature) forgets every page.
@event_priority(90)
def on_config(config):
    global _build
    require_citations("preview.py", config)
    _detach_catcher()
    _build = _Build()
    site_dir = os.path.abspath(config.site_dir)
    _build.active = _dirty_sites.setdefault(site_dir, _startup_dirty)
    if not _build.active:
        return config
    _build.site_dir = site_dir
    _build.cache = _caches.setdefault(site_dir, preview.PreviewCache())
    code = [Path(__file__).parent]
    if config.theme.custom_dir:
        code.append(Path(config.theme.custom_dir))
    settings = MarkdownSettings.of(config.markdown_extensions, config.mdx_configs)
    signature = preview.site_signature(Path(config.config_file_path).read_bytes(), code,
                                       repr(settings.cache_key), config.docs_dir, config.site_url or "")
    _build.cache.start(signature)
    return config


# Each page's key; a page whose key is kept gets its outputs back and is neither rendered nor
# (unless the navigation changes) written.
@event_priority(-100)
def on_nav(nav, *, config, files):
    if not _build.active:
        return nav
    _build.nav = nav
    sources = state.bibliography.sources
    shared = preview.files_signature((f.src_uri, f.url) for f in files) + preview.keys_signature(
        sources, state.bibliography.broken)
    every_source: dict[str, str] = {}
    for file in files.documentation_pages():
        src = file.src_uri
        _build.order.append(src)
        _build.outputs.add(os.path.normpath(file.abs_dest_path))
        raw = _raw_bytes(file)
        text = raw.decode("utf-8", "replace")
        if src == state.settings.sources_page:
            # It lists every source (rendered again when one changes) and, once every page is
            # read, every marker citing each (its "Cited by" lists): so it is written every build.
            named = every_source or {name: formatting.entry_key(source) for name, source in sources.items()}
            every_source = named
            _build.always_write.add(src)
        else:
            named = {name: formatting.entry_key(sources[name]) for name in preview.named_keys(text) if name in sources}
        key = preview.page_key(raw, shared, named, preview.glossary_part(text, state.glossary_titles),
                               state.page_dates.get(src, ""))
        _build.keys[src] = key
        reusable = _build.cache.reusable(src, key)
        if reusable is None or file.page is None:
            _build.render.add(src)
        else:
            _reuse(file, reusable, files)
        file.is_modified = _asker(src, file)
    return nav


# Catch the warnings of the page about to be rendered.
@event_priority(1000)
def on_pre_page(page, *, config, files):
    if _build.active:
        _detach_catcher()
        _build.catcher = _Catcher()
        logging.getLogger("mkdocs").addHandler(_build.catcher)
    return page


# Keep what rendering the page gave, once every hook has seen it.
@event_priority(-1000)
def on_page_content(html_text: str, *, page, config, files) -> str:
    if not _build.active:
        return html_text
    warnings = _build.catcher.records if _build.catcher else []
    _detach_catcher()
    src = page.file.src_uri
    page.content = html_text
    seen = state.pages.get(src)
    problems = [(d.path, d.line, d.col, d.code, d.message) for d in state.report.at(seen.shown_path)] if seen else []
    _build.kept[src] = preview.keep_page(page, _build.keys.get(src) or "", seen, problems, warnings)
    return html_text


# Every page is rendered or reused: put the pages in build order, and write them all when the
# navigation changed (it shows on every page), else only the rendered ones.
@event_priority(-200)
def on_env(env, *, config, files):
    if not _build.active:
        return env
    state.pages = {src: state.pages[src] for src in _build.order if src in state.pages} | state.pages
    nav = preview.nav_signature(_build.nav.items) if _build.nav is not None else ""
    if nav != _build.cache.nav:
        _build.write = set(_build.order)
    else:
        # A page at a theme template's address (404.html) is written over what the template
        # wrote just before it, in every build.
        templates = set(config.theme.static_templates) | set(config.extra_templates)
        _build.write = set(_build.render) | _build.always_write | {
            f.src_uri for f in files.documentation_pages() if f.dest_uri in templates}
    _build.cache.nav = nav
    _build.writing = True
    log.info("preview: %d of %d pages rendered again, %d written", len(_build.render), len(_build.order),
             len(_build.write))
    _build.search = _search_index(config)
    return env


# Where this page's entries start in the search index (the search plugin adds them next).
@event_priority(100)
def on_page_context(context, *, page, config, nav):
    if _build.active and _build.search is not None:
        _build.search_start = len(_build.search.entries)
    return context


# Keep the entries the search plugin made for this page.
@event_priority(-100)
def on_post_page(output: str, *, page, config) -> str:
    kept = _build.kept.get(page.file.src_uri) if _build.active else None
    if kept is not None and _build.search is not None:
        kept.search_entries = _build.search.entries[_build.search_start:]
    return output


# The search index from every page's entries in build order; delete what a removed page left.
@event_priority(50)
def on_post_build(config) -> None:
    search_plugin = _search_plugin(config)
    if search_plugin is not None:
        # Material's own dirty-mode merge (the previous index's entries, this build's one page's
        # at the end) never applies: this hook makes the whole index. Its instance outlives a
        # build, so a clean build in the same process would merge a dirty one's index too.
        search_plugin.search_index_prev = None
    if not _build.active:
        return
    index = getattr(search_plugin, "search_index", None)
    if index is not None:
        index.entries = preview.search_entries(_build.order, _build.kept)
    for stale in _build.cache.outputs - _build.outputs:
        try:
            os.remove(stale)
        except OSError:
            pass
    _build.cache.outputs = _build.outputs
    _build.cache.replace(_build.kept)


# A failed build leaves nothing kept that it may have half made.
def on_build_error(error) -> None:
    _detach_catcher()
    if _build.active and _build.cache is not None:
        _build.cache.clear()


# -----------------------------------------------------------------------------
# Helpers
# -----------------------------------------------------------------------------


# Give a page back its kept outputs, problems and warnings; its contributions count again.
def _reuse(file, kept: preview.Kept, files) -> None:
    preview.restore_page(file.page, kept, files)
    _build.kept[file.src_uri] = kept
    seen = kept.page_state
    if seen is not None:
        state.pages[file.src_uri] = seen
        for problem in kept.problems:
            state.report.add(*problem)
        for key, field, code, message in seen.bib_problems:
            source = state.bibliography.sources.get(key)
            if source is not None:
                state.report.add(*bib.problem_place(source, field), code, message)
    for record in kept.warnings:
        logging.getLogger(record.name).handle(record)


# The page's `is_modified`: before on_env, whether to render it; after, whether to write it.
def _asker(src: str, file):
    def is_modified() -> bool:
        if not _build.writing:
            return src in _build.render
        return src in _build.write or not os.path.isfile(file.abs_dest_path)
    return is_modified


# The page's bytes as on disk (a page that is not UTF-8 is keyed by its bad bytes too).
def _raw_bytes(file) -> bytes:
    if file.abs_src_path:
        try:
            return Path(file.abs_src_path).read_bytes()
        except OSError:
            pass
    return file.content_bytes


def _search_plugin(config):
    return next((p for p in config.plugins.values() if hasattr(p, "search_index_prev")), None)


def _search_index(config):
    plugin = _search_plugin(config)
    return getattr(plugin, "search_index", None) if plugin is not None else None


def _detach_catcher() -> None:
    if _build.catcher is not None:
        logging.getLogger("mkdocs").removeHandler(_build.catcher)
        _build.catcher = None
