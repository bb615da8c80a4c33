"""One reading of a rendered page, by an HTML5 parser (lexbor, through selectolax).

The browser decides what is a link, an attribute or a script, so the checks read the page as a
browser does: character references decoded, attribute names folded, elements moved where the
HTML5 tree builder moves them. Everything the checks and the claims ledger need comes from this
one walk: markers and where they stand in blocks of text, footnote items, visible text, code
text, citation stamps (see guard.py) and anything that could run a script.
"""

from __future__ import annotations

import html
import re
import secrets
import unicodedata
from collections import Counter
from urllib.parse import unquote
from dataclasses import dataclass, field

from selectolax.lexbor import LexborHTMLParser

# -----------------------------------------------------------------------------
# What the reading knows about HTML
# -----------------------------------------------------------------------------

# Elements that start a new block of text.
# (Every element a browser's own style sheet shows as a block: two lines readers see apart are never
# one sentence of the ledger.)
BLOCKS = {"p", "li", "dt", "dd", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "figcaption",
          "blockquote", "summary", "div", "ol", "ul", "dl", "table", "tr", "details", "figure",
          "section", "article", "pre", "body", "head", "address", "aside", "center", "fieldset", "legend",
          "footer", "header", "hgroup", "main", "nav", "search", "caption", "menu", "dir", "hr", "listing",
          "xmp", "plaintext", "form", "optgroup", "option"}
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6", "th", "dt", "summary"}
# Text that is no part of a sentence: permalinks, footnote backlinks, separators between markers.
SKIPPED_CLASSES = {"headerlink", "footnote-backref", "cite-sep"}
# What a separator holds, as the hooks write it: anything else in one, and any text in a permalink
# outside a heading or a backlink outside a footnote (or in code), is a word readers see and the
# claims leave out.
SEPARATOR_TEXT = {"", ",", ";"}
# What a permalink and a backlink hold, as the extensions write them by default (toc's "&para;",
# footnotes' "&#8617;"); a site's own setting is read from its configuration (own_link_texts). Other
# text in one ("not", "ⓝⓞⓣ", a command in code) is words readers see and the claims skip.
OWN_LINK_TEXTS = frozenset({"¶", "↩"})
# Attributes whose value a browser shows as text (a text box's value, a broken image's alt text).
SHOWN_ATTRIBUTES = {"value", "placeholder", "alt", "title", "label"}
SKIPPED_TAGS = {"pre", "script", "style", "svg", "template", "noscript", "textarea"}
# Of those, what readers never see: the rest (a drawing's text, a text box, the small separators
# and permalinks) is in the visible text, where a literal citation is one readers see.
UNSEEN_TAGS = {"script", "style", "template", "noscript"}
CODE_TAGS = {"code", "pre", "kbd", "samp"}

# Elements page content may not hold: they run script, load other documents or change the page's base.
# <noscript> is read here with scripting off, but a browser with scripting on reads its content as
# raw text, so a tag hidden in an attribute inside it comes alive; <template> holds inert markup
# this reading cannot see, for a script to clone.
ACTIVE_ELEMENTS = {"script", "iframe", "frame", "frameset", "object", "embed", "applet", "base", "meta",
                   "link", "portal", "noembed", "noscript", "template"}
# Attributes that have HTML read as a document of its own (srcdoc), or read a second time:
# Material's instant preview of a link with data-preview sets the linked element's HTML as the
# preview's innerHTML, and markup that reads as harmless once (a <style> in a nested <form>) can
# come out of a second reading as an <img onerror> (it ran, hovering the link, on an HTTP site).
REREAD_ATTRIBUTES = {"srcdoc", "data-preview"}
# Classes the theme's scripts select (Material 9.x; tests/test_hostile_rendered.py holds the list to
# its bundle): an element of a page's content with one is taken for the theme's own, as when the
# tooltip of a title cut short (.md-ellipsis) shows the element's text as HTML.
THEME_SCRIPT_CLASSES = {"annotate", "md-annotation", "md-content", "md-ellipsis", "md-grid", "md-header__topic",
                        "md-nav__link", "md-nav__link--active", "md-sidebar__scrollwrap", "md-status",
                        "md-toggle--indeterminate", "md-typeset", "md-version", "mermaid"}
# Attributes the theme's scripts act on: data-copy and data-clipboard-text set what a copy button
# copies, data-clipboard-target which element it copies; data-md-* name the theme's own parts.
# What two of them do, for the report.
CLASS_EFFECTS = {"md-ellipsis": " (its tooltip shows the element's text as HTML)",
                 "annotate": " (it hides the list after it, as the block's annotations)",
                 "mermaid": " (on a <pre>, it fetches a diagram library and draws the block's text as a diagram no "
                            "check reads)"}
# Classes the PDF (tools/make_pdf.py) and print leave out, which content may not take.
PRINT_HIDDEN_CLASSES = {"cite-this-page", "giscus"}
# Classes that the hooks and the extensions write in one place only, and what they do elsewhere.
PLACED_CLASS_EFFECTS = {
    "cite-this-page": ("the hooks' own cite-this-page block, which the PDF leaves out: the words would be missing "
                       "there"),
    "giscus": "which Material's print style sheet hides: the words would be missing from the PDF",
    "cite-locator": ("the hooks' own for a citation's locator, which the claims read as the locator of the marker "
                     "before it, not as words of the page: write the locator in the citation ([@key, p. 3])"),
    "admonition-title": ("the admonition extension's own for an admonition's title, which the claims skip as a "
                         "heading: write an admonition (!!! note \"Title\")"),
    "cite-pinned": ("the hooks' own for a marker and its locator, which the theme keeps on one line: around other "
                    "text, a long line runs off the page's edge, out of readers' sight"),
    "footnote-ref": ("the footnote marker's own, which the theme draws small and raised: readers take the text for "
                     "a marker, and nested it shrinks text out of sight"),
}
# The report of one of the theme's other classes, which its style sheet may hide or move.
THEME_CLASS_EFFECT = "one of the theme's, whose style sheet may hide the text or show it apart: use Markdown"
# data-linenos is shown by the theme's style sheet (`content: attr(data-linenos)`), as text no check reads.
THEME_SCRIPT_ATTRIBUTES = {"data-copy", "data-clipboard-text", "data-clipboard-target", "data-tabs", "data-linenos"}
THEME_ATTRIBUTE_PREFIX = "data-md-"
# The copy buttons the hooks write themselves, after the build has read a page's content, and the
# ids of what they copy (overrides/partials/citations/cite-this-page.html): only the site check
# reads them, inside that block.
OWN_CLIPBOARD_TARGETS = {"#cite-apa", "#cite-chicago", "#cite-bibtex", "#cite-ris"}
OWN_IDS = {target[1:] for target in OWN_CLIPBOARD_TARGETS}
OWN_BLOCK_CLASS = "cite-this-page"
# What Material writes inside a built page's article besides the content: its edit and view
# buttons, and the page's dates (read by the site check only).
THEME_PARTS = {"md-content__button", "md-source-file"}
# What has readers see other text than the checks read (hidden, restyled or reordered text), and
# the one style Python-Markdown writes itself (a table column's alignment).
PRESENTATION_ELEMENTS = {"style", "bdo", "dialog", "font", "rp", "audio", "video", "canvas", "datalist", "noframes",
                         "select", "map", "svg", "math", "textarea", "title", "marquee", "meter", "progress", "input",
                         "nobr", "listing", "xmp", "plaintext"}
