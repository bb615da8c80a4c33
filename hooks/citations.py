"""MkDocs hook: every claim footnote resolves to a cited source, and nothing is lost or unsafe.

Events and wiring only; the work is in citelib/ (state.py lists the order of events of all hooks).
0. on_startup: note `build` or `serve`; the process will leave its heap uncollected at exit.
1. on_config (before mkdocs-bibtex): read the settings, parse and check bib/ once, and let the
   plugin reuse that parse.
2. on_files: a page that is not UTF-8 is noted and built with U+FFFD for its bad bytes.
3. on_pre_build: format each source once, and give the plugin sanitized HTML behind a token.
4. on_page_markdown (before the plugin): check the Markdown; hand the plugin only approved citations.
5. on_page_content: one reading of the rendered page; check it against the Markdown.
6. on_env: keep the theme's compiled templates (templatecache.py); escape the front matter the
   theme writes as raw HTML; check a page's template.
7. on_post_page (serving only): the page's problems in a banner at its top.
8. on_post_build: report every problem of the build together; stop unless serving.
"""

from __future__ import annotations

import atexit
import gc
import html
import logging
import os
from pathlib import Path

from markupsafe import Markup
from mkdocs.commands.build import get_context
from mkdocs.exceptions import Abort
from mkdocs.plugins import event_priority
from mkdocs.structure.files import InclusionLevel
from pybtex.database import BibliographyData

from citelib import (archive, bib, configcheck, configyaml, entries, formatting, htmlcheck, markup, pagemeta,
                     rendered, review, scancache, settings, templatecache, templates, themefiles)
from citelib.diagnostics import line_col, line_starts
from citelib.guard import Guard, restore_parse_file, share_parsed_bibliography
from citelib.pagecheck import check_page, decode_page, front_matter_line, front_matter_lines
from citelib.scan import MarkdownSettings
from citelib.state import PageState, readings, state

log = logging.getLogger("mkdocs.hooks.citations")

# Under `mkdocs serve`, where the page's problems go (on_post_page): first in its content. Every
# page's problems are known only once every page is rendered (on_env adds PAG004).
SERVE_SLOT = "<!-- citation-problems: the preview shows this page's problems here -->"



# Remember whether this is `mkdocs serve`, where problems are printed, not fatal. At the process's
# exit, freeze the heap: Python's exit otherwise runs the cycle collector over it as it clears each
# module, which took 0.13-0.17 s of the real site's 1.4-1.6 s build (0.02 s frozen). Registered
# once however often MkDocs starts in one process (tests build in theirs).
def on_startup(command: str, dirty: bool) -> None:
    state.command = command
    atexit.unregister(gc.freeze)
    atexit.register(gc.freeze)


# What on_pre_build froze is collected again, for a process that goes on (tests build in theirs).
def on_shutdown() -> None:
    gc.unfreeze()


# Read the settings, parse and check bib/ once, before mkdocs-bibtex reads it.
@event_priority(100)
def on_config(config):
    state.reset()
    readings.turn()
    formatting.remember_plugin_lookups()  # before mkdocs-bibtex's own on_config makes its style
    themefiles.install()  # MkDocs lists the theme's files after on_config: not its hidden folders
    state.config_id = id(config)
    state.root = Path(config.config_file_path).resolve().parent
    state.config_path = os.path.relpath(config.config_file_path, state.root)
    state.scan_cache = scancache.ScanCache(state.root)
    config_text = _read_config_text(config.config_file_path)
    state.settings = settings.read(config.extra, config_text,
                                   lambda line, message: state.report.add(state.config_path, line, 1, "CFG001", message))
    configcheck.check_file(Path(config.config_file_path), lambda path, line, col, message: state.report.add(
        os.path.relpath(path, state.root), line, col, "CFG003", message))
    configcheck.replace_surrogates(config)
    plugin = config.plugins.get("bibtex")
    if plugin is None or not hasattr(plugin.config, "bib_dir"):
        state.report.add(state.config_path, 1, 1, "PLG001", "the bibtex plugin is not configured")
        return config
    state.bibliography = bib.load(state.root / (plugin.config.bib_dir or "bib"), state.report, state.root)
    bib.check(state.bibliography, state.report)
    problem = share_parsed_bibliography(state.bibliography.files, bib.file_id, _unread_bib_file)
    if problem:
        state.report.add(state.config_path, 1, 1, "PLG001", problem)
    # The plugin skips re-reading bib/ when no file is newer than its last read, which keeps a
    # stale registry after a file is deleted or bib_dir changes; with our parse shared it is free.
    plugin.last_configured = None
    commands = [c for c in (getattr(plugin.config, "bib_command", ""),
                            getattr(plugin.config, "full_bib_command", "")) if c]
    state.guard = Guard(state.is_source, commands, state.bibliography.broken.__contains__,
                        templates.get_template(config, "partials/citations/citation.html"))
    config.markdown_extensions.append(state.guard.extension())
    # Markers and sources are kept out of the search index (citelib/markup.py).
    config.markdown_extensions.append(markup.extension(state.is_source))
    return config


