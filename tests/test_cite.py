"""Easy to cite and to collect: "Cite this page" in APA, Chicago, BibTeX and RIS; first publication
and last change; reviews; COinS for Zotero on the sources page; the whole bibliography as one .bib
file; descriptions and link previews; CITATION.cff. Reads the one built site of the session."""

from __future__ import annotations

import functools
import json
import re
import struct
import subprocess
from datetime import date
from pathlib import Path
from urllib.parse import unquote_to_bytes

import pytest
import yaml
from jinja2 import Environment, FileSystemLoader
from pybtex.database import Entry, Person, parse_string
from pybtex.database.input.bibtex import Parser
from selectolax.lexbor import LexborHTMLParser

from conftest import ROOT
from citelib import bib, entries, pagemeta, rendered, review
from citelib.diagnostics import Report
from citelib.settings import PageSet

SITE_URL = "https://alignment-basics.github.io/alignment-basics/"
AUTHOR = "Alignment Basics contributors"
SITE_NAME = "Alignment Basics"
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")


# The explainer pages and the sources page, as mkdocs.yml names them (paths inside the site).
def _settings() -> dict:
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    # mkdocs.yml holds !ENV tags: only extra.citations is needed here.
    class Loader(yaml.SafeLoader):
        pass

    Loader.add_constructor("!ENV", lambda load, node: None)
    return yaml.load(config, Loader=Loader)["extra"]["citations"]


SETTINGS = _settings()
SOURCES_PAGE = Path(SETTINGS["sources_page"]).with_suffix(".html").as_posix()
# Explainers as the hooks choose them (a folder "x/" holds pages, any other entry names one page).
_EXPLAINER_SET = PageSet(tuple(SETTINGS["explainers"]))
EXPLAINERS = sorted(
    path.relative_to(ROOT / "docs").with_suffix(".html").as_posix()
    for path in (ROOT / "docs").rglob("*.md") if path.relative_to(ROOT / "docs").as_posix() in _EXPLAINER_SET
)

# A title and a name no value may turn into markup, a new RIS line or a new KEV pair.
HOSTILE_TITLE = 'Tricks "quoted" & <script>alert(1)</script>\nTY  - JOUR; a=b&c=d %41'

# -----------------------------------------------------------------------------
# Helpers
# -----------------------------------------------------------------------------


def tree_of(site: Path, path: str) -> LexborHTMLParser:
    return LexborHTMLParser((site / path).read_text(encoding="utf-8"))


def meta_of(tree, attribute: str, name: str) -> list[str]:
    return [node.attributes.get("content") for node in tree.css(f'head meta[{attribute}="{name}"]')]


# The page's title as its <h1> shows it (without the permalink sign).
def h1_of(tree) -> str:
    heading = tree.css_first("article h1")
    return heading.text(deep=True).replace("¶", "").strip()


# The last change the page shows (ISO), or "".
def last_change(tree) -> str:
    shown = tree.css_first("article aside.md-source-file time")
    return shown.attributes.get("datetime") if shown else ""


# The date of a file's first commit (following renames), or "" outside git.
def first_commit(path: Path) -> str:
    result = subprocess.run(["git", "log", "--follow", "--format=%cs", "--", str(path.relative_to(ROOT))],
                            cwd=ROOT, capture_output=True, text=True, check=False)
    dates = result.stdout.split()
    return dates[-1] if result.returncode == 0 and dates else ""


# A KEV string (OpenURL 1.0, Z39.88-2004 part 2) as (key, value) pairs, by the format's grammar:
# pairs joined by "&", key "=" value, both percent-encoded UTF-8, no character outside the
# URI-safe set left unencoded. Raises AssertionError on anything else.
def parse_kev(kev: str) -> list[tuple[str, str]]:
    pairs = []
    for pair in kev.split("&"):
        assert re.fullmatch(r"[A-Za-z0-9._~-]+=(?:[A-Za-z0-9._~!*'()-]|%[0-9A-Fa-f]{2})*", pair), pair
        key, value = pair.split("=", 1)
        pairs.append((key, unquote_to_bytes(value).decode("utf-8")))
    return pairs