# Of those, the ones that do it in a way of their own, for the report (the rest: HIDES).
ELEMENT_EFFECTS = {
    "svg": ("which paints shapes and text anywhere on the page (over a word, a marker or a code block), where no "
            "check reads them: put the drawing in a file and show it as an image"),
    "math": "whose own attributes colour, move and resize text (mathcolor, mpadded), where no check reads them",
    "textarea": "a text box, whose text readers see but the claims leave out",
    "title": "which the browser hides: the claims would read text readers never see",
    "marquee": "which moves text and clips it to its width and height, out of readers' sight",
    "meter": "which draws a bar in place of its text: the claims would read words readers never see",
    "progress": "which draws a bar in place of its text: the claims would read words readers never see",
    "nobr": "which keeps its text on one line: a long line runs off the page's edge, out of readers' sight",
    "listing": "which keeps its text's lines as written: a long line runs off the page's edge, out of readers' sight",
    "xmp": "which keeps its text's lines as written: a long line runs off the page's edge, out of readers' sight",
    "plaintext": ("which turns the rest of the page into text as written, whose long lines run off the page's "
                  "edge"),
    "input": ("a form field, whose value readers see but the claims leave out (and a copy button leaves it out of "
              "what it copies)"),
}
# Elements that each make text smaller than around them: nested, they shrink it out of sight (20
# <small> give a word 0.4 px in Chromium). A footnote marker is one <sup>, and code in small print
# with an exponent three; more than this many is text no reader sees.
SHRINKING_TAGS = {"small", "sub", "sup", "rt", "code", "kbd", "samp"}
MOST_SHRINKING = 3
# Elements that each indent text (and admonitions): nested deep, they push it out of the page's
# column (70 blockquotes put a claim at x=1416 in a window 1280 px wide). Lists nest a few deep.
INDENTING_TAGS = {"blockquote", "ul", "ol", "dd", "menu", "dir", "details", "figure", "fieldset"}
MOST_INDENTED = 12
# Classes the theme's style sheet hides or shows apart (Material's own, and pymdownx.tabbed's panels):
# on a page's content, text readers never see, which the claims would read. Only its buttons are
# the authors' (Material documents .md-button).
AUTHOR_THEME_CLASSES = {"md-button", "md-button--primary"}
# HTML's old presentational attributes colour text and its background without a style (a cell with
# bgcolor="#000" hid its sentence), a <body text=...> in content gives every page's text its colour, and nowrap
# keeps a cell on one line.
PRESENTATION_ATTRIBUTES = {"hidden", "dir", "style", "popover", "bgcolor", "background", "color", "text", "link",
                           "vlink", "alink", "nowrap"}
TABLE_ALIGNMENT = re.compile(r"text-align: (?:left|right|center);")
# Bidi embeddings, overrides and isolates, and the marks that set a direction: they show characters
# in another order than written ("[nepo3202repsac@]" reversed, or "@]key[" between two U+200F,
# reads as a citation).
BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# Attributes that hold a URL a browser may load or follow (srcset holds several).
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "poster", "data", "cite",
                  "background", "ping", "manifest", "codebase", "longdesc", "lowsrc", "dynsrc", "srcset"}
SAFE_SCHEMES = {"http", "https", "mailto"}
# A start tag named image (any case), which the HTML standard reads as <img> outside SVG.
IMAGE_TAG = re.compile(r"<image(?=[\s/>])", re.I)
# SVG animations that set another attribute (named by attributeName) to each of their values: set
# on href, they write a link as the page runs, which no URL attribute of the page shows.
ANIMATIONS = {"animate", "set", "animatemotion", "animatetransform", "animatecolor"}
ANIMATED_VALUES = ("values", "from", "to", "by")
# Python-Markdown autolinks only http(s) and e-mail: `<javascript:alert(1)>` stays raw HTML, an
# element named after the URL. Its text is lost, and it shows an author writing a script link.
SCRIPT_SCHEMES = {"javascript", "vbscript", "data"}
# A URL's scheme as the WHATWG URL parser finds it, once leading C0 controls and spaces are stripped
# and tabs and line breaks removed anywhere.
SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
URL_NOISE = re.compile(r"[\t\n\r]")
# What the URL parser strips from a URL's start: C0 controls and spaces.
URL_LEADING_NOISE = "".join(map(chr, range(0x21)))
WHITESPACE = re.compile(r"\s+")
# White space as HTML reads it, and what separates the candidates of a srcset.
HTML_SPACE = "\t\n\f\r "
SRCSET_SEPARATORS = HTML_SPACE + ","
# Unicode's format characters (category Cf: zero widths, joiners, bidi controls, the soft hyphen),
# which a reader does not see: "[\u2060^key]" shows as "[^key]". Unicode 14 (Python 3.11) and the
# Egyptian format controls Unicode 15 added; tests/test_hostile_rendered.py holds it to the running
# Python's own table.
FORMAT_CHARACTERS = re.compile(
    "[\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f]")
# The other characters Unicode marks Default_Ignorable_Code_Point (DerivedCoreProperties.txt), which
# a reader does not see either: a combining grapheme joiner, the Hangul fillers ("[\u3164@key]"
# shows as "[@key]"), Khmer inherent vowels, Mongolian and other variation selectors, and the code
# points kept unassigned for more of them (U+2065, U+FFF0 to U+FFF8, the rest of U+E0000 to U+E0FFF).
IGNORABLE_CHARACTERS = re.compile("[\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180d\u180f\u2065\u3164"
                                  "\ufe00-\ufe0f\uffa0\ufff0-\ufff8\U000e0000-\U000e0fff]")
# And U+FFFC, the object replacement character, which Chromium draws with no width: "[\ufffc@key]"
# showed as "[@key]".
UNSEEN_CHARACTERS = re.compile(f"(?:{FORMAT_CHARACTERS.pattern}|{IGNORABLE_CHARACTERS.pattern}|\ufffc)")
# A citation or a footnote reference as readers read it in text (read_as_shown): "[@key]", "[^x]".
SHOWN_CITATION = re.compile(r"\[[@^][\w-]+\]?")
# White space between a bracket and "@" or "^": "[\u200a@key]" (a hair space) reads as "[@key]".
SPACED_BRACKET = re.compile(r"\[\s+(?=[@^])")
# Control characters, shown escaped in messages.
CONTROL = re.compile(r"[\x00-\x1f\x7f]")

# Where a built page's content is: Material's article, else the first <article> or <main> (MkDocs'
# own themes have neither: then the body is the content).
CONTENT_SELECTORS = ("article.md-content__inner", "article", "main")

MARKER_ID = re.compile(r"fnref\d*:(.+)", re.S)

# The modes an element's tag puts the walk in, whatever its attributes (_Walker.enter adds the rest).
TAG_MODES = {tag: tuple(mode for mode, tags in (("code", CODE_TAGS), ("skip", SKIPPED_TAGS), ("unseen", UNSEEN_TAGS),
                                                ("heading", HEADINGS), ("link", {"a"}), ("shrink", SHRINKING_TAGS),
                                                ("sup", {"sup"}), ("indent", INDENTING_TAGS)) if tag in tags)
             for tag in CODE_TAGS | SKIPPED_TAGS | UNSEEN_TAGS | HEADINGS | {"a"} | SHRINKING_TAGS | INDENTING_TAGS}