# Format each source once per bibliography; the plugin writes a token, the page gets safe HTML.
def on_pre_build(config) -> None:
    restore_parse_file()  # every on_config has run: the plugin's own parse_file is back
    # What a build made so far (imports, settings, the parsed bib/) lives until it ends: frozen,
    # the collector's full passes during the pages skip it. Serving collects as before.
    if state.command != "serve":
        gc.freeze()
    registry = getattr(config.plugins.get("bibtex"), "registry", None)
    if registry is None or not hasattr(registry, "reference_text"):
        state.report.add(state.config_path, 1, 1, "PLG001", "mkdocs-bibtex has no registry.reference_text")
        return
    formatting.install_plain_latex_fast_path()
    formatting.install_fast_rich_text()
    # One link per identifier: the plugin's own plain style, with "URL:" left out when the URL is
    # the address of the entry's arXiv or DOI link (entries.OneLinkStyle). The Pandoc registry
    # has no pybtex style.
    if isinstance(getattr(registry, "style", None), entries.PlainStyle):
        registry.style = entries.OneLinkStyle()
    state.disk_cache = formatting.DiskCache(state.root, formatting.formatter_version(
        registry, archive.WORDING, entries.SANITIZER, entries.LINKS_WORDING))
    # Each formatted reference ends with its archived copy, if the entry has one (archive.py), and
    # is kept, in memory and on disk, as the sanitized HTML the page gets.
    with_archive = archive.with_archived_copy(registry.reference_text, lambda: state.bibliography.sources)
    memo = formatting.cached(lambda citation: entries.safe_reference_html(with_archive(citation)),
                             lambda: state.bibliography.sources, state.disk_cache,
                             on_error=lambda source, error: bib.report_unformattable(source, error, state.report))
    registry.reference_text = lambda citation: state.guard.reference_token(memo(citation))


# A page that is not UTF-8 would stop MkDocs with a traceback before any page event (and keep
# `make serve` down): report its first unreadable byte and build it with such bytes replaced.
def on_files(files, config):
    for file in files.documentation_pages():
        if file.abs_src_path is None:
            continue
        try:
            data = Path(file.abs_src_path).read_bytes()
        except OSError:
            continue
        text, problem = decode_page(data)
        if problem is not None:
            state.unreadable[os.path.relpath(file.abs_src_path, state.root)] = problem
            path = file.abs_src_path
            file.content_string = text
            file.abs_src_path = path  # the hooks and git still find the page by its path
    return files


# Check the raw Markdown, then hand the plugin only real citations.
@event_priority(100)
def on_page_markdown(markdown: str, page, config, files) -> str:
    shown = os.path.relpath(page.file.abs_src_path, state.root)
    state.report.clear_path(shown)
    if shown in state.unreadable:
        line, col, message = state.unreadable[shown]
        state.report.add(shown, line, col, "PAG003", message)
    offset = _front_matter_lines(page, markdown)
    # Before any other hook or the theme reads it (this runs first of all page_markdown handlers).
    for key, message in pagemeta.unknown_front_matter(page.meta):
        state.report.add(shown, _front_matter_line(page.file, key), 1, "PAG007", message)
    unread = pagemeta.unread_front_matter(markdown) if not page.meta else None
    if unread is not None:
        state.report.add(shown, *unread[:2], "PAG006", unread[2])
    # The checks read the page with the very Markdown extensions that will render it.
    extensions = MarkdownSettings.of(config.markdown_extensions, config.mdx_configs)
    page_scan = check_page(shown, page.file.src_uri, markdown, offset, state.bibliography,
                           state.settings.content, state.report, extensions, state.scan_cache.scan)
    if page_scan.render_error:  # Markdown would fail with a traceback; PAG002 is reported instead
        state.pages[page.file.src_uri] = PageState(shown, page_scan, line_offset=offset)
        return ""
    guarded, stamped = state.guard.markdown_for_plugin(page_scan)
    state.pages[page.file.src_uri] = PageState(shown, page_scan, line_offset=offset, stamped=stamped,
                                               review=_read_review(page, shown))
    return guarded


