"""Short URLs and a reader's path: every old address of a moved page leads to its new page, and
the reader's navigation never walks into the contributors' pages.

The browser test that an old address lands on its new page, #anchor included, from disk, is in
tests/test_browser.py (test_old_address_lands_on_the_new_page_with_its_anchor).
"""

from __future__ import annotations

import json
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import yaml
from selectolax.lexbor import LexborHTMLParser

from citelib import pagemeta, redirects
from sitebuild import redirect_pages

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import check_site  # noqa: E402
import new_page  # noqa: E402

CONFIG = ROOT / "mkdocs.yml"
REDIRECTS = redirect_pages(CONFIG)
CONTRIBUTORS = "contributing/"


# A built page, read by the HTML5 parser the checks use (fast on the long pages).
def read(site: Path, path: str) -> LexborHTMLParser:
    return LexborHTMLParser((site / path).read_text(encoding="utf-8"))


# The value of `attribute` on each element that `selector` finds.
def values(page: LexborHTMLParser, selector: str, attribute: str) -> list[str]:
    return [node.attributes.get(attribute) for node in page.css(selector)]


def text(node) -> str:
    return " ".join(node.text(separator=" ").split())


# The site paths of the pages in nav, in reading order, with or without the contributors' pages.
def nav_pages(contributors: bool = False) -> list[str]:
    pages = [redirects.dest_uri(page, False) for page in new_page.nav_pages(CONFIG.read_text(encoding="utf-8"))]
    return [page for page in pages if contributors or not page.startswith(CONTRIBUTORS)]


def reader_pages() -> list[str]:
    return nav_pages()


# -----------------------------------------------------------------------------
# The redirect table and its pages
# -----------------------------------------------------------------------------


def test_every_old_address_has_a_redirect_page_that_leads_to_its_new_page(built_site):
    assert REDIRECTS, "mkdocs.yml lists the old addresses of the question pages"
    for old, new in REDIRECTS.items():
        assert not (ROOT / "docs" / old).with_suffix(".md").exists(), f"{old} is still a page in docs/"
        assert (built_site / new).is_file(), f"{old} leads to {new}, which was not built"
        page = read(built_site, old)
        (refresh,) = values(page, 'meta[http-equiv="refresh"]', "content")
        href = refresh.split("url=", 1)[1]
        # Relative, so that it works from disk too, and it resolves to the new page.
        assert not urlsplit(href).scheme and not href.startswith("/")
        assert urljoin(old, href) == new
        assert values(page, "body a", "href") == [href]
        assert values(page, 'meta[name="robots"]', "content") == ["noindex"]
        canonical = urljoin("https://alignment-basics.github.io/alignment-basics/", new)
        assert values(page, 'link[rel="canonical"]', "href") == [canonical]
        # The script carries the #anchor over; the link names the page it leads to.
        assert f'location.replace("{href}" + location.hash)' in page.css_first("script").text()
        title = read(built_site, new).css_first("article h1")
        for permalink in title.css("a.headerlink"):
            permalink.decompose()
        assert text(page.css_first("body a")) == text(title)
        # What axe asks of a page this small (the sweep skips it, tests/test_browser.py): a language,
        # a title that names the page, a link with a name (above).
        assert values(page, "html", "lang") == ["en"]
        assert text(page.css_first("title")) == f"Moved: {text(title)}"


def test_old_question_addresses_are_all_in_the_table():
    questions = sorted(p.name for p in (ROOT / "docs" / "questions").glob("*.md"))
    old = sorted(Path(path).with_suffix(".md").name for path in REDIRECTS if path.startswith("alignment-basics/"))
    assert old and set(old) <= set(questions)
    assert len(old) == 18, "the 18 questions published under alignment-basics/ before the move"