NO_CLASSES: frozenset[str] = frozenset()


# -----------------------------------------------------------------------------
# Data
# -----------------------------------------------------------------------------


# One footnote marker (`<sup id="fnref:label">`): where it stands and what it cites.
@dataclass
class Marker:
    label: str
    anchor: str
    # The citation stamp just before it (its index on the page), when the guard wrote one.
    stamp: int | None = None
    locator: str = ""
    # The footnote item it stands in, for markers inside an aside.
    in_footnote: str = ""
    # Filled by the claims reader: the sentence that carries it, and what it cites.
    text: str = ""
    cites: list[tuple[str, str]] = field(default_factory=list)


# One block of text (a paragraph, a list item, a cell) and the markers inside it.
@dataclass
class Block:
    text: str
    markers: list[tuple[int, Marker]]
    prose: bool
    in_footnote: str = ""
    # Where a <br> broke the line: a sentence may end there (claims.sentence_spans).
    breaks: list[int] = field(default_factory=list)


# One item of the page's footnote list.
@dataclass
class FootnoteItem:
    label: str
    # Labels of the markers inside it (an aside cites its sources with markers).
    refs: list[str] = field(default_factory=list)


# Where a citation stamp ended up: before its marker, in text, in an attribute, or in code.
@dataclass
class Stamp:
    index: int
    where: str
    # The text right after it, when it stands in text (a lost citation shows there literally).
    after: str = ""


# Something in the page that could run a script or load another document.
@dataclass
class Unsafe:
    tag: str
    attribute: str
    value: str
    # The footnote item it stands in ("" outside the footnotes).
    in_footnote: str

    # What it is, whichever reading found it: an SVG <image> and the <img> a second reading
    # makes of the same tag are one finding.
    @property
    def kind(self) -> tuple[str, str, str, str]:
        return "img" if self.tag == "image" else self.tag, self.attribute, self.value, self.in_footnote

    # HTM003 for an unsafe link or resource address; HTM006 for anything else: what runs a script by
    # itself, or what the theme's scripts act on, or what shows readers other text than is checked.
    @property
    def code(self) -> str:
        links = self.attribute == "autolink" or self.attribute in URL_ATTRIBUTES or self.attribute in ANIMATED_VALUES
        return "HTM003" if links else "HTM006"

    def describe(self) -> str:
        hides = "which hides, restyles or reorders what readers see, where the checks cannot read it"
        if not self.attribute:
            if self.tag in PRESENTATION_ELEMENTS:
                return f"<{self.tag}> element, {ELEMENT_EFFECTS.get(self.tag, hides)}"
            return f"<{self.tag}> element"
        shown = CONTROL.sub(lambda m: f"\\x{ord(m[0]):02x}", self.value)
        shown = shown if len(shown) <= 60 else shown[:59] + "…"
        if self.attribute == "bidi":
            shown = BIDI_CONTROLS.sub(lambda m: f"\\u{ord(m[0]):04x}", shown)
            return f"bidi control character in '{shown}', which shows the text in another order than it is written"
        if self.attribute == "text" and self.tag == "heading":  # before <body text=...>, a presentation attribute
            return (f"heading '{shown}': where the theme cuts a title short (navigation, contents, header), "
                    "its tooltip shows the text as HTML, and it runs a script")
        if self.attribute in PRESENTATION_ATTRIBUTES:
            value = f" '{shown}'" if shown else ""
            return f"{self.attribute} attribute{value} on <{self.tag}>, {hides}"
        if self.attribute == "class" and shown in PLACED_CLASS_EFFECTS:
            return f"class '{shown}' on <{self.tag}>, {PLACED_CLASS_EFFECTS[shown]}"
        if self.attribute == "class" and shown not in THEME_SCRIPT_CLASSES:
            return f"class '{shown}' on <{self.tag}>, {THEME_CLASS_EFFECT}"
        if self.attribute == "class":
            what = CLASS_EFFECTS.get(shown, "")
            return f"class '{shown}' on <{self.tag}>, which the theme's scripts take for their own element{what}"
        if self.attribute == "code-anchor":
            return (f"link anchor '{shown}' inside code, which the theme hides in a highlighted block (its line "
                    "anchors): the claims would read words readers never see")
        if self.attribute == "indented":
            return (f"text '{shown}' inside more than {MOST_INDENTED} nested blockquotes, lists, admonitions or other "
                    "indented blocks, which push it out of the page's column: readers do not see it where it stands")
        if self.attribute == "shrunk":
            return (f"text '{shown}' inside more than {MOST_SHRINKING} nested <small>, <sub>, <sup>, <rt>, <code>, "
                    "<kbd> or <samp> elements, each smaller than the last: readers cannot see it, but the claims "
                    "read it")
        if self.attribute == "small-print":
            return (f"text '{shown}' in one of the hooks' or the extensions' own classes (separators, permalinks, "
                    "backlinks): readers see it, but the claims leave it out")
        if self.attribute == "data-linenos":
            return (f"data-linenos attribute on <{self.tag}>, whose value the theme's style sheet shows as text no "
                    "check reads")
        if self.attribute in ("data-copy", "data-clipboard-text", "data-clipboard-target"):
            return (f"{self.attribute} attribute on <{self.tag}>, which sets what a copy button copies: readers "
                    "would copy other text than they see")
        if self.attribute in THEME_SCRIPT_ATTRIBUTES or self.attribute.startswith(THEME_ATTRIBUTE_PREFIX):
            return f"{self.attribute} attribute on <{self.tag}>, which the theme's scripts act on"
        if self.attribute == "id" and shown in OWN_IDS:
            return (f"id '{shown}' on <{self.tag}>: the cite-this-page block's copy buttons copy the element with "
                    "this id, which the hooks write")
        if self.attribute == "id" and "%" in shown:
            return (f"id '{shown}' on <{self.tag}>: a link to '#{shown}' leads to it, where the checks read the "
                    "link decoded, as leading elsewhere: give the element an id without '%'")
        if self.attribute == "id":
            return (f"id '{shown}' on <{self.tag}>: ids that start with '__' are the theme's, which its scripts give "
                    "and look up")
        if self.attribute == "autolink":
            return f"link '{shown}' written as an autolink, which Markdown leaves as an element <{self.tag}>"
        if self.attribute.startswith("on") or self.attribute == "srcdoc":
            return f"{self.attribute} attribute on <{self.tag}>"
        if self.attribute == "data-preview":
            return (f"data-preview attribute on <{self.tag}>, which has Material read the linked part of a page a "
                    "second time as HTML, where markup can turn into other markup")
        if self.attribute == "title":
            return f"title '{shown}' on <{self.tag}>, which the theme's tooltip shows as HTML: it runs a script"
        if self.attribute == "markup":
            return (f"element <{shown}> in a title the theme cuts short (navigation, header), where it writes only "
                    "text: its tooltip shows what a reader sees of the title as HTML")
        if self.attribute == "page-title":
            return (f"heading '{shown}': the theme writes the page's title into its <title> with character "
                    "references decoded, where this text closes the <title> and puts markup in the page")
        return f"link '{shown}' in {self.attribute} of <{self.tag}>"


