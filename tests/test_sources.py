"""Sources as first-class: the sources page, "Cite this page", citation metadata, claims.json."""

from __future__ import annotations

import copy
import json
import re
from collections import Counter
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup
from hypothesis import given, settings
from hypothesis import strategies as st
from pybtex.database import Entry, Person, parse_file
from pybtex.database.input.bibtex import Parser
from pybtex.richtext import Text

from conftest import ROOT
from citelib import entries
from citelib.scan import scan
from parsed import soup as parsed_soup

SITE_URL = "https://alignment-basics.github.io/alignment-basics/"
AUTHOR = "Alignment Basics contributors"
EXPLAINERS = sorted(p.relative_to(ROOT / "docs").with_suffix(".html").as_posix()
                    for p in (ROOT / "docs" / "questions").glob("*.md"))
BIB = parse_file(str(ROOT / "bib" / "alignment.bib")).entries


# -----------------------------------------------------------------------------
# Helpers
# -----------------------------------------------------------------------------


# The parsed HTML of a built page, by its path in the site.
def soup_of(site: Path, path: str) -> BeautifulSoup:
    return parsed_soup(site / path)


# Every built HTML page of the site, as paths relative to the site.
def html_pages(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))


# The footnote markers of a page: (marker id, footnote label) in document order.
def markers_of(soup: BeautifulSoup) -> list[tuple[str, str]]:
    return [(sup["id"], sup.a["href"].removeprefix("#fn:")) for sup in soup.select("sup[id^=fnref]")]


# A BibTeX field as plain text, computed independently of the hook.
def plain(value: str) -> str:
    return " ".join(Text.from_latex(value).render_as("text").split())


# The page's own title: its <h1> without the permalink sign.
def h1_of(soup: BeautifulSoup) -> str:
    heading = copy.copy(soup.select_one("article h1"))
    for link in heading.select("a.headerlink"):
        link.decompose()
    return heading.get_text().strip()


# The ledger the build wrote.
@pytest.fixture(scope="module")
def ledger(built_site: Path) -> dict:
    return json.loads((built_site / "claims.json").read_text(encoding="utf-8"))


# -----------------------------------------------------------------------------
# Sources page
# -----------------------------------------------------------------------------


# Every entry of bib/ is on the sources page, in the group its type calls for.
def test_sources_page_lists_every_entry_in_its_group(built_site):
    soup = soup_of(built_site, "sources.html")
    listed = {li["id"].removeprefix("source-") for li in soup.select("li.source-entry")}
    assert listed == set(BIB)
    group = {li["id"].removeprefix("source-"): li.find_parent("ul").find_previous_sibling("h2")["id"]
             for li in soup.select("li.source-entry")}
    assert group["christiano2017deep"] == "papers"     # inproceedings
    assert group["casper2023open"] == "papers"         # article
    assert group["amodei2016concrete"] == "papers"     # misc with an arXiv eprint
    assert group["clark2016faulty"] == "posts"         # misc with howpublished, no eprint
    assert group["krakovna2018specification"] == "posts"
    assert "[^" not in soup.select_one("article").get_text()


# The sources page shows the same formatted reference as the footnotes of the pages.
def test_sources_page_reuses_the_footnote_text(built_site):
    soup = soup_of(built_site, "sources.html")
    footnote = copy.copy(soup_of(built_site, "questions/rlhf.html").select_one("li#fn\\:christiano2017deep p"))
    for backref in footnote.select("a.footnote-backref"):
        backref.decompose()
    entry = soup.select_one("li#source-christiano2017deep > p")
    assert " ".join(entry.get_text().split()) == " ".join(footnote.get_text().replace("\xa0", " ").split())
    assert "Deep reinforcement learning from human preferences" in entry.get_text()


