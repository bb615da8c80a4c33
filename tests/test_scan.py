"""The Markdown scanner tells code, citations, look-alikes and footnotes apart."""

from __future__ import annotations

import pytest

from citelib.scan import scan


def cited(markdown: str) -> list[tuple[str, str]]:
    return [(cite.key, cite.locator) for c in scan(markdown).valid_citations for cite in c.cites]


def code(markdown: str) -> list[str]:
    page = scan(markdown)
    return [markdown[start:end] for start, end in page.code]


@pytest.mark.parametrize(("markdown", "expected"), [
    ("A claim.[@a]", [("a", "")]),
    ("A claim.[@a; @b-2]", [("a", ""), ("b-2", "")]),
    ("A claim.[@a, sec. 2; @b, p. 14]", [("a", "sec. 2"), ("b", "p. 14")]),
    ("A claim.[ @a ,  pp. 3-4 ]", [("a", "pp. 3-4")]),
    ("A claim that wraps.[@a;\n@b]", [("a", ""), ("b", "")]),
    ("Two in a row.[@a][@b]", [("a", ""), ("b", "")]),
    ("Then an aside.[@a][^note]\n\n[^note]: Aside.[@b]", [("a", ""), ("b", "")]),
    ("A surprise![@a]", [("a", "")]),
    ("An escaped backslash: C:\\\\[@a]", [("a", "")]),
])
def test_citations_and_their_locators_are_read(markdown, expected):
    assert cited(markdown) == expected


@pytest.mark.parametrize("markdown", [
    "Mail [write to me@example.com].",
    "Handle @someone in prose.",
    "A link [@user](https://example.org).",
    "A reference link [@user][label].\n\n[label]: https://example.org",
    "An image ![@alt](x.png).",
    "An escaped \\[@a\\].",
    "Code `[@a]` here.",
    "```\n[@a]\n```",
    "~~~~\n```\n[@a]\n```\n~~~~",
    "Para.\n\n    [@a] indented code",
    "<!-- [@a] -->",
    "<pre>\n[@a]\n</pre>",
    "<script>var c = '[@a]';</script>",
    "A doubled backslash: \\\\`[@a]` is a code span.",
    "> ~~~\n> [@a]\n> ~~~",
])
def test_look_alikes_are_not_citations(markdown):
    assert cited(markdown) == []


@pytest.mark.parametrize(("markdown", "error"), [
    ("[@]", "'@' with no key"),
    ("[@a;]", "empty item (a stray ';')"),
    ("[@a; b]", "item 'b' does not start with @"),
    ("[@a.b]", "key 'a.b' has characters a citation cannot carry: ."),
    ("[@a, ]", "cannot read '@a,' (write @key or @key, locator)"),
    ("[@a, @b]", "'@a, @b' separates keys with ',': write [@key1; @key2]"),
])
def test_malformed_citations_say_why(markdown, error):
    assert [c.error for c in scan(markdown).citations] == [error]


def test_text_in_admonitions_and_lists_is_prose_not_indented_code():
    markdown = "!!! note\n\n    Cited.[@a]\n\n- item\n\n    More.[@b]\n"
    assert cited(markdown) == [("a", ""), ("b", "")]
    assert code(markdown) == []


def test_a_fence_inside_an_admonition_is_code():
    markdown = "!!! note\n\n    ```text\n    [@a]\n    ```\n\n    Cited.[@b]\n"
    assert cited(markdown) == [("b", "")]
    assert code(markdown) == ["[@a]"]


def test_an_unclosed_fence_is_prose_as_markdown_renders_it():
    # Python-Markdown shows an unclosed fence as a paragraph, so a citation after it is read.
    assert cited("Text.[@a]\n\n```\n[@b]\n") == [("a", ""), ("b", "")]


def test_a_code_span_does_not_cross_a_blank_line():
    markdown = "A `tick alone.[@a]\n\nNext paragraph `[@b]`."
    assert cited(markdown) == [("a", "")]


def test_footnote_definitions_and_references_are_found_with_the_citations_of_their_body():
    markdown = "Text.[^n] More.[^m]\n\n[^n]: First line.\n    Second line.[@a]\n\nAfter.[@b]\n"
    page = scan(markdown)
    assert [label for label, _ in page.footnote_refs] == ["n", "m"]
    (definition,) = page.footnote_defs
    assert markdown[definition.start:definition.end] == "[^n]"
    assert [c.cites[0].key for c in definition.citations] == ["a"]