# Everything the checks, the sources page and the ledger need from one rendered page.
@dataclass
class Reading:
    blocks: list[Block] = field(default_factory=list)
    markers: list[Marker] = field(default_factory=list)
    footnotes: dict[str, FootnoteItem] = field(default_factory=dict)
    # Where links drawn as markers (not a marker's own) lead: `#fn:label` for this page's footnotes.
    footnote_links: list[str] = field(default_factory=list)
    stamps: dict[int, Stamp] = field(default_factory=dict)
    # The text readers see, format characters left out (code, markers and skipped parts too).
    visible: str = ""
    code: str = ""
    unsafe: list[Unsafe] = field(default_factory=list)
    # The page's short answer as plain text (page descriptions and link previews); "" without one.
    short_answer: str = ""


# -----------------------------------------------------------------------------
# Reading
# -----------------------------------------------------------------------------


# Read `html_text`. `stamp` matches the guard's citation stamps (None: the page has none).
# `link_texts`: what the site's extensions write in their own links (own_link_texts).
def read(html_text: str, stamp: re.Pattern | None = None, link_texts: frozenset[str] = frozenset()) -> Reading:
    reading = read_element(LexborHTMLParser(html_text).root, stamp, link_texts=link_texts)
    respelled = images_respelled(html_text)
    if respelled is not None:
        second = read_element(LexborHTMLParser(respelled).root, stamp, link_texts=link_texts)
        reading.unsafe += more_unsafe(reading.unsafe, second.unsafe)
    return reading


# The texts the extensions write in their own links, as readers see them, from the Markdown
# extensions' settings (mdx_configs, by the name a site gives the extension, short or long): toc's
# permalink and the footnotes' backlink, when a site sets them ("#", "back"; else OWN_LINK_TEXTS).
def own_link_texts(configs: dict) -> frozenset[str]:
    toc, footnotes = (configs.get(name) or configs.get(f"markdown.extensions.{name}") or {}
                      for name in ("toc", "footnotes"))
    texts = [toc.get("permalink"), footnotes.get("BACKLINK_TEXT")]
    return frozenset(html.unescape(text).strip() for text in texts if isinstance(text, str) and text.strip())


# The page with each `<image` tag written `<img  `, for a second reading; None when it writes none.
# Where HTML is parsed as HTML a browser makes `<image>` an <img> (the HTML standard's tree
# construction: "Don't ask"), but lexbor drops it inside a table or a select, where Chromium still
# makes the <img> and runs its onerror. The spelling keeps the page's length, so every place
# stays. The first reading is still needed: inside an SVG `<image>` is SVG's own, and an <img>
# there would end the SVG early.
def images_respelled(html_text: str) -> str | None:
    if IMAGE_TAG.search(html_text) is None:
        return None
    return IMAGE_TAG.sub("<img  ", html_text)


# What a second reading finds unsafe beyond the first: of each kind, the ones it finds more often.
def more_unsafe(first: list[Unsafe], second: list[Unsafe]) -> list[Unsafe]:
    left = Counter(unsafe.kind for unsafe in first)
    more = []
    for unsafe in second:
        if left[unsafe.kind] > 0:
            left[unsafe.kind] -= 1
        else:
            more.append(unsafe)
    return more


# Read one element of a parsed page and all it holds (None: nothing). The site check reads a built
# page's article where the page's own parse put it: serialized and parsed again, it could be
# another tree than the one a browser builds (the way of mutation XSS).
def read_element(element, stamp: re.Pattern | None = None, content_rules: bool = True,
                 own_parts: bool = False, link_texts: frozenset[str] = frozenset()) -> Reading:
    walker = _Walker(stamp, content_rules, own_parts, link_texts)
    if element is not None:
        walker.walk(element)
    walker.flush()
    reading = walker.reading
    reading.visible = read_as_shown("".join(walker.visible))
    reading.code = "".join(walker.code)
    reading.short_answer = _short_answer(element, stamp) if element is not None else ""
    return reading


# Text as readers read it: characters they do not see left out, compatibility forms as the
# characters they show (NFKC: a fullwidth "［" or "＠" reads as "[" or "@"), and a bracket spaced
# from an "@" or a "^" as one that is not.
def read_as_shown(text: str) -> str:
    return SPACED_BRACKET.sub("[", unicodedata.normalize("NFKC", UNSEEN_CHARACTERS.sub("", text)))


# The text of the page's short answer (the first `!!! abstract "Short answer"`), as readers read
# it: no title, no citation markers, locators or stamps, whitespace collapsed; "" without one.
# It takes nodes out of the tree, so it runs after the walk.
def _short_answer(element, stamp: re.Pattern | None) -> str:
    for box in element.css("div.admonition.abstract, details.abstract"):
        title = box.css_first(".admonition-title, summary")
        if title is None or " ".join(title.text().split()).lower() != "short answer":
            continue
        title.decompose()
        # Markers and locators, and what is no sentence of the answer: an aside, a folded note, code.
        for node in box.css("sup:has(a.footnote-ref), a.footnote-ref, .cite-locator, script, style, "
                            ".admonition, details, pre, .highlight"):
            if node.mem_id != box.mem_id:  # the selector matches the box itself too
                node.decompose()
        text = box.text(separator="")
        text = " ".join((stamp.sub("", text) if stamp is not None else text).split())
        # A marker glued to its full stop leaves a space before it ("holds ." from "holds [@key].").
        return re.sub(r" ([.,;:!?])", r"\1", text)
    return ""


# Which of CONTENT_SELECTORS finds a built page's content (None: the body is the content).
def content_selector(tree: LexborHTMLParser) -> str | None:
    return next((selector for selector in CONTENT_SELECTORS if tree.css_first(selector) is not None), None)


# The elements of a built page's `content` whose id another element of the page has too, in document
# order, each with why: "theirs" (the other is the theme's, around the content), "repeated" (the
# content has it twice) or "code" (its code blocks get one id). A theme finds its own elements by
# id (Material reads its configuration from #__config), a link its footnote, and the first element
# of the page with that id is the one found: content that takes the id takes the element (a
# configuration whose search worker is a script of the page's choosing, a marker whose footnote is
# a paragraph of the page's own). Material names each code block after the nearest element with an
# id around it (`__code_<id>`, else a count), and its copy button copies the first block so named:
# two blocks in one such element share one name, and the button of the second copies the first.
def ids_taken(tree: LexborHTMLParser, content) -> list[tuple[object, str]]:
    inside = [node for node in content.css("[id]") if node.attributes.get("id")]
    own = {node.mem_id for node in inside} | {content.mem_id}
    around = {node.attributes.get("id") for node in tree.css("[id]") if node.mem_id not in own}
    counts = Counter(node.attributes.get("id") for node in inside)
    taken = [(node, "theirs" if node.attributes.get("id") in around else "repeated") for node in inside
             if node.attributes.get("id") in around or counts[node.attributes.get("id")] > 1]
    listed = {node.mem_id for node, _ in taken}
    for holder in _code_id_holders(content):
        if holder.mem_id not in listed:
            listed.add(holder.mem_id)
            taken.append((holder, "code"))
    return taken


