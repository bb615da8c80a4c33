"""Tests for hooks/glossary.py: glossary terms carry their definition on hover."""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown import Extension, util
from markdown.treeprocessors import Treeprocessor

import glossary
from citelib.scan import SITE_EXTENSION_CONFIGS, SITE_EXTENSIONS

ROOT = Path(__file__).resolve().parent.parent
GLOSSARY_MD = ROOT / "docs" / "glossary.md"

# The terms the glossary must define at least.
REQUIRED_TERMS = [
    "AI alignment", "Outer alignment", "Inner alignment", "Base objective", "Base optimizer",
    "Mesa-optimizer", "Mesa-objective", "Pseudo-alignment", "Specification gaming",
    "Reward hacking", "Goodhart's law", "Goal misgeneralization", "Deceptive alignment",
    "Alignment faking", "RLHF", "Reward model", "Constitutional AI", "RLAIF",
    "Scalable oversight", "Debate", "Recursive reward modelling", "Interpretability", "Circuits",
]


# -----------------------------------------------------------------------------
# Helpers
# -----------------------------------------------------------------------------


# The built HTML of a page, whether the site uses directory URLs or not.
def page_html(site: Path, src: str) -> str:
    stem = src.removesuffix(".md")
    for candidate in (site / f"{stem}.html", site / stem / "index.html"):
        if candidate.is_file():
            return candidate.read_text(encoding="utf-8")
    raise AssertionError(f"no built page for {src} in {site}")


# The glossary's terms and definitions, as the hook reads them.
def glossary_terms() -> dict[str, str]:
    return glossary.parse_glossary(GLOSSARY_MD.read_text(encoding="utf-8"))


# Every <abbr> of a page, with its title, its text and the tags and classes around it.
class AbbrCollector(HTMLParser):
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
            "source", "track", "wbr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, set[str]]] = []
        self.abbrs: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "abbr":
            self.abbrs.append({
                "title": attrs.get("title", ""),
                "text": "",
                "ancestors": [t for t, _ in self.stack],
                "classes": set().union(*(c for _, c in self.stack)) if self.stack else set(),
            })
        if tag not in self.VOID:
            self.stack.append((tag, set((attrs.get("class") or "").split())))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data):
        if self.stack and self.stack[-1][0] == "abbr" and self.abbrs:
            self.abbrs[-1]["text"] += data


# The <abbr> elements of some HTML.
def abbrs_in(text: str) -> list[dict]:
    collector = AbbrCollector()
    collector.feed(text)
    return collector.abbrs


# What the hook reads of MkDocs' configuration: the docs folder and the site's Markdown extensions.
def site_config(docs_dir: Path):
    return type("Config", (), {"docs_dir": str(docs_dir), "markdown_extensions": list(SITE_EXTENSIONS),
                               "mdx_configs": dict(SITE_EXTENSION_CONFIGS)})()


# Render Markdown the way the site does, with the hook's abbreviations appended.
def render(source: str) -> str:
    glossary.on_pre_build(site_config(ROOT / "docs"))
    md = markdown.Markdown(extensions=[
        "abbr", "admonition", "attr_list", "def_list", "footnotes", "md_in_html", "tables",
        "toc", "pymdownx.superfences", glossary.GuardExtension(),
    ])
    page = glossary.on_page_markdown(source, page=None, config=None, files=None)
    return md.convert(page)


# -----------------------------------------------------------------------------
# The glossary page
# -----------------------------------------------------------------------------


# The glossary defines at least the required terms, and ends with the references heading.
def test_glossary_source_defines_required_terms():
    terms = glossary_terms()
    missing = [term for term in REQUIRED_TERMS if term not in terms]
    assert not missing, f"terms missing from docs/glossary.md: {missing}"
    lines = GLOSSARY_MD.read_text(encoding="utf-8").rstrip("\n").splitlines()
    assert lines[0] == "# Glossary"
    assert lines[-1] == "## References"


