"""Print the whole series as one PDF from a built site: a title page, the contents with page
numbers, every question page in the order of the navigation (then the glossary), each with its
references, page numbers in the footer, and no navigation. The sources page is left out: each page
prints its own references in full, and links to the sources page go to it online.

Usage: python tools/make_pdf.py [SITE_DIR [PDF_PATH]]
       (defaults: site and dist/alignment-basics.pdf; `make pdf`)
Reads mkdocs.yml beside this folder for the navigation and extra.citations. Prints with
Chromium (CHROMIUM, default /usr/bin/chromium) through Playwright; nothing is downloaded.

The pages are combined into one document with selectolax: every id is prefixed with its page's
anchor (footnote ids such as fn:key repeat across pages), a link to another printed page points
inside the document, and any other link of the site becomes its absolute address online.
"""

from __future__ import annotations

import io
import os
import posixpath
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "hooks"))

from citelib import configyaml, settings  # noqa: E402
from jinja2 import Environment, FileSystemLoader, StrictUndefined  # noqa: E402
from mkdocs.exceptions import ConfigurationError  # noqa: E402
from pypdf import PdfReader  # noqa: E402
from pypdf.generic import ArrayObject, NameObject  # noqa: E402
from selectolax.lexbor import LexborHTMLParser, LexborNode  # noqa: E402

# -----------------------------------------------------------------------------
# Constants
# -----------------------------------------------------------------------------

DEFAULT_SITE = Path("site")
DEFAULT_PDF = Path("dist/alignment-basics.pdf")

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# As in the tests (tests/conftest.py): no sandbox (root, containers), nothing that phones home.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]

TEMPLATES = ROOT / "overrides"
SERIES_TEMPLATE = "partials/pdf/series.html"
FOOTER_TEMPLATE = "partials/pdf/footer.html"

# A4, with room at the foot for the page numbers.
PAPER = {"format": "A4", "margin": {"top": "16mm", "bottom": "18mm", "left": "16mm", "right": "16mm"}}

# What a printed page does not need: edit and source buttons, permalinks, back-links to markers
# (print hides them; in one document they would jump between pages), and "Cite this page", whose
# address names the page online (the PDF's title page gives the site's).
LEFT_OUT = ", ".join([
    ".md-content__button", ".headerlink", ".footnote-backref", ".cite-this-page", "script",
])

# Attributes that name other elements by id (a space-separated list).
ID_REFERENCES = ("aria-controls", "aria-describedby", "aria-labelledby", "aria-owns", "for", "headers")

# Attributes holding a URL that the browser loads while printing.
LOADED = (("img", "src"), ("source", "src"), ("image", "href"))

# Printings at most: one to find each page's first page number, then until the numbers filled in
# stop moving.
MAX_PRINTINGS = 3


class PdfError(Exception):
    """A problem with the site or the configuration, said plainly (file and fix)."""


# -----------------------------------------------------------------------------
# Reading order
# -----------------------------------------------------------------------------


# One page of the site as it is printed.
@dataclass
class SeriesPage:
    src: str            # in docs/, e.g. "alignment-basics/rlhf.md"
    dest: str           # in the built site, e.g. "alignment-basics/rlhf.html"
    anchor: str         # id of its section in the combined document
    title: str = ""
    html: str = ""
    canonical: str = ""
    changed: str = ""   # ISO date of its last change, when the page shows one


# The site's settings that the PDF needs, read from mkdocs.yml with MkDocs' own YAML loader.
@dataclass
class SiteFacts:
    site_name: str
    site_url: str
    description: str
    copyright: str
    language: str
    # The printed pages in reading order, by part: (title of the part, pages).
    parts: list[tuple[str, list[SeriesPage]]] = field(default_factory=list)


# Read mkdocs.yml: the question pages in nav order, then the glossary (if in nav).
def read_config(config_file: Path, site_dir: Path) -> SiteFacts:
    try:
        text = config_file.read_text(encoding="utf-8-sig")
        config = configyaml.load(text)
    except (OSError, ValueError, ConfigurationError) as error:
        raise PdfError(f"{config_file}:1:1: cannot read the configuration ({error})") from error
    problems: list[str] = []
    found = settings.read(config.get("extra"), text,
                          lambda line, message: problems.append(f"{config_file}:{line}:1: {message}"))
    if problems:
        raise PdfError("\n".join(problems))
    nav_pages = list(_nav_pages(config.get("nav")))
    if not nav_pages:
        raise PdfError(f"{config_file}:1:1: no nav: list the pages in reading order under `nav:`")
    questions = [src for src in nav_pages if src in found.explainers]
    if not questions:
        raise PdfError(f"{config_file}:1:1: no page of nav is an explainer (extra.citations.explainers)")
    theme = config.get("theme") if isinstance(config.get("theme"), dict) else {}
    facts = SiteFacts(
        site_name=str(config.get("site_name") or "The site"),
        site_url=str(config.get("site_url") or ""),
        description=" ".join(str(config.get("site_description") or "").split()),
        copyright=str(config.get("copyright") or ""),
        language=str(theme.get("language") or "en"),
    )
    facts.parts.append(("Questions", [_series_page(src, site_dir) for src in questions]))
    if found.glossary in nav_pages and found.glossary not in questions:
        facts.parts.append(("", [_series_page(found.glossary, site_dir)]))
    return facts