# The keys a ContextObject may carry (Z39.88-2004 KEV: the context object's own, and the
# referent's metadata from its format's matrix).
KEV_KEY = re.compile(r"ctx_ver|ctx_enc|rft_val_fmt|rft_id|rfr_id|rft\.[a-z]+")
FORMATS = {
    "info:ofi/fmt:kev:mtx:journal": {
        "genres": {"journal", "issue", "article", "proceeding", "conference", "preprint", "unknown"},
        "keys": {"genre", "atitle", "jtitle", "title", "stitle", "aulast", "aufirst", "auinit", "aucorp", "au",
                 "date", "volume", "issue", "spage", "epage", "pages", "artnum", "issn", "eissn", "coden", "sici",
                 "chron", "ssn", "quarter", "part", "isbn"},
        "title": "rft.atitle",
    },
    "info:ofi/fmt:kev:mtx:book": {
        "genres": {"book", "bookitem", "conference", "proceeding", "report", "document", "unknown"},
        "keys": {"genre", "btitle", "atitle", "title", "aulast", "aufirst", "auinit", "aucorp", "au", "date",
                 "place", "pub", "edition", "tpages", "series", "spage", "epage", "pages", "isbn", "issn", "bici"},
        "title": None,
    },
    "info:ofi/fmt:kev:mtx:dc": {
        "genres": None,
        "keys": {"title", "creator", "subject", "description", "publisher", "contributor", "date", "type",
                 "format", "identifier", "source", "language", "relation", "coverage", "rights"},
        "title": "rft.title",
    },
}


# Check a ContextObject against the KEV format: the context keys once each, a known metadata
# format, a genre from its list, only keys of its matrix. Returns the pairs as a dict of lists.
def check_context_object(kev: str) -> dict[str, list[str]]:
    pairs = parse_kev(kev)
    found: dict[str, list[str]] = {}
    for key, value in pairs:
        assert KEV_KEY.fullmatch(key), key
        assert value.strip(), key
        found.setdefault(key, []).append(value)
    assert found["ctx_ver"] == ["Z39.88-2004"]
    (fmt,) = found["rft_val_fmt"]
    spec = FORMATS[fmt]
    keys = {key.removeprefix("rft.") for key in found if key.startswith("rft.")}
    assert keys <= spec["keys"], keys - spec["keys"]
    if spec["genres"] is not None:
        (genre,) = found["rft.genre"]
        assert genre in spec["genres"]
    for identifier in found.get("rft_id", []):
        assert re.match(r"(info:(doi|arxiv)/|https?://)\S+$", identifier), identifier
    return found


# The entries of bib/, read once for this module.
@functools.lru_cache(maxsize=1)
def bib_entries():
    return parse_string("".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "bib").rglob("*.bib"))),
                        "bibtex").entries


# A field as plain text, as the pages show it (pybtex's LaTeX reading; cached by the build).
def plain(value: str) -> str:
    return entries.plain(value)


# -----------------------------------------------------------------------------
# Cite this page: APA, Chicago, BibTeX, RIS
# -----------------------------------------------------------------------------


# The tests below run once per explainer: a settings change that left none would test nothing.
def test_there_are_explainers_to_test(built_site):
    assert len(EXPLAINERS) >= 10
    assert all((built_site / path).is_file() for path in EXPLAINERS)


# APA 7 for a webpage with a group author: author, (date of the last update), title in italics,
# site name, URL; Chicago 17: author, "Headline-Style Title," site, "Last modified" date, URL.
@pytest.mark.parametrize("path", EXPLAINERS)
def test_apa_and_chicago_citations_follow_their_styles(built_site, path):
    tree = tree_of(built_site, path)
    title, url, changed = h1_of(tree), SITE_URL + path, last_change(tree)
    day = date.fromisoformat(changed) if changed else None
    apa = tree.css_first("details.cite-this-page #cite-apa")
    when = f"{day.year}, {MONTHS[day.month - 1]} {day.day}" if day else "n.d."
    end = "" if title.endswith("?") else "."
    assert apa.text() == f"{AUTHOR}. ({when}). {title}{end} {SITE_NAME}. {url}"
    assert apa.css_first("em").text() == title + end  # the title alone in italics
    chicago = tree.css_first("details.cite-this-page #cite-chicago").text()
    modified = f" Last modified {MONTHS[day.month - 1]} {day.day}, {day.year}." if day else ""
    quoted = re.escape(f"{AUTHOR}. \u201c") + r"(?P<title>[^\u201d]+)" + re.escape(f"\u201d {SITE_NAME}.{modified} {url}.")
    match = re.fullmatch(quoted, chicago)
    assert match, chicago
    # Headline style: the same words, each capitalised unless a short function word inside.
    words, shown = title.split(), match["title"].split()
    assert [w.lower() for w in words] == [w.lower() for w in shown]
    assert all(w[0].isupper() or w.lower() in pagemeta.CHICAGO_LOWER or not w[0].isalpha() for w in shown[1:])
    assert shown[0][0].isupper() and shown[-1][0].isupper()


