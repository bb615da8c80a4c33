"""Nothing is lost between the Markdown and the page: no word of prose, no code sample, no byte.

For every page of the real site and for the fixture pages, every word of prose in the source
(outside citation brackets and markup) appears in the rendered page, as often as in the source,
and every code block and code span comes out exactly as written.
"""

from __future__ import annotations

import filecmp
import html
import re
from collections import Counter
from pathlib import Path

import markdown as python_markdown
import pytest
from bs4 import BeautifulSoup, Comment
from mkdocs.utils import meta

from citecheck import read_settings
from citelib.diagnostics import Report
from citelib.scan import SITE_SETTINGS, MarkdownSettings, scan
from sitebuild import build_site

# One worker runs this file, so its module fixtures are built once, not once per worker.
pytestmark = pytest.mark.xdist_group("nothing-lost-sites")

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
CLEAN_FIXTURES = sorted(p.parent for p in FIXTURES.glob("*/expected.txt") if not p.read_text().strip())
WORD = re.compile(r"[A-Za-z0-9]+")

# -----------------------------------------------------------------------------
# Source side: prose words and code samples of a Markdown page
# -----------------------------------------------------------------------------


# Prose words of a page: code, citation keys, link targets and markup left out; locators kept.
def prose_words(markdown: str) -> Counter:
    page = scan(markdown)
    cuts = [(start, end, "") for start, end in page.code]
    cuts += [(c.start, c.end, " ".join(cite.locator for cite in c.cites)) for c in page.citations]
    pieces, cursor = [], 0
    for start, end, keep in sorted(cuts):
        pieces += [markdown[cursor:start], f" {keep} "]
        cursor = end
    text = "".join(pieces + [markdown[cursor:]])
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)(\{[^}]*\})?", " ", text)          # images: alt text is not prose
    text = re.sub(r"\]\([^)]*\)", "] ", text)                               # link targets
    text = re.sub(r"\{[:#.]?[^{}\n]*=[^{}\n]*\}|\{\s*[#.][^{}\n]*\}", " ", text)  # attribute lists
    text = re.sub(r"\[\^[^\]\s]+\]:?", " ", text)                           # footnote labels
    text = re.sub(r"^[ \t]*(!!!|\?\?\?\+?)[ \t]+\S+", " ", text, flags=re.M)  # admonition types
    text = re.sub(r"^[ \t]*\d+[.)][ \t]", " ", text, flags=re.M)            # ordered-list numbers
    text = re.sub(r"^[ \t>]*(`{3,}|~{3,}).*$", " ", text, flags=re.M)          # fence lines and info strings
    text = re.sub(r"<!--.*?-->|<(script|style)\b.*?</\1>", " ", text, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", text)                                    # tags (their text stays)
    return Counter(WORD.findall(html.unescape(text)))


# Code samples of a page as the reader must see them: (kind, exact text), from Python-Markdown's
# own rendering of the page with the site's extensions and no plugin or hook in between.
def code_samples(markdown: str, settings: MarkdownSettings) -> list[tuple[str, str]]:
    plain = BeautifulSoup(python_markdown.markdown(markdown, extensions=list(settings.extensions),
                                                   extension_configs=settings.configs), "html.parser")
    samples = [("block", code.get_text()) for code in plain.select("pre code")]
    samples += [("span", code.get_text()) for code in plain.select("code") if code.parent.name != "pre"]
    samples += [("comment", f"<!--{comment}-->") for comment in plain.find_all(string=lambda s: isinstance(s, Comment))]
    return samples


# -----------------------------------------------------------------------------
# Rendered side
# -----------------------------------------------------------------------------


def rendered(site: Path, src: Path, docs_dir: Path, directory_urls: bool) -> tuple[str, BeautifulSoup]:
    rel = src.relative_to(docs_dir).with_suffix("")
    out = site / (f"{rel}.html" if not directory_urls else
                  ("index.html" if rel.name == "index" and rel.parent == Path(".")
                   else f"{rel.parent / 'index.html' if rel.name == 'index' else rel / 'index.html'}"))
    raw = out.read_text(encoding="utf-8")
    return raw, BeautifulSoup(raw, "html.parser")


def assert_nothing_lost(src: Path, docs_dir: Path, site: Path, directory_urls: bool) -> None:
    config = docs_dir.parent / "mkdocs.yml"
    settings = read_settings(config, Report())["markdown"] if config.exists() else SITE_SETTINGS
    markdown, _ = meta.get_data(src.read_text(encoding="utf-8-sig"))
    raw, page = rendered(site, src, docs_dir, directory_urls)
    article = page.select_one("article") or page
    shown = Counter(WORD.findall(article.get_text(" ")))
    missing = {word: count for word, count in prose_words(markdown).items() if shown[word] < count}
    assert not missing, f"{src.name}: words lost or dropped in the rendered page: {missing}"
    blocks = [code.get_text() for code in article.select("pre code")]
    spans = [code.get_text() for code in article.select("code") if code.parent.name != "pre"]
    for kind, text in code_samples(markdown, settings):
        if kind == "block":
            assert text in blocks, f"{src.name}: code block changed:\n{text}"
        elif kind == "span":
            assert text in spans, f"{src.name}: code span changed: {text!r}"
        else:
            assert text in raw, f"{src.name}: comment changed: {text!r}"


# -----------------------------------------------------------------------------
# Tests
# -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fixture_sites(tmp_path_factory) -> dict[Path, Path]:
    return {case: build_site(case / "mkdocs.yml", tmp_path_factory.mktemp(case.name)) for case in CLEAN_FIXTURES}


@pytest.mark.parametrize("src", sorted((ROOT / "docs").rglob("*.md")), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_word_and_code_sample_of_a_real_page_reaches_the_reader(built_site, src):
    assert_nothing_lost(src, ROOT / "docs", built_site, directory_urls=False)


@pytest.mark.parametrize("case", CLEAN_FIXTURES, ids=lambda p: p.name)
def test_look_alikes_are_left_exactly_as_written(fixture_sites, case):
    for src in sorted((case / "docs").rglob("*.md")):
        assert_nothing_lost(src, case / "docs", fixture_sites[case], directory_urls=True)


def test_look_alike_fixture_covers_every_case_the_contract_names(fixture_sites):
    site = fixture_sites[FIXTURES / "look-alikes"]
    text = (site / "claims" / "page" / "index.html").read_text(encoding="utf-8")
    for literal in ("[write to me@example.com]", "[ask @maintainers on the forum]", "@alignment-basics",
                    "team@example.org", "[@hubinger2019risks]", "[@hubinger2019risks, p. 3]"):
        assert html.escape(literal, quote=False) in text or literal in text, literal
    assert '<a href="https://example.org/alignment-basics">@alignment-basics</a>' in text
    assert text.count('class="footnote-ref"') == 4
    for literal in ("\\bibliography", "\\full_bibliography", "\ue0000\ue001", "\ue00099\ue001"):
        assert literal in text, literal


def test_the_checker_notices_a_dropped_word_and_a_changed_code_block(tmp_path):
    source = tmp_path / "docs" / "page.md"
    source.parent.mkdir()
    source.write_text("# Page\n\nA lagoon and a boat.\n\n```text\n[@x]\n```\n")
    site = tmp_path / "site"
    site.mkdir()
    (site / "page.html").write_text("<article><h1>Page</h1><p>A lagoon and.</p>"
                                    "<pre><code>[^x]\n</code></pre></article>")
    with pytest.raises(AssertionError, match="boat"):
        assert_nothing_lost(source, tmp_path / "docs", site, directory_urls=False)
    (site / "page.html").write_text("<article><h1>Page</h1><p>A lagoon and a boat.</p>"
                                    "<pre><code>[^x]\n</code></pre></article>")
    with pytest.raises(AssertionError, match="code block changed"):
        assert_nothing_lost(source, tmp_path / "docs", site, directory_urls=False)


def test_two_builds_of_the_same_tree_are_identical(built_site, tmp_path):
    again = build_site(ROOT / "mkdocs.yml", tmp_path / "again")
    differences = []

    def compare(listing: filecmp.dircmp) -> None:
        differences.extend(f"{listing.left}/{name}" for name in listing.diff_files
                           if not name.startswith("sitemap.xml"))
        differences.extend(f"{listing.left}/{name}" for name in listing.left_only + listing.right_only)
        for sub in listing.subdirs.values():
            compare(sub)

    compare(filecmp.dircmp(built_site, again))
    assert differences == []
