"""A check of a built site that any builder's output can be held to.

The hooks check pages while MkDocs builds them. This reads the finished `site/` folder instead,
with the same HTML5 reading, so that a change of builder (Zensical, ProperDocs) or a hook that
silently stopped running cannot switch the promise off: no citation left as literal text, every
marker resolving to a footnote and every footnote to a source, nothing that runs a script, and a
claims ledger that lists exactly the markers the pages show. A redirect page (a page that moved
keeps its old address) must lead to a page of the site, by a relative link that works from disk,
and every old address of the redirect table must have one.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser

from citelib import rendered
from citelib.claims import CLAIMS_FORMAT, CLAIMS_VERSION
from citelib.diagnostics import Report
from citelib.htmlcheck import LITERAL_CITATION, LITERAL_MARKER

ESCAPED_CITATION = re.compile(r"\\\[@([A-Za-z0-9_-]+)")
CONTENT_SELECTORS = ("article.md-content__inner", "article", "main")
CLAIMS_FILE = "claims.json"
# The URL in a refresh's content ("0; url=../new.html"), as the HTML standard reads it.
REFRESH_URL = re.compile(r"""^\s*[\d.]*\s*[;,]?\s*url\s*=\s*(?P<quote>['"]?)(?P<url>.*?)(?P=quote)\s*$""", re.I | re.S)


# A built page and the Markdown it came from (None: no source found, such as a generated page).
@dataclass
class BuiltPage:
    path: Path
    url: str
    source: Path | None


# Every HTML page of `site_dir` with its source under `docs_dir`, whichever URL style was used.
def built_pages(site_dir: Path, docs_dir: Path) -> list[BuiltPage]:
    pages = []
    for path in sorted(site_dir.rglob("*.html")):
        relative = path.relative_to(site_dir)
        if relative.parts[0] in ("assets", "search") or relative.name == "404.html":
            continue
        url = relative.as_posix()
        stem = relative.parent if relative.name == "index.html" else relative.with_suffix("")
        candidates = [docs_dir / f"{stem.as_posix()}.md", docs_dir / stem / "index.md", docs_dir / stem / "README.md"]
        source = next((c for c in candidates if c.is_file()), None)
        pages.append(BuiltPage(path, url, source))
    return pages


# Check every page of the site against the bibliography (`is_source`), and the claims ledger
# against the pages. `shown` turns a path into what the report prints.
# `redirects`: for each old address of the redirect table, the site paths its redirect page may
# have (one per URL style); one of them must be there.
def check_site(site_dir: Path, docs_dir: Path, is_source, must_cite, report: Report, shown=str,
               redirects: tuple[tuple[str, ...], ...] = ()) -> None:
    markers_seen: set[tuple[str, str]] = set()
    for places in redirects:
        if not any((site_dir / place).is_file() for place in places):
            report.add(shown(site_dir / places[0]), 1, 1, "SIT002", "no redirect page at this old address "
                       "of extra.redirects: build with hooks/redirects.py in mkdocs.yml")
    for page in built_pages(site_dir, docs_dir):
        html_text = page.path.read_text(encoding="utf-8", errors="replace")
        tree = LexborHTMLParser(html_text)
        target = redirect_target(tree)
        if target is not None:
            _check_redirect(site_dir, page, target, report, shown(page.path))
        reading = rendered.read_element(_content(tree))
        where = shown(page.path)
        line_of = _line_finder(html_text)
        _check_page(page, reading, is_source, must_cite, docs_dir, report, where, line_of)
        markers_seen |= {(page.url, m.anchor) for m in reading.markers}
    _check_ledger(site_dir / CLAIMS_FILE, markers_seen, is_source, report, shown)


# Where a redirect page sends the reader (its refresh URL; "" when it names none), or None for a page
# that is no redirect.
def redirect_target(tree: LexborHTMLParser) -> str | None:
    for meta in tree.css("meta[http-equiv]"):
        if (meta.attributes.get("http-equiv") or "").strip().lower() == "refresh":
            found = REFRESH_URL.match(meta.attributes.get("content") or "")
            return found["url"].strip() if found else ""
    return None


# A redirect leads, by a relative link, to a file of the site: from disk an absolute or a
# root-relative link leads nowhere, and a link out of the site is no redirect of its own.
def _check_redirect(site_dir: Path, page: BuiltPage, target: str, report: Report, where: str) -> None:
    parts = urlsplit(target)
    if not target or parts.scheme or parts.netloc or target.startswith("/"):
        report.add(where, 1, 1, "SIT002", f"the redirect leads to {target!r}: it needs a link relative to "
                   "this page, which works online and from disk")
        return
    path = urljoin(page.url, parts.path) or page.url
    if path.endswith("/"):
        path += "index.html"
    resolved = (site_dir / path).resolve()
    if site_dir.resolve() not in resolved.parents or not resolved.is_file():
        report.add(where, 1, 1, "SIT002", f"the redirect leads to {target!r}, which is no page of the site")


# The page's content, in the page's own tree: the article Material renders, else the body.
def _content(tree: LexborHTMLParser):
    for selector in CONTENT_SELECTORS:
        node = tree.css_first(selector)
        if node is not None:
            return node
    return tree.body if tree.body is not None else tree.root


# A function giving the line of the first occurrence of a text in the page's HTML (1 if none).
def _line_finder(html_text: str):
    def line_of(needle: str) -> int:
        found = html_text.find(needle)
        return html_text.count("\n", 0, found) + 1 if found >= 0 else 1
    return line_of


def _check_page(page: BuiltPage, reading: rendered.Reading, is_source, must_cite, docs_dir: Path,
                report: Report, where: str, line_of) -> None:
    source_text = _read(page.source)
    escaped = ESCAPED_CITATION.findall(source_text)
    for key in dict.fromkeys(LITERAL_CITATION.findall(reading.visible)):
        if reading.visible.count(f"[@{key}") > escaped.count(key):
            report.add(where, line_of(f"[@{key}"), 1, "HTM001", f"'[@{key}]' is shown as literal text")
    for match in dict.fromkeys(LITERAL_MARKER.findall(reading.visible)):
        report.add(where, line_of(f"[^{match}]"), 1, "HTM001", f"'[^{match}]' is shown as literal text")
    for marker in reading.markers:
        if marker.label not in reading.footnotes:
            report.add(where, line_of(f'id="{marker.anchor}"'), 1, "HTM002",
                       f"footnote marker '{marker.label}' points at no footnote")
    for label, item in reading.footnotes.items():
        if not is_source(label) and not any(is_source(ref) for ref in item.refs):
            report.add(where, line_of(f'id="fn:{label}"'), 1, "HTM002", f"footnote '{label}' resolves to no source in bib/")
    for unsafe in reading.unsafe:
        report.add(where, line_of(f"<{unsafe.tag}"), 1, unsafe.code, f"unsafe {unsafe.describe()}")
    if page.source is not None:
        src_uri = page.source.relative_to(docs_dir).as_posix()
        if src_uri in must_cite and not any(is_source(m.label) for m in reading.markers):
            report.add(where, 1, 1, "PAG001", "this page cites no source (no marker resolves to one)")


# The ledger exists, is ours, and lists exactly the markers the pages show, each with known sources.
def _check_ledger(path: Path, markers_seen: set[tuple[str, str]], is_source, report: Report, shown) -> None:
    where = shown(path)
    try:
        ledger = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        report.add(where, 1, 1, "SIT001", f"no readable claims ledger ({type(error).__name__})")
        return
    if not isinstance(ledger, dict) or ledger.get("format") != CLAIMS_FORMAT or ledger.get("version") != CLAIMS_VERSION:
        report.add(where, 1, 1, "SIT001", f"the claims ledger is not {CLAIMS_FORMAT} version {CLAIMS_VERSION}")
        return
    claims = ledger.get("claims") if isinstance(ledger.get("claims"), list) else []
    listed = {(c.get("page"), c.get("anchor")) for c in claims if isinstance(c, dict)}
    for page_url, anchor in sorted(markers_seen - listed):
        report.add(where, 1, 1, "SIT001", f"marker {page_url}#{anchor} is missing from the claims ledger")
    for page_url, anchor in sorted(listed - markers_seen, key=str):
        report.add(where, 1, 1, "SIT001", f"the claims ledger lists {page_url}#{anchor}, which no page shows")
    for claim in claims:
        if isinstance(claim, dict) and not claim.get("sources"):
            report.add(where, 1, 1, "SIT001", f"claim {claim.get('page')}#{claim.get('anchor')} has no source")
        for key in claim.get("sources", []) if isinstance(claim, dict) else []:
            if not is_source(key):
                report.add(where, 1, 1, "SIT001", f"claim {claim.get('page')}#{claim.get('anchor')} cites "
                           f"'{key}', which is not in bib/")


# A page's Markdown ("" when there is none or it cannot be read).
def _read(path: Path | None) -> str:
    if path is None:
        return ""
    try:
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return ""
