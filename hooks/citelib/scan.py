"""Find code, citations and footnotes in a page's Markdown, with their offsets. Parsing only.

What is code, a link, an attribute or a footnote definition is decided by Python-Markdown itself,
with the site's own extensions: the page is rendered once with a unique marker written into every
bracket that could be a citation or a footnote, and where each marker lands in the HTML (text, a
code element, a comment, an attribute) says what its bracket is. A second, hand-written reading of
Markdown would disagree with the renderer somewhere, and a mistyped key would then reach readers.
"""

from __future__ import annotations

import re
import secrets
import string
from bisect import bisect_right
from dataclasses import dataclass, field
from html.parser import HTMLParser

import markdown as python_markdown
from markdown.extensions.footnotes import FootnoteExtension, FootnoteInlineProcessor

# -----------------------------------------------------------------------------
# Patterns
# -----------------------------------------------------------------------------

BRACKET = re.compile(r"\[(?P<body>[^\[\]]*)\]")
# Python-Markdown's own footnote pattern (markdown.extensions.footnotes): any label, even empty.
FOOTNOTE = re.compile(r"\[\^(?P<label>[^\]]*)\]")
CITE_ITEM = re.compile(r"\s*@(?P<key>[A-Za-z0-9_-]+)\s*(?:,\s*(?P<locator>[^\s@;,][^@;]*?))?\s*")
PREFIXED_KEY = re.compile(r"(?<![\w.@])@(?P<key>[A-Za-z0-9_-]+)")

# MkDocs always loads these before a site's own markdown_extensions.
MKDOCS_BUILTIN_EXTENSIONS = ("toc", "tables", "fenced_code")
# The site's markdown_extensions (mkdocs.yml), for callers that have no MkDocs config at hand;
# tests/test_scan_hostile.py holds this equal to mkdocs.yml.
SITE_EXTENSIONS = MKDOCS_BUILTIN_EXTENSIONS + (
    "abbr", "admonition", "attr_list", "def_list", "footnotes", "md_in_html",
    "pymdownx.details", "pymdownx.superfences",
)
SITE_EXTENSION_CONFIGS = {"toc": {"permalink": True}}

# Where a marker landed in the rendered HTML, strongest first: a bracket seen in text is prose
# even if its heading's id repeats it in an attribute.
TEXT, LINK, CONSUMED, CODE, HIDDEN, ATTRIBUTE = "text", "link", "consumed", "code", "hidden", "attribute"
CODE_TAGS = {"code", "pre"}
# Never shown to readers (a <textarea> is, so its text counts as text).
HIDDEN_TAGS = {"script", "style", "template"}
VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
             "track", "wbr"}

# -----------------------------------------------------------------------------
# Data
# -----------------------------------------------------------------------------


# One source within a citation, and its optional locator ("sec. 2").
@dataclass(frozen=True)
class Cite:
    key: str
    locator: str
    offset: int


# A bracketed citation `[@a, p. 3; @b]`; `error` says why it is malformed, if it is.
@dataclass
class Citation:
    start: int
    end: int
    cites: list[Cite]
    error: str = ""


# A footnote definition `[^label]:` (start..end covers `[^label]`) and the citations of its body.
@dataclass
class FootnoteDef:
    label: str
    start: int
    end: int
    citations: list[Citation] = field(default_factory=list)


# Everything found in one page.
@dataclass
class Scan:
    text: str
    # Brackets inside code, comments or scripts: never read as citations, never touched.
    code: list[tuple[int, int]] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    # Brackets with an "@" that are not citations (links, prefixes, e-mail addresses).
    text_brackets: list[tuple[int, int]] = field(default_factory=list)
    # Those of them shaped as a citation that stand inside a link's text, where a marker would
    # nest a link in a link (which a browser cuts in two).
    in_link_text: list[tuple[int, int]] = field(default_factory=list)
    # Brackets written `\[@...]`: shown as typed, never a citation, and no problem.
    escaped: list[tuple[int, int]] = field(default_factory=list)
    # Citations that Markdown puts inside an HTML attribute, where no marker can appear.
    in_attributes: list[Citation] = field(default_factory=list)
    footnote_refs: list[tuple[str, int]] = field(default_factory=list)
    footnote_defs: list[FootnoteDef] = field(default_factory=list)
    # Why Python-Markdown cannot render the page at all, if it cannot (then nothing else is read).
    render_error: str = ""

    @property
    def valid_citations(self) -> list[Citation]:
        return [citation for citation in self.citations if not citation.error]