# The RIS record by the specification's grammar: "XX  - value" lines (tag: capital letter then
# capital or digit), TY first, ER last and empty, one value per line; and what each tag holds.
@pytest.mark.parametrize("path", EXPLAINERS)
def test_ris_record_follows_the_tag_grammar(built_site, path):
    tree = tree_of(built_site, path)
    text = tree.css_first('details.cite-this-page [data-format="ris"] pre code').text()
    lines = text.split("\n")
    assert lines[-1] == ""  # ends with a line break
    lines = lines[:-1]
    assert all(re.fullmatch(r"[A-Z][A-Z0-9]  - .*", line) for line in lines), lines
    tags = [line[:2] for line in lines]
    assert tags[0] == "TY" and lines[0] == "TY  - ELEC"
    assert lines[-1] == "ER  - " and tags.count("ER") == 1
    fields = {line[:2]: line[6:] for line in lines}
    assert fields["TI"] == h1_of(tree)
    assert fields["AU"] == AUTHOR and "*" not in fields["AU"]
    assert fields["UR"] == SITE_URL + path
    published = meta_of(tree, "name", "citation_publication_date")[0]
    assert fields["PY"] == published[:4]
    changed = last_change(tree)
    if changed:
        assert fields["DA"] == changed.replace("-", "/") + "/"


# The BibTeX block parses with pybtex, with the first publication as `date`.
@pytest.mark.parametrize("path", EXPLAINERS)
def test_bibtex_block_parses_with_first_publication(built_site, path):
    tree = tree_of(built_site, path)
    data = Parser().parse_string(tree.css_first('details.cite-this-page [data-format="bibtex"] pre code').text())
    (entry,) = data.entries.values()
    published = meta_of(tree, "name", "citation_publication_date")[0].replace("/", "-")
    if len(published) == 10:
        assert entry.fields["date"] == published and entry.fields["year"] == published[:4]


# A hostile title stays one value in every format: no new RIS tag, no markup, BibTeX that parses.
def test_a_hostile_title_stays_one_value_in_every_format():
    facts = pagemeta.PageFacts("a/x.md", HOSTILE_TITLE, "https://example.org/x.html", "2026-11-30",
                               "30 November 2026", "2026-11-01")
    ris = pagemeta.page_ris(facts, "Group *name*", SITE_NAME)
    assert ris.endswith("ER  - \r\n")  # CRLF, as the specification asks
    lines = ris.split("\r\n")[:-1]
    assert [line[:2] for line in lines] == ["TY", "AU", "TI", "T2", "PY", "DA", "UR", "ER"]
    assert lines[1] == "AU  - Group name"
    text, markup = pagemeta.apa_reference(facts, AUTHOR, SITE_NAME)
    shown = LexborHTMLParser(f"<p>{markup}</p>")
    assert shown.css("script") == [] and shown.css_first("p").text() == text
    (entry,) = Parser().parse_string(pagemeta.page_bibtex(facts, AUTHOR, SITE_NAME)).entries.values()
    assert "<script>" in entry.fields["title"] and entry.fields["date"] == "2026-11-01"
    assert pagemeta.page_ris(pagemeta.PageFacts("x.md", "T", "u"), AUTHOR, SITE_NAME).count("DA") == 0


def test_headline_style_keeps_acronyms_and_lowers_function_words():
    assert pagemeta.headline_style("What is the difference between outer and inner alignment?") == \
        "What Is the Difference between Outer and Inner Alignment?"
    assert pagemeta.headline_style("Is there evidence that models can scheme?") == \
        "Is There Evidence That Models Can Scheme?"
    assert pagemeta.headline_style("What is AI control, and how is it different from alignment?") == \
        "What Is AI Control, and How Is It Different from Alignment?"
    assert pagemeta.headline_style("What is a mesa-optimizer?") == "What Is a Mesa-Optimizer?"


# -----------------------------------------------------------------------------
# Dates: first publication and last change
# -----------------------------------------------------------------------------


