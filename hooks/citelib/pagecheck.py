"""Check one page's citations and footnotes against the bibliography. Checking only."""

from __future__ import annotations

import difflib
import re

from citelib.bib import CITABLE_KEY, Bibliography
from citelib.diagnostics import Report, line_col, line_starts
from citelib.scan import MarkdownSettings, Scan, prefixed_keys, scan

# A backslash escape of Markdown: the punctuation it escapes shows without the backslash.
MARKDOWN_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")

# -----------------------------------------------------------------------------
# Checks
# -----------------------------------------------------------------------------


# Scan `markdown` (the page body after front matter, which starts `line_offset` lines into
# the file; rendered with `settings`, the site's Markdown extensions) and report every problem;
# returns the scan for the rendering step.
# `scan_page` reads the page (scan.scan, or a cache of it: scancache.ScanCache.scan).
def check_page(shown_path: str, src_uri: str, markdown: str, line_offset: int,
               bibliography: Bibliography, must_cite, report: Report,
               settings: MarkdownSettings | None = None, scan_page=scan) -> Scan:
    page = scan_page(markdown, settings)
    starts = line_starts(markdown)

    def add(offset: int, code: str, message: str) -> None:
        line, col = line_col(starts, offset)
        report.add(shown_path, line + line_offset, col, code, message)

    if page.render_error:
        add(0, "PAG002", f"Python-Markdown cannot render this page ({page.render_error})")
        return page
    _check_citations(page, bibliography, add)
    _check_footnotes(page, bibliography, add)
    if src_uri in must_cite:
        if not page.citations:
            add(0, "PAG001", "this page cites no source")
        _check_escaped(page, add)
    return page


# An escaped "\[@key]" shows the syntax on a contributor's page; on a page that makes claims,
# readers take the "[@key]" they see for a citation that leads nowhere.
def _check_escaped(page: Scan, add) -> None:
    for start, end in page.escaped:  # each bracket, after its backslash
        shown = MARKDOWN_ESCAPE.sub(r"\1", page.text[start:end])  # as readers see it
        if shown.startswith("[@"):
            add(start - 1, "HTM001", f"'{shown}' is escaped, so readers of this page, which makes claims, see it as "
                f"a literal citation: cite the source, or write the syntax as code (`{shown}`)")


# Unknown keys (with a suggestion), malformed citations, and prefixes inside brackets.
def _check_citations(page: Scan, bibliography: Bibliography, add) -> None:
    for citation in page.citations:
        if citation.error:
            add(citation.start, "CIT002",
                f"malformed citation {page.text[citation.start:citation.end]!r}: {citation.error}")
            continue
        for cite in citation.cites:
            if cite.key not in bibliography and cite.key not in bibliography.broken:
                add(cite.offset, "CIT001", f"unknown citation key '{cite.key}'{_suggest(cite.key, bibliography)}")
    for citation in page.in_attributes:
        add(citation.start, "CIT004", f"citation {page.text[citation.start:citation.end]!r} stands inside a "
            "tag's attribute, where it can never become a marker")
    for start, end in page.text_brackets:
        for key, offset in prefixed_keys(page.text, start + 1, end - 1):
            if key not in bibliography:
                continue
            if (start, end) in page.in_link_text:
                add(offset, "CIT003", f"citation {page.text[start:end]!r} stands inside a link's text, where its "
                    "marker would break the link; move it after the link")
            elif page.text[end:end + 1] == "(":
                add(offset, "CIT003", f"{page.text[start:end]!r} followed by '(' is a link, not a citation")
            else:
                add(offset, "CIT003", f"'@{key}' inside {page.text[start:end]!r} is not a citation")