# The Markdown pages of a nav, in order (a string, "Title: page.md", or a section's list).
def _nav_pages(nav):
    if isinstance(nav, str):
        if not urlsplit(nav).scheme and nav.endswith(".md"):
            yield nav
    elif isinstance(nav, list):
        for item in nav:
            yield from _nav_pages(item)
    elif isinstance(nav, dict):
        for value in nav.values():
            yield from _nav_pages(value)


# Where the built site keeps `src` (page.html with the offline plugin, else page/index.html).
def _series_page(src: str, site_dir: Path) -> SeriesPage:
    stem = src[: -len(".md")]
    candidates = [stem + ".html", f"{stem}/index.html"]
    if posixpath.basename(stem) in {"index", "README"}:
        candidates.insert(0, posixpath.join(posixpath.dirname(stem), "index.html").lstrip("/"))
    for dest in candidates:
        if (site_dir / dest).is_file():
            anchor = "page-" + dest.removesuffix(".html").replace("/", "-")
            return SeriesPage(src=src, dest=dest, anchor=anchor)
    raise PdfError(f"{site_dir}: no built page for nav entry {src} (looked for {', '.join(candidates)}): "
                   "build the site first (`make build`)")


# -----------------------------------------------------------------------------
# Combining pages
# -----------------------------------------------------------------------------


# Read each page's article and rewrite its ids and links for one document; fills title, html.
def combine(site_dir: Path, pages: list[SeriesPage], site_url: str) -> None:
    by_dest = {page.dest: page for page in pages}
    for page in pages:
        path = site_dir / page.dest
        tree = LexborHTMLParser(path.read_text(encoding="utf-8"))
        article = tree.css_first("article.md-content__inner")
        if article is None:
            raise PdfError(f"{path}: no <article class=\"md-content__inner\">: not a page Material built")
        canonical = tree.css_first('link[rel="canonical"]')
        page.canonical = (canonical.attributes.get("href") if canonical else None) or urljoin(site_url, page.dest)
        changed = article.css_first("time[datetime]")
        page.changed = (changed.attributes.get("datetime") or "") if changed else ""
        for node in article.css(LEFT_OUT):
            node.decompose()
        heading = article.css_first("h1")
        if heading is None:
            raise PdfError(f"{path}: the page has no <h1> title")
        page.title = " ".join(heading.text(deep=True).split())
        _rewrite(article, page, site_dir, by_dest)
        page.html = "".join(child.html or "" for child in _children(article))


# The children of `node`, text included, in order.
def _children(node: LexborNode):
    child = node.child
    while child is not None:
        yield child
        child = child.next


# Prefix every id; point links at the printed pages, assets at the site on disk, the rest online.
def _rewrite(article: LexborNode, page: SeriesPage, site_dir: Path, by_dest: dict[str, SeriesPage]) -> None:
    prefix = page.anchor + "--"
    for node in article.css("[id]"):
        node.attrs["id"] = prefix + node.attributes["id"]
    for name in ID_REFERENCES:
        for node in article.css(f"[{name}]"):
            node.attrs[name] = " ".join(prefix + ref for ref in (node.attributes[name] or "").split())
    for node in article.css("details"):
        node.attrs["open"] = ""
    for tag, name in LOADED:
        for node in article.css(f"{tag}[{name}]"):
            node.attrs[name] = _on_disk(node.attributes[name] or "", page, site_dir)
    for node in article.css("img[loading]"):
        # A lazy image below the fold might not be loaded when the page is printed.
        del node.attrs["loading"]
    for node in article.css("img[srcset]"):
        del node.attrs["srcset"]
    for node in article.css("[href]"):
        href = node.attributes["href"] or ""
        if node.tag in {"a", "area"}:
            node.attrs["href"] = _link(href, page, by_dest)
        elif node.tag == "use" and href.startswith("#"):
            # An inline SVG's reference to a symbol of the same page, whose id is now prefixed.
            node.attrs["href"] = f"#{prefix}{href[1:]}"