# The Markdown settings a page is rendered with: extension names and their configs.
@dataclass(frozen=True)
class MarkdownSettings:
    extensions: tuple[str, ...] = SITE_EXTENSIONS
    configs: dict = field(default_factory=dict, hash=False, compare=False)

    # Extensions as MkDocs holds them (names, and Extension objects that hooks add, which only
    # restore text or decorate terms and are left out), and their configs by name.
    @classmethod
    def of(cls, extensions, configs: dict | None = None) -> MarkdownSettings:
        names = tuple(dict.fromkeys(name for name in extensions if isinstance(name, str)))
        return cls(names, {name: value for name, value in (configs or {}).items() if name in names})

    # MkDocs' own reading of mkdocs.yml's markdown_extensions: builtins first, then the list.
    @classmethod
    def from_yaml(cls, listed) -> MarkdownSettings:
        names, configs = list(MKDOCS_BUILTIN_EXTENSIONS), {}
        for item in listed if isinstance(listed, list) else []:
            if isinstance(item, str):
                names.append(item)
            elif isinstance(item, dict):
                for name, value in item.items():
                    names.append(name)
                    if isinstance(value, dict):
                        configs[name] = value
        return cls.of(names, configs)

    @property
    def cache_key(self) -> tuple:
        return self.extensions, repr(sorted(self.configs.items()))


SITE_SETTINGS = MarkdownSettings.of(SITE_EXTENSIONS, SITE_EXTENSION_CONFIGS)


# -----------------------------------------------------------------------------
# Scanning
# -----------------------------------------------------------------------------


# Scan one page: render it with markers, then sort each bracket by where its marker landed.
def scan(text: str, settings: MarkdownSettings | None = None) -> Scan:
    result = Scan(text=text)
    brackets = [m for m in BRACKET.finditer(text) if "@" in m["body"] and not m["body"].startswith("^")]
    footnotes = list(FOOTNOTE.finditer(text))
    if not brackets and not footnotes:
        return result
    markers = _Markers(text)
    inserts = []
    for index, match in enumerate(brackets):
        inserts.append((match.start() + 1, markers.name(2 * index)))
        # Before any backslashes that end the body, so that `\]` stays an escaped bracket.
        close = match.end() - 1
        while close > match.start() + 1 and text[close - 1] == "\\":
            close -= 1
        inserts.append((close, markers.name(2 * index + 1)))
    base = 2 * len(brackets)
    for index, match in enumerate(footnotes):
        inserts.append((match.start() + 2, markers.name(base + index)))
    inserts.sort(key=lambda insert: insert[0])
    pieces, cursor = [], 0
    for offset, marker in inserts:
        pieces += [text[cursor:offset], marker]
        cursor = offset
    pieces.append(text[cursor:])
    try:
        rendered, definitions, resolved = _render("".join(pieces), settings or SITE_SETTINGS, markers)
    except Exception as error:  # noqa: BLE001 - any failure of the renderer is the page's problem
        _RENDERERS.clear()  # a renderer that failed half-way may hold state
        result.render_error = f"{type(error).__name__}: {error}"
        return result
    where, listed = _where_markers_landed(rendered, markers, base)

    citation_of: dict[int, Citation] = {}
    for index, match in enumerate(brackets):
        opened, closed = where.get(2 * index, set()), where.get(2 * index + 1, set())
        citation = _classify_bracket(text, match, _strongest(opened), _strongest(closed), result)
        if citation is not None:
            citation_of[2 * index] = citation

    defined = {}
    for key, body in definitions.items():
        found = markers.pattern.match(key)
        # A definition nested in another one's body is read, but Markdown never lists it.
        if found is None or markers.index(found) not in listed:
            continue
        index = markers.index(found) - base
        if 0 <= index < len(footnotes):
            match = footnotes[index]
            cited = [citation_of[i] for i in markers.indices(body) if i in citation_of]
            defined[index] = FootnoteDef(match["label"], match.start(), match.end(), cited)
    for index, match in enumerate(footnotes):
        if index in defined:
            result.footnote_defs.append(defined[index])
        elif escaped(text, match.start()):  # `\[^x]` is text, as typed
            continue
        elif base + index in resolved or _strongest(where.get(base + index, set())) in (TEXT, LINK, CONSUMED):
            result.footnote_refs.append((match["label"], match.start()))
        elif _strongest(where.get(base + index, set())) in (CODE, HIDDEN):
            result.code.append((match.start(), match.end()))
    result.code.sort()
    return result


