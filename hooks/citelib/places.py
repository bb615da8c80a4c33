"""Where a problem found in a built page stands: its line and column in the page's HTML.

A reading finds a problem in a parsed page, which has no places; this finds the shortest start of
the page whose reading shows the problem, which ends at the problem's tag or text.
"""

from __future__ import annotations

import bisect
import html
import itertools
import re

from selectolax.lexbor import LexborHTMLParser

from citelib import rendered

# Lines end as the HTML standard ends them (CR LF, CR alone, LF).
LINE_BREAK = re.compile(r"\r\n?|\n")
# Where a tag may begin: "<" and a letter (an end tag, a comment or text never holds a problem).
TAG_START = re.compile(r"<[A-Za-z]")
# Places where a problem's text or tag is written that are tried before bisection.
CANDIDATES = 8
# Parses of a page's starts spent placing its problems. Past them (a page with hundreds of equal
# findings), the n-th finding goes where its tag or text is written for the n-th time, unproved,
# so that the check stays linear in the number of problems.
PLACING_PARSES = 200


# Where a problem stands in a page's HTML, found with the parser and the reading that found it.
# A parser builds a page as it reads it: an element exists from the end of its start tag on, text
# from its last character. So the problem stands where the shortest prefix of the page whose
# reading shows it ends. Each place where the text or tag is written is tried first (two parses
# prove it: the prefix up to its end shows the problem, one character less does not); when none
# is proved, bisection finds the prefix in about 17 parses of a 100 kB page.
class Places:
    # `read` gives the reading of a parsed page (or of a start of it) that found the problems.
    def __init__(self, html_text: str, read) -> None:
        self.html_text = html_text
        self.read = read
        self.readings: dict[int, rendered.Reading] = {}
        self.line_starts: list[int] | None = None

    # The reading of the page's first `length` characters.
    def reading(self, length: int) -> rendered.Reading:
        found = self.readings.get(length)
        if found is None:
            found = self.readings[length] = self.read(LexborHTMLParser(self.html_text[:length]))
        return found

    @property
    def spent(self) -> bool:
        return len(self.readings) >= PLACING_PARSES

    # Line and column where the reading first `shows` something: the text `needle`, or an element
    # of the tag `tag`, or (neither given) the tag that ends there. (1, 1) when the page does not.
    # `alone` tells whether a tag read on its own is the one found (an attribute's value may hold a
    # "<" and a letter, which is no tag). The `nth` of several equal findings is looked for from
    # the nth place its tag is written on.
    def place(self, shows, needle: str = "", tag: str = "", alone=None, nth: int = 1) -> tuple[int, int]:
        start = self.offset(shows, needle, tag, alone, nth)
        return (1, 1) if start is None else self._line_col(start)

    # The offset in the page where `place` finds it; None when the page does not show it.
    def offset(self, shows, needle: str = "", tag: str = "", alone=None, nth: int = 1) -> int | None:
        if needle:
            found = re.finditer(re.escape(needle), self.html_text)
            written = [(m.start(), m.end()) for m in itertools.islice(found, nth - 1, nth - 1 + CANDIDATES)]
        else:
            found = (re.compile(f"<{re.escape(tag)}(?=[\\s/>])", re.I) if tag else TAG_START).finditer(self.html_text)
            written = [(m.start(), self.html_text.find(">", m.end()) + 1)
                       for m in itertools.islice(found, nth - 1, nth - 1 + CANDIDATES)]
        for start, end in written:
            if self.spent:
                break
            if end > 0 and shows(self.reading(end)) and not shows(self.reading(end - 1)):
                return start
        if self.spent:
            return written[0][0] if written else None
        low, high = 0, len(self.html_text)
        if not shows(self.reading(high)):
            return None
        while low < high:
            middle = (low + high) // 2
            if shows(self.reading(middle)):
                high = middle
            else:
                low = middle + 1
        start = self._written_before(needle, high) if needle else -1
        if start < 0:
            tags = [m.start() for m in TAG_START.finditer(self.html_text, 0, high)]
            found = [s for s in reversed(tags[-CANDIDATES:]) if alone and alone(rendered.read(self.html_text[s:high]))]
            start = found[0] if found else tags[-1] if tags else max(high - 1, 0)
        return start

    # Where `needle` starts that ends at `end`: written as it is, or as readers read it (character
    # references decoded, characters they do not see left out, fullwidth forms as "[" and "@"); -1 if not.
    def _written_before(self, needle: str, end: int) -> int:
        start = self.html_text.rfind(needle, 0, end)
        if start >= 0:
            return start
        for start in range(end - len(needle), max(end - 8 * len(needle) - 16, -1), -1):
            if rendered.read_as_shown(html.unescape(self.html_text[start:end])).startswith(needle):
                return start
        return -1

    # Lines end as the HTML standard ends them (CR LF, CR alone, LF), as an editor shows them.
    def _line_col(self, offset: int) -> tuple[int, int]:
        if self.line_starts is None:
            self.line_starts = [0, *(match.end() for match in LINE_BREAK.finditer(self.html_text))]
        line = bisect.bisect_right(self.line_starts, offset)
        return line, offset - self.line_starts[line - 1] + 1