# Where a link of `page` points in the combined document: "#anchor" inside it, else absolute.
def _link(href: str, page: SeriesPage, by_dest: dict[str, SeriesPage]) -> str:
    parts = urlsplit(href)
    if parts.scheme or parts.netloc:
        return href
    if not parts.path:
        return f"#{page.anchor}--{parts.fragment}" if parts.fragment else f"#{page.anchor}"
    target = posixpath.normpath(posixpath.join(posixpath.dirname(page.dest), parts.path))
    if target.endswith("/"):
        target += "index.html"
    other = by_dest.get(target) or by_dest.get(posixpath.join(target, "index.html"))
    if other is not None:
        return f"#{other.anchor}--{parts.fragment}" if parts.fragment else f"#{other.anchor}"
    return urljoin(page.canonical, href)


# An asset of `page` as a file:// address in the built site, so that printing embeds it.
def _on_disk(src: str, page: SeriesPage, site_dir: Path) -> str:
    parts = urlsplit(src)
    if parts.scheme or parts.netloc:
        return src
    # An address is percent-encoded ("a%20b.png"); the file's name is not. Nothing outside the site.
    path = (site_dir / posixpath.dirname(page.dest) / unquote(parts.path)).resolve()
    if not path.is_file() or not path.is_relative_to(site_dir.resolve()):
        raise PdfError(f"{site_dir / page.dest}: {src} is not in the built site")
    return path.as_uri()


# The combined document, from the template; raises if an id repeats or a link inside is dead.
def render_series(site_dir: Path, facts: SiteFacts) -> str:
    pages = [page for _, part in facts.parts for page in part]
    combine(site_dir, pages, facts.site_url)
    first = LexborHTMLParser((site_dir / pages[0].dest).read_text(encoding="utf-8"))
    stylesheets = [
        _on_disk(link.attributes.get("href") or "", pages[0], site_dir)
        for link in first.css('head link[rel="stylesheet"]')
    ]
    body = first.css_first("body")
    # The page's direction and palette, always the light scheme: paper is white.
    body_attributes = {name: value or "" for name, value in (body.attributes if body else {}).items()}
    body_attributes["data-md-color-scheme"] = "default"
    changed = sorted(page.changed for page in pages if page.changed)
    document = _templates().get_template(SERIES_TEMPLATE).render(
        language=facts.language, site_name=facts.site_name, description=facts.description,
        site_url=facts.site_url, copyright=facts.copyright, as_of=_long_date(changed[-1]) if changed else "",
        stylesheets=stylesheets, body_attributes=body_attributes, pages=pages,
        parts=[{"title": title, "pages": part} for title, part in facts.parts],
    )
    check_document(document)
    return document


# The templates in overrides/partials/pdf/, escaping everything they are given.
def _templates() -> Environment:
    return Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True, undefined=StrictUndefined)


# "2026-12-01" as "1 December 2026", as the pages write their dates.
def _long_date(iso: str) -> str:
    try:
        day = date.fromisoformat(iso[:10])
    except ValueError:
        return iso
    return f"{day.day} {day:%B %Y}"


# No id twice and no link inside the document to an id it does not have.
def check_document(document: str) -> None:
    tree = LexborHTMLParser(document)
    ids: dict[str, int] = {}
    for node in tree.css("[id]"):
        ids[node.attributes["id"]] = ids.get(node.attributes["id"], 0) + 1
    problems = [f"id {name!r} appears {count} times" for name, count in ids.items() if count > 1]
    for node in tree.css('a[href^="#"]'):
        target = (node.attributes.get("href") or "")[1:]
        if target not in ids:
            section = _section_of(node)
            problems.append(f"{section}: link to #{target}, which no printed page has")
    if problems:
        raise PdfError("the combined document is not sound:\n  " + "\n  ".join(problems))


# The source page (in docs/) of the section that holds `node`, for messages.
def _section_of(node: LexborNode) -> str:
    while node is not None:
        if node.tag == "section" and node.attributes.get("data-source"):
            return node.attributes["data-source"]
        node = node.parent
    return "contents"


# -----------------------------------------------------------------------------
# Printing
# -----------------------------------------------------------------------------