# Every "Cited by" link names an element on its target page: the marker of that very source,
# and together they are all the markers of the source on the whole site.
def test_cited_by_links_resolve_to_every_marker(built_site):
    soup = soup_of(built_site, "sources.html")
    expected = {key: set() for key in BIB}
    # Each page is parsed once, here, and looked up again below for every link to it.
    cache = {path: soup_of(built_site, path) for path in html_pages(built_site)}
    for path, page in cache.items():
        for marker, label in markers_of(page):
            if label in BIB:
                expected[label].add(f"{path}#{marker}")
    for li in soup.select("li.source-entry"):
        key = li["id"].removeprefix("source-")
        found = set()
        for link in li.select(".cited-by a"):
            href = link["href"]
            assert not href.startswith(("/", "http")) and ".html#" in href, href
            path, fragment = urlsplit(href).path, unquote(urlsplit(href).fragment)
            target = (built_site / path).resolve()
            assert target.is_file(), href
            relative = target.relative_to(built_site.resolve()).as_posix()
            assert relative in cache, href
            page = cache[relative]
            element = page.find(id=fragment)
            assert element is not None, f"{href}: no element with id {fragment!r}"
            assert element.name == "sup" and element.a["href"] == f"#fn:{key}", href
            assert link["title"].strip(), href
            found.add(f"{relative}#{fragment}")
        assert found == expected[key], key
    assert sum(len(v) for v in expected.values()) > 100


# -----------------------------------------------------------------------------
# References
# -----------------------------------------------------------------------------


# DOI entries link doi.org and arXiv entries link arxiv.org/abs, for every entry type in bib/,
# both in the footnotes of the pages and on the sources page.
def test_references_link_doi_and_arxiv(built_site):
    footnotes = {}
    for path in html_pages(built_site):
        for li in soup_of(built_site, path).select("div.footnote li[id^='fn:']"):
            footnotes.setdefault(li["id"].removeprefix("fn:"), li)
    sources_page = soup_of(built_site, "sources.html")
    types_checked = Counter()
    for key, entry in BIB.items():
        wanted = []
        if "doi" in entry.fields:
            wanted.append(f"https://doi.org/{entry.fields['doi']}")
        if "eprint" in entry.fields:
            wanted.append(f"https://arxiv.org/abs/{entry.fields['eprint']}")
        for place in (footnotes.get(key), sources_page.select_one(f"li#source-{key}")):
            assert place is not None, key
            hrefs = {a["href"] for a in place.select("a[href]")}
            for url in wanted:
                assert url in hrefs, f"{key}: no link to {url}"
        types_checked[(entry.type.lower(), "doi" in entry.fields, "eprint" in entry.fields)] += 1
    assert any(doi for (_, doi, _) in types_checked) and any(ep for (_, _, ep) in types_checked)
    assert {kind for kind, _, _ in types_checked} >= {"article", "inproceedings", "misc"}



# Each source on the sources page links each address once: an arXiv entry whose URL is its arXiv
# page shows "arXiv:..." alone, not "URL: ..., arXiv:..." with the same link twice.
def test_each_source_links_each_address_once(built_site):
    sources = {li["id"].removeprefix("source-"): li.p for li in soup_of(built_site, "sources.html").select("li.source-entry")}
    assert len(sources) == len(BIB)
    for key, reference in sources.items():
        hrefs = [a["href"] for a in reference.select("a[href]")]
        assert len(hrefs) == len(set(hrefs)), f"{key}: a link twice: {hrefs}"
    assert "URL:" not in sources["ji2023ai"].get_text() and "arXiv:2310.19852" in sources["ji2023ai"].get_text()


# -----------------------------------------------------------------------------
# Cite this page
# -----------------------------------------------------------------------------


