"""Find code, citations and footnotes in a page's Markdown, with their offsets. Parsing only."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# -----------------------------------------------------------------------------
# Patterns
# -----------------------------------------------------------------------------

# A fence may stand in a block quote ("> ```") or be indented inside a list or admonition.
FENCE = re.compile(r"^(?P<indent>[ \t]*(?:>[ \t]?)*)(?P<fence>`{3,}|~{3,})")
BLANK = re.compile(r"^[ \t]*$")
# Lines that open an indented context, after which indented text is not code.
CONTEXT_OPENER = re.compile(r"^[ \t]*([-*+][ \t]|\d+[.)][ \t]|!!!|\?\?\?|===|:[ \t]|\[\^[^\]]+\]:|<)")
HTML_SKIP = re.compile(r"<!--.*?-->|<(pre|code|script|style)\b[^>]*>.*?</\1\s*>", re.S | re.I)
BACKTICKS = re.compile(r"(?<!`)`+")
BRACKET = re.compile(r"\[(?P<body>[^\[\]]*)\]")
FOOTNOTE_REF = re.compile(r"\[\^(?P<label>[^\]\s]+)\]")
FOOTNOTE_DEF = re.compile(r"^ {0,3}\[\^(?P<label>[^\]\s]+)\]:", re.M)
CITE_ITEM = re.compile(r"\s*@(?P<key>[A-Za-z0-9_-]+)\s*(?:,\s*(?P<locator>[^\s@;,][^@;]*?))?\s*")
PREFIXED_KEY = re.compile(r"(?<![\w.@])@(?P<key>[A-Za-z0-9_-]+)")

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


# A footnote definition `[^label]: ...` and the extent of its body.
@dataclass
class FootnoteDef:
    label: str
    start: int
    end: int


# Everything found in one page.
@dataclass
class Scan:
    text: str
    code: list[tuple[int, int]] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    text_brackets: list[tuple[int, int]] = field(default_factory=list)
    footnote_refs: list[tuple[str, int]] = field(default_factory=list)
    footnote_defs: list[FootnoteDef] = field(default_factory=list)

    @property
    def valid_citations(self) -> list[Citation]:
        return [citation for citation in self.citations if not citation.error]

    # Citations whose opening bracket lies inside [start, end).
    def citations_within(self, start: int, end: int) -> list[Citation]:
        return [c for c in self.valid_citations if start <= c.start < end]


# -----------------------------------------------------------------------------
# Code: fenced blocks, indented blocks, HTML code and comments, code spans
# -----------------------------------------------------------------------------


# Character ranges that are code or comments: never read as citations, never touched.
def find_code(text: str) -> list[tuple[int, int]]:
    blocks = _code_blocks(text)
    spans: list[tuple[int, int]] = []
    cursor = 0
    for start, end in blocks + [(len(text), len(text))]:
        spans.extend(_inline_code(text, cursor, start))
        cursor = end
    return sorted(blocks + spans)


# Fenced and indented code blocks, by whole lines.
def _code_blocks(text: str) -> list[tuple[int, int]]:
    blocks, offset, fence, fence_start = [], 0, None, 0
    in_indented, previous, context = False, "", False
    for line in text.splitlines(keepends=True):
        if fence is not None:
            stripped = line.strip().lstrip("> \t")
            if stripped.startswith(fence[0] * len(fence)) and not stripped.strip(fence[0]):
                blocks.append((fence_start, offset + len(line)))
                fence = None
        elif (match := FENCE.match(line)) is not None:
            fence, fence_start, in_indented = match["fence"], offset, False
        elif _indent(line) >= 4 and not BLANK.match(line) and (
            in_indented or (BLANK.match(previous) and not context)
        ):
            if in_indented:
                blocks[-1] = (blocks[-1][0], offset + len(line))
            else:
                blocks.append((offset, offset + len(line)))
            in_indented = True
        elif not BLANK.match(line):
            in_indented = False
            if _indent(line) == 0:
                context = bool(CONTEXT_OPENER.match(line))
            elif _indent(line) >= 4 or CONTEXT_OPENER.match(line):
                context = True
        previous = line if fence is None else ""
        offset += len(line)
    if fence is not None:
        blocks.append((fence_start, len(text)))
    return blocks


# Columns of leading white space, a tab counting as four.
def _indent(line: str) -> int:
    expanded = line.expandtabs(4)
    return len(expanded) - len(expanded.lstrip(" "))


# Code spans, HTML <code>/<pre> and comments between `start` and `end`.
def _inline_code(text: str, start: int, end: int) -> list[tuple[int, int]]:
    found, cursor = [], start
    while cursor < end:
        html = HTML_SKIP.search(text, cursor, end)
        ticks = BACKTICKS.search(text, cursor, end)
        while ticks and escaped(text, ticks.start()):
            ticks = BACKTICKS.search(text, ticks.end(), end)  # an escaped run is text
        if html and (not ticks or html.start() <= ticks.start()):
            found.append((html.start(), html.end()))
            cursor = html.end()
            continue
        if not ticks:
            break
        close = re.compile(rf"(?<!`){ticks.group()}(?!`)").search(text, ticks.end(), end)
        paragraph_end = re.compile(r"\n[ \t]*\n").search(text, ticks.end(), end)
        if close and not (paragraph_end and paragraph_end.start() < close.start()):
            found.append((ticks.start(), close.end()))
            cursor = close.end()
        else:
            cursor = ticks.end()
    return found


# Whether the character at `index` is escaped: an odd number of backslashes stands before it.
def escaped(text: str, index: int) -> bool:
    backslashes = 0
    while index - backslashes > 0 and text[index - backslashes - 1] == "\\":
        backslashes += 1
    return backslashes % 2 == 1


# The text with code blanked out (same length and line breaks), for searching prose only.
def prose_view(text: str, code: list[tuple[int, int]]) -> str:
    chars = list(text)
    for start, end in code:
        for index in range(start, end):
            if chars[index] != "\n":
                chars[index] = "\0"
    return "".join(chars)


# -----------------------------------------------------------------------------
# Citations and footnotes
# -----------------------------------------------------------------------------


# Scan one page: code first, then citations and footnotes in the prose.
def scan(text: str) -> Scan:
    result = Scan(text=text, code=find_code(text))
    prose = prose_view(text, result.code)
    for match in BRACKET.finditer(prose):
        if not escaped(prose, match.start()):
            _classify_bracket(prose, match, result)
    for match in FOOTNOTE_DEF.finditer(prose):
        result.footnote_defs.append(FootnoteDef(match["label"], match.start(), _def_end(prose, match.end())))
    def_starts = {d.start + prose[d.start:].index("[") for d in result.footnote_defs}
    for match in FOOTNOTE_REF.finditer(prose):
        if match.start() not in def_starts:
            result.footnote_refs.append((match["label"], match.start()))
    return result


# Sort one bracket into citation, bracketed text with an @, or neither.
def _classify_bracket(prose: str, match: re.Match, result: Scan) -> None:
    body = match["body"]
    if "@" not in body or "\0" in body:
        if "@" in body:
            result.text_brackets.append((match.start(), match.end()))
        return
    after = prose[match.end():match.end() + 2]
    # [text](url), [text][label], [label]: url and ![alt](src) are links, not citations; a "!"
    # before a bracket that no "(" or "[" follows is the end of a sentence.
    is_link = after[:1] in ("(", ":") or (after[:1] == "[" and after[1:] not in ("^", "@"))
    if is_link or not body.lstrip().startswith("@"):
        result.text_brackets.append((match.start(), match.end()))
        return
    result.citations.append(parse_citation(body, match.start() + 1, match.start(), match.end()))


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


# Where a footnote definition's body ends: at a line that is neither indented nor a lazy continuation.
def _def_end(prose: str, body_start: int) -> int:
    offset = prose.find("\n", body_start)
    if offset < 0:
        return len(prose)
    offset += 1
    previous_blank = False
    while offset < len(prose):
        line_end = prose.find("\n", offset)
        line_end = len(prose) if line_end < 0 else line_end + 1
        line = prose[offset:line_end]
        if BLANK.match(line):
            previous_blank = True
        elif _indent(line) >= 4:
            previous_blank = False
        elif previous_blank or FOOTNOTE_DEF.match(line) or line.startswith("#"):
            return offset
        offset = line_end
    return len(prose)


# Keys written as `@key` inside bracketed text, which the reader would take for citations.
def prefixed_keys(text: str, start: int, end: int) -> list[tuple[str, int]]:
    return [(m["key"], m.start()) for m in PREFIXED_KEY.finditer(text, start, end)]
