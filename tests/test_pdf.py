"""The whole series as one PDF (tools/make_pdf.py, `make pdf`), as `make offline` prints it in a
fresh clone once per session (conftest.py's offline_clone), then read back with pypdf: its length,
its contents against the navigation, each page's references, page numbers, no navigation, links
that resolve.

The expected reading order is read here from mkdocs.yml on its own (nav and
extra.citations.explainers), not from the tool.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
from mkdocs.utils.yaml import yaml_load
from pypdf import PdfReader
from pypdf.generic import ArrayObject
from selectolax.lexbor import LexborHTMLParser

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import make_pdf  # noqa: E402

# Printing needs Chromium: the tests of the printed PDF are left out of `make test-quick` with the
# other browser tests; those of the combined document are not.
browser_test = pytest.mark.browser
# One worker prints the series once (`make test` runs pytest-xdist with --dist loadgroup).
pytestmark = pytest.mark.xdist_group("pdf")

# Site chrome that a printed page must not show (each is checked to be on the built page first).
CHROME_TEXT = ["Skip to content", "Back to top", "Made with", "Edit this page", "Table of contents"]

# Blocks that print whole, never split across pages (images; Material's admonitions and details).
UNBREAKABLE = "p:has(> img:only-child), figure, img, .admonition, details, table"

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


# A heading's text without its permalink.
def _heading_text(heading) -> str:
    return heading.text().replace("\u00b6", "")


# The element after `node`, past text between them.
def _next_element(node):
    node = node.next
    while node is not None and node.tag in {"-text", "-comment"}:
        node = node.next
    return node


# Text without any whitespace, to compare with the outline's titles.
def _bare(text: str) -> str:
    return "".join(text.split())


# A built page's title, as its <h1> reads without the permalink.
def _title(tree: LexborHTMLParser) -> str:
    heading = tree.css_first("article h1")
    for link in heading.css(".headerlink"):
        link.decompose()
    return _flat(heading.text())


# The printed PDF and the text of its pages (footer included), each read once when first needed:
# pypdf takes a good part of a second per page.
class Printed(Sequence):
    def __init__(self, reader: PdfReader):
        self.reader = reader
        self._texts: dict[int, str] = {}

    def __len__(self) -> int:
        return len(self.reader.pages)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        index = range(len(self))[index]
        if index not in self._texts:
            self._texts[index] = self.reader.pages[index].extract_text()
        return self._texts[index]


# The series as `make offline` printed it in a fresh clone (conftest.py), once for the session.
@pytest.fixture(scope="session")
def series(offline_clone):
    clone, result = offline_clone
    assert result.returncode == 0, result.stdout + result.stderr
    pdf_path = clone / "dist" / "alignment-basics.pdf"
    told = re.search(rf"^{re.escape(str(pdf_path.relative_to(clone)))}: (\d+) pages,", result.stdout, re.M)
    assert told, result.stdout
    reader = PdfReader(pdf_path)
    assert int(told[1]) == len(reader.pages)
    return reader, Printed(reader)


# One heading as the PDF's outline records it (Chromium's outline=True): its level (1 for a page's
# title), its text without spaces (the outline drops the space where a title wraps), its printed
# page (from 1) and the height of its top above the page's foot.
@dataclass(frozen=True)
class Heading:
    level: int
    title: str
    page: int
    top: float


def _outline(reader: PdfReader) -> list[Heading]:
    headings: list[Heading] = []

    def walk(items, level):
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
            else:
                headings.append(Heading(level, _bare(item.title), reader.get_destination_page_number(item) + 1,
                                        float(item.get("/Top") or 0)))

    walk(reader.outline, 1)
    return headings


# The page number the contents give each title, in the order given; fails on a title missing.
def _contents_numbers(texts: Printed, titles: list[str]) -> list[int]:
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


@browser_test
def test_pdf_page_count_is_plausible_for_the_series(series):
    reader, _ = series
    printed = len(_nav_questions()) + 1  # the glossary follows the questions
    # A title page and the contents, then at least one page per site page and at most ten.
    assert 2 + printed <= len(reader.pages) <= 2 + 10 * printed


# The contents list each question in nav order, and its number is the page its title opens.
@browser_test
def test_contents_list_every_question_in_nav_order_with_the_page_it_starts_on(series, built_site):
    reader, texts = series
    titles = [_title(_built(built_site, src)) for src in _nav_questions()]
    numbers = _contents_numbers(texts, titles)
    assert numbers == sorted(numbers) and len(set(numbers)) == len(numbers)
    opened = {heading.title: heading.page for heading in _outline(reader) if heading.level == 1}
    assert [opened.get(_bare(title)) for title in titles] == numbers
    # The first question's page, read back, opens with its title.
    assert _flat(texts[numbers[0] - 1]).startswith(titles[0])


# Chromium fills the footer template on every page: the first two, one in the middle, the last.
@browser_test
def test_pages_have_their_number_and_the_total_in_the_footer(series):
    _, texts = series
    for number in sorted({1, 2, len(texts) // 2, len(texts)}):
        footer = FOOTER.search(texts[number - 1])
        assert footer, f"page {number} has no page number: ...{texts[number - 1][-80:]!r}"
        assert (int(footer.group(1)), int(footer.group(2))) == (number, len(texts))


# Every source of every question is printed within that question's pages (the PDF has a place for
# each of its references); the text of each is read back for the first, a middle and the last.
@browser_test
def test_each_question_prints_with_every_one_of_its_references(series, built_site):
    reader, texts = series
    questions = _nav_questions()
    trees = [_built(built_site, src) for src in questions]
    outline = _outline(reader)
    starts = [next(h.page for h in outline if h.level == 1 and h.title == _bare(_title(tree))) for tree in trees]
    ends = [*starts[1:], next((h.page for h in outline if h.level == 1 and h.page > starts[-1]), len(texts) + 1)]
    places = {str(name).lstrip("/"): reader.get_destination_page_number(dest) + 1
              for name, dest in reader.named_destinations.items()}
    read_back = {0, len(questions) // 2, len(questions) - 1}
    for index, (src, tree, start, end) in enumerate(zip(questions, trees, starts, ends)):
        items = tree.css('.footnote li[id^="fn:"]')
        assert items, f"{src} has no references to look for"
        pages = set()
        for item in items:
            found = [page for name, page in places.items()
                     if name.endswith("--" + item.attributes["id"]) and start <= page < end]
            assert found, f"{src}: reference {item.attributes['id']} is not in its pages {start}-{end - 1}"
            pages.update(found)
        if index not in read_back:
            continue
        printed = _flat(" ".join(FOOTER.sub("", texts[page - 1]) for page in sorted(pages)))
        assert "References" in printed
        for item in items:
            for backref in item.css(".footnote-backref"):
                backref.decompose()
            # The authors and the start of the title, up to a word boundary.
            opening = _flat(item.text())[:60].rsplit(" ", 1)[0]
            assert opening in printed, f"{src}: reference {item.attributes['id']} not printed ({opening!r})"


@browser_test
def test_no_navigation_or_page_buttons_are_printed(series, built_site):
    reader, texts = series
    page = (built_site / (_nav_questions()[0].removesuffix(".md") + ".html")).read_text(encoding="utf-8")
    # The title page, the contents and the first question, read back.
    first_questions = [h.page for h in _outline(reader) if h.level == 1][1:3]
    printed = " ".join(_flat(text) for text in texts[:first_questions[1] - 1])
    for chrome in CHROME_TEXT:
        assert chrome in page, f"the built page no longer shows {chrome!r}: update CHROME_TEXT"
        assert chrome not in printed, f"{chrome!r} is printed"


# A heading is never the last line of a printed page. Read back: every heading in the lower third of
# a page, and every heading followed by a block that prints whole (a figure, an admonition), which
# can leave it alone anywhere. Higher up, text follows a heading: a paragraph splits, and nothing
# else is taller than two thirds of a page. (Reading back every page would cost a good part of a
# second each.)
@browser_test
def test_no_heading_is_the_last_line_of_a_printed_page(series, built_site):
    reader, texts = series
    third = float(reader.pages[0].mediabox.height) / 3
    before_block = {
        _bare(_heading_text(heading))
        for src in _nav_questions()
        for heading in _built(built_site, src).css("article :is(h2, h3, h4)")
        if _next_element(heading) is not None and _next_element(heading).css_matches(UNBREAKABLE)
    }
    checked = [h for h in _outline(reader) if h.level > 1 and (h.top < third or h.title in before_block)]
    assert len(checked) > 10, "too few headings low on a page to prove anything"
    for heading in checked:
        body = _bare(FOOTER.sub("", texts[heading.page - 1]))
        assert heading.title in body, f"page {heading.page} does not show {heading.title!r}"
        assert not body.endswith(heading.title), f"page {heading.page} ends with the heading {heading.title!r}"


# Internal links jump to a place the PDF has; every other link is an address online.
@browser_test
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
    assert not tree.css(".md-header, .md-tabs, .md-nav, .md-sidebar, .md-search, .md-footer, .md-top")
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


# MkDocs writes "a b.png" as src="a%20b.png"; the file on disk has the space.
def test_an_image_whose_name_is_percent_encoded_in_its_address_is_found_on_disk(tmp_path):
    (tmp_path / "q").mkdir()
    (tmp_path / "q" / "a b.png").write_bytes(b"")
    page = make_pdf.SeriesPage(src="q.md", dest="q/index.html", anchor="page-q")
    assert make_pdf._on_disk("a%20b.png", page, tmp_path) == (tmp_path / "q" / "a b.png").resolve().as_uri()


# A page's "../../../etc/hostname" must not pull a file from outside the built site into the PDF.
def test_an_asset_address_leading_out_of_the_built_site_stops_the_pdf(tmp_path):
    site = tmp_path / "site"
    (site / "q").mkdir(parents=True)
    (tmp_path / "secret.txt").write_text("not the site's", encoding="utf-8")
    page = make_pdf.SeriesPage(src="q.md", dest="q/index.html", anchor="page-q")
    with pytest.raises(make_pdf.PdfError, match=r"\.\./\.\./secret\.txt is not in the built site"):
        make_pdf._on_disk("../../secret.txt", page, site)


# The series is built from each page's HTML written out again, a second reading in which markup
# that read as harmless once can turn into an <img onerror>: printing runs no script of it.
@browser_test
def test_printing_runs_no_script_of_the_document(browser, tmp_path):
    document = ('<!doctype html><html><head><meta charset="utf-8"></head><body><p>Printed.</p>'
                '<img src="missing.png" onerror="document.body.append(\'RAN\')"><script>document.body.append('
                '\'SCRIPT\')</script></body></html>')
    make_pdf.print_document(browser, document, tmp_path / "series.pdf", "Fixture")
    text = "".join(page.extract_text() for page in PdfReader(tmp_path / "series.pdf").pages)
    assert "Printed." in text and "RAN" not in text and "SCRIPT" not in text