# Print `document` (HTML whose assets are file:// addresses) to `pdf_path` with `browser`, a
# Playwright Chromium; returns the number of printed pages. No request leaves the disk.
def print_document(browser, document: str, pdf_path: Path, site_name: str) -> int:
    footer = _templates().get_template(FOOTER_TEMPLATE).render(site_name=site_name)
    pdf_path = Path(pdf_path)
    pdf_path.parent.mkdir(parents=True, exist_ok=True)
    blocked: list[str] = []
    with tempfile.TemporaryDirectory(prefix="series-") as folder:
        html_path = Path(folder) / "series.html"
        html_path.write_text(document, encoding="utf-8")
        # No script of the document runs: the series is each page's HTML written out again, and a
        # second reading can turn markup that read as harmless once into an <img onerror>.
        context = browser.new_context(offline=True, java_script_enabled=False)
        try:
            page = context.new_page()
            page.route("**/*", lambda route: _local_only(route, blocked))
            page.goto(html_path.as_uri(), wait_until="load")
            page.emulate_media(media="print")
            numbers: dict[str, int] = {}
            for printing in range(MAX_PRINTINGS):
                # The first printing only finds where each page starts: no tags or outline (faster).
                full = printing > 0
                data = page.pdf(display_header_footer=True, header_template="<span></span>", footer_template=footer,
                                print_background=True, outline=full, tagged=full, **PAPER)
                reader = PdfReader(io.BytesIO(data))
                found = _anchor_pages(reader)
                if full and found == numbers:
                    pdf_path.write_bytes(data)
                    break
                numbers = found
                page.evaluate(
                    """numbers => document.querySelectorAll('.pdf-contents-number').forEach(
                           span => { span.textContent = numbers[span.dataset.anchor] ?? '' })""",
                    numbers,
                )
            else:
                raise PdfError("the contents' page numbers kept moving; printed without settling")
            missing = [anchor for anchor in page.eval_on_selector_all(
                ".pdf-contents-number", "spans => spans.map(s => s.dataset.anchor)") if anchor not in numbers]
            if missing:
                raise PdfError(f"no page number found for {', '.join(missing)} in the printed PDF")
        finally:
            context.close()
    if blocked:
        raise PdfError(f"printing asked for {len(blocked)} address(es) off the disk: {', '.join(blocked[:5])}")
    return len(reader.pages)


# Let file:// and data: through; record and refuse anything else.
def _local_only(route, blocked: list[str]) -> None:
    url = route.request.url
    if url.startswith(("file:", "data:", "blob:", "about:")):
        route.continue_()
    else:
        blocked.append(url)
        route.abort()


# The printed page number (from 1) that each contents link jumps to, read from the PDF's links.
def _anchor_pages(reader: PdfReader) -> dict[str, int]:
    names = reader.named_destinations
    numbers: dict[str, int] = {}
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            if annotation.get("/Subtype") != "/Link":
                continue
            dest = annotation.get("/Dest")
            if dest is None and "/A" in annotation:
                dest = annotation["/A"].get_object().get("/D")
            if dest is None:
                continue
            dest = dest.get_object() if hasattr(dest, "get_object") else dest
            if isinstance(dest, ArrayObject):
                continue
            name = str(dest)
            target = names.get(name) or names.get(NameObject("/" + name))
            if target is not None:
                numbers[name.lstrip("/")] = reader.get_destination_page_number(target) + 1
    return numbers


# Build the PDF of `site_dir` into `pdf_path` with `browser`; returns the number of pages.
def make_pdf(browser, site_dir: Path, pdf_path: Path, config_file: Path = ROOT / "mkdocs.yml") -> int:
    site_dir = Path(site_dir)
    if not (site_dir / "index.html").is_file():
        raise PdfError(f"{site_dir} has no index.html: build the site first (`make build`)")
    facts = read_config(Path(config_file), site_dir)
    return print_document(browser, render_series(site_dir, facts), Path(pdf_path), facts.site_name)


# -----------------------------------------------------------------------------
# Command line
# -----------------------------------------------------------------------------


def main(argv: list[str]) -> int:
    if len(argv) > 2 or any(arg.startswith("-") for arg in argv):
        usage = __doc__[__doc__.index("Usage:"):].split("\n\n")[0]
        print(usage, file=sys.stderr)
        return 2
    site_dir = Path(argv[0]) if argv else DEFAULT_SITE
    pdf_path = Path(argv[1]) if len(argv) > 1 else DEFAULT_PDF
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        print(f"Chromium not found at {CHROMIUM}: install it (`apt-get install chromium`) "
              "or set CHROMIUM to a Chromium or Chrome binary", file=sys.stderr)
        return 1
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                count = make_pdf(browser, site_dir, pdf_path)
            finally:
                browser.close()
    except PdfError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    size = pdf_path.stat().st_size
    print(f"{pdf_path}: {count} pages, {size / 1_000_000:.1f} MB ({size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