# Each term is defined once and the terms are in alphabetical order, read as Markdown renders them.
def test_glossary_terms_are_defined_once_in_alphabetical_order():
    rendered = markdown.markdown(GLOSSARY_MD.read_text(encoding="utf-8"), extensions=["def_list"])
    terms = [html.unescape(re.sub(r"<[^>]+>", "", term)).strip()
             for term in re.findall(r"<dt>(.*?)</dt>", rendered, re.S)]
    assert terms, "docs/glossary.md has no definition list"
    repeated = sorted({term for term in terms if terms.count(term) > 1})
    assert not repeated, f"terms defined more than once in docs/glossary.md: {repeated}"
    for before, after in zip(terms, terms[1:]):
        assert before.casefold() < after.casefold(), (
            f"docs/glossary.md: {after!r} comes after {before!r}; keep the terms in alphabetical order"
        )


# A term defined twice is reported with the line of its second definition; the first one is kept.
def test_repeated_term_is_reported_with_its_line():
    text = (
        "# Glossary\n\nScheming\n:   First.[@a]\n\nSycophancy\n:   Agreeing.[@b]\n"
        "    More of it.\n:   A second definition of the same term.[@b]\n\n"
        "Scheming\n:   Second.[@c]\n\n## References\n"
    )
    repeats: list[tuple[str, int]] = []
    terms = glossary.parse_glossary(text, repeats)
    assert terms["Scheming"] == "First.[@a]"
    assert terms["Sycophancy"] == "Agreeing.[@b] More of it."
    assert repeats == [("Scheming", 11)]


# Letter headings end a definition but not the glossary: a term repeated under another letter's
# heading (filed under the wrong letter) is still reported, and every term is still read.
def test_repeated_term_under_another_letter_heading_is_reported():
    text = (
        "# Glossary\n\n## R\n\nReward model\n:   A model of reward.[@a]\n\n"
        "## S\n\nScheming\n:   Hiding goals.[@b]\n\nReward model\n:   Again.[@c]\n\n## References\n"
    )
    repeats: list[tuple[str, int]] = []
    terms = glossary.parse_glossary(text, repeats)
    assert terms == {"Reward model": "A model of reward.[@a]", "Scheming": "Hiding goals.[@b]"}
    assert repeats == [("Reward model", 13)]


# Every term in the built glossary has a definition that carries a citation marker.
def test_every_glossary_term_has_a_cited_definition(built_site):
    page = page_html(built_site, "glossary.md")
    pairs = re.findall(r"<dt>(.*?)</dt>\s*<dd>(.*?)</dd>", page, re.S)
    built = {re.sub(r"<[^>]+>", "", term).strip(): definition for term, definition in pairs}
    for term in glossary_terms():
        assert term in built, f"{term!r} has no <dt> in the built glossary"
        definition = built[term]
        assert re.sub(r"<[^>]+>", "", definition).strip(), f"{term!r} has an empty definition"
        assert re.search(r'<sup\b[^>]*\bid="fnref\d*:[^"]+"', definition), (
            f"{term!r}: the definition has no citation marker"
        )


# -----------------------------------------------------------------------------
# Hover definitions on the pages
# -----------------------------------------------------------------------------


# A glossary term used on an explainer page is an <abbr> whose title is its definition.
@pytest.mark.parametrize("src, term, text", [
    ("questions/scalable-oversight.md", "Debate", "debate"),
    ("questions/interpretability.md", "Mesa-optimizer", "mesa-optimizer"),
    ("questions/constitutional-ai.md", "RLHF", "RLHF"),
])
def test_term_on_page_is_abbr_with_definition(built_site, src, term, text):
    definition = glossary.plain_text(glossary_terms()[term])
    found = [a for a in abbrs_in(page_html(built_site, src)) if a["text"] == text]
    assert found, f"no <abbr> for {text!r} on {src}"
    assert all(a["title"] == definition for a in found)
    assert "[@" not in definition and "*" not in definition


# No abbreviation appears in code, headings, definition-list terms or footnotes of any page.
def test_no_abbr_in_code_headings_or_footnotes(built_site):
    guarded = {"code", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "dt"}
    pages = sorted(built_site.rglob("*.html"))
    assert pages
    for path in pages:
        for abbr in abbrs_in(path.read_text(encoding="utf-8")):
            where = guarded.intersection(abbr["ancestors"])
            assert not where, f"{path}: <abbr> {abbr['text']!r} inside {sorted(where)}"
            assert "footnote" not in abbr["classes"], f"{path}: <abbr> in the footnotes"