# Each explainer page ends with a citation and a BibTeX @misc entry that pybtex parses.
@pytest.mark.parametrize("path", EXPLAINERS)
def test_cite_this_page_bibtex_parses(built_site, path):
    soup = soup_of(built_site, path)
    block = soup.select_one("details.cite-this-page")
    assert block is not None and block.summary.get_text().strip() == "Cite this page"
    title = h1_of(soup)
    data = Parser().parse_string(block.select_one("pre code").get_text())
    assert len(data.entries) == 1
    (key, entry), = data.entries.items()
    assert entry.type == "misc" and key.startswith("alignmentbasics-")
    assert plain(entry.fields["title"]) == title
    assert [str(person) for person in entry.persons["author"]] == ["{Alignment Basics contributors}"]
    assert entry.fields["url"] == SITE_URL + path
    assert re.fullmatch(r"\d{4}", entry.fields["year"])
    # The note gives the page's last change, when the page has a date (git, or its file when new);
    # the year and date are of its first publication.
    dated = soup.select_one("article aside.md-source-file time")
    ld = json.loads(soup.select_one('script[type="application/ld+json"]').string)
    if dated is not None:
        assert entry.fields["note"] == f"Last changed {dated.get_text(strip=True)}"
        assert ld["datePublished"] == entry.fields["date"] and entry.fields["date"].startswith(entry.fields["year"])
    else:
        assert "note" not in entry.fields
    text = block.select_one("#cite-chicago").get_text()
    assert text.startswith(AUTHOR) and "“" in text and SITE_URL + path in text
    assert block.select_one("#cite-apa em").get_text().rstrip(".") == title.rstrip(".")
    assert block.has_attr("data-search-exclude")


# The code copy button is on, so the BibTeX can be copied.
def test_code_copy_feature_is_on(built_site):
    config = json.loads(soup_of(built_site, EXPLAINERS[0]).select_one("script#__config").string)
    assert "content.code.copy" in config["features"]


# Without a date from git, the citation falls back to the build year.
def test_citation_year_falls_back_to_build_year():
    import datetime

    from citelib import pagemeta

    assert pagemeta.citation_year("") == str(datetime.date.today().year)
    assert pagemeta.citation_year("2024-03-05") == "2024"


# -----------------------------------------------------------------------------
# Metadata in <head>
# -----------------------------------------------------------------------------


# Scholar tags and JSON-LD name the page and list exactly the sources the page cites.
@pytest.mark.parametrize("path", EXPLAINERS)
def test_head_metadata_lists_every_cited_source(built_site, path):
    soup = soup_of(built_site, path)
    cited = list(dict.fromkeys(label for _, label in markers_of(soup) if label in BIB))
    assert cited
    head = soup.head

    def meta(name: str) -> list[str]:
        return [tag["content"] for tag in head.select(f'meta[name="{name}"]')]

    title = h1_of(soup)
    assert meta("citation_title") == [title]
    assert meta("citation_author") == [AUTHOR]
    assert re.fullmatch(r"\d{4}(/\d{2}/\d{2})?", meta("citation_publication_date")[0])
    references = meta("citation_reference")
    assert len(references) == len(cited)
    for key, reference in zip(cited, references):
        entry = BIB[key]
        fields = [tuple(part.split("=", 1)) for part in reference.split("; ")]
        values = {}
        for name, value in fields:
            values.setdefault(name, []).append(value)
        assert values["citation_title"] == [plain(entry.fields["title"]).replace(";", ",")]
        assert len(values["citation_author"]) == len(entry.persons["author"])
        assert values["citation_publication_date"] == [entry.fields["year"]]
        if "doi" in entry.fields:
            assert values["citation_doi"] == [entry.fields["doi"]]
        if "eprint" in entry.fields:
            assert values["citation_arxiv_id"] == [entry.fields["eprint"]]
        assert values.get("citation_url") or values.get("citation_pdf_url")

    scripts = head.select('script[type="application/ld+json"]')
    assert len(scripts) == 1
    ld = json.loads(scripts[0].string)
    assert ld["@context"] == "https://schema.org" and ld["@type"] in ("ScholarlyArticle", "Article")
    assert ld["headline"] == title
    assert ld["author"]["name"] == AUTHOR
    assert re.fullmatch(r"\d{4}(-\d{2}-\d{2})?", ld["dateModified"])
    assert ld["url"] == SITE_URL + path
    assert [item["@id"] for item in ld["citation"]] == [f"{SITE_URL}sources.html#source-{key}" for key in cited]
    for key, item in zip(cited, ld["citation"]):
        entry = BIB[key]
        assert item["@type"] in ("ScholarlyArticle", "CreativeWork", "Book")
        assert item["name"] == plain(entry.fields["title"])
        assert item["datePublished"] == entry.fields["year"]
        assert len(item["author"]) == len(entry.persons["author"]) and all(a["name"] for a in item["author"])
        links = [item["url"], *item.get("sameAs", [])]
        if "doi" in entry.fields:
            assert f"https://doi.org/{entry.fields['doi']}" in links
        if "eprint" in entry.fields:
            assert f"https://arxiv.org/abs/{entry.fields['eprint']}" in links


