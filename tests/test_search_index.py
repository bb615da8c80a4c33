"""The search index carries the prose of the pages, without markers, locators or references.

Material's search plugin writes site/search/search_index.json from each page's HTML. A marker
("1"), its locator ("sec. 1.2") and the formatted references are not prose: glued to the text
they gave results such as "represents.1sec. 1 The objective...". The sources page lists the
sources as its content, so search must still find them there.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import markdown
import pytest
from bs4 import BeautifulSoup, NavigableString, SoupStrainer
from material.plugins.search.plugin import Parser
from pybtex.database import parse_file
from pybtex.richtext import Text

from citelib import markup
from conftest import ROOT
from sitebuild import citations_page

# One worker runs this file, so its module fixtures are built once, not once per worker.
pytestmark = pytest.mark.xdist_group("search-index-pages")

BIB = parse_file(str(ROOT / "bib" / "alignment.bib")).entries
SOURCES_PAGE = citations_page(ROOT / "mkdocs.yml", "sources_page", "sources.md")


# -----------------------------------------------------------------------------
# Helpers
# -----------------------------------------------------------------------------


# The index's entries, grouped by the page they belong to ("glossary.html").
def index_by_page(site: Path) -> dict[str, list[dict]]:
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    pages: dict[str, list[dict]] = {}
    for doc in index["docs"]:
        pages.setdefault(doc["location"].split("#")[0], []).append(doc)
    return pages


# An index text as a reader sees it: tags gone, entities decoded, white space single.
def plain(text: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", text)).split())


# The article of every indexed page, parsed once for the tests of this file.
@pytest.fixture(scope="module")
def articles(built_site) -> dict[str, BeautifulSoup | None]:
    only_article = SoupStrainer("article")
    return {page: BeautifulSoup((built_site / page).read_text(encoding="utf-8"), "html.parser",
                                parse_only=only_article).select_one("article")
            for page in index_by_page(built_site)}


# Whether a text node is part of a marker, locator or separator (not prose).
def in_citation(node) -> bool:
    for parent in node.parents:
        if parent.name == "sup" and parent.get("id", "").startswith("fnref"):
            return True
        if parent.name == "span" and {"cite-locator", "cite-sep"} & set(parent.get("class", [])):
            return True
    return False


# For each locator of a paragraph: the prose just before its marker and the locator's text.
def prose_before_locators(paragraph) -> list[tuple[str, str, str]]:
    found, prose = [], []
    for node in paragraph.descendants:
        if getattr(node, "name", None) == "sup" and node.get("id", "").startswith("fnref"):
            locator = node.find_next_sibling()
            if locator is not None and "cite-locator" in locator.get("class", []):
                before = " ".join("".join(prose).split())
                found.append((before[-30:], node.get_text(), locator.get_text()))
        if isinstance(node, NavigableString) and not in_citation(node):
            prose.append(str(node))
    return found


# -----------------------------------------------------------------------------
# Tests
# -----------------------------------------------------------------------------


# Every page with markers: its index entries keep the sentence before each locator, and what
# follows that sentence is neither the marker's number nor the locator.
def test_search_index_has_no_marker_or_locator_after_the_prose(built_site, articles):
    pages = index_by_page(built_site)
    checked = 0
    for page, docs in pages.items():
        article = articles[page]
        if article is None or not article.select("sup[id^=fnref]"):
            continue
        text = plain(" ".join(doc["text"] for doc in docs))
        raw = " ".join(doc["text"] for doc in docs)
        assert "<sup>" not in raw, f"{page}: a marker is in the search index"
        for paragraph in article.select("p, dd, li, td"):
            for before, number, locator in prose_before_locators(paragraph):
                if len(before) < 12:
                    continue
                assert before in text, f"{page}: the prose {before!r} is missing from the index"
                for match in re.finditer(re.escape(before), text):
                    after = text[match.end():].lstrip()
                    assert not after.startswith((number, locator)), (
                        f"{page}: {before!r} is followed by {after[:30]!r} in the search index")
                checked += 1
        # No entry, the glossary's included, starts with a locator.
        for doc in docs:
            start = plain(doc["text"])
            assert not re.match(r"(sec|secs|ch|p|pp|fig|table|para)\.\s*\d", start), (
                f"{doc['location']}: the search entry starts with {start[:30]!r}")
    assert checked >= 20, f"only {checked} locators checked"


# The formatted references appear on the sources page only, not under each citing page.
def test_search_index_has_references_only_on_the_sources_page(built_site, articles):
    pages = index_by_page(built_site)
    references = {}
    for article in filter(None, articles.values()):
        for item in article.select("div.footnote li[id^='fn:']"):
            text = "".join(node for node in item.find_all(string=True)
                           if "footnote-backref" not in (node.parent.get("class") or []))
            references[item["id"]] = " ".join(text.split())[:60]
    assert len(references) >= 20
    for page, docs in pages.items():
        if page == SOURCES_PAGE:
            continue
        text = plain(" ".join(doc["text"] for doc in docs))
        for key, reference in references.items():
            assert reference not in text, f"{page}: the reference {key} is in the search index"


# Search still finds every source on the sources page, by its title.
def test_search_index_finds_every_source_on_the_sources_page(built_site):
    docs = index_by_page(built_site)[SOURCES_PAGE]
    text = plain(" ".join(doc["text"] for doc in docs)).lower()
    for key, entry in BIB.items():
        title = " ".join(str(Text.from_latex(entry.fields["title"])).split())
        assert title.lower() in text, f"{key}: {title!r} is not in the sources page's search entries"


# Material's own search parser, given a page rendered with the markup extension, keeps the prose
# and an aside (a hand-written footnote) and leaves out the markers and the source's reference.
def test_material_search_parser_skips_markers_and_sources_but_keeps_asides():
    page = markdown.markdown(
        "The boat circled the lagoon.[^src][^lagoon] Then it went on.[^src]\n\n"
        "[^src]: Jack Clark. Faulty reward functions in the wild.\n"
        "[^lagoon]: The lagoon let the boat collect respawning targets.\n",
        extensions=["footnotes", markup.extension(lambda label: label == "src")])
    parser = Parser()
    parser.feed(page)
    parser.close()
    text = plain(" ".join("".join(section.text) for section in parser.data))
    assert "The boat circled the lagoon. Then it went on." in text
    assert "The lagoon let the boat collect respawning targets." in text
    assert "Faulty reward" not in text and not re.search(r"\d", text), text
    # Each back-link of the source says which citation it leads back to.
    labels = [a["aria-label"] for a in BeautifulSoup(page, "html.parser").select('li[id="fn:src"] a.footnote-backref')]
    assert labels == ["Back to citation 1 of 2", "Back to citation 2 of 2"]
