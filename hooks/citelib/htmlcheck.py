"""Checks of a rendered page (HTMxxx), from its one reading, held against what its Markdown promised.

Every approved citation carries a stamp (guard.py), so where each one went is known exactly: before
its marker (as it should), in text, in an attribute or in code. Problems carry the offset in the
page's Markdown where they come from, or the bib entry whose fields made them.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser

from selectolax.lexbor import LexborHTMLParser

from citelib import rendered
from citelib.rendered import Reading, Unsafe
from citelib.scan import Cite, Scan, prefixed_keys

# Literal text that shows a citation or a footnote reference did not become a marker.
# Any letter counts: "[@һubinger2019risks]" (a Cyrillic "һ") reads as a citation too.
LITERAL_CITATION = re.compile(r"\[@([\w-]+)")
LITERAL_MARKER = re.compile(r"\[\^([^\]\s]+)\]")
ESCAPED_CITATION = re.compile(r"\\\[@")
CODE_FOOTNOTE = re.compile(r"\[\^([A-Za-z0-9_-]+)\]")
FENCE_LINE = re.compile(r"[ \t>]*(`{3,}|~{3,})")


# One problem of a rendered page: where in the page's Markdown it comes from (None: no place
# found), or which bib entry made it.
@dataclass
class Problem:
    code: str
    message: str
    offset: int | None = None
    source_key: str = ""
    field_hint: str = ""


# Every problem of one rendered page. `cites` holds each stamped cite (scan.Cite: key, locator and
# Markdown offset), in stamp order. When the Markdown checks already explained the page, what
# follows from those problems (a dropped footnote, a literal marker) is left out.
def check_rendered(reading: Reading, page_scan: Scan, cites: list[Cite], is_source,
                   already_explained: bool = False) -> list[Problem]:
    stamped, keys = [cite.offset for cite in cites], [cite.key for cite in cites]
    problems = _unsafe_problems(reading.unsafe, page_scan, is_source)
    problems += _code_problems(reading, page_scan, is_source, keys)
    if already_explained:
        return problems
    problems += _stamp_problems(reading, stamped, keys)
    problems += _locator_problems(reading, cites)
    problems += _footnote_problems(reading, page_scan, is_source, stamped)
    problems += _literal_problems(reading, page_scan, is_source)
    return problems


# The whole built page (the theme's template around the content): each id of the content that an
# element of the theme's or another of the content has too (rendered.ids_taken), once, at the first
# place the page's source writes it, and the page with those ids taken out, so that a preview does
# not hand the theme's element over either (None: nothing taken).
def taken_id_problems(page_html: str, page_scan: Scan) -> tuple[list[Problem], str | None]:
    tree = LexborHTMLParser(page_html)
    selector = rendered.content_selector(tree)
    taken = rendered.ids_taken(tree, tree.css_first(selector)) if selector is not None else []
    problems, reported = [], set()
    for node, kind in taken:
        value = node.attributes["id"]
        if value not in reported:
            reported.add(value)
            offset = page_scan.text.find(value)
            problems.append(Problem("HTM006", rendered.taken_id_message(value, kind), offset if offset >= 0 else None))
        del node.attrs["id"]
    return problems, (tree.html if taken else None)


# Markup that does not stay inside the page's content (rendered.left_open), where the page writes it
# (its last place in the Markdown; `strip` takes the hooks' stamps out of the rendered text first).
def left_open_problem(html_text: str, page_scan: Scan, strip=lambda text: text) -> Problem | None:
    start = rendered.left_open(html_text)
    if start is None:
        return None
    written = strip(html_text[start:start + 60]).split("\n", 1)[0].strip() if start >= 0 else ""
    # As Markdown wrote it, outside code: the line, else its first tag alone (Markdown may have put a
    # <p> around it).
    tag = written[:written.find(">") + 1] if ">" in written else written
    offset = _last_outside_code(page_scan, written)
    offset = _last_outside_code(page_scan, tag) if offset < 0 else offset
    if written.startswith("</"):
        what = f"end tag {tag!r} closes the theme's element around the page's content"
    elif written:
        what = f"markup {written[:40]!r} is left open at the end of the page's content"
    else:
        what = "markup is left open at the end of the page's content, or closes the theme's element around it"
    return Problem("HTM006", f"unsafe {what}: what the theme writes after the content (the footer, the "
                   "navigation) would stand in it or around it, where the checks do not read it: close every tag, "
                   "quote and comment the page opens, and no other", offset if offset >= 0 else None)


# The last place of `needle` in the page's Markdown outside code, -1 if none.
def _last_outside_code(page_scan: Scan, needle: str) -> int:
    found = page_scan.text.rfind(needle) if needle else -1
    while found >= 0 and any(start <= found < end for start, end in page_scan.code):
        found = page_scan.text.rfind(needle, 0, found)
    return found


# Anything that could run a script: at its place in the page, else (in a source's footnote) at
# the bib entry that made it. A page's own footnote may carry a source's key as its label, so
# the page is searched first.
def _unsafe_problems(unsafe: list[Unsafe], page_scan: Scan, is_source) -> list[Problem]:
    problems, locator = [], Locator(page_scan.text)
    for item in unsafe:
        code = item.code
        message = f"unsafe {item.describe()}"
        offset = locator.locate(item)
        if offset is None and item.in_footnote and is_source(item.in_footnote):
            problems.append(Problem(code, f"{message} in the reference of '{item.in_footnote}'",
                                    source_key=item.in_footnote, field_hint=item.value))
            continue
        problems.append(Problem(code, message, offset))
    return problems


# Where each stamped citation went: anything but "before its marker" is a problem at that citation.
def _stamp_problems(reading: Reading, stamped: list[int], keys: list[str]) -> list[Problem]:
    problems = []
    for index, offset in enumerate(stamped):
        stamp, key = reading.stamps.get(index), keys[index]
        if stamp is None:
            problems.append(Problem("HTM005", f"the citation of '{key}' vanished from the rendered page", offset))
        elif stamp.where == "attribute":
            problems.append(Problem("HTM005", f"the citation of '{key}' rendered inside an attribute, alt text "
                                    "or raw HTML, where readers see no marker", offset))
        elif stamp.where == "code":
            problems.append(Problem("HTM004", f"code on the page shows '[^{key}]' where the source has a citation",
                                    offset))
        elif stamp.where == "text":
            shown = stamp.after.split("]", 1)[0] + "]" if stamp.after.startswith("[") else f"[@{key}]"
            problems.append(Problem("HTM001", f"'{shown}' is shown as literal text", offset))
    return problems


# A citation's marker shows the locator its citation gives, and no other: the hooks write it in a
# span of theirs after the marker, and content that wraps a citation in such spans itself gave a
# marker "Models never deceive anyone." for a locator (a review's case). Markdown's emphasis and
# escape characters may differ between the two.
def _locator_problems(reading: Reading, cites: list[Cite]) -> list[Problem]:
    problems = []
    for marker in reading.markers:
        if marker.stamp is None or marker.stamp >= len(cites):
            continue
        cite = cites[marker.stamp]
        if _plain(marker.locator) != _plain(cite.locator):
            problems.append(Problem("HTM006", f"the marker of '{cite.key}' shows the locator {marker.locator!r}, but "
                                    f"its citation gives {cite.locator!r}: write the locator in the citation "
                                    "([@key, p. 3])", cite.offset))
    return problems


def _plain(locator: str) -> str:
    return " ".join(re.sub(r"[*_`\\]", "", locator).split())


# Footnotes: every marker points at an item, every item is a source or an aside citing one.
def _footnote_problems(reading: Reading, page_scan: Scan, is_source, stamped: list[int]) -> list[Problem]:
    problems = []
    defined = {d.label: d.start for d in page_scan.footnote_defs}
    refs = {label: offset for label, offset in reversed(page_scan.footnote_refs)}
    for marker in reading.markers:
        if marker.label not in reading.footnotes:
            offset = stamped[marker.stamp] if marker.stamp is not None and marker.stamp < len(stamped) \
                else refs.get(marker.label)
            problems.append(Problem("HTM002", f"footnote marker '{marker.label}' points at no footnote", offset))
        elif marker.stamp is None and is_source(marker.label):
            # Only a citation gives a source's marker (it stands after the citation's stamp): raw HTML
            # that writes one, with a footnote of its own making, credits the source with its text.
            written = Locator(page_scan.text).locate(Unsafe("sup", "id", marker.anchor, ""))
            problems.append(Problem("HTM002", f"footnote marker '{marker.label}' names a source, but no citation "
                                    "on the page wrote it: cite the source with [@key]", written))
    # A link drawn as a marker (raw HTML can write one without the marker's id) leads readers to a
    # footnote: there must be one. A marker's own link is the marker's problem, reported above.
    for href in dict.fromkeys(reading.footnote_links):
        label = rendered.footnote_label(href)
        to_source = label is not None and is_source(label)
        if label is None or to_source or label not in reading.footnotes:
            written = Locator(page_scan.text).locate(Unsafe("a", "href", href, ""))
            problems.append(Problem("HTM002", rendered.footnote_link_message(href, to_source),
                                    written if written is not None else _written_at(page_scan.text, href)))
    for label, item in reading.footnotes.items():
        if is_source(label) or any(is_source(ref) for ref in item.refs):
            continue
        citing = [stamped[m.stamp] for m in reading.markers
                  if m.label == label and m.stamp is not None and m.stamp < len(stamped)]
        for offset in citing or [defined.get(label, refs.get(label))]:
            problems.append(Problem("HTM002", f"footnote '{label}' resolves to no source in bib/", offset))
    return problems


# Citations and footnote references that reached readers as literal text, beyond what the
# Markdown explains (an escaped "\[@key]", a citation the Markdown checks already reported).
def _literal_problems(reading: Reading, page_scan: Scan, is_source) -> list[Problem]:
    problems = []
    code = page_scan.code
    # Citations that rendered as markers are not where a literal stands.
    cited = [(c.start, c.end) for c in page_scan.citations if not c.error and all(is_source(x.key) for x in c.cites)]
    explained = len(ESCAPED_CITATION.findall(_outside(page_scan.text, code)))
    explained += sum(1 for c in page_scan.citations if c.error or not all(is_source(x.key) for x in c.cites))
    explained += sum(1 for start, end in page_scan.text_brackets if page_scan.text.startswith("[@", start))
    # "[\u034f@key]" reads as "[@key]", and the Markdown checks name its key (CIT003) already.
    explained += sum(1 for start, end in page_scan.text_brackets if not page_scan.text.startswith("[@", start)
                     and rendered.read_as_shown(page_scan.text[start:end]).startswith("[@")
                     and any(is_source(key) for key, _ in prefixed_keys(page_scan.text, start + 1, end - 1)))
    explained += sum(1 for s in reading.stamps.values() if s.where == "text" and s.after.startswith("[@"))
    shown = LITERAL_CITATION.findall(reading.visible)
    if len(shown) > explained:
        # The scanner took them for code where Python-Markdown rendered text: those are the places;
        # else where the source writes what readers see (format characters may stand between).
        in_code = [m.start() for start, end in code for m in LITERAL_CITATION.finditer(page_scan.text, start, end)
                   if m[1] in shown]
        for index in range(len(shown) - explained):
            offset = in_code[index] if index < len(in_code) else _written_at(page_scan.text, f"[@{shown[index]}", cited)
            key = shown[index] if index >= len(in_code) else LITERAL_CITATION.match(page_scan.text, offset)[1]
            problems.append(Problem("HTM001", f"'[@{key}]' is shown as literal text", offset))
    defined = {d.label for d in page_scan.footnote_defs}
    for match in LITERAL_MARKER.finditer(reading.visible):
        label = match[1]
        if label in defined or any(s.after.startswith(match[0]) for s in reading.stamps.values()):
            continue
        problems.append(Problem("HTM001", f"'{match[0]}' is shown as literal text",
                                _written_at(page_scan.text, match[0], cited)))
    return problems


# Where the source writes text a reader sees as `shown`: the first place outside `taken` (spans of
# citations that rendered as markers), its "[" written as it is or as a character reference, with
# any characters readers do not see between its characters; else written in compatibility forms
# (a fullwidth "［"); None when it writes it nowhere.
def _written_at(source: str, shown: str, taken: list[tuple[int, int]] = ()) -> int | None:
    if not shown:
        return None
    between = f"{rendered.UNSEEN_CHARACTERS.pattern}*"
    first = OPENING_BRACKET if shown.startswith("[") else re.escape(shown[:1])
    spaced = f"(?:{rendered.UNSEEN_CHARACTERS.pattern}|\\s)*" if shown.startswith("[") else between
    pattern = first + spaced + between.join(re.escape(char) for char in shown[1:])
    for match in re.finditer(pattern, source):
        if not any(start <= match.start() < end for start, end in taken):
            return match.start()
    return _written_in_other_forms(source, shown, taken)


# Where the source writes `shown` with characters that read as its own (rendered.read_as_shown),
# each character of the source read alone, so that every place maps back to an offset.
def _written_in_other_forms(source: str, shown: str, taken: list[tuple[int, int]]) -> int | None:
    read, offsets = [], []
    for offset, char in enumerate(source):
        for shown_char in rendered.read_as_shown(char) if ord(char) > 127 else char:
            read.append(shown_char)
            offsets.append(offset)
    text = "".join(read)
    found = text.find(shown)
    while found >= 0:
        if not any(start <= offsets[found] < end for start, end in taken):
            return offsets[found]
        found = text.find(shown, found + 1)
    return None


# "[" as a page may write it: itself, or a character reference (decimal, hexadecimal or named), also
# escaped once more in a title, which the theme's tooltip reads as HTML ("&amp;#91;").
OPENING_BRACKET = r"(?:\[|(?:&|&amp;)(?:#0*91;|#[xX]0*5[bB];|lbrack;|lsqb;))"


# Code that shows a footnote reference where the source had a citation: the plugin rewrote code.
def _code_problems(reading: Reading, page_scan: Scan, is_source, keys: list[str]) -> list[Problem]:
    problems = []
    source = page_scan.text
    stamped_in_code = [keys[s.index] for s in reading.stamps.values() if s.where == "code" and s.index < len(keys)]
    for key in dict.fromkeys(CODE_FOOTNOTE.findall(reading.code)):
        if is_source(key) and reading.code.count(f"[^{key}]") > source.count(f"[^{key}]") + stamped_in_code.count(key):
            at = next((start for start, end in page_scan.code if f"[@{key}" in source[start:end]), None)
            problems.append(Problem("HTM004", f"code on the page shows '[^{key}]' where the source has a citation",
                                    at))
    return problems


# The text with code ranges removed.
def _outside(text: str, code: list[tuple[int, int]]) -> str:
    pieces, cursor = [], 0
    for start, end in code:
        pieces.append(text[cursor:start])
        cursor = max(cursor, end)
    pieces.append(text[cursor:])
    return "".join(pieces)


# -----------------------------------------------------------------------------
# Finding unsafe markup in the page's Markdown
# -----------------------------------------------------------------------------


# Finds in a page's Markdown the raw HTML tag (or, for a Markdown link, the URL) that gave each
# unsafe item, read by an HTML tokenizer that decodes attributes as the rendered reading does.
# Two identical items land on two places, in order; each look-up is one step of an index, so a
# page with thousands of unsafe links is checked in linear time.
class Locator:
    def __init__(self, text: str) -> None:
        self.text = text
        self._index: dict[tuple, list[int]] | None = None
        # Per key, how far its list of places is used; places taken, with the attribute they gave.
        self.next: dict[tuple, int] = {}
        self.taken: set[tuple[int, str]] = set()

    # The offset in the Markdown that gave `item`, or None when no place is found.
    def locate(self, item: Unsafe) -> int | None:
        if not item.attribute or item.attribute == "autolink":
            keys = [("element", item.tag)]
        else:
            keys = [("exact", item.tag, item.attribute, item.value),
                    ("loose", item.tag, item.attribute, _spaces(item.value)),
                    ("target", item.value)]
        for key in keys:
            offset = self._take(key, item.attribute)
            if offset is not None:
                return offset
        if item.attribute in ("text", "page-title"):
            return self._find_text(item)
        if item.attribute in ("small-print", "shrunk", "indented"):
            return self._find_words(item)
        return self._find(item) if item.value else self._find_name(item)

    # The first place of `key` not taken yet for this attribute.
    def _take(self, key: tuple, attribute: str) -> int | None:
        if self._index is None:  # built at the first unsafe item: most pages have none
            self._index = _index(self.text)
        places = self._index.get(key, ())
        position = self.next.get(key, 0)
        while position < len(places) and (places[position], attribute) in self.taken:
            position += 1
        self.next[key] = position + 1
        if position >= len(places):
            return None
        self.taken.add((places[position], attribute))
        return places[position]

    # The value written as is. Inside a tag the tokenizer missed (it reads "<!-->" as opening a
    # comment; browsers close it there), the place is the tag's start.
    def _find(self, item: Unsafe) -> int | None:
        key = ("find", item.value)
        found = self.text.find(item.value, self.next.get(key, 0))
        while found >= 0 and (found, item.attribute) in self.taken:
            found = self.text.find(item.value, found + 1)
        if found < 0:
            return None
        self.next[key] = found + 1
        self.taken.add((found, item.attribute))
        opened = self.text.rfind("<", 0, found)
        if opened > self.text.rfind(">", 0, found) and \
                self.text[opened + 1:opened + 1 + len(item.tag)].lower() == item.tag:
            return opened
        return found

    # Text readers see in small print: where its longest run of words, as written (no markup, no
    # brackets, no citation key), stands as words of their own ("not", not the one in "Another"); the
    # same words again, at their next place.
    def _find_words(self, item: Unsafe) -> int | None:
        runs = sorted((run.strip() for run in re.split(r"[<>&\\\[\]]", item.value) if "@" not in run),
                      key=len, reverse=True)
        for run in filter(None, runs):
            key, alone = ("words", run), re.compile(rf"(?<!\w){re.escape(run)}(?!\w)")
            starts = tuple(dict.fromkeys((self.next.get(key, 0), 0)))
            found = next((match.start() for start in starts if (match := alone.search(self.text, start))), -1)
            if found < 0:  # only inside other words
                found = next((place for start in starts if (place := self.text.find(run, start)) >= 0), -1)
            if found >= 0:
                self.next[key] = found + 1
                return found
        return None

    # Text shown as markup (a heading's "\\<img ...\\>" or "&lt;img ...&gt;"): where its longest
    # run written as it shows stands (escapes and references differ from what it shows).
    def _find_text(self, item: Unsafe) -> int | None:
        run = max(re.split(r"[<>&\\]", item.value), key=len).strip()
        found = self.text.find(run) if run else -1
        return found if found >= 0 else None

    # An attribute with no value (data-preview from attr_list): where its name is written.
    def _find_name(self, item: Unsafe) -> int | None:
        key = ("name", item.attribute)
        found = self.text.find(item.attribute, self.next.get(key, 0))
        if found < 0:
            return None
        self.next[key] = found + 1
        return found


# The places of a page's Markdown by what they hold: each start tag by its name, and by each
# attribute's value (exact, and with white space collapsed, as Python-Markdown expands tabs);
# each Markdown link target by its decoded URL.
def _index(text: str) -> dict[tuple, list[int]]:
    index: dict[tuple, list[int]] = {}
    for offset, written, attributes in _tags(text):
        # A browser makes an <img> of an <image> tag outside SVG (rendered.images_respelled).
        for tag in (written, "img") if written == "image" else (written,):
            index.setdefault(("element", tag), []).append(offset)
            for name, value in attributes.items():
                index.setdefault(("exact", tag, name, value), []).append(offset)
                index.setdefault(("loose", tag, name, _spaces(value)), []).append(offset)
    for match in MARKDOWN_TARGET.finditer(text):
        group = 1 if match[1] is not None else 2
        index.setdefault(("target", html.unescape(match[group])), []).append(match.start(group))
    return index


# A value with runs of white space as one space.
def _spaces(value: str) -> str:
    return " ".join(value.split())


# A Markdown link target: inline `](url` or `](<url>` (parentheses balanced once), or a reference
# definition `[id]: url`.
MARKDOWN_TARGET = re.compile(r"\]\(\s*<?((?:[^\s()<>]|\([^\s()<>]*\))+)|^[ ]{0,3}\[[^\]\n]+\]:[ \t]*<?([^\s>]+)",
                             re.M)


# Start tags of a page's Markdown with their offsets; tags shown inside fenced code are left out
# (this only places a problem the rendered reading found; it decides nothing).
def _tags(text: str) -> list[tuple[int, str, dict[str, str]]]:
    collector = _TagCollector(text)
    try:
        collector.feed(text)
        collector.close()
    except Exception:  # html.parser gives up on some hostile input; what it found still counts
        pass
    fenced = _fenced_ranges(text)
    return [tag for tag in collector.tags if not any(start <= tag[0] < end for start, end in fenced)]


# (start, end) of each fenced code block (``` or ~~~, at any indent or quote depth).
def _fenced_ranges(text: str) -> list[tuple[int, int]]:
    ranges, offset, fence, start = [], 0, None, 0
    for line in text.splitlines(keepends=True):
        marker = FENCE_LINE.match(line)
        if marker and fence is None:
            fence, start = marker[1], offset
        elif marker and marker[1].startswith(fence[0]) and len(marker[1]) >= len(fence):
            ranges.append((start, offset + len(line)))
            fence = None
        offset += len(line)
    return ranges + ([(start, len(text))] if fence is not None else [])


# Collects (offset, tag, attributes) of every start tag.
class _TagCollector(HTMLParser):
    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.starts = [0] + [i + 1 for i, char in enumerate(text) if char == "\n"]
        self.tags: list[tuple[int, str, dict[str, str]]] = []

    def handle_starttag(self, tag, attrs) -> None:
        line, col = self.getpos()
        self.tags.append((self.starts[line - 1] + col, tag, {k.lower(): v or "" for k, v in attrs}))

    handle_startendtag = handle_starttag
