"""Hostile pages: where a hand-written reading of Markdown and the renderer disagreed.

Each case is a page and the exact problems the checks must report for it (`line:col CODE`), or
none. The second half builds a tiny site from the cases that must build and checks that nothing
is lost: no literal `[@` reaches the reader unless the source escaped it, and every citation
becomes a marker.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
import yaml
from mkdocs.utils.yaml import yaml_load
from bs4 import BeautifulSoup

from citelib import bib as bibfiles
from citelib.diagnostics import Report
from citelib.pagecheck import check_page
from citelib.settings import PageSet
from citelib.scan import MKDOCS_BUILTIN_EXTENSIONS, SITE_EXTENSIONS, SITE_SETTINGS, MarkdownSettings, scan
from sitebuild import build_site

# One worker runs this file, so its module fixtures are built once, not once per worker.
pytestmark = pytest.mark.xdist_group("scan-hostile-sites")

ROOT = Path(__file__).resolve().parent.parent
BIB = Path(__file__).parent / "fixtures" / "lost-marker" / "bib"
KNOWN = "[@clark2016faulty]"


@pytest.fixture(scope="module")
def bibliography():
    report = Report()
    loaded = bibfiles.load(BIB, report, BIB.parent)
    assert not report
    return loaded


# "line:col CODE" of every problem the checks report for `markdown`.
def problems(markdown: str, bibliography) -> set[str]:
    report = Report()
    check_page("page.md", "page.md", markdown, 0, bibliography, PageSet(), report, SITE_SETTINGS)
    return {f"{d.line}:{d.col} {d.code}" for d in report.diagnostics}


# -----------------------------------------------------------------------------
# What is code: each case once let `[@typo]` reach readers while the build passed, or the reverse
# -----------------------------------------------------------------------------

CODE_CASES = [
    # A line that begins with a triple-backtick code span is a paragraph, not a fence.
    ("code-span-at-line-start", "```x``` [@typo]\n", {"1:10 CIT001"}),
    ("code-span-at-line-start-then-fence-look-alike", "```x``` y\n\n[@typo]\n\n```\n", {"3:2 CIT001"}),
    # U+2028 and U+0085 break lines for Python's splitlines, not for Markdown: no fence opens.
    ("u2028-before-fence", "Text.\u2028```\n\n[@typo]\n\n```\n", {"3:2 CIT001"}),
    ("u0085-before-fence", "Text.\u0085~~~\n\n[@typo]\n\n~~~\n", {"3:2 CIT001"}),
    ("u2029-before-fence", "Text.\u2029```\n\n[@typo]\n\n```\n", {"3:2 CIT001"}),
    # ...but two backtick runs on "one" Markdown line are a code span.
    ("u2028-inside-code-span", "Text.\u2028```\n[@typo]\n```\n", set()),
    # An indented code block whose first line is backticks is code, and it ends at the paragraph.
    ("indented-code-starting-with-backticks", "Para.\n\n    ```\n    x\n\n[@typo]\n\n```\n",
     {"6:2 CIT001"}),
    ("indented-code-holding-citation", "Para.\n\n    ```\n    [@typo]\n", set()),
    # A backtick in one list item does not pair with one in the next.
    ("stray-backticks-in-list-items", "- one ` tick\n- two ` [@typo]\n", {"2:10 CIT001"}),
    ("stray-backticks-in-quote-lines", "> one ` tick\n>\n> two ` [@typo]\n", {"3:10 CIT001"}),
    # Code spans in tables: cells are split first, so a span cannot cross a cell.
    ("stray-backticks-in-table-rows", "| a | b |\n| --- | --- |\n| ` | [@typo] |\n| ` | x |\n", {"3:8 CIT001"}),
    ("table-code-span-then-citation", "| a | b |\n| --- | --- |\n| `x` | [@typo] |\n", {"3:10 CIT001"}),
    ("table-citation-inside-code-span", "| a | b |\n| --- | --- |\n| `[@typo]` | y |\n", set()),
    # ...and a code span keeps its pipe: `x | [@typo]` is one cell of code.
    ("table-code-span-keeps-its-pipe", "| a | b |\n| --- | --- |\n| `x | [@typo]` |\n", set()),
    ("table-escaped-pipe", "| a | b |\n| --- | --- |\n| x \\| y | [@typo] |\n", {"3:13 CIT001"}),
    # An unclosed fence is a paragraph; an unclosed comment is text.
    ("unclosed-fence", "Text.\n\n```\n[@typo]\n", {"4:2 CIT001"}),
    ("comment-opened-in-one-paragraph", "A <!-- open\n\n[@typo] -->\n", {"3:2 CIT001"}),
    ("closed-comment", "<!-- [@typo] -->\n", set()),
    # Indented code inside an admonition or a list item is code.
    ("indented-code-in-admonition", "!!! note\n\n    Text.\n\n        [@typo]\n", set()),
    ("fence-in-list-item", "- item\n\n    ~~~\n    [@typo]\n    ~~~\n", set()),
    ("escaped-backtick-is-no-span", "\\`[@typo]`\n", {"1:4 CIT001"}),
    ("code-span-does-not-cross-blank-line", "A `tick\n\n[@typo]`\n", {"3:2 CIT001"}),
    ("double-backtick-span-holds-a-backtick", "``a ` [@typo]`` after\n", set()),
    ("raw-html-pre", "<pre>\n[@typo]\n</pre>\n", set()),
    ("raw-html-div-text-is-text", "<div>\n[@typo]\n</div>\n", {"2:2 CIT001"}),
    ("markdown-in-html", '<div markdown="1">\n\n[@typo]\n\n</div>\n', {"3:2 CIT001"}),
]


@pytest.mark.parametrize(("markdown", "expected"), [c[1:] for c in CODE_CASES], ids=[c[0] for c in CODE_CASES])
def test_what_is_code_is_what_python_markdown_renders_as_code(bibliography, markdown, expected):
    assert problems(markdown, bibliography) == expected


# -----------------------------------------------------------------------------
# Footnotes, colons, escapes, links and attributes
# -----------------------------------------------------------------------------

OTHER_CASES = [
    # An empty label is a footnote to Python-Markdown: it must not hide an unsourced note.
    ("empty-footnote-label", "Text.[@clark2016faulty][^]\n\n[^]: Unsourced.\n", {"1:24 FTN005", "3:1 FTN005"}),
    ("empty-footnote-definition-alone", "Text.[@clark2016faulty]\n\n[^]: Unsourced.\n", {"3:1 FTN005"}),
    ("footnote-label-with-a-space", "Text.[^a b]\n\n[^a b]: Unsourced.\n", {"3:1 FTN004"}),
    # A sourced aside defined inside an admonition or a list item is a definition.
    ("sourced-aside-in-admonition",
     "!!! note\n\n    Text.[@clark2016faulty][^aside]\n\n    [^aside]: Aside.[@hubinger2019risks]\n", set()),
    ("unsourced-aside-in-admonition",
     "!!! note\n\n    Text.[@clark2016faulty][^aside]\n\n    [^aside]: Aside.\n", {"5:5 FTN004"}),
    ("sourced-aside-in-list-item", "- Text.[^a]\n\n    [^a]: Aside.[@clark2016faulty]\n", set()),
    ("definition-inside-a-paragraph", "Text.[^n]\nmore\n[^n]: Unsourced.\n", {"3:1 FTN004"}),
    ("footnote-reference-in-code", "`[^x]` is how a footnote is written.\n", set()),
    ("escaped-footnote-reference", "Write \\[^x] for a footnote.\n", set()),
    ("footnote-defined-in-code-only", "Text.[^x]\n\n```\n[^x]: In code.\n```\n", {"1:6 FTN001"}),
    ("nested-definitions-break-markdown",
     "Text.[^a][^c]\n\n[^a]: x[@clark2016faulty]\n\n    [^b]: y\n\n[^c]: z[@clark2016faulty]\n", {"1:1 PAG002"}),
    # A citation followed by ":" is a citation; only a `[label]: url` line is a definition.
    ("citation-then-colon", "As shown [@clark2016faulty]: the model found a loop.\n", set()),
    ("typo-then-colon", "As shown [@typo]: the model found a loop.\n", {"1:11 CIT001"}),
    ("reference-definition-with-key-label", "[@clark2016faulty]: https://example.org\n", {"1:2 CIT003"}),
    # The documented escape shows the citation as typed and is no problem.
    ("escaped-citation", "An escaped \\[@clark2016faulty] stays text.\n", set()),
    ("escaped-backslash-then-citation", "C:\\\\[@typo]\n", {"1:6 CIT001"}),
    # A link is a link only where Markdown makes one.
    ("reference-link-without-definition", "[@typo][label]\n", {"1:2 CIT001"}),
    ("reference-link-with-definition", "[@typo][label]\n\n[label]: https://example.org\n", set()),
    ("parenthesis-that-makes-no-link", "[@typo](a(b)\n", {"1:2 CIT001"}),
    ("link-text-holding-a-key", "[@clark2016faulty](https://example.org)\n", {"1:2 CIT003"}),
    # A citation in a tag's attribute (raw HTML, alt text, attribute lists) is reported where it stands.
    ("raw-html-title", '<a href="#" title="[@clark2016faulty]">x</a>\n', {"1:20 CIT004"}),
    ("raw-html-img-alt", '<img alt="[@hubinger2019risks]" src="x.png">\n', {"1:11 CIT004"}),
    ("raw-html-attribute-single-quoted", "Text <span data-x='[@typo; @clark2016faulty]'>x</span>\n", {"1:20 CIT004"}),
    ("attribute-list", 'A paragraph.\n{: title="[@clark2016faulty]" }\n', {"2:11 CIT004"}),
    ("image-alt-holding-citation", "![Adapted from [@clark2016faulty]](x.png)\n", {"1:16 CIT004"}),
    ("heading-with-citation", "## A heading [@clark2016faulty]\n", set()),
]


@pytest.mark.parametrize(("markdown", "expected"), [c[1:] for c in OTHER_CASES], ids=[c[0] for c in OTHER_CASES])
def test_footnotes_escapes_links_and_attributes_are_read_as_markdown_renders_them(bibliography, markdown, expected):
    assert problems(markdown, bibliography) == expected


def test_the_scanner_reads_with_the_extensions_of_mkdocs_yml():
    config = yaml.load((ROOT / "mkdocs.yml").read_text(), Loader=yaml.BaseLoader)
    listed = [item if isinstance(item, str) else next(iter(item)) for item in config["markdown_extensions"]]
    # MkDocs loads its builtins first and each extension once.
    assert SITE_EXTENSIONS == tuple(dict.fromkeys(MKDOCS_BUILTIN_EXTENSIONS + tuple(listed)))
    assert MarkdownSettings.from_yaml(config["markdown_extensions"]).extensions == SITE_EXTENSIONS


def test_the_extensions_decide_what_is_code():
    # superfences reads a fence inside a list item; plain fenced_code leaves it a paragraph.
    markdown = "- item\n\n    ~~~\n    [@k]\n    ~~~\n"
    assert scan(markdown).citations == []
    assert [c.cites[0].key for c in scan(markdown, MarkdownSettings.of(["fenced_code"])).citations] == ["k"]


# -----------------------------------------------------------------------------
# Built with nothing lost
# -----------------------------------------------------------------------------

BUILT_PAGES = {
    "code-span-line": f"```x``` is a code span.{KNOWN}\n",
    "u2028": f"Text.{KNOWN}\u2028```\n\nA claim.[@hubinger2019risks]\n\n```\n",
    "lists": f"- one ` tick.{KNOWN}\n- two ` tick.[@hubinger2019risks]\n",
    "table": "| a | b |\n| --- | --- |\n" + "".join(
        f"| `k{i}` | claim.{KNOWN} `[@x]` |\n" for i in range(20)),
    "admonition-aside": f"!!! note\n\n    Text.{KNOWN}[^aside]\n\n    [^aside]: Aside.[@hubinger2019risks]\n",
    "colon": f"As shown {KNOWN}: the model found a loop.\n",
    "escape": f"An escaped \\[@clark2016faulty] stays text, and this one counts.{KNOWN}\n",
    "indented-backticks": f"Para.{KNOWN}\n\n    ```\n    [@hubinger2019risks]\n\nAfter.[@hubinger2019risks]\n",
    "unclosed-comment": f"A <!-- open.{KNOWN}\n\nA claim.[@hubinger2019risks] -->\n",
    "heading": f"## A heading {KNOWN}\n\nText.[@hubinger2019risks]\n",
}
# Each page stands in claims/ (a page that makes claims), but the escape: an escaped citation shows
# the syntax on a page that makes none, and is HTM001 on one that does (test_hostile_rendered.py).
FOLDER = {"escape": "notes"}


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    for name, body in BUILT_PAGES.items():
        page = root / "docs" / FOLDER.get(name, "claims") / f"{name}.md"
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(f"# {name}\n\n{body}", encoding="utf-8")
    (root / "bib").mkdir()
    (root / "bib" / "sources.bib").write_text((BIB / "sources.bib").read_text())
    config = yaml.safe_load((ROOT / "tests" / "fixtures" / "base.yml").read_text())
    config["hooks"] = [str(ROOT / "hooks" / "citations.py")]
    config["markdown_extensions"] = yaml_load((ROOT / "mkdocs.yml").read_text())["markdown_extensions"]
    (root / "mkdocs.yml").write_text(yaml.safe_dump(config))
    return build_site(root / "mkdocs.yml", root / "site")


@pytest.mark.parametrize("name", sorted(BUILT_PAGES))
def test_a_hostile_page_builds_with_no_literal_citation_and_every_marker(hostile_site, name):
    article = BeautifulSoup((hostile_site / FOLDER.get(name, "claims") / name / "index.html").read_text(encoding="utf-8"),
                            "html.parser").select_one("article")
    for code in article.select("code, pre"):
        code.decompose()
    text = article.get_text()
    escaped = len(re.findall(r"\\\[@", BUILT_PAGES[name]))
    assert text.count("[@") == escaped, textwrap.shorten(text, 300)
    assert "[^" not in text
    page = scan(BUILT_PAGES[name])
    cited = sum(len(c.cites) for c in page.valid_citations)
    markers = article.select("sup[id^='fnref'] a.footnote-ref")
    assert len(markers) - len(page.footnote_refs) == cited >= 1