# The elements of the content whose id names more than one code block, as Material names them
# (one counted block may take the name of an element with a number for its id).
def _code_id_holders(content) -> list:
    named: dict[str, object | None] = {}
    holders, counted = [], 0
    for code in content.css("pre > code"):
        holder = code.parent
        while holder is not None and holder.mem_id != content.mem_id and not holder.attributes.get("id"):
            holder = holder.parent
        if holder is None or holder.mem_id == content.mem_id:
            name, holder = str(counted), None
            counted += 1
        else:
            name = holder.attributes["id"]
        if name in named:
            holders += [node for node in (named[name], holder) if node is not None]
        named.setdefault(name, holder)
        if named[name] is None and holder is not None:
            named[name] = holder
    return holders


# The problem of an element of the content whose id another element has too (see ids_taken).
def taken_id_message(value: str, kind: str = "theirs") -> str:
    if kind == "theirs":
        return f"the id {value!r} is the theme's, on an element around the page's content: its script would find this one"
    if kind == "code":
        return (f"the code blocks inside the element with the id {value!r} get one name from the theme "
                f"(__code_{value}), so a copy button copies another block than its own: give the element no id, "
                "or each block its own element")
    return (f"the id {value!r} is on more than one element of the page's content: links and scripts find only the "
            "first (a footnote marker leads to it, a copy button copies it)")


# What the tags of these elements (not what they hold) have that could run a script or load
# something, by the rules the reading applies to a page's content.
def unsafe_tags(elements) -> list[Unsafe]:
    walker = _Walker(None)
    for node in elements:
        walker.check_element(node.tag.lower(), {name.lower(): value or "" for name, value in node.attributes.items()})
    return walker.reading.unsafe


# The same for one tag given by its name and attributes (names in lower case).
def unsafe_tag(tag: str, attributes: dict[str, str]) -> list[Unsafe]:
    walker = _Walker(None)
    walker.check_element(tag, attributes)
    return walker.reading.unsafe


# The page with everything that could run a script taken out: active elements removed, on* and
# srcdoc attributes dropped, unsafe URLs dropped. Used only on a page the reading found unsafe
# (the problems are reported; this keeps a `make serve` preview of hostile input from running it).
def defang(html_text: str) -> str:
    tree = LexborHTMLParser(html_text)
    if tree.root is None:
        return ""
    for node in list(tree.root.traverse()):
        if not node.is_element_node or node.tag in ("html", "head", "body"):
            continue
        tag = node.tag.lower()
        if tag in ACTIVE_ELEMENTS or tag in ("noscript", "template", "style") \
                or _animates_unsafe_link(tag, node.attributes):
            node.decompose()
            continue
        for name, value in list(node.attributes.items()):
            lower = name.lower()
            urls = srcset_urls(value or "") if lower == "srcset" else [value or ""]
            if lower.startswith("on") or lower in REREAD_ATTRIBUTES \
                    or (lower == "title" and shows_unsafe_markup(value or "")) \
                    or (lower in URL_ATTRIBUTES and not all(safe_url(url) for url in urls)) \
                    or breaks_content_rules(lower, value or ""):
                del node.attrs[name]
        classes = (node.attributes.get("class") or "").split()
        if THEME_SCRIPT_CLASSES.intersection(classes):
            node.attrs["class"] = " ".join(name for name in classes if name not in THEME_SCRIPT_CLASSES)
        if tag in PRESENTATION_ELEMENTS:  # <style> went above; what the others hold stays, as text
            node.unwrap()
    return BIDI_CONTROLS.sub("", tree.body.inner_html) if tree.body is not None else ""


# The footnote of this page a link drawn as a marker leads to (None: it leads elsewhere), with the
# fragment decoded as a browser decodes it.
def footnote_label(href: str) -> str | None:
    decoded = unquote(href)
    return decoded[4:] if decoded.startswith("#fn:") else None


# The problem of a link drawn as a marker that leads to no footnote of the page, or to a source's:
# only a citation gives a source's marker.
def footnote_link_message(href: str, to_source: bool = False) -> str:
    if to_source:
        return (f"footnote link {href!r} leads to a source's footnote, but no citation wrote it: cite the source "
                "with [@key]")
    if footnote_label(href) is not None:
        return f"footnote link {href!r} leads to no footnote"
    return f"link {href!r}, drawn as a footnote marker, leads to no footnote of this page"


# Whether an attribute (its name in lower case) is one a page's content may not have: one the
# theme's scripts act on, one that hides, restyles or reorders text, an id in the theme's "__" names.
# Inside the hooks' own cite-this-page block (`own`, in a built page), its copy buttons and ids are
# allowed.
def breaks_content_rules(name: str, value: str, own: bool = False) -> bool:
    if name in ("class", "href", "title"):  # the most common ones, none of them
        return False
    if name in THEME_SCRIPT_ATTRIBUTES or name.startswith(THEME_ATTRIBUTE_PREFIX):
        return not (own and name == "data-clipboard-target" and value in OWN_CLIPBOARD_TARGETS)
    if name in PRESENTATION_ATTRIBUTES:
        return not (name == "style" and TABLE_ALIGNMENT.fullmatch(value))
    return name == "id" and (value.startswith("__") or "%" in value or (value in OWN_IDS and not own))


# Whether a title, which Material's tooltips (content.tooltips) show as HTML (the theme writes it
# into the tooltip with innerHTML), reads as markup that could run a script. So does text that the
# theme may cut short: Material gives such an element (.md-ellipsis: a page's title in the
# navigation, a heading in the contents) its own text as a title.
def shows_unsafe_markup(title: str) -> bool:
    return "<" in title and bool(read(title).unsafe)


# Whether a heading's text, written into the page's <title> as Material writes it (the page's
# title through Jinja's striptags, which decodes character references: "&lt;/title&gt;" becomes
# "</title>"), ends the <title> and puts markup in the page's head or body. Inside <title> a
# browser reads only text until "</title": a "<!--" or a "<textarea>" that hides the rest from a
# reading of the text as HTML hides nothing there.
def leaves_the_title(text: str) -> bool:
    if "<" not in text:
        return False
    tree = LexborHTMLParser(f"<!DOCTYPE html><html><head><title>{text} - x</title></head><body></body></html>")
    head = [node.tag for node in tree.head.iter()] if tree.head is not None else []
    return head != ["title"] or tree.body is None or tree.body.child is not None


# The theme's elements around what a page or mkdocs.yml writes (Material's, with ids a page cannot
# know): the content (container, main, grid, content, article) and the copyright (footer, its parts).
_OPEN_NONCE = secrets.token_hex(8)
AROUND_CONTENT = ("<div><main><div><div><article", "</article></div></div></main></div>")
AROUND_FOOTER = ("<div><footer><div><div><div><div", "</div></div></div></div></footer></div>")
# How many bytes of a page's starts are parsed again to find where a part left open starts.
OPEN_SEARCH_BYTES = 4 * 2**20
# Elements whose content a browser reads as text or hides (scripting on): what stands in them is gone.
SWALLOWING_TAGS = {"noscript", "template", "iframe", "noembed", "noframes", "xmp", "textarea", "title", "style",
                   "script", "plaintext", "select"}
# How many places a left-open part of a page is looked for at.
OPEN_CANDIDATES = 400


