"""MkDocs hook: every claim footnote resolves to a cited source, and nothing is lost on the way.

mkdocs-bibtex 4.4.0 turns `[@key]` into footnotes, but it also rewrites look-alikes in code,
deletes bracketed text with an "@", drops unknown keys and locators with only a warning, and
formats every entry again on every page. This hook guards it without forking it:

1. on_config (before the plugin): parse bib/ once, check every entry, and hand the parsed data
   to the plugin in place of its own parse.
2. on_nav: on a cold build of a large site, start a helper process that formats the sources
   on the other core, in the order the pages cite them (formatcache.FormatAhead).
3. on_page_markdown (before the plugin): check the raw Markdown; hide code and look-alikes
   behind tokens; write each citation as `[@key]` plus a visible locator.
4. A Markdown preprocessor puts the hidden text back, byte for byte, before rendering.
5. on_page_content (after everything): check the rendered HTML.
6. on_post_build: report every problem of the build together, then stop the build
   (in `mkdocs serve`, print them and keep serving).
"""

from __future__ import annotations

import gc
import html
import logging
import os
import re
import secrets
from pathlib import Path

import mkdocs_bibtex.registry
from markdown import Extension
from markdown.preprocessors import Preprocessor
from mkdocs.exceptions import Abort
from mkdocs.plugins import event_priority

import bibfiles
import formatcache
from bibfiles import Bibliography
from buildstate import state
from pages import ContentRules, check_page, front_matter_lines
from scan import PREFIXED_KEY, Scan

log = logging.getLogger("mkdocs.hooks.citations")

# -----------------------------------------------------------------------------
# Patterns
# -----------------------------------------------------------------------------

# Hidden text becomes "\ue000<nonce>:<n>\ue001"; the random nonce keeps a page's own private-use
# characters from ever being taken for a token.
NONCE = secrets.token_hex(4)
TOKEN = re.compile(f"\ue000{NONCE}:\\d+\ue001")
# The plugin's own idea of a citation block; anything it would match must be ours.
PLUGIN_BLOCK = re.compile(r"\[(.*?)\]")
# The body of a bracket the plugin may keep: one known key, nothing else.
CITATION_BODY = re.compile(r"@[A-Za-z0-9_-]+")
UNSAFE_SCHEME = re.compile(r'href="(?!https?:|mailto:|#|/|\.|[^":]*(?:[/?#"]|$))([a-zA-Z][\w+.-]*:[^"]*)"')
FOOTNOTE_REF_HTML = re.compile(r'<a class="footnote-ref" href="#fn:([^"]+)"')
FOOTNOTE_ITEM_HTML = re.compile(r'<li id="fn:([^"]+)">')
SKIP_HTML = re.compile(r"<(pre|code|script|style)\b.*?</\1>", re.S | re.I)
CODE_HTML = re.compile(r"<(pre|code)\b.*?</\1>", re.S | re.I)
CODE_FOOTNOTE = re.compile(r"\[\^([A-Za-z0-9_-]+)\]")
LITERAL_CITATION = re.compile(r"\[@([A-Za-z0-9_-]+)")
MARKER_ID = re.compile(r'<sup id="fnref\d*:([^"]+)"')
# Every accepted citation becomes [^key] before rendering, so a lost one shows as that.
LITERAL_MARKER = re.compile(r"\[\^[^\]\s]+\]")

# -----------------------------------------------------------------------------
# Events
# -----------------------------------------------------------------------------


# Remember whether this is `mkdocs serve`, where problems are printed, not fatal.
def on_startup(command: str, dirty: bool) -> None:
    state.command = command


# Parse and check bib/ once, before mkdocs-bibtex reads it.
@event_priority(100)
def on_config(config):
    _end_build()  # of a build that was interrupted (KeyboardInterrupt skips on_build_error)
    state.reset()
    state.root = Path(config.config_file_path).resolve().parent
    state.config_path = os.path.relpath(config.config_file_path, state.root)
    settings = (config.extra or {}).get("citations", {}) or {}
    state.rules = ContentRules(tuple(settings.get("content", ())))
    state.allowed = dict(settings.get("uncited_sources", {}) or {})
    plugin = config.plugins.get("bibtex")
    if plugin is None or not hasattr(plugin.config, "bib_dir"):
        state.report.add(state.config_path, 1, 1, "PLG001", "the bibtex plugin is not configured")
        return config
    bib_dir = state.root / (plugin.config.bib_dir or "bib")
    state.bibliography = bibfiles.load(bib_dir, state.report, state.root)
    bibfiles.check(state.bibliography, state.report)
    _share_parsed_bibliography()
    # The plugin skips re-reading bib/ when no file is newer than its last read, which keeps a
    # stale registry after a file is deleted or bib_dir changes; with our parse shared it is free.
    plugin.last_configured = None
    state.plugin_commands = [c for c in (getattr(plugin.config, "bib_command", ""),
                                         getattr(plugin.config, "full_bib_command", "")) if c]
    config.markdown_extensions.append(RestoreHidden())
    return config