# Footnotes: every reference defined, every definition used once, every aside sourced.
def _check_footnotes(page: Scan, bibliography: Bibliography, add) -> None:
    cited = {cite.key for citation in page.valid_citations for cite in citation.cites}
    defined: dict[str, int] = {}
    for definition in page.footnote_defs:
        if not definition.label.strip():
            add(definition.start, "FTN005", f"footnote definition {page.text[definition.start:definition.end]!r} "
                "has an empty label")
            continue
        if definition.label in defined or definition.label in cited:
            taken = "another definition" if definition.label in defined else "a citation of that source"
            add(definition.start, "FTN003", f"footnote '{definition.label}' is already defined by {taken}")
            continue
        # A hand-written note labelled with a source's key would be shown, and credited in the
        # claims ledger and "Cited by", as that source's reference.
        if definition.label in bibliography:
            add(definition.start, "FTN003", f"footnote '{definition.label}' takes the key of a source in bib/; "
                "give the aside its own label")
            defined[definition.label] = definition.start  # its references are explained by this problem
            continue
        defined[definition.label] = definition.start
        if not any(not citation.error for citation in definition.citations):
            add(definition.start, "FTN004", f"footnote '{definition.label}' cites no source")
    referenced = {label for label, _ in page.footnote_refs}
    for label, offset in page.footnote_refs:
        if not label.strip():
            add(offset, "FTN005", f"footnote reference {page.text[offset:offset + len(label) + 3]!r} has an empty label")
        elif label not in defined and label not in cited:
            add(offset, "FTN001", f"footnote '[^{label}]' has no definition")
    for label, offset in defined.items():
        if label not in referenced:
            add(offset, "FTN002", f"footnote '{label}' is defined but never referenced")


# A page's bytes as text, as MkDocs reads them: UTF-8, a byte-order mark dropped, line breaks
# made "\n". Bytes that are not UTF-8 become U+FFFD, and the place and description of the first
# one is returned (None when all are read).
def decode_page(data: bytes) -> tuple[str, tuple[int, int, str] | None]:
    data = data.removeprefix(b"\xef\xbb\xbf")
    try:
        text = _newlines(data.decode("utf-8"))
        if text.startswith("\ufeff"):  # MkDocs drops one byte order mark: the next makes the first line text
            return text.lstrip("\ufeff"), (1, 1, "the page starts with more than one byte order mark (U+FEFF), "
                                                  "which made its first line text, not a heading (the build left "
                                                  "them out)")
        return text, None
    except UnicodeDecodeError as error:
        before = _newlines(data[:error.start].decode("utf-8"))
        line = before.count("\n") + 1
        col = len(before) - (before.rfind("\n") + 1) + 1
        bad = " ".join(f"0x{byte:02x}" for byte in data[error.start:error.end])
        message = f"the page is not UTF-8: byte {bad} here cannot be read (it was shown as \ufffd)"
        return _newlines(data.decode("utf-8", errors="replace")), (line, col, message)


# Line breaks as Python's text mode reads them ("\r\n" and "\r" become "\n").
def _newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


# The line of `key:` in the front matter of the page `raw` (1 when it has none).
def front_matter_line(raw: str, key: str) -> int:
    lines = raw.split("\n")
    if not lines or lines[0].rstrip() != "---":
        return 1
    for number, line in enumerate(lines[1:], start=2):
        if line.rstrip() in ("---", "..."):
            break
        if line.startswith(f"{key}:") or line.startswith(f"{key} :"):
            return number
    return 1


# How many lines of front matter precede `markdown`, the part of the file `raw` that MkDocs
# hands to plugins, so that a problem's line counts in the file.
def front_matter_lines(raw: str, markdown: str) -> int:
    return raw[: len(raw) - len(markdown)].count("\n") if raw.endswith(markdown) else 0


# " (did you mean 'x'?)" when a known key is close to the unknown one.
def _suggest(key: str, bibliography: Bibliography) -> str:
    citable = [k for k in bibliography.keys if CITABLE_KEY.fullmatch(k)]
    close = difflib.get_close_matches(key, citable, n=1, cutoff=0.75)
    return f" (did you mean '{close[0]}'?)" if close else ""