# Pages that are not explainers carry no page citation.
def test_other_pages_have_no_page_citation(built_site):
    for path in ("index.html", "glossary.html", "sources.html"):
        soup = soup_of(built_site, path)
        assert soup.select_one("details.cite-this-page") is None
        assert not soup.select('meta[name="citation_title"]')


# -----------------------------------------------------------------------------
# Claims ledger
# -----------------------------------------------------------------------------


# claims.json holds every footnote marker of the site exactly once.
def test_claims_cover_every_marker_exactly_once(built_site, ledger):
    in_pages = Counter()
    for path in html_pages(built_site):
        for marker, _ in markers_of(soup_of(built_site, path)):
            in_pages[(path, marker)] += 1
    in_ledger = Counter((claim["page"], claim["anchor"]) for claim in ledger["claims"])
    assert max(in_ledger.values()) == 1
    assert in_ledger == in_pages
    assert len(ledger["claims"]) > 100
    assert ledger["format"] == "alignment-basics/claims" and ledger["version"] == 1


# Each claim is the sentence around its marker, with the marker's source and locator.
def test_claims_hold_the_sentence_and_the_source(built_site, ledger):
    pages = {path: soup_of(built_site, path) for path in {c["page"] for c in ledger["claims"]}}
    for claim in ledger["claims"]:
        sup = pages[claim["page"]].find(id=claim["anchor"])
        label = sup.a["href"].removeprefix("#fn:")
        assert claim["footnote"] == label
        if label in BIB:
            assert claim["sources"] == [label]
        block = copy.copy(sup.find_parent(["p", "li", "td", "dd", "figcaption"]))
        for hidden in block.select("sup[id^=fnref], span.cite-locator, span.cite-sep, a.footnote-backref"):
            hidden.decompose()
        sentence = claim["text"]
        assert sentence and "[^" not in sentence and "@" not in sentence
        assert sentence in " ".join(block.get_text().split()), claim
        assert claim["url"] == f"{SITE_URL}{claim['page']}#{claim['anchor']}"
    rlhf = [c for c in ledger["claims"] if c["page"] == "questions/rlhf.html"]
    ppo = [c for c in rlhf if "PPO" in c["text"] and c["sources"] == ["ouyang2022training"]]
    assert ppo and ppo[0]["cites"] == [{"key": "ouyang2022training", "locator": "sec. 3.5"}]
    assert ppo[0]["text"].startswith("They first fine-tuned GPT-3") and ppo[0]["text"].endswith("called PPO.")


# The keys and locators of each page's claims are those its Markdown cites.
@pytest.mark.parametrize("path", EXPLAINERS + ["glossary.html"])
def test_claims_match_the_citations_of_the_markdown(ledger, path):
    markdown = (ROOT / "docs" / path).with_suffix(".md").read_text(encoding="utf-8")
    written = Counter((cite.key, cite.locator) for citation in scan(markdown).valid_citations
                      for cite in citation.cites)
    claimed = Counter((cite["key"], cite["locator"]) for claim in ledger["claims"] if claim["page"] == path
                      and claim["footnote"] in BIB for cite in claim["cites"])
    assert claimed == written