# citation_publication_date is the page's first commit; the last change is separate
# (article:modified_time, JSON-LD dateModified), and never before the first publication.
@pytest.mark.parametrize("path", EXPLAINERS)
def test_publication_date_is_the_first_commit_and_last_change_is_separate(built_site, path):
    tree = tree_of(built_site, path)
    source = ROOT / "docs" / Path(path).with_suffix(".md")
    first = first_commit(source)
    (published,) = meta_of(tree, "name", "citation_publication_date")
    ld = json.loads(tree.css_first('script[type="application/ld+json"]').text())
    changed = last_change(tree)
    if not first:
        pytest.skip("page not committed: it is dated by its file")
    assert published == first.replace("-", "/")
    assert ld["datePublished"] == first
    assert meta_of(tree, "property", "article:published_time") == [first]
    assert ld["dateModified"] == changed and meta_of(tree, "property", "article:modified_time") == [changed]
    assert first <= changed


# -----------------------------------------------------------------------------
# Reviews
# -----------------------------------------------------------------------------


def _problems(meta: dict, today: date = date(2026, 12, 1)):
    found = []
    result = review.read_review(meta, lambda key, message: found.append((key, message)), today)
    return result, found


def test_a_review_needs_names_and_a_past_date():
    ok, problems = _problems({"reviewers": ["Ada  Lovelace", "Alan Turing"], "last_reviewed": date(2026, 11, 30)})
    assert problems == [] and ok.reviewers == ("Ada Lovelace", "Alan Turing")
    assert (ok.last_reviewed, ok.last_reviewed_text) == ("2026-11-30", "30 November 2026")
    assert _problems({"reviewers": "Ada", "last_reviewed": "2026-11-30"})[0].reviewers == ("Ada",)
    assert _problems({})[0] is None and _problems({})[1] == []
    for meta, key in [
        ({"reviewers": {"name": "Ada"}, "last_reviewed": date(2026, 1, 1)}, "reviewers"),
        ({"reviewers": [], "last_reviewed": date(2026, 1, 1)}, "reviewers"),
        ({"reviewers": ["Ada", 7], "last_reviewed": date(2026, 1, 1)}, "reviewers"),
        ({"reviewers": ["Ada\nEve"], "last_reviewed": date(2026, 1, 1)}, "reviewers"),
        ({"reviewers": ["Ada"], "last_reviewed": "30/11/2026"}, "last_reviewed"),
        ({"reviewers": ["Ada"], "last_reviewed": 2026}, "last_reviewed"),
        ({"reviewers": ["Ada"], "last_reviewed": date(2026, 12, 2)}, "last_reviewed"),
        ({"reviewers": ["Ada"]}, "reviewers"),
        ({"last_reviewed": date(2026, 1, 1)}, "last_reviewed"),
    ]:
        result, problems = _problems(meta)
        assert result is None and [k for k, _ in problems][:1] == [key], meta


# Python reads "2026-W48-1" (a week date) and "20261130" as ISO dates too; the page says YYYY-MM-DD.
@pytest.mark.parametrize("written", ["2026-W48-1", "2026-11-3 ", "+026-11-30"])
def test_a_review_date_in_another_iso_form_is_named(written):
    result, problems = _problems({"reviewers": ["Ada"], "last_reviewed": written})
    assert result is None and [key for key, _ in problems] == ["last_reviewed"]


# A reviewed page shows its reviewers and date, escaped, and names them in its JSON-LD.
def test_a_review_is_shown_and_in_json_ld():
    reviewed, _ = _problems({"reviewers": ["Ada <b>Lovelace</b>", "Alan Turing", "Grace Hopper"],
                             "last_reviewed": date(2026, 11, 30)})
    env = Environment(loader=FileSystemLoader(str(ROOT / "overrides")), autoescape=False)
    shown = env.get_template("partials/citations/page-review.html").render(
        reviewers=reviewed.reviewers, last_reviewed=reviewed.last_reviewed,
        last_reviewed_text=reviewed.last_reviewed_text)
    tree = LexborHTMLParser(shown)
    assert tree.css("b") == []
    assert tree.css_first("p.page-review").text() == \
        "Reviewed by Ada <b>Lovelace</b>, Alan Turing and Grace Hopper; last reviewed 30 November 2026."
    assert tree.css_first("time").attributes["datetime"] == "2026-11-30"
    facts = pagemeta.PageFacts("a/x.md", "T", "https://example.org/x.html", "2026-11-30", "", "2026-11-01")
    ld = json.loads(pagemeta.json_ld(facts, AUTHOR, SITE_NAME, SITE_URL, SITE_URL + "sources.html", [], reviewed))
    assert ld["reviewedBy"] == [{"@type": "Person", "name": n} for n in reviewed.reviewers]
    assert ld["lastReviewed"] == "2026-11-30" and "WebPage" in ld["@type"]
    assert "reviewedBy" not in json.loads(pagemeta.json_ld(facts, AUTHOR, SITE_NAME, SITE_URL, "", []))