# Sort one bracket with an "@": code, escaped, link or bracketed text, attribute, or a citation.
def _classify_bracket(text: str, match: re.Match, opened: str, closed: str, result: Scan) -> Citation | None:
    span = (match.start(), match.end())
    if opened in (CODE, HIDDEN):
        result.code.append(span)
        return None
    if escaped(text, match.start()):
        result.escaped.append(span)
        return None
    body = match["body"]
    after = text[match.end():match.end() + 1]
    is_citation_shaped = body.lstrip().startswith("@")
    if opened == ATTRIBUTE and is_citation_shaped and after != "(":
        citation = parse_citation(body, match.start() + 1, match.start(), match.end())
        result.in_attributes.append(citation)
        return None
    # A bracket is a link when Markdown made it one (it stands in a link, or Markdown consumed its
    # brackets); `[@x](y)` that renders nowhere or as an image's alt text, and a `[label]: url`
    # definition (which renders nowhere), count as links too. Text partly in code (`[@a `b] c`) is
    # not a citation either.
    is_link = opened in (LINK, CONSUMED) or (opened in ("", ATTRIBUTE) and after == "(") \
        or (opened == "" and after == ":")
    if is_link or not is_citation_shaped or closed != opened:
        result.text_brackets.append(span)
        if opened == LINK and closed == LINK and is_citation_shaped and after != "(":
            result.in_link_text.append(span)
        return None
    citation = parse_citation(body, match.start() + 1, match.start(), match.end())
    result.citations.append(citation)
    return citation


def _strongest(places: set[str]) -> str:
    for place in (TEXT, LINK, CONSUMED, CODE, HIDDEN, ATTRIBUTE):
        if place in places:
            return place
    return ""


# -----------------------------------------------------------------------------
# Markers and rendering
# -----------------------------------------------------------------------------


# Unique lower-case words (no digit, so that no highlighter splits them) that no page contains.
class _Markers:
    DIGITS = "abcdefghijklmnop"

    def __init__(self, text: str) -> None:
        lowered = text.lower()
        while True:
            self.prefix = "qz" + "".join(secrets.choice(string.ascii_lowercase[:25]) for _ in range(10))
            if self.prefix not in lowered:
                break
        self.pattern = re.compile(self.prefix + "([a-p]+)z")

    def name(self, index: int) -> str:
        digits = ""
        while True:
            index, digit = divmod(index, 16)
            digits = self.DIGITS[digit] + digits
            if index == 0:
                return f"{self.prefix}{digits}z"

    def index(self, match: re.Match) -> int:
        return int("".join("0123456789abcdef"[self.DIGITS.index(c)] for c in match[1]), 16)

    def indices(self, text: str) -> list[int]:
        return [self.index(m) for m in self.pattern.finditer(text)]


_RENDERERS: dict[tuple, python_markdown.Markdown] = {}


# HTML of `text` rendered as the site renders it, the footnote definitions Markdown found, and the
# markers of the footnote references it resolved.
def _render(text: str, settings: MarkdownSettings, markers: _Markers) -> tuple[str, dict[str, str], set[int]]:
    md = _RENDERERS.get(settings.cache_key)
    if md is None:
        md = _RENDERERS[settings.cache_key] = python_markdown.Markdown(
            extensions=list(settings.extensions), extension_configs=settings.configs)
        if "footnote" in md.inlinePatterns:
            original = md.inlinePatterns["footnote"]
            md.inlinePatterns.register(_ResolvingFootnotes(original.pattern, original.footnotes),
                                       "footnote", 175)
    md.reset()
    references = md.inlinePatterns["footnote"] if "footnote" in md.inlinePatterns else None
    if isinstance(references, _ResolvingFootnotes):
        references.markers, references.resolved = markers, set()
    rendered = md.convert(text)
    definitions: dict[str, str] = {}
    for extension in md.registeredExtensions:
        if isinstance(extension, FootnoteExtension):
            definitions.update(extension.footnotes)
    return rendered, definitions, references.resolved if isinstance(references, _ResolvingFootnotes) else set()


# Footnote references as Python-Markdown reads them, though every label carries its own marker:
# a reference resolves when a definition has the same label without the markers, so the page
# keeps the shape it has unmarked (a resolved reference is HTML, an unresolved one text).
class _ResolvingFootnotes(FootnoteInlineProcessor):
    markers: _Markers | None = None
    resolved: set[int] = set()

    def handleMatch(self, m, data):
        found = self.markers.pattern.match(m.group(1)) if self.markers else None
        if found is None:
            return super().handleMatch(m, data)
        label = m.group(1)[found.end():]
        for key in self.footnotes.footnotes:
            defined = self.markers.pattern.match(key)
            if defined is not None and key[defined.end():] == label:
                self.resolved.add(self.markers.index(found))
                return super().handleMatch(_Renamed(m, key), data)
        return None, None, None


# A match of a footnote reference, renamed to the definition it resolves to.
class _Renamed:
    def __init__(self, match: re.Match, key: str) -> None:
        self._match, self._key = match, key

    def group(self, index: int = 0) -> str:
        return self._key if index == 1 else self._match.group(index)

    def start(self, index: int = 0) -> int:
        return self._match.start(index)

    def end(self, index: int = 0) -> int:
        return self._match.end(index)