# Whether markup written where a theme writes a page's content (or, `around` AROUND_FOOTER, its
# copyright) stays inside it: no end tag that closes the theme's elements around it, and no tag,
# attribute value, comment, raw text or formatting element left open at its end, which would carry
# what the theme writes after it (the footer, the navigation) into the markup. None when it stays
# inside; else where the part left open or closing starts (its last "<" from which no start of the
# text stays inside), -1 when the search for it gives up (OPEN_CANDIDATES, OPEN_SEARCH_BYTES).
def left_open(markup: str, around: tuple[str, str] = AROUND_CONTENT) -> int | None:
    if _stays_inside(markup, around):
        return None
    starts, spent = [m.start() for m in re.finditer("<", markup)][-OPEN_CANDIDATES:], 0
    for start in reversed(starts):
        spent += start
        if spent > OPEN_SEARCH_BYTES:
            break
        if _stays_inside(markup[:start], around):
            return start
    return -1


def _stays_inside(markup: str, around: tuple[str, str]) -> bool:
    opening, closing = around
    tree = LexborHTMLParser(f'<!DOCTYPE html><html><head></head><body>{opening} id="w{_OPEN_NONCE}">{markup}'
                            f'<i id="s{_OPEN_NONCE}"></i>{closing}<i id="a{_OPEN_NONCE}"></i></body></html>')
    wrapper, sentinel, after = (tree.css_first(f"#{kind}{_OPEN_NONCE}") for kind in ("w", "s", "a"))
    if wrapper is None or sentinel is None or after is None:
        return False
    parent, inside = sentinel.parent, False
    while parent is not None:
        if parent.mem_id == wrapper.mem_id:
            inside = True
            break
        if (parent.tag or "").lower() in SWALLOWING_TAGS:
            return False
        parent = parent.parent
    return inside and after.parent is not None and (after.parent.tag or "").lower() == "body"


# Whether text, written where the theme writes a page's title (in a <span> of the header and the
# navigation), is anything but text there: an element, a comment, or the end of the <span>.
def holds_markup(text: str) -> bool:
    if "<" not in text:
        return False
    tree = LexborHTMLParser(f"<!DOCTYPE html><html><head></head><body><span>{text}</span></body></html>")
    body = tree.body
    if body is None or [node.tag for node in body.iter(include_text=True)] != ["span"]:
        return True
    return any(not node.is_text_node for node in body.child.iter(include_text=True))


# A URL as the WHATWG URL parser reads it: C0 controls and spaces stripped from its start, tabs and
# line breaks dropped anywhere ("/\t/evil.example" is "//evil.example").
def url_as_read(value: str) -> str:
    return URL_NOISE.sub("", value.lstrip(URL_LEADING_NOISE))


# Whether a URL a browser would follow or load is safe: http(s), mailto, or relative.
def safe_url(value: str) -> bool:
    cleaned = url_as_read(value)
    match = SCHEME.match(cleaned)
    return match is None or match[1].lower() in SAFE_SCHEMES


# The attributes of an SVG animation that would set a URL attribute (href, xlink:href...) of the
# element it animates to an unsafe URL, in ANIMATED_VALUES order; `attributes` keyed in lower case.
def _unsafe_animated_values(tag: str, attributes: dict[str, str]) -> list[str]:
    if tag not in ANIMATIONS or attributes.get("attributename", "").strip().lower() not in URL_ATTRIBUTES:
        return []
    return [name for name in ANIMATED_VALUES
            if attributes.get(name) and not all(safe_url(url) for url in attributes[name].split(";"))]


# Whether an element is an SVG animation that writes an unsafe link (attributes as the parser has them).
def _animates_unsafe_link(tag: str, attributes) -> bool:
    return bool(_unsafe_animated_values(tag, {name.lower(): value or "" for name, value in attributes.items()}))


# The URLs of a srcset, as the HTML standard's parser reads them: after white space and commas, a
# candidate's URL runs to the next white space (commas that end it separate candidates; a comma inside
# it is its own, as in a data: URL), then its descriptors run to a comma outside parentheses.
def srcset_urls(value: str) -> list[str]:
    urls, index, length = [], 0, len(value)
    while True:
        while index < length and value[index] in SRCSET_SEPARATORS:
            index += 1
        if index >= length:
            return urls
        start = index
        while index < length and value[index] not in HTML_SPACE:
            index += 1
        url = value[start:index]
        if url.endswith(","):
            url = url.rstrip(",")
        else:
            in_parentheses = False
            while index < length and (value[index] != "," or in_parentheses):
                char = value[index]
                in_parentheses = True if char == "(" else False if char == ")" else in_parentheses
                index += 1
        if url:
            urls.append(url)