# Format each source once per bibliography, however many pages cite it.
def on_pre_build(config) -> None:
    registry = getattr(config.plugins.get("bibtex"), "registry", None)
    if registry is None or not hasattr(registry, "reference_text"):
        state.report.add(state.config_path, 1, 1, "PLG001", "mkdocs-bibtex has no registry.reference_text")
        return
    if not getattr(registry.reference_text, "is_cached", False):
        formatcache.install_plain_latex_fast_path()
        state.disk_cache = formatcache.DiskCache(state.root, formatcache.formatter_version(registry))
        registry.reference_text = formatcache.cached(
            registry.reference_text, lambda: state.bibliography.sources, state.disk_cache,
            on_error=lambda source, error: bibfiles.report_unformattable(source, error, state.report),
            ahead=lambda: state.ahead)


# A cold build of a large site formats its sources in a helper process on the other core, in the
# order the pages will cite them, while this one renders the pages.
@event_priority(-100)
def on_nav(nav, config, files):
    _freeze_objects_of_the_build()
    registry = getattr(config.plugins.get("bibtex"), "registry", None)
    reference_text = getattr(registry, "reference_text", None)
    # Only the simple registry formats from the parsed entries alone (pandoc's fills a cache later).
    if not isinstance(registry, mkdocs_bibtex.registry.SimpleRegistry) or \
            not getattr(reference_text, "is_cached", False):
        return nav
    minimum = formatcache.ahead_minimum()
    if minimum is None:
        return nav
    disk = state.disk_cache.stored if state.disk_cache is not None else {}
    jobs = []
    for key in _keys_pages_may_cite(files.documentation_pages()):
        entry = formatcache.entry_key(state.bibliography.sources[key])
        if entry not in formatcache.FORMATTED and entry not in disk:
            jobs.append((key, entry))
    if len(jobs) >= minimum:
        from mkdocs_bibtex.citation import Citation
        raw = reference_text.wrapped
        try:
            state.ahead = formatcache.FormatAhead(jobs, lambda key: raw(Citation(key=key)))
        except OSError as error:  # no process to spare: format here, as a small build does
            log.debug("citations: no helper process (%s)", error)
    return nav


# Check the raw Markdown, then hand the plugin only real citations.
@event_priority(100)
def on_page_markdown(markdown: str, page, config, files) -> str:
    shown = os.path.relpath(page.file.abs_src_path, state.root)
    state.report.clear_path(shown)
    page_scan = check_page(shown, page.file.src_uri, markdown, _front_matter_lines(page, markdown),
                           state.bibliography, state.rules, state.report)
    state.scans[page.file.src_uri] = page_scan
    return _guard(page_scan)


# Check the rendered page: every marker resolves, nothing is left as literal text.
@event_priority(-100)
def on_page_content(html_text: str, page, config, files) -> str:
    shown = os.path.relpath(page.file.abs_src_path, state.root)
    page_scan = state.scans.get(page.file.src_uri)
    text = page_scan.text if page_scan else ""
    already_reported = state.report.has_path(shown)
    problems = _check_rendered(html_text, page_scan or Scan(text=""), state.bibliography, already_reported)
    for code, message, needle in problems:
        state.report.add(shown, _line_of(text, needle), 1, code, message)
    return html_text


# Report every problem of the build together; stop unless serving.
@event_priority(-100)
def on_post_build(config) -> None:
    _end_build()
    if state.disk_cache is not None:
        state.disk_cache.save()
    cited = {cite.key for s in state.scans.values() for c in s.valid_citations for cite in c.cites}
    bibfiles.check_orphans(state.bibliography, cited, state.allowed, config.config_file_path,
                           state.config_path, state.report)
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


# A failed build stops the helper process too.
def on_build_error(error) -> None:
    _end_build()


# -----------------------------------------------------------------------------
# Guarding mkdocs-bibtex
# -----------------------------------------------------------------------------