def test_sitemap_and_search_list_no_redirect_page(built_site):
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    listed = [urlsplit(loc.text).path for loc in ElementTree.parse(built_site / "sitemap.xml").findall(".//s:loc", namespace)]
    assert listed and not [path for path in listed if any(path.endswith("/" + old) for old in REDIRECTS)]
    assert any(path.endswith("/questions/rlhf.html") for path in listed)
    index = json.loads((built_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    locations = {doc["location"].split("#")[0] for doc in index["docs"]}
    assert "questions/rlhf.html" in locations and not locations & set(REDIRECTS)


# The real site, redirect pages included, passes the check (tests/test_site_check.py); here a
# copy of a few of its redirect pages shows what fails.
def test_the_site_check_finds_a_redirect_page_missing_or_leading_nowhere(built_site, tmp_path):
    site = tmp_path / "site"
    old = sorted(REDIRECTS)
    for path in old[:3]:
        (site / path).parent.mkdir(parents=True, exist_ok=True)
        (site / path).write_text((built_site / path).read_text(encoding="utf-8"), encoding="utf-8")
    # One leads to a page this site lacks, one by a root-absolute link (nothing from disk), one is fine.
    (site / REDIRECTS[old[0]]).parent.mkdir(parents=True, exist_ok=True)
    (site / REDIRECTS[old[0]]).write_text("<html><body><article><p>Moved here.</p></article></body></html>")
    (site / old[2]).write_text('<meta http-equiv="Refresh" content="0; URL=/questions/x.html">')
    (site / "claims.json").write_text(json.dumps({"format": "alignment-basics/claims", "version": 1, "claims": []}))
    found = {(d.path.removeprefix(str(site) + "/"), d.code) for d in check_site.check(site).diagnostics
             if d.code == "SIT002"}
    expected = {(old[1], "SIT002"), (old[2], "SIT002")}  # old[1]'s new page was not copied
    expected |= {(path, "SIT002") for path in old[3:]}  # no redirect page at all
    assert found == expected


# -----------------------------------------------------------------------------
# The table is untrusted input
# -----------------------------------------------------------------------------


def _read(text: str) -> tuple[list, list]:
    problems = []
    rows = redirects.read(yaml.safe_load(text).get("extra"), text, lambda line, message: problems.append((line, message)))
    return rows, problems


@pytest.mark.parametrize("text, line, words", [
    ("extra:\n  redirects: [a.md, b.md]\n", 2, "must be a mapping of old page: new page, not a list"),
    ("extra:\n  redirects:\n    a.md: 3\n", 3, "'3' is not a page path"),
    ("extra:\n  redirects:\n    ../../etc/x.md: a.md\n", 3, "'../../etc/x.md' is not a page path"),
    ("extra:\n  redirects:\n    /abs.md: a.md\n", 3, "'/abs.md' is not a page path"),
    ("extra:\n  redirects:\n    a/../../b.md: a.md\n", 3, "'a/../../b.md' is not a page path"),
    ("extra:\n  redirects:\n    old.html: a.md\n", 3, "'old.html' is not a page path"),
    ("extra:\n  redirects:\n    old.md: [a.md]\n", 3, "'['a.md']' is not a page path"),
])
def test_a_bad_row_is_named_at_its_line_and_left_out(text, line, words):
    rows, problems = _read(text)
    assert rows == [] and len(problems) == 1
    assert problems[0][0] == line and words in problems[0][1], problems


def test_a_row_needs_its_new_page_and_a_free_old_address():
    text = "extra:\n  redirects:\n    old/a.md: new/a.md\n    old/b.md: new/gone.md\n    new/a.md: new/b.md\n"
    rows, problems = _read(text)
    assert len(rows) == 3 and not problems
    files = {src: redirects.dest_uri(src, False) for src in ("new/a.md", "new/b.md", "assets/x.css")}
    usable = redirects.check(rows, files, {"new/a.md", "new/b.md"}, False,
                             lambda line, message: problems.append((line, message)))
    assert [row.old for row in usable] == ["old/a.md"]
    assert [line for line, _ in problems] == [4, 5]
    assert "new/gone.md, which is no page" in problems[0][1] and "still a page" in problems[1][1]


def test_an_old_page_given_twice_is_named_not_silently_dropped():
    rows, problems = _read("extra:\n  redirects:\n    old.md: a.md\n    other.md: b.md\n    old.md: b.md\n")
    assert [(line, "only the last row counts" in message) for line, message in problems] == [(3, True)]
    assert [row.old for row in rows] == ["old.md", "other.md"]


def test_two_old_paths_built_to_one_address_are_named_not_overwritten():
    rows, problems = _read("extra:\n  redirects:\n    x/index.md: a.md\n    x.md: b.md\n")
    usable = redirects.check(rows, {}, {"a.md", "b.md"}, True, lambda line, message: problems.append((line, message)))
    assert [row.old for row in usable] == ["x/index.md"]
    assert len(problems) == 1 and problems[0][0] == 4 and "both build to x/index.html" in problems[0][1]


# MkDocs gives a heading's title as HTML ("&amp;"); escaped again it would read "&amp;" on the page.
@pytest.mark.parametrize("title, shown", [
    ("Rewards &amp; &quot;hacks&quot; <code>x</code>?", 'Rewards & "hacks" x?'),
    ("A & B < C", "A & B < C"),
])
def test_a_redirect_link_shows_the_title_as_text_not_as_escaped_markup(title, shown):
    assert pagemeta.title_text(title) == shown
    # Before on_env escapes it, a front-matter title is text already (Cite this page reads it then).
    assert pagemeta.title_text(title, as_written=True) == title


def test_a_redirect_page_links_relatively_in_either_url_style():
    row = redirects.Redirect("alignment-basics/rlhf.md", "questions/rlhf.md", 1)
    flat = redirects.page_for(row, False, "https://example.org/site/")
    assert (flat.dest_uri, flat.href, flat.canonical) == (
        "alignment-basics/rlhf.html", "../questions/rlhf.html", "https://example.org/site/questions/rlhf.html")
    folders = redirects.page_for(row, True, None)
    assert (folders.dest_uri, folders.href, folders.canonical) == (
        "alignment-basics/rlhf/index.html", "../../questions/rlhf/", "")


# -----------------------------------------------------------------------------
# The reader's path and the contributors' corner
# -----------------------------------------------------------------------------


def test_reader_nav_is_home_questions_glossary_sources():
    config = yaml.load(CONFIG.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    titles = [next(iter(item)) if isinstance(item, dict) else item for item in config["nav"]]
    assert titles == ["Home", "Questions", "Glossary", "Sources"]
    assert nav_pages(contributors=True) == reader_pages()


def test_prev_and_next_never_lead_from_a_reader_page_into_the_contributors_pages(built_site):
    pages = reader_pages()
    assert pages[0] == "index.html" and pages[-1] == "sources.html"
    for path in pages:
        page = read(built_site, path)
        links = values(page, "a.md-footer__link", "href")
        links += values(page, 'link[rel~="next"], link[rel~="prev"]', "href")
        targets = {urljoin(path, href).split("#")[0] for href in links}
        assert not [t for t in targets if t.startswith(CONTRIBUTORS)], (path, targets)
        assert targets <= set(pages), (path, targets - set(pages))
    last = read(built_site, pages[-1])
    assert not last.css("a.md-footer__link--next"), "the last reader page leads nowhere further"


def test_every_page_links_to_the_contributors_corner_from_its_footer(built_site):
    contributors = "contributing/index.html"
    assert (built_site / contributors).is_file()
    for path in [*reader_pages(), contributors, "contributing/performance.html"]:
        links = values(read(built_site, path), ".md-footer-meta a[href]", "href")
        assert contributors in {urljoin(path, href) for href in links}, path
    listed = {urljoin(contributors, href) for href in values(read(built_site, contributors), "article a[href]", "href")}
    others = {p.relative_to(built_site).as_posix() for p in (built_site / "contributing").glob("*.html")}
    assert others - {contributors} <= listed, "the corner lists every contributors' page"


def test_home_page_speaks_to_readers(built_site):
    home = read(built_site, "index.html")
    shown = text(home.css_first("article"))
    for contributor_words in ("bib/", "BibTeX", "make ", "refuses", "pull request", "hooks"):
        assert contributor_words not in shown
    questions = [urljoin("index.html", href) for href in values(home, "article ol li a", "href")]
    in_nav = [page for page in reader_pages() if page.startswith("questions/")]
    assert questions == in_nav, "the home page lists the questions in the nav's reading order"