# Walks the tree once, depth first, without recursion (a hostile page may nest deeply).
class _Walker:
    def __init__(self, stamp: re.Pattern | None, content_rules: bool = True, own_parts: bool = False,
                 link_texts: frozenset[str] = frozenset()) -> None:
        self.stamp = stamp
        self.link_texts = link_texts
        # A page's content, not a whole file: the theme's own parts around it have theirs; in a built
        # page, the hooks' own cite-this-page block has its copy buttons.
        self.content_rules = content_rules
        self.own_parts = own_parts
        self.root_id = None
        self.reading = Reading()
        self.visible: list[str] = []
        self.code: list[str] = []
        self.text: list[str] = []
        self.length = 0
        self.linked = 0
        self.block_markers: list[tuple[int, Marker]] = []
        self.block_breaks: list[int] = []
        self.last_marker: Marker | None = None
        self.pending_stamp: int | None = None
        self.footnote_item = ""
        # Counts of open elements in each mode: the walk keeps them as it enters and leaves.
        self.modes: dict[str, int] = {}

    def walk(self, root) -> None:
        # The element read (a built page's article) is the theme's: the content is what it holds.
        self.root_id = root.mem_id
        enter, leave, handle_text = self.enter, self.leave, self.handle_text
        # (node, None) is still to enter; (node, modes, tag) to leave.
        stack: list[tuple] = [(root, None)]
        while stack:
            entry = stack.pop()
            node = entry[0]
            if entry[1] is not None:
                leave(entry[2], entry[1])
                continue
            if node.is_text_node:
                handle_text(node.text_content or "")
                continue
            if not node.is_element_node:
                continue
            tag = node.tag.lower()
            stack.append((node, enter(node, tag), tag))
            child = node.last_child
            while child is not None:
                stack.append((child, None))
                child = child.prev

    # Open an element: check it, then start a block or enter a mode (marker, locator, code...).
    def enter(self, node, tag: str) -> tuple[str, ...]:
        given = node.attributes
        if given:
            attributes = {name.lower(): value or "" for name, value in given.items()}
            self.check_element(tag, attributes)
            classes = set(attributes["class"].split()) if "class" in attributes else NO_CLASSES
        else:  # what check_element would find on a bare tag
            attributes, classes = given, NO_CLASSES
            if tag in ACTIVE_ELEMENTS or ":" in tag:
                self.check_element(tag, attributes)
        modes = self.modes
        own = self.own_parts and (bool(modes.get("own")) or (tag == "details" and OWN_BLOCK_CLASS in classes)
                                  or bool(THEME_PARTS & classes))
        if self.content_rules and node.mem_id != self.root_id:
            if attributes:
                self.check_content_element(node, tag, attributes, classes, own)
            elif tag in PRESENTATION_ELEMENTS and not (own and tag == "svg"):
                self.reading.unsafe.append(Unsafe(tag, "", "", self.footnote_item))
        if tag in BLOCKS:
            self.flush()
        if tag == "br":
            self.block_breaks.append(self.length)
            self.add(" ")
        entered = []
        anchor = attributes.get("id", "") if attributes else ""
        if tag == "sup" and anchor and (found := MARKER_ID.fullmatch(anchor)):
            marker = Marker(found[1], anchor, in_footnote=self.footnote_item)
            if self.pending_stamp is not None:
                marker.stamp = self.pending_stamp
                self.reading.stamps[self.pending_stamp] = Stamp(self.pending_stamp, "marker")
                self.pending_stamp = None
            self.reading.markers.append(marker)
            self.block_markers.append((self.length, marker))
            self.last_marker = marker
            if self.footnote_item and self.footnote_item in self.reading.footnotes:
                self.reading.footnotes[self.footnote_item].refs.append(marker.label)
            entered.append("marker")
        if self.pending_stamp is not None:
            self.settle_stamp()
        # Any link to a footnote but a marker's own is drawn as a marker, whatever its class (raw HTML
        # writes one), and so is a link with the marker's class, wherever it leads. A browser decodes
        # the fragment it follows, and an SVG link may name it in xlink:href.
        if (tag == "a" or tag == "area") and not modes.get("marker"):
            href = attributes.get("href") or attributes.get("xlink:href") or ""
            drawn = _drawn_as_a_marker(node, bool(modes.get("sup")))
            if "#fn:" in unquote(href) or "footnote-ref" in classes or drawn:
                self.reading.footnote_links.append(href)
        # The theme hides an anchor inside code in a highlighted block (its line anchors).
        if tag == "a" and "id" in attributes and modes.get("code") and self.content_rules:
            self.reading.unsafe.append(Unsafe(tag, "code-anchor", attributes["id"], self.footnote_item))
        entered += TAG_MODES.get(tag, ())
        if classes:
            # Only a locator where the hooks write one is a marker's locator; elsewhere its words are the page's.
            if tag == "span" and "cite-locator" in classes:
                if _written_as_a_locator(node):
                    entered.append("locator")
                elif self.content_rules:
                    self.reading.unsafe.append(Unsafe(tag, "class", "cite-locator", self.footnote_item))
            skipped = SKIPPED_CLASSES & classes
            if skipped and tag not in SKIPPED_TAGS:
                entered.append("skip")
            if "cite-sep" in classes:
                entered.append("separator")
            elif skipped:
                # A permalink in a heading, a backlink in a footnote item: never in code, where a copy
                # button would copy its text.
                href = attributes.get("href", "")
                own_shape = tag == "a" and not modes.get("code") and (
                    ("headerlink" in classes and modes.get("heading") and href.startswith("#"))
                    or ("footnote-backref" in classes and modes.get("item") and href.startswith("#fnref")))
                text = node.text(deep=True).strip() if own_shape else ""
                if not (own_shape and (text in OWN_LINK_TEXTS or text in self.link_texts)):
                    entered.append("small")
            if "cite-pinned" in classes and self.content_rules and not _written_as_pinned(node, self.stamp):
                self.reading.unsafe.append(Unsafe(tag, "class", "cite-pinned", self.footnote_item))
            if tag == "div" and "footnote" in classes:
                entered.append("footnotes")
            if "admonition-title" in classes and tag not in HEADINGS:
                entered.append("heading")
            if tag == "div" and "admonition" in classes:
                entered.append("indent")
            if own and ((tag == "details" and OWN_BLOCK_CLASS in classes) or THEME_PARTS & classes):
                entered.append("own")
        if attributes:
            for name in SHOWN_ATTRIBUTES.intersection(attributes):  # a literal citation there is one readers see
                self.visible.append(f" {tooltip_text(attributes[name]) if name == 'title' else attributes[name]} ")
        if tag == "li" and modes.get("footnotes") and anchor.startswith("fn:"):
            entered.append("item")
            self.footnote_item = anchor[3:]
            self.reading.footnotes[self.footnote_item] = FootnoteItem(self.footnote_item)
        if tag != "sup" and tag != "a" and "marker" not in entered and "locator" not in entered:
            self.last_marker = None
        for mode in entered:
            modes[mode] = modes.get(mode, 0) + 1
        return tuple(entered)

    # Close an element: end its block, leave its modes.
    def leave(self, tag: str, modes: tuple[str, ...]) -> None:
        if tag in BLOCKS:
            self.flush()
        for mode in modes:
            self.modes[mode] -= 1
            if mode == "item":
                self.footnote_item = ""
            elif mode == "locator":
                self.last_marker = None

    # Text: code, skipped, a locator for the last marker, or part of the current block.
    def handle_text(self, data: str) -> None:
        if self.stamp is not None and "\ue002" in data:
            data = self.take_stamps(data)
        get = self.modes.get
        in_marker = get("marker")
        if self.content_rules:
            words = not in_marker and data.strip()
            if words:
                if get("small") or (get("separator") and words not in SEPARATOR_TEXT):
                    self.reading.unsafe.append(Unsafe("text", "small-print", words[:60], self.footnote_item))
                if get("shrink", 0) > MOST_SHRINKING:
                    self.reading.unsafe.append(Unsafe("text", "shrunk", words[:60], self.footnote_item))
                if get("indent", 0) > MOST_INDENTED:
                    self.reading.unsafe.append(Unsafe("text", "indented", words[:60], self.footnote_item))
            if control := BIDI_CONTROLS.search(data):
                shown = data[control.start():control.end() + 30]
                self.reading.unsafe.append(Unsafe("text", "bidi", shown, self.footnote_item))
        if get("code"):
            self.code.append(data)
        elif not in_marker and not get("unseen"):
            self.visible.append(data)
        if in_marker or get("skip"):
            return
        if get("locator"):
            if self.last_marker is not None:
                self.last_marker.locator = " ".join((self.last_marker.locator + " " + data).split())
            return
        if data.strip():
            self.last_marker = None
        self.add(data)

    # Note each stamp in a text node and return the text without them. A stamp at the very end
    # waits for the next node: a marker there is the citation rendered as it should be.
    def take_stamps(self, data: str) -> str:
        pieces, cursor = [], 0
        for match in self.stamp.finditer(data):
            self.settle_stamp(data[match.end():])
            index = _stamp_number(match[1])
            where = "code" if self.modes.get("code") else "text"
            if match.end() == len(data) and where == "text":
                self.pending_stamp = index
            else:
                self.reading.stamps[index] = Stamp(index, where, data[match.end():match.end() + 80])
            pieces.append(data[cursor:match.start()])
            cursor = match.end()
        pieces.append(data[cursor:])
        return "".join(pieces)

    # A stamp waiting for its marker met something else: the citation stands in the text.
    def settle_stamp(self, after: str = "") -> None:
        if self.pending_stamp is not None:
            self.reading.stamps[self.pending_stamp] = Stamp(self.pending_stamp, "text", after[:80])
            self.pending_stamp = None

    # Note anything in this element that could run a script or load another document; stamps
    # in attributes are citations that rendered inside an attribute.
    def check_element(self, tag: str, attributes: dict[str, str]) -> None:
        unsafe = self.reading.unsafe
        if tag in ACTIVE_ELEMENTS:
            unsafe.append(Unsafe(tag, "", "", self.footnote_item))
        elif ":" in tag and tag.split(":", 1)[0] in SCRIPT_SCHEMES:
            unsafe.append(Unsafe(tag, "autolink", tag, self.footnote_item))
        for name, value in attributes.items():
            if self.stamp is not None and "\ue002" in value:
                for match in self.stamp.finditer(value):
                    index = _stamp_number(match[1])
                    self.reading.stamps[index] = Stamp(index, "attribute")
            if name.startswith("on") or name in REREAD_ATTRIBUTES or (name == "title" and shows_unsafe_markup(value)):
                unsafe.append(Unsafe(tag, name, value, self.footnote_item))
            elif name in URL_ATTRIBUTES:
                urls = srcset_urls(value) if name == "srcset" else [value]
                if not all(safe_url(url) for url in urls):
                    unsafe.append(Unsafe(tag, name, value, self.footnote_item))
        for name in _unsafe_animated_values(tag, attributes):
            unsafe.append(Unsafe(tag, name, attributes[name], self.footnote_item))

    # What an element of a page's content may not have besides: what the theme's scripts take for
    # their own, and what shows readers other text than the checks read.
    def check_content_element(self, node, tag: str, attributes: dict[str, str], classes: set[str], own: bool) -> None:
        unsafe, item = self.reading.unsafe, self.footnote_item
        # The theme's own parts draw their icons as inline SVG: only that is theirs to have.
        if tag in PRESENTATION_ELEMENTS and not (own and tag == "svg"):
            unsafe.append(Unsafe(tag, "", "", item))
        if not attributes:
            return
        for name in sorted(classes) if classes else ():
            if name in THEME_SCRIPT_CLASSES or (not own and name.startswith(("md-", "tabbed-"))
                                                and name not in AUTHOR_THEME_CLASSES):
                unsafe.append(Unsafe(tag, "class", name, item))
        # The marker's class, which the theme draws small and raised, is its link's alone: nested on
        # spans it shrank a word to nothing.
        if "footnote-ref" in classes and tag != "a":
            unsafe.append(Unsafe(tag, "class", "footnote-ref", item))
        # What the PDF and print leave out: the hooks' cite-this-page block, and what Material's print
        # style sheet hides.
        for name in sorted(PRINT_HIDDEN_CLASSES & classes if not own else ()):
            unsafe.append(Unsafe(tag, "class", name, item))
        # An admonition's title bar is the first paragraph the extension writes in one: elsewhere the
        # class takes a sentence out of the ledger, as a heading.
        if "admonition-title" in classes and not own and not _admonition_title(node):
            unsafe.append(Unsafe(tag, "class", "admonition-title", item))
        for name, value in attributes.items():
            if breaks_content_rules(name, value, own):
                unsafe.append(Unsafe(tag, name, value, item))

    # Append text, with runs of white space as one space.
    def add(self, data: str) -> None:
        data = WHITESPACE.sub(" ", data)
        if data.startswith(" ") and (not self.text or self.text[-1].endswith(" ")):
            data = data[1:]
        if data:
            self.text.append(data)
            self.length += len(data)
            if self.modes.get("link"):
                self.linked += len(data)

    # End the current block: keep it when it has text or markers.
    def flush(self) -> None:
        if not self.text and not self.block_markers:  # nothing to keep (a <br> alone adds no text)
            self.block_breaks = []
            return
        raw = "".join(self.text)
        lead = len(raw) - len(raw.lstrip())
        text = raw.strip()
        # A heading that closes the page's <title> puts markup in the page itself: said first.
        if self.modes.get("heading") and leaves_the_title(text):
            self.reading.unsafe.append(Unsafe("heading", "page-title", text, self.footnote_item))
        elif self.modes.get("heading") and shows_unsafe_markup(text):
            self.reading.unsafe.append(Unsafe("heading", "text", text, self.footnote_item))
        if text or self.block_markers:
            markers = [(max(0, min(p - lead, len(text))), m) for p, m in self.block_markers]
            breaks = [max(0, min(p - lead, len(text))) for p in self.block_breaks]
            prose = not self.modes.get("heading") and self.linked < len(text)
            self.reading.blocks.append(Block(text, markers, prose, self.footnote_item, breaks))
        self.text, self.block_markers, self.block_breaks, self.length, self.linked = [], [], [], 0, 0