# Let the plugin reuse our parse of each .bib file instead of parsing it again.
def _share_parsed_bibliography() -> None:
    original = getattr(mkdocs_bibtex.registry, "parse_file", None)
    if original is None:
        state.report.add(state.config_path, 1, 1, "PLG001", "mkdocs_bibtex.registry.parse_file is gone")
        return
    real = getattr(original, "wrapped", original)

    def parse_file(path, *args, **kwargs):
        parsed = state.bibliography.files.get(str(Path(path).resolve()))
        return parsed if parsed is not None else real(path, *args, **kwargs)

    parse_file.wrapped = real
    mkdocs_bibtex.registry.parse_file = parse_file


# The Markdown the plugin sees: code and look-alikes hidden, citations one key per bracket.
def _guard(page_scan: Scan) -> str:
    text = page_scan.text
    edits: list[tuple[int, int, str]] = [(start, end, _hide(text[start:end])) for start, end in page_scan.code]
    for citation in page_scan.citations:
        known = not citation.error and all(c.key in state.bibliography for c in citation.cites)
        if known:
            edits.append((citation.start, citation.end, _canonical(citation.cites)))
        else:
            edits.append((citation.start, citation.start + 1, _hide("[")))
    for start, _ in page_scan.text_brackets:
        edits.append((start, start + 1, _hide("[")))
    pieces, cursor = [], 0
    for start, end, replacement in sorted(edits):
        pieces.append(text[cursor:start])
        pieces.append(replacement)
        cursor = end
    pieces.append(text[cursor:])
    guarded = "".join(pieces)
    # The plugin replaces its own commands (\bibliography) wherever they stand; in a page they are text.
    for command in state.plugin_commands:
        guarded = guarded.replace(command, _hide(command))
    return _hide_other_blocks(guarded)


# A citation as the plugin expects it, one key per bracket: locators stay visible beside
# their markers, and markers are separated ("1, 2"), since CSS cannot see the text between.
def _canonical(cites) -> str:
    separator = '<span class="cite-sep">; </span>' if any(c.locator for c in cites) else \
        '<span class="cite-sep">, </span>'
    return separator.join(
        f"[@{c.key}]" + (f'<span class="cite-locator">{html.escape(c.locator)}</span>' if c.locator else "")
        for c in cites
    )


# Last line of defence: any other bracket the plugin would read as a citation is hidden.
# One pass: after hiding a "[", the scan goes on from the next character, which is where a
# rescan from the start would find its next match (a token holds no bracket and no line break).
def _hide_other_blocks(markdown: str) -> str:
    pieces, cursor, position = [], 0, 0
    while (match := PLUGIN_BLOCK.search(markdown, position)) is not None:
        body = match.group(1)
        if "@" in body and not (CITATION_BODY.fullmatch(body) and body[1:] in state.bibliography):
            pieces += [markdown[cursor:match.start()], _hide("[")]
            cursor = position = match.start() + 1
        else:
            position = match.end()
    pieces.append(markdown[cursor:])
    return "".join(pieces)


# Replace text by a token that the plugin cannot match; RestoreHidden puts it back.
def _hide(original: str) -> str:
    token = f"\ue000{NONCE}:{len(state.hidden)}\ue001"
    state.hidden[token] = original
    return token


