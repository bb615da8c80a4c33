"""The whole series as one PDF (tools/make_pdf.py, `make pdf`), printed once per session from the
one built site by the session's Chromium, then read back with pypdf: its length, its contents
against the navigation, each page's references, page numbers, no navigation, links that resolve.

The expected reading order is read here from mkdocs.yml on its own (nav and
extra.citations.explainers), not from the tool.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from mkdocs.utils.yaml import yaml_load
from pypdf import PdfReader
from pypdf.generic import ArrayObject
from selectolax.lexbor import LexborHTMLParser

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import make_pdf  # noqa: E402

# Printing needs Chromium: left out of `make test-quick` with the other browser tests.
pytestmark = pytest.mark.browser

# Site chrome that a printed page must not show (each is checked to be on the built page first).
CHROME_TEXT = ["Skip to content", "Back to top", "Made with", "Edit this page", "Table of contents"]

# The footer of every printed page: "<site name> <n> / <total>".
FOOTER = re.compile(r"\s*Alignment Basics\s+(\d+)\s*/\s*(\d+)\s*$")

# -----------------------------------------------------------------------------
# Fixtures and helpers
# -----------------------------------------------------------------------------


# The question pages of mkdocs.yml's nav, in order (paths in docs/).
def _nav_questions() -> list[str]:
    with open(ROOT / "mkdocs.yml", encoding="utf-8-sig") as handle:
        config = yaml_load(handle)
    explainers = config["extra"]["citations"]["explainers"]

    def pages(item):
        if isinstance(item, str):
            yield item
        elif isinstance(item, list):
            for child in item:
                yield from pages(child)
        elif isinstance(item, dict):
            for child in item.values():
                yield from pages(child)

    return [src for src in pages(config["nav"]) if src.endswith(".md") and any(
        src.startswith(prefix) if prefix.endswith("/") else src == prefix for prefix in explainers)]


# One built page, read as the browser reads it.
def _built(site: Path, src: str) -> LexborHTMLParser:
    return LexborHTMLParser((site / (src.removesuffix(".md") + ".html")).read_text(encoding="utf-8"))


# Text with every run of whitespace made one space.
def _flat(text: str) -> str:
    return " ".join(text.split())


# A built page's title, as its <h1> reads without the permalink.
def _title(tree: LexborHTMLParser) -> str:
    heading = tree.css_first("article h1")
    for link in heading.css(".headerlink"):
        link.decompose()
    return _flat(heading.text())


# The series printed once for the session, with its text page by page (footer included).
@pytest.fixture(scope="session")
def series(browser, built_site, tmp_path_factory):
    pdf_path = tmp_path_factory.mktemp("pdf") / "alignment-basics.pdf"
    count = make_pdf.make_pdf(browser, built_site, pdf_path)
    reader = PdfReader(pdf_path)
    assert count == len(reader.pages)
    return reader, [page.extract_text() for page in reader.pages]


# The page number (from 1) whose text begins with each question's title, from the contents' word.
def _contents_numbers(texts: list[str], titles: list[str]) -> list[int]:
    contents = _flat(FOOTER.sub("", texts[1]))
    assert contents.startswith("Contents"), contents[:80]
    numbers, position = [], 0
    for title in titles:
        found = re.compile(re.escape(title) + r" (\d+)").search(contents, position)
        assert found, f"contents lack {title!r} with a page number after {contents[position:position + 80]!r}"
        numbers.append(int(found.group(1)))
        position = found.end()
    return numbers


# -----------------------------------------------------------------------------
# Tests
# -----------------------------------------------------------------------------


def test_pdf_page_count_is_plausible_for_the_series(series):
    reader, _ = series
    printed = len(_nav_questions()) + 2  # the glossary and the sources follow the questions
    # A title page and the contents, then at least one page per site page and at most ten.
    assert 2 + printed <= len(reader.pages) <= 2 + 10 * printed


def test_contents_list_every_question_in_nav_order_with_the_page_it_starts_on(series, built_site):
    _, texts = series
    titles = [_title(_built(built_site, src)) for src in _nav_questions()]
    numbers = _contents_numbers(texts, titles)
    assert numbers == sorted(numbers) and len(set(numbers)) == len(numbers)
    for title, number in zip(titles, numbers):
        assert _flat(texts[number - 1]).startswith(title), f"page {number} does not open with {title!r}"


def test_every_page_has_its_number_and_the_total_in_the_footer(series):
    _, texts = series
    for number, text in enumerate(texts, start=1):
        footer = FOOTER.search(text)
        assert footer, f"page {number} has no page number: ...{text[-80:]!r}"
        assert (int(footer.group(1)), int(footer.group(2))) == (number, len(texts))


def test_each_question_prints_with_every_one_of_its_references(series, built_site):
    _, texts = series
    questions = _nav_questions()
    trees = [_built(built_site, src) for src in questions]
    starts = _contents_numbers(texts, [_title(tree) for tree in trees])
    ends = [*starts[1:], len(texts) + 1]
    for src, tree, start, end in zip(questions, trees, starts, ends):
        printed = _flat(" ".join(FOOTER.sub("", text) for text in texts[start - 1:end - 1]))
        assert "References" in printed, src
        items = tree.css('.footnote li[id^="fn:"]')
        assert items, f"{src} has no references to look for"
        for item in items:
            for backref in item.css(".footnote-backref"):
                backref.decompose()
            # The authors and the start of the title, up to a word boundary.
            opening = _flat(item.text())[:60].rsplit(" ", 1)[0]
            assert opening in printed, f"{src}: reference {item.attributes['id']} not printed ({opening!r})"


def test_no_navigation_or_page_buttons_are_printed(series, built_site):
    _, texts = series
    page = (built_site / (_nav_questions()[0].removesuffix(".md") + ".html")).read_text(encoding="utf-8")
    printed = " ".join(_flat(text) for text in texts)
    for chrome in CHROME_TEXT:
        assert chrome in page, f"the built page no longer shows {chrome!r}: update CHROME_TEXT"
        assert chrome not in printed, f"{chrome!r} is printed"


def test_no_heading_is_the_last_line_of_a_printed_page(series, built_site):
    _, texts = series
    headings = set()
    for src in _nav_questions():
        for heading in _built(built_site, src).css("article :is(h2, h3, h4)"):
            for link in heading.css(".headerlink"):
                link.decompose()
            headings.add(_flat(heading.text()))
    assert len(headings) > 50
    for number, text in enumerate(texts[2:], start=3):
        body = _flat(FOOTER.sub("", text))
        ending = [heading for heading in headings if body.endswith(heading)]
        assert not ending, f"page {number} ends with the heading {ending[0]!r}"


# Internal links jump to a place the PDF has; every other link is an address online.
def test_links_resolve_inside_the_pdf_or_point_online(series):
    reader, _ = series
    names = reader.named_destinations
    internal, external = 0, 0
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            if annotation.get("/Subtype") != "/Link":
                continue
            action = annotation["/A"].get_object() if "/A" in annotation else {}
            dest = annotation.get("/Dest", action.get("/D"))
            if dest is not None and not isinstance(dest, ArrayObject):
                assert str(dest) in names, f"link to {dest}, which the PDF does not have"
                internal += 1
            elif "/URI" in action:
                assert str(action["/URI"]).startswith(("https://", "http://", "mailto:")), action["/URI"]
                external += 1
    # The "Related questions" links, the contents and the references' links.
    assert internal > 50 and external > 50


# Footnote ids repeat across the site's pages; in one document each is prefixed with its page.
def test_combined_document_has_unique_ids_and_no_dead_link(built_site):
    facts = make_pdf.read_config(ROOT / "mkdocs.yml", built_site)
    tree = LexborHTMLParser(make_pdf.render_series(built_site, facts))
    ids = [node.attributes["id"] for node in tree.css("[id]")]
    assert len(ids) == len(set(ids))
    footnotes = [name for name in ids if ":fn:" in name or "--fn:" in name]
    assert len(footnotes) > len(_nav_questions()), "footnote ids are missing or not prefixed"
    assert not [name for name in ids if name.startswith("fn:")]
    links = [node.attributes["href"] for node in tree.css("a[href]")]
    assert [link for link in links if link.startswith("#")]
    assert all(link[1:] in set(ids) for link in links if link.startswith("#"))
    # Nothing relative is left: a link leaves the document only for an address online.
    assert all(link.startswith(("#", "https://", "http://", "mailto:")) for link in links), \
        sorted({link for link in links if not link.startswith(("#", "http", "mailto:"))})[:5]


def test_a_repeated_id_or_a_dead_link_stops_the_pdf_with_its_page():
    page = '<section class="pdf-page" data-source="a.md">{}</section>'
    with pytest.raises(make_pdf.PdfError, match="'fn:x' appears 2 times"):
        make_pdf.check_document(page.format('<p id="fn:x"></p><p id="fn:x"></p>'))
    with pytest.raises(make_pdf.PdfError, match=r"a\.md: link to #gone"):
        make_pdf.check_document(page.format('<a href="#gone">x</a>'))


def test_a_nav_page_missing_from_the_built_site_is_named_with_the_fix(tmp_path):
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: T\nnav:\n  - q/one.md\nextra:\n  citations:\n    explainers: [q/]\n", encoding="utf-8")
    (tmp_path / "site").mkdir()
    with pytest.raises(make_pdf.PdfError, match=r"no built page for nav entry q/one\.md.*make build"):
        make_pdf.read_config(tmp_path / "mkdocs.yml", tmp_path / "site")