# Whether a link is drawn as a footnote marker though it is none: a number in a <sup> (`in_sup`: the
# link stands inside one, at any depth), or a link whose whole text is a <sup> of a number (not a
# power: "10<sup>25</sup>" is a number with an exponent).
def _drawn_as_a_marker(node, in_sup: bool) -> bool:
    text = node.text(deep=True).strip()
    if not (text.isascii() and text.isdigit()):
        return False
    if in_sup:
        return True
    raised = node.css_first("sup")
    return raised is not None and raised.text(deep=True).strip() == text


# Whether a locator span stands where the hooks write one (templates/citation.html): in a pinned
# citation, right after its marker.
def _written_as_a_locator(node) -> bool:
    parent, before = node.parent, _element_before(node)
    if parent is None or parent.tag != "span" or before is None or before.tag != "sup":
        return False
    is_marker = MARKER_ID.fullmatch(before.attributes.get("id") or "") is not None
    return is_marker and "cite-pinned" in (parent.attributes.get("class") or "").split()


# Whether a span with the pinned class is the hooks' own (templates/citation.html): a marker and its
# locator, and nothing else but the citation's stamp. The theme keeps it on one line: around other
# text, a long line runs off the page's edge.
def _written_as_pinned(node, stamp: re.Pattern | None) -> bool:
    elements, text = [], []
    child = node.child
    while child is not None:
        if child.is_element_node:
            elements.append(child)
        elif child.is_text_node:
            text.append(child.text_content or "")
        child = child.next
    loose = "".join(text)
    if stamp is not None:
        loose = stamp.sub("", loose)
    return (not loose.strip() and len(elements) == 2 and elements[0].tag == "sup"
            and MARKER_ID.fullmatch(elements[0].attributes.get("id") or "") is not None
            and elements[1].tag == "span" and "cite-locator" in (elements[1].attributes.get("class") or "").split())


# Whether a paragraph with the admonition title's class is an admonition's title: the first element
# of an element with the class admonition (Python-Markdown's admonition extension writes it so).
def _admonition_title(node) -> bool:
    parent, before = node.parent, _element_before(node)
    return (node.tag == "p" and before is None and parent is not None
            and "admonition" in (parent.attributes.get("class") or "").split())


# The element just before `node` among its siblings (text between skipped), or None.
def _element_before(node):
    before = node.prev
    while before is not None and not before.is_element_node:
        before = before.prev
    return before


# The text a tooltip shows for a title: Material's tooltips write it as HTML ("&amp;#91;@key]" shows
# "[@key]").
def tooltip_text(title: str) -> str:
    if "&" not in title and "<" not in title:
        return title
    body = LexborHTMLParser(title).body
    return body.text(deep=True) if body is not None else title


# A stamp's index, written in private-use digits (guard.py).
def _stamp_number(digits: str) -> int:
    return int("".join(str(ord(char) - 0xE100) for char in digits))