# Puts hidden text back before Python-Markdown reads the page.
class _RestorePreprocessor(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        text = "\n".join(lines)
        if "\ue000" in text:
            text = TOKEN.sub(lambda m: state.hidden.get(m.group(0), m.group(0)), text)
        return text.split("\n")


# The Markdown extension that registers the restoring preprocessor first of all.
class RestoreHidden(Extension):
    def extendMarkdown(self, md) -> None:
        md.preprocessors.register(_RestorePreprocessor(md), "citations-restore", 100)


# -----------------------------------------------------------------------------
# Rendered HTML
# -----------------------------------------------------------------------------


# (code, message, text to find the source line by) for each problem of a rendered page, held
# against what its Markdown promised: every citation a marker that resolves to a source, code as
# written, no citation left as literal text (an escaped "\[@key]" in the source may stay literal).
# Marker problems are left out when the Markdown checks already explained the page.
def _check_rendered(html_text: str, page_scan: Scan, bibliography: Bibliography, already_reported: bool):
    problems = [("HTM003", f"unsafe link '{match.group(1)[:60]}'", match.group(1))
                for match in UNSAFE_SCHEME.finditer(html_text)]
    source, rewritten = page_scan.text, set()
    code_text = html.unescape(" ".join(m.group(0) for m in CODE_HTML.finditer(html_text)))
    for key in dict.fromkeys(CODE_FOOTNOTE.findall(code_text)):
        if key in bibliography and code_text.count(f"[^{key}]") > source.count(f"[^{key}]"):
            rewritten.add(key)
            problems.append(("HTM004", f"code on the page shows '[^{key}]' where the source has a citation",
                             f"[@{key}"))
    if already_reported:
        return problems
    footnotes = _footnote_items(html_text)
    dangling = [("HTM002", f"footnote marker '{label}' points at no footnote", f"[@{label}")
                for label in dict.fromkeys(FOOTNOTE_REF_HTML.findall(html_text)) if label not in footnotes]
    dangling += [("HTM002", f"footnote '{label}' resolves to no source in bib/", f"[@{label}")
                 for label, body in footnotes.items() if label not in bibliography
                 and not any(ref in bibliography for ref in FOOTNOTE_REF_HTML.findall(body))]
    visible = html.unescape(re.sub(r"<[^>]+>", "", SKIP_HTML.sub("", html_text)))
    literal = set()
    for match in LITERAL_MARKER.finditer(visible):
        literal.add(match.group(0)[2:-1])
        problems.append(("HTM001", f"'{match.group(0)}' is shown as literal text", f"[@{match.group(0)[2:-1]}"))
    for key in dict.fromkeys(LITERAL_CITATION.findall(visible)):
        if key in bibliography and visible.count(f"[@{key}") > source.count(f"\\[@{key}"):
            literal.add(key)
            problems.append(("HTM001", f"'[@{key}]' is shown as literal text", f"[@{key}"))
    if dangling:  # the plugin's footnotes changed shape: counting markers says nothing more
        return problems + dangling
    expected: dict[str, int] = {}
    for citation in page_scan.valid_citations:
        for cite in citation.cites:
            expected[cite.key] = expected.get(cite.key, 0) + 1
    rendered = MARKER_ID.findall(html_text)
    for key, count in expected.items():
        shown = rendered.count(key)
        if key in bibliography and shown < count and key not in rewritten | literal:
            problems.append(("HTM005", f"{_count(count, 'citation')} of '{key}' gave {_count(shown, 'marker')}: "
                             "a citation inside an attribute, alt text or raw HTML is lost", f"[@{key}"))
    return problems


# Footnote label -> its rendered body, from Python-Markdown's footnote list.
def _footnote_items(html_text: str) -> dict[str, str]:
    starts = list(FOOTNOTE_ITEM_HTML.finditer(html_text))
    items = {}
    for index, match in enumerate(starts):
        end = starts[index + 1].start() if index + 1 < len(starts) else len(html_text)
        items[match.group(1)] = html_text[match.end():end]
    return items


# -----------------------------------------------------------------------------
# Helpers
# -----------------------------------------------------------------------------


# How many lines of front matter precede the Markdown MkDocs hands to plugins.
def _front_matter_lines(page, markdown: str) -> int:
    raw = _raw_source(page.file)
    return front_matter_lines(raw, markdown) if raw is not None else 0


# A page's file as written (front matter included), read once per build: on_nav may have read it.
def _raw_source(file) -> str | None:
    if file.src_uri in state.raw_sources:
        return state.raw_sources.pop(file.src_uri)
    try:
        return Path(file.abs_src_path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError, TypeError):
        return None


# Known keys that look cited in the pages' sources, in build order: only a hint of what to format
# first (a key in code is formatted for nothing; one missed is formatted when a page needs it).
def _keys_pages_may_cite(documentation_pages) -> list[str]:
    keys: dict[str, None] = {}
    for file in documentation_pages:
        text = _raw_source(file)
        if text is None:
            continue
        state.raw_sources[file.src_uri] = text
        for match in PREFIXED_KEY.finditer(text):
            if match["key"] in state.bibliography.sources:
                keys[match["key"]] = None
    return list(keys)


# What is alive once the navigation is built (config, parsed bib/, the plugin's registry) lives
# until the build ends: moved out of the collector's reach, it is not walked again by every full
# collection while the pages render (0.2 s of a 200-page build; _end_build hands it back).
# Frozen before the fork, it also stays shared with the helper instead of being copied.
# A program that froze objects itself before building keeps its freeze, and we do not add ours.
def _freeze_objects_of_the_build() -> None:
    if not state.frozen and gc.get_freeze_count() == 0:
        gc.freeze()
        state.frozen = True


# Stop the helper process and unfreeze what _freeze_objects_of_the_build froze.
def _end_build() -> None:
    if state.ahead is not None:
        state.ahead.close()
        state.ahead = None
    if state.frozen:
        gc.unfreeze()
        state.frozen = False


# "1 marker", "2 markers".
def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


# First line of `text` that contains `needle`, or 1.
def _line_of(text: str, needle: str) -> int:
    index = text.find(needle)
    return text.count("\n", 0, index) + 1 if index >= 0 else 1