# No real page is given a review it did not have.
def test_real_pages_name_no_invented_reviewers(built_site):
    reviewed = [path for path in EXPLAINERS if tree_of(built_site, path).css_first("p.page-review")]
    declared = [path for path in EXPLAINERS
                if re.search(r"^reviewers\s*:", (ROOT / "docs" / Path(path).with_suffix(".md")).read_text(), re.M)]
    assert reviewed == declared


# -----------------------------------------------------------------------------
# Sources page: COinS for Zotero, and the whole bibliography as one .bib file
# -----------------------------------------------------------------------------


# Each source on the sources page carries one COinS span whose ContextObject is valid KEV and
# says what the source's .bib entry says.
def test_every_source_has_a_valid_coins_span(built_site):
    tree = tree_of(built_site, SOURCES_PAGE)
    items = tree.css("li.source-entry")
    sources = bib_entries()
    assert len(items) == len(sources) > 0
    for item in items:
        key = item.attributes["id"].removeprefix("source-")
        (span,) = item.css("span.Z3988")
        found = check_context_object(span.attributes["title"])
        entry = sources[key]
        title = plain(entry.fields["title"])
        fmt = found["rft_val_fmt"][0]
        shown_title = found.get(FORMATS[fmt]["title"] or "", []) or found.get("rft.btitle") or found.get("rft.atitle")
        assert shown_title == [title], key
        people = found.get("rft.creator") or found.get("rft.au")
        assert len(people) == len(entry.persons["author"]), key
        assert found["rft.date"] == [entry.fields["year"]]
        if "doi" in entry.fields:
            assert f"info:doi/{entry.fields['doi']}" in found["rft_id"]
        if "eprint" in entry.fields:
            assert f"info:arxiv/{entry.fields['eprint']}" in found["rft_id"]


# Values from an untrusted .bib are percent-encoded and then escaped: the span's attribute holds
# the whole ContextObject, nothing becomes markup, and the title decodes back as written.
def test_coins_of_a_hostile_entry_stay_inside_the_attribute():
    entry = Entry("article", fields={"title": HOSTILE_TITLE.replace("\n", " "), "journal": 'J"our<nal>',
                                     "year": "2024", "doi": "10.1234/x&y"},
                  persons={"author": [Person("O'Brien, Dan\"><img src=x onerror=alert(1)>")]})
    kev = entries.coins_kev(entry)
    assert not set(kev) & set("<>\"' \n")
    env = Environment(loader=FileSystemLoader(str(ROOT / "overrides")), autoescape=False)
    page = env.get_template("partials/citations/sources-list.html").render(
        groups=[{"id": "papers", "heading": "Papers",
                 "sources": [{"key": "k", "reference": "ref", "coins": kev}]}],
        bib_href="x.bib", bib_name="x.bib", count=1)
    tree = LexborHTMLParser(page)
    assert tree.css("script, img") == []
    (span,) = tree.css("span.Z3988")
    assert span.attributes["title"] == kev
    found = check_context_object(span.attributes["title"])
    # As the page shows it: LaTeX read as text ("%" starts a comment), whitespace collapsed.
    assert found["rft.atitle"] == [entries.plain(HOSTILE_TITLE.replace("\n", " "))]
    assert found["rft.aulast"] == ["O'Brien"] and "<img src=x" in found["rft.aufirst"][0]
    assert found["rft.jtitle"] == ['J"our<nal>'] and "info:doi/10.1234/x&y" in found["rft_id"]