# Read the rendered page once, check it, and hand it on without stamps.
@event_priority(-40)
def on_page_content(html_text: str, page, config, files) -> str:
    guard = state.guard
    html_text = guard.finish_references(html_text)
    seen = state.pages.get(page.file.src_uri)
    link_texts = rendered.own_link_texts(config.mdx_configs)
    reading = readings.get(html_text, link_texts) or rendered.read(html_text, guard.stamp, link_texts)
    readings.keep(html_text, link_texts, reading)
    if seen is not None:
        seen.reading, seen.url, seen.title = reading, page.url, page.title or ""
        explained = state.report.has_path(seen.shown_path)
        starts = line_starts(seen.scan.text)  # once per page: a page may have thousands of problems
        for problem in htmlcheck.check_rendered(reading, seen.scan, seen.stamped, state.is_source,
                                                explained):
            _report(problem, seen, starts)
        if (problem := htmlcheck.left_open_problem(html_text, seen.scan, guard.strip_stamps)) is not None:
            _report(problem, seen, starts)
    _strip_toc(page.toc, guard)
    if reading.unsafe:  # reported above; a preview of hostile input must not run it either
        html_text = rendered.defang(html_text)
        # Re-serializing made something live again: text only.
        if rendered.read(html_text, link_texts=link_texts).unsafe:
            html_text = f"<pre>{html.escape(html_text)}</pre>"
    html_text = guard.strip_stamps(html_text)
    # The theme writes the title into <title> through striptags, which decodes references once:
    # escaped twice, a title that would close the <title> (reported above) shows as text.
    shown_title = Markup(page.title or "").striptags()
    if rendered.leaves_the_title(shown_title):
        page.title = html.escape(html.escape(shown_title, quote=False), quote=False)
    # A page without a heading takes its title from its file name, as it is: the theme writes it as
    # HTML in the header and the navigation, and where it cuts it short, its tooltip shows the text a
    # reader sees (character references decoded) as HTML again. (A heading is reported where it
    # stands; front matter in on_env; a title in nav as CFG003.)
    elif "title" not in page.meta and _title_shows_markup(page.title or ""):
        if seen is not None and page.title == pagemeta.title_of_file_name(page.file.name):
            _report(htmlcheck.Problem("HTM006", f"the page's title {page.title!r}, made from its file name, holds "
                                      "markup that the theme writes as HTML in the header and the navigation: "
                                      "rename the file, or start the page with a '# ' heading", 0),
                    seen, line_starts(seen.scan.text))
        page.title = html.escape(html.escape(page.title, quote=False), quote=False)
    return SERVE_SLOT + html_text if state.command == "serve" else html_text


# Whether a page's title, which the theme writes as HTML, is markup there or in its tooltip.
def _title_shows_markup(title: str) -> bool:
    return rendered.holds_markup(title) or rendered.shows_unsafe_markup(html.unescape(title))


# Every page is rendered and no template has run: make the front matter the theme writes as raw
# HTML safe, on every page (a title also shows in the navigation of the others), and report a
# template the theme does not have (built with the default one) instead of a traceback.
@event_priority(-100)
def on_env(env, config, files):
    templatecache.install(env, state.root)
    for file in files.documentation_pages(inclusion=_built_pages()):
        page = file.page
        if page is None or not page.meta:
            continue
        seen = state.pages.get(file.src_uri)
        shown = seen.shown_path if seen else os.path.relpath(file.abs_src_path or file.src_uri, state.root)
        for key, message in pagemeta.non_text_theme_meta(page.meta):
            state.report.add(shown, _front_matter_line(file, key), 1, "PAG006", message)
        for key, message in pagemeta.titles_shown_as_markup(page.meta):
            state.report.add(shown, _front_matter_line(file, key), 1, "HTM006", message)
        pagemeta.escape_theme_meta(page.meta)
        problem = pagemeta.template_problem(env, page.meta) or _template_render_problem(env, page, config, files)
        if problem:
            state.report.add(shown, _front_matter_line(file, "template"), 1, "PAG004", problem)
            del page.meta["template"]
    return env


# Which pages MkDocs builds: serving, the drafts too.
def _built_pages():
    return InclusionLevel.is_in_serve if state.command == "serve" else InclusionLevel.is_included


# The navigation of this build, for rendering a page's named template once in on_env.
def on_nav(nav, config, files):
    global _navigation
    _navigation = nav
    return nav


_navigation = None


# Render a page's named template once with the context MkDocs will give it ("" when it renders).
def _template_render_problem(env, page, config, files) -> str:
    if "template" not in page.meta or _navigation is None:
        return ""
    context = get_context(_navigation, files.documentation_pages(inclusion=_built_pages()), config, page)
    current, page.active, config._current_page = config._current_page, True, page
    try:
        return pagemeta.template_render_problem(env, page.meta["template"], context)
    finally:
        page.active, config._current_page = False, current


