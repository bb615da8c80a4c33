"""The real site builds in strict mode, and a reader sees numbered markers and full references."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from citecheck import check_project
from parsed import soup as parsed_soup

ROOT = Path(__file__).resolve().parent.parent
FIRST_PAGE = "questions/outer-and-inner-alignment.html"
EXPLAINERS = sorted(p.stem for p in (ROOT / "docs" / "questions").glob("*.md"))


def soup(site: Path, page: str) -> BeautifulSoup:
    return parsed_soup(site / page)


def references(page: BeautifulSoup) -> dict[str, str]:
    return {li["id"].removeprefix("fn:"): li.get_text(" ", strip=True)
            for li in page.select("div.footnote li[id^='fn:']")}


def test_the_real_site_passes_every_source_check_without_building():
    assert check_project(ROOT).format() == "Found 0 citation problems."


def test_the_first_page_and_home_page_are_built(built_site):
    assert (built_site / FIRST_PAGE).is_file()
    home = soup(built_site, "index.html")
    assert home.select_one(f"a[href='{FIRST_PAGE}']") is not None


@pytest.mark.parametrize("name", EXPLAINERS)
def test_every_marker_links_to_a_reference_with_a_link_to_its_source(built_site, name):
    page = soup(built_site, f"questions/{name}.html")
    markers = page.select("sup[id^='fnref'] a.footnote-ref")
    assert markers, "an explainer page cites sources"
    entries = references(page)
    for marker in markers:
        label = marker["href"].removeprefix("#fn:")
        assert marker.get_text().isdigit()
        assert label in entries
        item = page.select_one(f"li[id='fn:{label}']")
        links = [a["href"] for a in item.select("a[href^='http']")]
        assert links, f"reference {label} has no link to its source"


@pytest.mark.parametrize(("key", "authors", "year"), [
    ("hubinger2019risks", "Evan Hubinger, Chris van Merwijk, Vladimir Mikulik, Joar Skalse, and Scott Garrabrant", "2019"),
    ("hubinger2019risksintro", "Evan Hubinger, Chris van Merwijk, Vladimir Mikulik, Joar Skalse, and Scott Garrabrant", "2019"),
    ("krakovna2020specification", "Victoria Krakovna, Jonathan Uesato, Vladimir Mikulik, Matthew Rahtz, Tom Everitt, "
     "Ramana Kumar, Zac Kenton, Jan Leike, and Shane Legg", "2020"),
    ("clark2016faulty", "Jack Clark and Dario Amodei", "2016"),
])
def test_seed_sources_and_the_original_boat_race_report_show_correct_authors_and_years(built_site, key, authors, year):
    text = references(soup(built_site, FIRST_PAGE))[key]
    assert text.startswith(authors + ".")
    assert re.search(rf"\b{year}\b", text)


def test_the_boat_race_cites_openai_first_report_beside_deepminds_post(built_site):
    page = soup(built_site, FIRST_PAGE)
    paragraph = next(p for p in page.select("article p") if "CoastRunners" in p.get_text())
    assert [a["href"] for a in paragraph.select("a.footnote-ref")][:1] == ["#fn:clark2016faulty"]
    refs = references(page)
    assert "December 2016" in refs["clark2016faulty"]
    assert "openai.com" in refs["clark2016faulty"]
    assert "deepmind.google" in refs["krakovna2020specification"]


def test_rlhf_and_constitutional_ai_sentence_carries_its_own_sources(built_site):
    page = soup(built_site, FIRST_PAGE)
    paragraph = next(p for p in page.select("article p") if "Constitutional AI" in p.get_text())
    cited = {a["href"] for a in paragraph.select("a.footnote-ref")}
    assert {"#fn:christiano2017deep", "#fn:bai2022constitutional"} <= cited


def test_a_locator_stays_visible_beside_its_marker(built_site):
    page = soup(built_site, FIRST_PAGE)
    locators = [span.get_text() for span in page.select("sup[id^='fnref'] + span.cite-locator")]
    assert "sec. 1.2" in locators and "sec. 4" in locators


def test_a_reference_shows_authors_title_venue_and_year(built_site):
    text = references(soup(built_site, FIRST_PAGE))["clark2016faulty"]
    assert re.fullmatch(r"Jack Clark and Dario Amodei\. Faulty reward functions in the wild\. "
                        r"OpenAI Blog, December 2016\. .*https://openai\.com/index/faulty-reward-functions/.*", text)


def test_hovering_a_marker_is_enabled_and_no_page_asks_google_fonts(built_site):
    for html in built_site.rglob("*.html"):
        text = html.read_text(encoding="utf-8")
        assert "fonts.googleapis.com" not in text and "fonts.gstatic.com" not in text, html
    assert '"content.footnote.tooltips"' in (built_site / FIRST_PAGE).read_text(encoding="utf-8")


def test_both_palettes_search_and_table_of_contents_are_present(built_site):
    page = soup(built_site, FIRST_PAGE)
    schemes = {form_input["data-md-color-scheme"] for form_input in page.select("input[data-md-color-scheme]")}
    assert schemes == {"default", "slate"}
    assert page.select_one("input.md-search__input") is not None
    assert page.select_one("nav.md-nav--secondary a[href='#outer-alignment-is-the-objective-right']")


# The 404 page is served for any missing address, so its own edit link is not for readers.
@pytest.mark.parametrize("src", sorted(p for p in (ROOT / "docs").rglob("*.md") if p.name != "404.md"),
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_the_edit_link_of_every_page_points_at_its_own_source_file(built_site, src):
    rel = src.relative_to(ROOT / "docs")
    page = soup(built_site, str(rel.with_suffix(".html")))
    edit = page.select_one("a.md-content__button[href*='/edit/']")
    assert edit is not None
    prefix = "https://github.com/alignment-basics/alignment-basics/edit/main/"
    assert edit["href"].startswith(prefix)
    assert (ROOT / edit["href"].removeprefix(prefix)) == src