# No abbreviation line leaks into a page as text.
def test_no_abbreviation_line_in_pages(built_site):
    for path in sorted(built_site.rglob("*.html")):
        assert "*[" not in path.read_text(encoding="utf-8"), f"{path}: literal '*[' in page"


# Terms in code spans and code blocks stay plain; prose, links and footnotes still work.
def test_rendering_guards_code_headings_links_and_footnotes():
    out = render(
        "## What is RLHF?\n\n"
        "RLHF and `RLHF` differ.[^a] See [RLHF](rlhf.md).\n\n"
        "```text\nRLHF in a fence\n```\n\n"
        "    RLHF in an indented block\n\n"
        "[^a]: A source about RLHF.\n"
    )
    assert '<h2 id="what-is-rlhf">What is RLHF?</h2>' in out
    assert "<code>RLHF</code>" in out
    assert "RLHF in a fence" in out and "RLHF in an indented block" in out
    assert re.search(r'<a href="rlhf.md"><abbr title="[^"]+">RLHF</abbr></a>', out)
    assert re.search(r'<p><abbr title="[^"]+">RLHF</abbr> and <code>', out)
    assert '<sup id="fnref:a">' in out
    # A term split over two source lines still gets its definition.
    assert re.search(r'<abbr title="[^"]+">reward model</abbr>', render("A reward\nmodel.\n"))
    footnotes = out[out.index('<div class="footnote">'):]
    assert "<abbr" not in footnotes and "A source about RLHF." in footnotes
    assert "*[" not in out
    for abbr in abbrs_in(out):
        assert not {"code", "pre"}.intersection(abbr["ancestors"])


# Definitions lose their citations and Markdown, and terms get their other spellings.
def test_plain_text_and_variants():
    text = "A *learned* model that is [itself](x.md) an `optimizer`.[@key, sec. 1.1; @other]"
    assert glossary.plain_text(text) == "A learned model that is itself an optimizer."
    assert glossary.variants("Mesa-optimizer") == [
        "Mesa-optimizer", "mesa-optimizer", "Mesa-optimizers", "mesa-optimizers",
    ]
    assert glossary.variants("RLHF") == ["RLHF"]
    assert glossary.variants("Circuits") == ["Circuits", "circuits"]
    escaped = html.escape(glossary.plain_text(glossary_terms()["Goodhart's law"]), quote=True)
    assert "[@" not in escaped


# Material's tooltip shows an abbreviation's title as HTML (innerHTML): a definition that quotes a
# tag shows it there as text, as the glossary page does, and nothing in it comes alive.
def test_a_definition_that_quotes_a_tag_shows_it_as_text_in_the_tooltip():
    from selectolax.lexbor import LexborHTMLParser

    definition = "The cost &lt;img src=x onerror=alert(1)&gt; &amp; more, in R&D."
    title = glossary.tooltip_title(glossary.plain_text(definition))
    out = markdown.markdown(f"*[X]: {title}\n\nX is costly.", extensions=["abbr"])
    in_the_page = LexborHTMLParser(out).css_first("abbr").attributes["title"]
    tooltip = LexborHTMLParser(f"<div>{in_the_page}</div>").css_first("div")
    assert [node.tag for node in tooltip.css("*")] == ["div"]  # the tooltip alone: no element came alive
    assert tooltip.text() == "The cost <img src=x onerror=alert(1)> & more, in R&D."


# Pages and terms built from the pieces where a word test could go wrong: words that contain other
# words, digits and "_" (word characters), hyphens, apostrophes, full stops and "+" inside and at
# the edges of terms, letters outside ASCII, line breaks, code spans and emphasis.
PIECES = ["RLHF", "reward", "model", "Reward", "models", "AI", "a", "x1", "_", "1", "é", "ßig",
          "mesa", "optimizer", "U.S.", "C++", "law's", "Goodhart's"]
SEPARATORS = [" ", " ", "-", ".", "'", "\n", ", ", "`", "*", "+", "_", "é"]
TERM = st.lists(st.sampled_from(PIECES + SEPARATORS), min_size=1, max_size=4).map("".join)
PAGE = st.lists(st.sampled_from(PIECES + SEPARATORS + ["\n\n", "# ", "[^n]", "\n\n[^n]: "]),
                max_size=40).map("".join)