# The sources page links the whole bibliography as one .bib file, which the build wrote: it parses,
# holds every approved source once, and works from disk (a relative link to a file in the site).
def test_the_whole_bibliography_downloads_as_one_bib_file(built_site):
    tree = tree_of(built_site, SOURCES_PAGE)
    (link,) = tree.css("p.sources-download a[download]")
    href = link.attributes["href"]
    assert not re.match(r"[a-z]+:|/", href)
    written = (built_site / Path(SOURCES_PAGE).parent / href).resolve()
    data = parse_string(written.read_text(encoding="utf-8"), "bibtex")
    shown = [item.attributes["id"].removeprefix("source-") for item in tree.css("li.source-entry")]
    assert sorted(data.entries) == sorted(shown)
    original = bib_entries()
    for key, entry in data.entries.items():
        # The same values as bib/ gives (macros expanded), field by field, and the same people.
        assert dict(entry.fields) == dict(original[key].fields), key
        assert [str(p) for p in entry.persons["author"]] == [str(p) for p in original[key].persons["author"]]


# The site's name heads the file; BibTeX reads any "@" outside an entry as the start of one.
def test_a_site_name_holding_an_entry_adds_no_entry_to_the_download():
    text = entries.bibliography_file({}, "Site\n@misc{injected, title = {x}, year = {2020}}")
    assert list(parse_string(text, "bibtex").entries) == []
    assert "@" not in text


# An entry the checks quarantine (markup in its title) stays out of the download.
def test_a_quarantined_entry_is_left_out_of_the_download(tmp_path):
    (tmp_path / "bib").mkdir()
    (tmp_path / "bib" / "s.bib").write_text(
        "@misc{good, author = {A, B}, title = {Fine}, year = {2020}, url = {https://example.org/a}}\n"
        "@misc{bad, author = {C, D}, title = {<script>x</script>}, year = {2020}, url = {https://example.org/b}}\n",
        encoding="utf-8")
    report = Report()
    loaded = bib.load(tmp_path / "bib", report, tmp_path)
    assert "bad" in loaded.broken
    text = entries.bibliography_file(loaded.sources, SITE_NAME)
    assert list(parse_string(text, "bibtex").entries) == ["good"]


# -----------------------------------------------------------------------------
# Descriptions and link previews
# -----------------------------------------------------------------------------


# The short answer as a reader reads it, computed here from the built page: the abstract box's
# text without its title, markers and locators.
def short_answer_of(tree) -> str:
    for box in tree.css("article div.admonition.abstract"):
        title = box.css_first(".admonition-title")
        if title is not None and title.text().strip() == "Short answer":
            title.decompose()
            for node in box.css("sup, .cite-locator"):
                node.decompose()
            return " ".join(box.text(separator="").split())
    return ""


# Each explainer's description and link-preview tags come from its short answer; everything is
# escaped (the HTML5 reading gives back the text), the image is the committed one.
@pytest.mark.parametrize("path", EXPLAINERS)
def test_description_and_link_previews_come_from_the_short_answer(built_site, path):
    tree = tree_of(built_site, path)
    answer = short_answer_of(tree)
    assert answer
    (description,) = meta_of(tree, "name", "description")
    if description.endswith("\u2026"):
        assert answer.startswith(description[:-1].rstrip(" ,;:")) and len(description) <= 200
    else:
        assert description == answer
    title = h1_of(tree)
    assert meta_of(tree, "property", "og:title") == [title] == meta_of(tree, "name", "twitter:title")
    assert meta_of(tree, "property", "og:description") == [description] == meta_of(tree, "name", "twitter:description")
    assert meta_of(tree, "property", "og:url") == [SITE_URL + path]
    assert meta_of(tree, "property", "og:type") == ["article"]
    assert meta_of(tree, "name", "twitter:card") == ["summary_large_image"]
    (image,) = meta_of(tree, "property", "og:image")
    assert image == meta_of(tree, "name", "twitter:image")[0] and image.startswith(SITE_URL)
    png = (built_site / image.removeprefix(SITE_URL)).read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">II", png[16:24]) == (1200, 630)


def test_short_answer_text_leaves_out_markers_and_locators():
    page = ('<div class="admonition abstract"><p class="admonition-title">Short answer</p><p>A &lt;b&gt; '
            'claim "quoted".<sup id="fnref:k"><a class="footnote-ref" href="#fn:k">1</a></sup>'
            '<span class="cite-locator">sec. 2</span> Next.</p></div>')
    assert rendered.read(page).short_answer == 'A <b> claim "quoted". Next.'
    assert pagemeta.description("word " * 100, 30) == "word word word word word\u2026"