# The whole page, the theme's template around the content: its content may not take an id of the
# theme's elements. Serving: the page's own problems in a banner at the top of its content (none:
# the slot goes).
def on_post_page(output: str, page, config) -> str:
    seen = state.pages.get(page.file.src_uri)
    if seen is not None:
        problems, defanged = htmlcheck.taken_id_problems(output, seen.scan)
        starts = line_starts(seen.scan.text) if problems else []
        for problem in problems:
            _report(problem, seen, starts)
        output = defanged if defanged is not None else output
    if state.command != "serve" or SERVE_SLOT not in output:
        return output
    problems = state.report.of_path(seen.shown_path) if seen is not None else []
    banner = ""
    if problems:
        template = templates.get_template(config, "partials/citations/serve-problems.html")
        banner = template.render(path=seen.shown_path, problems=[
            {"code": p.code, "line": p.line, "col": p.col, "message": p.message, "fix": p.kind.fix}
            for p in problems])
    return output.replace(SERVE_SLOT, banner, 1)


# Report every problem of the build together; stop unless serving.
@event_priority(-100)
def on_post_build(config) -> None:
    if state.disk_cache is not None:
        state.disk_cache.save()
    if state.scan_cache is not None:
        state.scan_cache.save()
    cited = {cite.key for seen in state.pages.values() for c in seen.scan.valid_citations for cite in c.cites}
    bib.check_orphans(state.bibliography, cited, state.settings.uncited_sources,
                      state.settings.allow_list_lines, state.config_path, state.report)
    if not state.report:
        return
    if state.command == "serve":
        log.error(_serve_message(state.report))
        return
    raise Abort(state.report.format())


# The problems as `mkdocs serve` logs them: a heading on the ERROR line itself (a bare "\n"
# there printed an empty `ERROR -` line), then the ruff-style lines from column 0.
def _serve_message(report) -> str:
    return "Citation problems (the preview keeps running; fix them before committing):\n" + report.format()


# -----------------------------------------------------------------------------
# Helpers
# -----------------------------------------------------------------------------


# A rendered-page problem at its place: the page's line, or the bib entry that made it.
def _report(problem: htmlcheck.Problem, seen: PageState, starts: list[int]) -> None:
    if problem.source_key:
        source = state.bibliography.sources[problem.source_key]
        field = next((name for name in ("url", "doi", "eprint", "pubmed")
                      if source.entry.fields.get(name) and source.entry.fields[name].strip() in problem.field_hint),
                     "")
        # Kept with the page by its source and field: a serve preview places it again in the .bib
        # file as it is then (an edit above the entry moves it).
        seen.bib_problems.append((problem.source_key, field, problem.code, problem.message))
        state.report.add(*bib.problem_place(source, field), problem.code, problem.message)
        return
    if problem.offset is None:
        state.report.add(seen.shown_path, 1 + seen.line_offset, 1, problem.code,
                         problem.message + " (its place in the source was not found)")
        return
    line, col = line_col(starts, problem.offset)
    state.report.add(seen.shown_path, line + seen.line_offset, col, problem.code, problem.message)


# Stamps out of the table of contents (a heading may carry a citation).
def _strip_toc(toc, guard) -> None:
    for item in toc or []:
        item.title = guard.strip_stamps(item.title)
        _strip_toc(item.children, guard)


# The page's review from its front matter (reviewers, last_reviewed), each problem as PAG005 at
# its key's line; None without one or with a problem.
def _read_review(page, shown: str):
    return review.read_review(page.meta or {}, lambda key, message: state.report.add(
        shown, _front_matter_line(page.file, key), 1, "PAG005", message))


# How many lines of front matter precede the Markdown MkDocs hands to plugins.
def _front_matter_lines(page, markdown: str) -> int:
    try:
        raw, _ = decode_page(Path(page.file.abs_src_path).read_bytes())
    except (OSError, TypeError):
        return 0
    return front_matter_lines(raw, markdown)


# The plugin asked for a .bib file the checks did not read: nothing of it is rendered.
def _unread_bib_file(name: str) -> None:
    state.report.add(state.config_path, 1, 1, "PLG001",
                     f"mkdocs-bibtex reads {name}, which the checks did not read (give bib_dir, not bib_file)")


# The line of a front-matter key in a page's file (1 when it cannot be found).
def _front_matter_line(file, key: str) -> int:
    try:
        raw, _ = decode_page(Path(file.abs_src_path).read_bytes())
    except (OSError, TypeError):
        return 1
    return front_matter_line(raw, key)


# mkdocs.yml as text, for the lines of its settings ("" when it cannot be read).
def _read_config_text(path) -> str:
    try:
        return configyaml.read_text(path)
    except (OSError, UnicodeDecodeError, TypeError):
        return ""