# Handing `abbr` only the terms a page's text holds changes no page: each term that is dropped could
# have matched nowhere. Compared with `abbr` given every term, on generated pages and terms, with a
# page's own `*[term]: title` lines too.
@settings(max_examples=300, deadline=None)
@given(terms=st.lists(TERM, max_size=8), page=PAGE, own=st.lists(TERM, max_size=2))
def test_handing_abbr_only_the_terms_a_page_holds_changes_no_page(terms, page, own):
    page += "".join(f"\n\n*[{term.strip()}]: Own {index}" for index, term in enumerate(own) if term.strip())

    def rendered() -> str:
        return markdown.Markdown(extensions=["abbr", "attr_list", "footnotes", "toc",
                                             glossary.GuardExtension()]).convert(page)

    saved = dict(glossary.titles)
    try:
        glossary.titles.clear()
        glossary.titles.update({term: f"Means {index}" for index, term in enumerate(terms)})
        narrowed = rendered()
        drop = glossary.drop_absent_terms
        glossary.drop_absent_terms = lambda processor, texts: None
        try:
            everything = rendered()
        finally:
            glossary.drop_absent_terms = drop
    finally:
        glossary.titles.clear()
        glossary.titles.update(saved)
    assert narrowed == everything


# Text that another treeprocessor adds between the guard and `abbr` still gets its terms: the
# guard hands `abbr` fewer terms only when `abbr` runs right after it.
def test_a_term_added_between_the_guard_and_abbr_still_gets_its_definition():
    class AddsSentence(Treeprocessor):
        def run(self, root):
            etree.SubElement(root, "p").text = "Added by another extension: RLHF."

    class AddsSentenceExtension(Extension):
        def extendMarkdown(self, md):
            md.treeprocessors.register(AddsSentence(md), "adds-sentence", 7.5)

    saved = dict(glossary.titles)
    try:
        glossary.titles.clear()
        glossary.titles["RLHF"] = "Reinforcement learning from human feedback"
        html = markdown.Markdown(extensions=["abbr", glossary.GuardExtension(), AddsSentenceExtension()]).convert(
            "A page without the term.")
    finally:
        glossary.titles.clear()
        glossary.titles.update(saved)
    assert '<abbr title="Reinforcement learning from human feedback">RLHF</abbr>' in html


# Each of `pages` rendered in turn by one Markdown with `extensions`, the glossary's titles being
# `titles` meanwhile.
def rendered_with_glossary(titles: dict[str, str], pages: list[str], extensions: list) -> list[str]:
    saved = dict(glossary.titles)
    try:
        glossary.titles.clear()
        glossary.titles.update(titles)
        md = markdown.Markdown(extensions=extensions)
        return [md.convert(page) for page in pages]
    finally:
        glossary.titles.clear()
        glossary.titles.update(saved)


# A term that matches inside Python-Markdown's placeholder for raw HTML cut it, and the HTML was
# lost ("*[1]: ..." on a page turned its <picture> into the text "wzxhzdk:1"; a glossary term
# "wzxhzdk" emptied every raw HTML block of the site). Such a term is left out of the page and
# named; a footnote marker never gets a definition either.
def test_a_term_that_matches_inside_a_placeholder_is_left_out_and_the_html_kept():
    extension = glossary.GuardExtension()
    page = ("A claim.[^1]\n\n<picture><img src=\"a.png\" alt=\"A\"></picture>\n\n<div>Raw 1</div>\n\n"
            "*[1]: Smith and Jones (2021), a proof that RLHF is safe\n\n[^1]: A note.\n")
    html, = rendered_with_glossary({"wzxhzdk": "A made-up word"}, [page], ["abbr", "footnotes", extension])
    assert "<picture>" in html and "<div>Raw 1</div>" in html and "wzxhzdk" not in html
    assert "Smith" not in html and "A made-up word" not in html
    assert sorted(set(extension.placeholder_terms)) == ["1", "wzxhzdk"]