# Marker number -> the places (text, link, code, hidden, attribute) where it appears; and the
# markers in the ids of list items (the footnotes Markdown lists). Even numbers below
# `opening_below` stand right after a bracket's "[".
def _where_markers_landed(rendered: str, markers: _Markers, opening_below: int) -> tuple[dict[int, set[str]], set[int]]:
    reader = _MarkerReader()
    reader.feed(rendered)
    reader.close()
    where: dict[int, set[str]] = {}
    # Text is joined first, since a highlighter or an abbreviation may cut a marker's word.
    joined = "".join(piece for _, piece in reader.pieces)
    starts, offset = [], 0
    for _, piece in reader.pieces:
        starts.append(offset)
        offset += len(piece)
    for match in markers.pattern.finditer(joined):
        place = reader.pieces[bisect_right(starts, match.start()) - 1][0]
        # A bracket that Markdown consumed (a link, an image) no longer stands before its marker.
        index = markers.index(match)
        if place == TEXT and index < opening_below and index % 2 == 0 and joined[match.start() - 1] != "[":
            place = CONSUMED
        where.setdefault(index, set()).add(place)
    for value in reader.attributes:
        for index in markers.indices(value):
            where.setdefault(index, set()).add(ATTRIBUTE)
    return where, {index for value in reader.list_item_ids for index in markers.indices(value)}


# Reads rendered HTML as a browser would and sorts its text by where it stands.
class _MarkerReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.pieces: list[tuple[str, str]] = []
        self.attributes: list[str] = []
        self.list_item_ids: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        self._attributes(attrs)
        if tag == "li":
            self.list_item_ids.extend(value for name, value in attrs if name == "id" and value)
        if tag not in VOID_TAGS:
            self.open.append(tag)

    def handle_startendtag(self, tag, attrs) -> None:
        self._attributes(attrs)

    # Names count too: a browser reads `<https://x.org/[@k]>` as a tag with attribute `[@k]`.
    def _attributes(self, attrs) -> None:
        for name, value in attrs:
            self.attributes.append(name)
            if value:
                self.attributes.append(value)

    def handle_endtag(self, tag) -> None:
        if tag in self.open:
            while self.open.pop() != tag:
                pass

    def handle_data(self, data) -> None:
        self.pieces.append((self._place(), data))

    def handle_comment(self, data) -> None:
        self.pieces.append((HIDDEN, data))

    def unknown_decl(self, data) -> None:
        self.pieces.append((HIDDEN, data))

    def handle_pi(self, data) -> None:
        self.pieces.append((HIDDEN, data))

    # Inside any script is hidden, inside any code element is code (a link in a <pre> too).
    def _place(self) -> str:
        open_tags = set(self.open)
        if open_tags & HIDDEN_TAGS:
            return HIDDEN
        if open_tags & CODE_TAGS:
            return CODE
        return LINK if "a" in open_tags else TEXT


# -----------------------------------------------------------------------------
# Citations
# -----------------------------------------------------------------------------


# Whether the character at `index` is escaped: an odd number of backslashes stands before it.
def escaped(text: str, index: int) -> bool:
    backslashes = 0
    while index - backslashes > 0 and text[index - backslashes - 1] == "\\":
        backslashes += 1
    return backslashes % 2 == 1


# Parse the inside of `[...]` as citations, or say why it is malformed.
def parse_citation(body: str, body_offset: int, start: int, end: int) -> Citation:
    cites, cursor = [], 0
    for part in body.split(";"):
        item = CITE_ITEM.fullmatch(part)
        if item is None:
            return Citation(start, end, cites, _why_malformed(part))
        locator = (item["locator"] or "").strip()
        cites.append(Cite(item["key"], locator, body_offset + cursor + part.index("@")))
        cursor += len(part) + 1
    return Citation(start, end, cites)


# A contributor-facing reason for a malformed citation item.
def _why_malformed(part: str) -> str:
    stripped = part.strip()
    if not stripped:
        return "empty item (a stray ';')"
    if stripped == "@" or stripped.startswith("@,"):
        return "'@' with no key"
    if not stripped.startswith("@"):
        return f"item '{stripped}' does not start with @"
    if re.search(r",\s*@", stripped):
        return f"'{stripped}' separates keys with ',': write [@key1; @key2]"
    key = re.match(r"@([^\s,;]*)", stripped)[1]
    if not re.fullmatch(r"[A-Za-z0-9_-]+", key):
        bad = sorted({char for char in key if not re.fullmatch(r"[A-Za-z0-9_-]", char)})
        return f"key '{key}' has characters a citation cannot carry: {' '.join(bad)}"
    return f"cannot read '{stripped}' (write @key or @key, locator)"


# Keys written as `@key` inside bracketed text, which the reader would take for citations.
def prefixed_keys(text: str, start: int, end: int) -> list[tuple[str, int]]:
    return [(m["key"], m.start()) for m in PREFIXED_KEY.finditer(text, start, end)]