# The per-page counts add up, and `make claims` prints them.
def test_claims_summary(ledger, capsys):
    import importlib.util

    for page in ledger["pages"]:
        assert page["claims"] == sum(1 for c in ledger["claims"] if c["page"] == page["page"])
        assert 0 < page["cited_sentences"] <= page["sentences"]
        assert len(page["uncited"]) == page["sentences"] - page["cited_sentences"]
    spec = importlib.util.spec_from_file_location("claims_summary", ROOT / "tools" / "claims_summary.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    table = module.summary(ledger)
    rlhf = next(line for line in table.splitlines() if line.startswith("questions/rlhf.html"))
    page = next(p for p in ledger["pages"] if p["page"] == "questions/rlhf.html")
    assert rlhf.split()[1:3] == [str(page["sentences"]), str(page["cited_sentences"])]
    assert table.splitlines()[-1].split()[-2] == str(len(ledger["claims"]))


def claims_summary_module():
    import importlib.util

    spec = importlib.util.spec_from_file_location("claims_summary", ROOT / "tools" / "claims_summary.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# `make claims` names every uncited sentence of the site with the Markdown line it starts on.
def test_claims_lists_every_uncited_sentence_of_the_site_with_its_line(ledger, capsys):
    module = claims_summary_module()
    assert module.main(["claims_summary.py", str(ROOT / "site-does-not-exist.json")]) == 1
    listing = module.uncited_listing(ledger, ROOT).splitlines()
    expected = [(page["source"], sentence) for page in ledger["pages"] for sentence in page["uncited"]]
    assert listing[0] == f"Sentences without a citation: {len(expected)}"
    assert len(expected) == sum(page["sentences"] - page["cited_sentences"] for page in ledger["pages"])
    letters = lambda text: "".join(c.lower() for c in text if c.isalnum())
    for line, (source, sentence) in zip(listing[1:], expected, strict=True):
        path, number, text = line.split(":", 2)
        assert (path, text.strip()) == (source, sentence)
        written = (ROOT / path).read_text(encoding="utf-8").splitlines()[int(number) - 1]
        # The line holds the start of the sentence (its first word, at least).
        assert letters(sentence.split()[0]) in letters(written), line


# The line of a sentence is found through Markdown markup, links and citations, in order.
def test_uncited_listing_gives_path_and_line(tmp_path, capsys):
    module = claims_summary_module()
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "page.md").write_text(
        "# Title\n"
        "\n"
        "A cited one.[@key, sec. 2] Here a *stated* [fact](other.md#x)\n"
        "without a source. Again.\n"
        "\n"
        "- **Again.** Cited.[@key]\n",
        encoding="utf-8")
    ledger = {"pages": [{"page": "page.html", "title": "Title", "sentences": 4, "cited_sentences": 2,
                         "claims": 2, "sources": ["key"], "source": "docs/page.md",
                         "uncited": ["Here a stated fact without a source.", "Again.", "Again."]}],
              "claims": []}
    assert module.uncited_listing(ledger, tmp_path).splitlines() == [
        "Sentences without a citation: 3",
        "docs/page.md:3: Here a stated fact without a source.",
        "docs/page.md:4: Again.",
        "docs/page.md:6: Again.",
    ]
    (tmp_path / "claims.json").write_text(json.dumps(ledger), encoding="utf-8")
    assert module.main(["claims_summary.py", str(tmp_path / "claims.json"), str(tmp_path)]) == 0
    assert "docs/page.md:3: Here a stated fact without a source." in capsys.readouterr().out


# The word before a full stop, read backwards from the end, is what the regular expression that
# tries every position finds (its "$" also matches before a final line break).
@settings(max_examples=400, deadline=None)
@given(st.text(st.sampled_from(list("ab.Z9_é\n -…!") + ["\u0301", "\u00a0"]), max_size=14))
def test_word_at_end_is_what_the_anchored_search_finds(text):
    from citelib import claims

    found = re.search(r"([\w.]+)\.?$", text)
    assert claims.word_at_end(text) == (found[1] if found else "")


# Sentences, locators and asides, on a small page written as the hooks write one: an aside's
# marker claims the sources inside it.
def test_read_page_sentences_locators_and_asides():
    from citelib import claims, rendered

    page = (
        '<h1 id="t">Title<a class="headerlink" href="#t">&para;</a></h1>\n'
        '<p>Smith et al. found a thing. It was big.'
        '<span class="cite-pinned"><sup id="fnref:src"><a class="footnote-ref" href="#fn:src">1</a></sup>'
        '<span class="cite-locator">sec. 2</span></span><span class="cite-sep">; </span>'
        '<sup id="fnref:other"><a class="footnote-ref" href="#fn:other">3</a></sup> Then, e.g. Tom B. Brown, left.'
        '<sup id="fnref:aside"><a class="footnote-ref" href="#fn:aside">2</a></sup> No source here.</p>\n'
        '<div class="footnote"><hr /><ol>'
        '<li id="fn:src"><p>A. Author. A paper. 2020.&#160;'
        '<a class="footnote-backref" href="#fnref:src">&#8617;</a></p></li>'
        '<li id="fn:aside"><p>The lagoon had targets.'
        '<span class="cite-pinned"><sup id="fnref2:src"><a class="footnote-ref" href="#fn:src">1</a></sup>'
        '<span class="cite-locator">p. 4</span></span>&#160;'
        '<a class="footnote-backref" href="#fnref:aside">&#8617;</a></p></li></ol></div>'
    )
    found, counts = claims.page_claims(rendered.read(page), "p.html", "Title", lambda label: label in ("src", "other"))
    by_anchor = {c.marker.anchor: c.marker for c in found}
    assert list(by_anchor) == ["fnref:src", "fnref:other", "fnref:aside", "fnref2:src"]
    assert by_anchor["fnref:src"].text == by_anchor["fnref:other"].text == "It was big."
    assert by_anchor["fnref:src"].cites == [("src", "sec. 2")]
    assert by_anchor["fnref:other"].cites == [("other", "")]
    assert by_anchor["fnref:aside"].text == "Then, e.g. Tom B. Brown, left."
    assert by_anchor["fnref:aside"].cites == [("src", "p. 4")]
    assert by_anchor["fnref2:src"].text == "The lagoon had targets."
    # Four sentences in the paragraph, one in the aside; the reference itself is not counted.
    assert counts["sentences"] == 5 and counts["cited_sentences"] == 3 and counts["sources"] == ["other", "src"]
    assert counts["uncited"] == ["Smith et al. found a thing.", "No source here."]


# Sentences end where readers end them: initials ("the U.S. AI models") and "No. 5" end none, a
# capital of any script starts one, and "said no." ends one (a helper's cases: a marker got the
# opposite half of its sentence, or an uncited sentence merged into a cited one).
@pytest.mark.parametrize("text, sentences", [
    ("It is false that the U.S. AI models never deceive users.",
     ["It is false that the U.S. AI models never deceive users."]),
    ("The model said no. Models always obey their operators.",
     ["The model said no.", "Models always obey their operators."]),
    ("Éléphants are safe. Élan vital is proven.", ["Éléphants are safe.", "Élan vital is proven."]),
    ("See No. 5 for the proof. It holds.", ["See No. 5 for the proof.", "It holds."]),
    ("Written by J. Smith in 2020. Then it spread.", ["Written by J. Smith in 2020.", "Then it spread."]),
    ("Reward models are perfect. «Labelers are fallible.»",
     ["Reward models are perfect.", "«Labelers are fallible.»"]),
    ("Said „Models lie.“ Then it spread.", ["Said „Models lie.“", "Then it spread."]),
    ("Models lie‼ Labelers err.", ["Models lie‼", "Labelers err."]),
    ("Dr. Smith said so. It holds.", ["Dr. Smith said so.", "It holds."]),
])
def test_sentences_end_where_readers_end_them(text, sentences):
    from citelib import claims

    assert [text[start:end].strip() for start, end in claims.sentence_spans(text, [])] == sentences


# A line break before a capital ends a sentence: the marker after the second line claims it alone
# (a helper's "Models are safe<br>Models deceive." credited both). Before a lowercase word it ends
# none, and a citation on a line of its own claims the line before it (a reviewer's cases).
@pytest.mark.parametrize("html, claimed, uncited", [
    ("Models are safe<br>Models deceive.", "Models deceive.", ["Models are safe"]),
    ("Agents exploited the reward<br>in the boat race.", "Agents exploited the reward in the boat race.", []),
    ("Agents exploited the reward.<br>", "Agents exploited the reward.", []),
])
def test_a_line_break_before_a_capital_ends_a_sentence_of_the_ledger(html, claimed, uncited):
    from citelib import claims, rendered

    page = f'<p>{html}<sup id="fnref:src"><a class="footnote-ref" href="#fn:src">1</a></sup></p>'
    found, counts = claims.page_claims(rendered.read(page), "p.html", "T", lambda label: label == "src")
    assert [claim.marker.text for claim in found] == [claimed]
    assert counts["uncited"] == uncited


# A sources page that names no page of the site left the site with no list of sources, and no word
# (a helper's `sources_page: nosuch.md`): the build says so, and a strict build stops.
def test_a_sources_page_that_is_no_page_of_the_site_stops_a_strict_build(tmp_path, caplog):
    from mkdocs.exceptions import Abort

    from sitebuild import build_site
    from tinysite import ALL_HOOKS, base_config, write_site

    config = base_config(ALL_HOOKS)
    config.setdefault("extra", {})["citations"] = {**config.get("extra", {}).get("citations", {}),
                                                   "sources_page": "sources.md"}
    page = "# Page\n\nA claim.[@hubinger2019risks] Another.[@clark2016faulty]\n"
    sources = '# Sources\n\n<div class="sources-list"></div>\n'
    config_file = write_site(tmp_path, {"claims/page.md": page, "sources.md": sources}, config=config)
    build_site(config_file, tmp_path / "site")  # the same site, its sources page named: it builds
    config["extra"]["citations"]["sources_page"] = "nosuch.md"
    config_file = write_site(tmp_path, {}, config=config)
    with pytest.raises(Abort):
        build_site(config_file, tmp_path / "site")
    assert "extra.citations.sources_page names nosuch.md, which is no page of the site" in caplog.text


# BibTeX's "and others" names no author, and a suffix belongs to its author: a helper's entry gave
# the metadata a person named "others" and "Jack Clark" for "Jack Clark, Jr." (the reference itself
# read right).
def test_the_metadata_names_only_named_authors_each_with_their_suffix():
    entry = Entry("article", fields={"title": "Faulty reward functions", "year": "2016"},
                  persons={"author": [Person("Clark, Jr., Jack"), Person("Amodei, Dario"), Person("others")]})
    assert [author.full for author in entries.authors(entry)] == ["Jack Clark, Jr.", "Dario Amodei"]
    assert [person["name"] for person in entries.source_json_ld(entry, "k", "https://x.org/")["author"]] == [
        "Jack Clark, Jr.", "Dario Amodei"]
    assert entries.citation_reference(entry).split("; ")[1:3] == ["citation_author=Clark, Jack, Jr.",
                                                                  "citation_author=Amodei, Dario"]
    pairs = entries.coins_pairs(entry)
    assert ("rft.ausuffix", "Jr.") in pairs and ("rft.aulast", "Clark") in pairs
    assert [value for key, value in pairs if key == "rft.au"] == ["Jack Clark, Jr.", "Dario Amodei"]