# A page's own abbreviation line for a glossary term replaced the glossary's definition in the hover
# (a helper's "*[Sycophancy]: A harmless quirk ..."), an uncited claim that no glossary page shows,
# or took it out ('*[Sycophancy]: ""'). The glossary's definition is used, and the term named; a
# page's other abbreviations stay its own.
def test_a_page_that_defines_a_glossary_term_again_gets_the_glossary_definition_and_is_named():
    extension = glossary.GuardExtension()
    page = ("Sycophancy and KL are both here.\n\n*[Sycophancy]: A harmless quirk no study has found\n"
            "*[KL]: Kullback-Leibler divergence\n")
    removed = 'Sycophancy, with its hover taken out.\n\n*[Sycophancy]: ""\n'
    html, again, kept = rendered_with_glossary({"Sycophancy": "Telling users what they want to hear"},
                                               [page, "Sycophancy again, with no line of its own.\n", removed],
                                               ["abbr", extension])
    assert '<abbr title="Telling users what they want to hear">Sycophancy</abbr>' in html
    assert "harmless quirk" not in html and '<abbr title="Kullback-Leibler divergence">KL</abbr>' in html
    assert '<abbr title="Telling users what they want to hear">Sycophancy</abbr>' in again
    assert '<abbr title="Telling users what they want to hear">Sycophancy</abbr>' in kept
    assert extension.redefined_terms == ["Sycophancy", "Sycophancy"]


# The glossary's own check of a term (PLACEHOLDER_TERM) names exactly the terms that `abbr` would
# match inside a placeholder of either kind, whatever its number.
@settings(max_examples=500, deadline=None)
@given(term=st.text(st.sampled_from("wzxhdkl:0123456789a "), min_size=1, max_size=12))
def test_the_terms_that_break_a_placeholder_are_the_ones_abbr_would_match_there(term):
    numbers = {*range(0, 120), *(int(run) for run in re.findall("[0-9]+", term))}  # a page can hold any
    placeholders = " ".join(kind % number for kind in (util.HTML_PLACEHOLDER, util.INLINE_PLACEHOLDER)
                            for number in sorted(numbers))
    matches = re.search(rf"\b{re.escape(term)}\b", placeholders) is not None
    assert bool(glossary.PLACEHOLDER_TERM.fullmatch(term)) == matches


# The hover titles the hook makes of a glossary page with this text ({abbreviation: title}).
def hover_titles(docs_dir: Path, text: str) -> dict[str, str]:
    (docs_dir / "glossary.md").write_text(text)
    saved = dict(glossary.titles)
    try:
        glossary.on_pre_build(site_config(docs_dir))
        return dict(glossary.titles)
    finally:
        glossary.titles.clear()
        glossary.titles.update(saved)


# The hover definitions come from the terms the glossary page shows: a helper's term inside an HTML
# comment showed its definition on every page, though the glossary page showed nothing.
def test_a_term_the_glossary_page_hides_gets_no_definition_and_is_named(tmp_path, caplog):
    shown = hover_titles(tmp_path, "# Glossary\n\nReward model\n:   A model of what people prefer.[@a]\n\n"
                         "<!--\nInstructGPT\n:   A model that was withdrawn after it deceived its labellers.\n-->\n")
    assert "Reward model" in shown and "InstructGPT" not in shown
    assert "the term 'InstructGPT' is not shown on the glossary page" in caplog.text


# A definition's hover text is what the glossary page shows of it: a helper's comment
# `<!-- x > It has already prevented three catastrophes. <y -->` read as two tags by a pattern, and
# the sentence between them showed on hover on every page, though the page showed none of it.
def test_a_definitions_hover_text_is_what_the_glossary_page_shows(tmp_path):
    shown = hover_titles(tmp_path, "# Glossary\n\nAI control\n:   Ways to keep a model safe even if it tries to\n"
                         "    subvert them.[@a] <!-- x > It has already prevented three catastrophes. <y -->\n\n"
                         "<!-- a comment between terms -->\n\nReward model\n:   A *learned* model of what people "
                         "[prefer](x.md).[@b]\n")
    assert shown["AI control"] == "Ways to keep a model safe even if it tries to subvert them."
    assert shown["Reward model"] == "A learned model of what people prefer."