# A link preview reads as a sentence: no aside's title and text, no code, no space left before
# the full stop where a marker was ("y ." from "y [@key].").
def test_short_answer_text_leaves_out_nested_asides_and_code():
    page = ('<div class="admonition abstract"><p class="admonition-title">Short answer</p><p>It holds '
            '<sup id="fnref:k"><a class="footnote-ref" href="#fn:k">1</a></sup>.</p>\n'
            '<div class="admonition note"><p class="admonition-title">Aside</p><p>Nested.</p></div>\n'
            '<details class="tip"><summary>More</summary><p>Folded.</p></details>\n'
            '<div class="highlight"><pre><code>code()</code></pre></div>\n<p>Then this.</p></div>')
    assert rendered.read(page).short_answer == "It holds. Then this."


# -----------------------------------------------------------------------------
# CITATION.cff
# -----------------------------------------------------------------------------

CFF_SCHEMA = ROOT / "tests" / "schemas" / "cff-1.2.0.schema.json"


# The problems of a CFF document against the vendored schema, by the validator check-jsonschema
# uses (draft 7, formats checked), without a network.
def cff_problems(document: dict) -> list[str]:
    from jsonschema import Draft7Validator

    schema = json.loads(CFF_SCHEMA.read_text(encoding="utf-8"))
    validator = Draft7Validator(schema, format_checker=Draft7Validator.FORMAT_CHECKER)
    return [f"{'/'.join(map(str, error.absolute_path))}: {error.message}" for error in validator.iter_errors(document)]


# The repository's CITATION.cff is valid against the vendored CFF 1.2.0 schema, and a copy with
# no authors or a bad licence is not (the check can fail). By hand, with the same schema:
# .venv/bin/check-jsonschema --schemafile tests/schemas/cff-1.2.0.schema.json --default-filetype yaml CITATION.cff
def test_citation_cff_is_valid_cff_1_2_0():
    assert json.loads(CFF_SCHEMA.read_text())["$id"] == "https://citation-file-format.github.io/1.2.0/schema.json"
    # YAML 1.2 as CFF reads it: dates stay strings (json-compatible), as check-jsonschema loads them.
    cff = json.loads(json.dumps(yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8")), default=str))
    assert cff_problems(cff) == []
    assert cff["preferred-citation"]["type"] == "website"
    assert cff["preferred-citation"]["authors"] == [{"name": AUTHOR}]
    assert cff["cff-version"] == "1.2.0"
    assert cff_problems({k: v for k, v in cff.items() if k != "authors"})
    assert cff_problems({**cff, "license": "CC BY 4.0"})


# -----------------------------------------------------------------------------
# A reviewed page, end to end (a small fixture site, not the real one: no real page has reviewers)
# -----------------------------------------------------------------------------


# The fixture's reviewed explainer shows its reviewers (escaped) and names them in its JSON-LD;
# its description comes from the short answer, without marker or locator; the page without a
# review shows none.
def test_a_reviewed_fixture_page_shows_its_review_on_the_page_and_in_json_ld(tmp_path):
    from sitebuild import build_site

    site = build_site(ROOT / "tests" / "fixtures" / "reviewed-page" / "mkdocs.yml", tmp_path / "site")
    tree = tree_of(site, "claims/reviewed/index.html")
    shown = tree.css_first("article p.page-review")
    assert shown.text() == 'Reviewed by Reviewer <One> and Reviewer "Two"; last reviewed 15 January 2026.'
    assert shown.css_first("time").attributes["datetime"] == "2026-01-15"
    ld = json.loads(tree.css_first('head script[type="application/ld+json"]').text())
    assert ld["reviewedBy"] == [{"@type": "Person", "name": "Reviewer <One>"},
                                {"@type": "Person", "name": 'Reviewer "Two"'}]
    assert ld["lastReviewed"] == "2026-01-15"
    # Title and description hold '"', '&' and '<b>' as text: escaped in every tag, read back whole.
    summary = 'A reviewed page names its reviewers & the date of the last review, as text: <b> stays "<b>".'
    assert meta_of(tree, "name", "description") == [summary] == meta_of(tree, "property", "og:description")
    assert meta_of(tree, "property", "og:title") == ['What does a "reviewed" page show?']
    assert meta_of(tree, "property", "og:url") == ["https://example.org/fixture/claims/reviewed/"]
    assert tree.css("head b") == [] and tree.css("head meta[content] ~ b") == []
    assert tree_of(site, "claims/unreviewed/index.html").css_first("p.page-review") is None
