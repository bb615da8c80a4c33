"""Read the .bib files once, with pybtex's own parser, remember where everything stands, and check it.

One reading serves the checks and mkdocs-bibtex alike (citations.py hands the plugin `files`), so
the plugin renders exactly the entries the checks approved. Reading is defensive: a file that is
not UTF-8, a byte-order mark, CRLF, text between entries, macros in any order, a broken entry: each
gives a named problem at its place, never a traceback and never a silently dropped entry.

An entry that could put markup or a script on a page, or that did not parse, is quarantined: it is
reported, kept out of what the plugin renders, and its key is remembered in `broken` so that pages
citing it get no second error.
"""

from __future__ import annotations

import bisect
import codecs
import functools
import gc
import inspect
import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pybtex.errors
from pybtex.database import BibliographyData, Entry
from pybtex.database.input.bibtex import LowLevelParser, Parser, month_names
from pybtex.richtext import Text
from pybtex.scanner import PrematureEOF, PybtexSyntaxError, Token, TokenRequired
from pybtex.style.formatting.plain import Style as PlainStyle
from pybtex.textutils import normalize_whitespace
from pybtex.utils import CaseInsensitiveDict

from citelib import entries, rendered
from citelib.diagnostics import Report
from citelib.formatting import PLAIN_LATEX

# -----------------------------------------------------------------------------
# Patterns
# -----------------------------------------------------------------------------

# Commands that hold no source: macros, preambles (comments pybtex skips itself).
NON_ENTRIES = {"string", "preamble", "comment"}

# What `[@key]` can carry (the citation syntax's own rule).
CITABLE_KEY = re.compile(r"[A-Za-z0-9_-]+")

# Fields pybtex's plain style writes raw into a Markdown link target `[text](value)`.
LINK_FIELDS = ("url", "doi", "eprint", "pubmed")
# A '%' that no backslash escapes: LaTeX (and pybtex's decoding) reads the rest of the line as a
# comment, so "Over 90% of models fail" reached readers as "Over 90".
LATEX_COMMENT = re.compile(r"(?<!\\)(?:\\\\)*%")

# A DOI by its registered syntax: "10.", a registrant code of four or more digits with optional
# subdivisions, "/", a suffix. The suffix may not hold what would end a link or start markup.
DOI = re.compile(r"10\.[0-9]{4,}(?:\.[0-9]+)*/[^\s()<>\"\\]+")
# arXiv identifiers: new scheme YYMM.NNNN(N) (from April 2007), old scheme archive(.XX)/YYMMNNN.
ARXIV_ID = re.compile(r"(?:[0-9]{2}(?:0[1-9]|1[0-2])\.[0-9]{4,5}"
                      r"|[a-z]+(?:-[a-z]+)*(?:\.[A-Z]{2})?/[0-9]{2}(?:0[1-9]|1[0-2])[0-9]{3})"
                      r"(?:v[1-9][0-9]*)?")
PUBMED_ID = re.compile(r"[0-9]+")
FOUR_DIGIT_YEAR = re.compile(r"[0-9]{4}")
# Characters a url may not hold: each would end the Markdown link or start markup.
URL_FORBIDDEN = set("()<>\"'`\\")
# An HTML character reference, which tools that write HTML without escaping would decode.
CHARACTER_REFERENCE = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);?")
# How many entries of one file that run to its end are read past (each costs the rest of the file).
MAX_REREADS = 10
# A line that starts with "@": where reading starts again after a broken entry.
LINE_START_AT = re.compile(r"^[ \t]*@", re.M)
# Entry types pybtex's plain style can format (it has a template for each).
FORMATTABLE_TYPES = frozenset(name[4:-9] for name in dir(PlainStyle)
                              if name.startswith("get_") and name.endswith("_template"))

# -----------------------------------------------------------------------------
# Data
# -----------------------------------------------------------------------------


# One entry and where it stands in its file.
@dataclass
class Source:
    key: str
    entry: Entry
    path: str
    line: int
    text: str
    # The @string macros this entry used, with the values it saw (part of what it formats to).
    macros: str = ""
    col: int = 1
    # Lower-case field name -> (line, column) of the name in the file.
    places: dict[str, tuple[int, int]] = field(default_factory=dict)
    # (field name as written, value as pybtex read it: macros expanded, whitespace normalised).
    values: list[tuple[str, str]] = field(default_factory=list)

    # Line and column of `name = ...` inside this entry, or of the entry itself.
    def place(self, name: str) -> tuple[int, int]:
        return self.places.get(name.lower(), (self.line, self.col))


# Where a problem of a rendered page that comes from this entry's `field` ("" for the entry) is
# reported: the file, and the line and column of the field or of the entry.
def problem_place(source: Source, field: str) -> tuple[str, int, int]:
    line, col = source.place(field) if field else (source.line, source.col)
    return source.path, line, col


# Every source of a bib folder, in file order; the first definition of a key wins.
@dataclass
class Bibliography:
    sources: dict[str, Source] = field(default_factory=dict)
    # What mkdocs-bibtex renders, by file_id(path): only entries the checks approved.
    files: dict[str, BibliographyData] = field(default_factory=dict)
    # Keys of entries that were reported and quarantined (syntax, unsafe values).
    broken: set[str] = field(default_factory=set)
    # Lower-case key -> key as written, to find a duplicate in one look-up.
    folded: dict[str, str] = field(default_factory=dict)

    def __contains__(self, key: str) -> bool:
        return key in self.sources

    @property
    def keys(self) -> list[str]:
        return list(self.sources)


# What reading one file gave: its approved sources, the keys it quarantined, and its problems
# as (line, col, code, message), in file order.
@dataclass
class ParsedFile:
    sources: list[Source] = field(default_factory=list)
    quarantined: list[str] = field(default_factory=list)
    problems: list[tuple[int, int, str, str]] = field(default_factory=list)
    # Where each quarantined key's entry starts (line, col).
    quarantined_at: dict[str, tuple[int, int]] = field(default_factory=dict)


# -----------------------------------------------------------------------------
# Reading
# -----------------------------------------------------------------------------


# All .bib files below `bib_dir`, in a stable order (the same walk as mkdocs-bibtex's).
def bib_paths(bib_dir: Path) -> list[Path]:
    return sorted(Path(bib_dir).rglob("*.bib"))


# How the checks and the plugin both name a .bib file: folders resolved, the file itself not, so a
# symlinked file keeps its own name (and is refused) instead of being read under its target's.
def file_id(path) -> str:
    path = os.fspath(path)
    return os.path.join(os.path.realpath(os.path.dirname(os.path.abspath(path))), os.path.basename(path))


# Parse every .bib file below `bib_dir` once; problems go to `report`.
def load(bib_dir: Path, report: Report, root: Path) -> Bibliography:
    bibliography = Bibliography()
    quarantined: dict[str, tuple[str, int, int]] = {}
    for path in bib_paths(bib_dir):
        shown = _shown_path(path, root)
        bibliography.files[file_id(path)] = _load_file(path, shown, bibliography, report, quarantined)
    # A quarantined entry whose key a good entry also has is a duplicate: the good one stays citable
    # (before, the broken copy made every citation of the key literal text on every page).
    for key, (shown, line, col) in quarantined.items():
        taken = bibliography.folded.get(key.lower())
        if taken is None:
            bibliography.broken.add(key)
        else:
            existing = bibliography.sources[taken]
            report.add(shown, line, col, "BIB002", f"key '{key}' is also defined at {existing.path}:{existing.line}")
    return bibliography


# Read one file (or take the reading of its unchanged bytes), add its sources, report its problems.
def _load_file(path: Path, shown: str, bibliography: Bibliography, report: Report,
               quarantined: dict[str, tuple[str, int, int]]) -> BibliographyData:
    data = BibliographyData()
    if Path(path).is_symlink():
        report.add(shown, 1, 1, "BIB016", "is a symbolic link: a .bib file is read only where it stands, "
                   "so that the checks and the plugin read the same file")
        return data
    try:
        raw = Path(path).read_bytes()
    except OSError as error:
        report.add(shown, 1, 1, "BIB011", f"cannot be read: {error.strerror or error}")
        return data
    cached = _PARSED.get(file_id(path))
    if cached is None or cached[:2] != (raw, shown):
        # An edit inside one entry reads that entry again, not the whole file (a serve rebuild).
        parsed = splice(cached[0], cached[2], raw, shown) if cached is not None and cached[1] == shown else None
        cached = _PARSED[file_id(path)] = (raw, shown, parsed or parse_bib(raw, shown))
    parsed = cached[2]
    for line, col, code, message in parsed.problems:
        report.add(shown, line, col, code, message)
    for key in parsed.quarantined:
        quarantined.setdefault(key, (shown, *parsed.quarantined_at.get(key, (1, 1))))
    for source in parsed.sources:
        _add(source, bibliography, data, report)
    return data


# Readings by file: (bytes, shown path, ParsedFile), kept for the life of the process, so that a
# `mkdocs serve` rebuild parses only the .bib files whose bytes changed.
_PARSED: dict[str, tuple[bytes, str, ParsedFile]] = {}


# Record a source unless its key is taken; a duplicate is reported at both places.
def _add(source: Source, bibliography: Bibliography, data: BibliographyData, report: Report) -> None:
    taken = bibliography.folded.get(source.key.lower())
    existing = bibliography.sources.get(taken) if taken is not None else None
    if existing is not None:
        report.add(source.path, source.line, source.col, "BIB002",
                   f"key '{source.key}' is already defined at {existing.path}:{existing.line}")
        return
    bibliography.sources[source.key] = source
    bibliography.folded[source.key.lower()] = source.key
    data.entries[source.key] = source.entry


# A path as the contributor sees it: relative to the project when possible.
def _shown_path(path: Path, root: Path) -> str:
    try:
        return str(Path(file_id(path)).relative_to(Path(root).resolve()))
    except ValueError:
        return str(path)


# -----------------------------------------------------------------------------
# Parsing one file
# -----------------------------------------------------------------------------


# Read a .bib file's bytes as pybtex does, top to bottom (macros in file order), with every problem
# at its line and column. Pure: the same bytes give the same ParsedFile; it never raises.
def parse_bib(raw: bytes, shown: str) -> ParsedFile:
    # The reading makes many objects that all live on and no garbage cycles, so collector passes
    # during it only cost time, more the bigger the file (a fifth more at 8,000 entries).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _parse_bib(raw, shown)
    finally:
        if collecting:
            gc.enable()


def _parse_bib(raw: bytes, shown: str) -> ParsedFile:
    parsed = ParsedFile()
    text = _decode(raw, parsed)
    # One line break for all: pybtex counts \r\n and \r as line breaks too, and normalises the
    # whitespace of every value, so this changes no value and makes lines count as editors do.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = _Lines(text)
    reader = _Reader(text, lines)
    entry_parser = Parser()
    entry_parser.data = BibliographyData()
    commands: list[tuple[int, int, str, tuple, list, dict]] = []
    for command, payload in reader:
        commands.append((reader.command_start, reader.pos, command, payload,
                         reader.field_starts, reader.used_macros))
        kind = command.lower()
        if kind not in NON_ENTRIES and kind not in FORMATTABLE_TYPES:
            reader.resync(reader.command_start)  # it may have swallowed the entries below it
    broken_starts = {start for start, *_ in reader.errors}
    broken_macros = {name.lower() for start, name in reader.macro_names.items() if name and start in broken_starts}
    later_macros = reader.macro_lines
    unknown_types = {start for start, _, command, *_ in commands
                     if command.lower() not in NON_ENTRIES and command.lower() not in FORMATTABLE_TYPES}
    _report_syntax(reader, lines, parsed, unknown_types)
    for start, offset, name in reader.undefined:
        if name.lower() in broken_macros:
            broken_starts.add(start)  # the broken @string is reported at its own line
            continue
        line, col = lines.place(offset)
        defined = [d for d in later_macros.get(name.lower(), []) if d > line]
        message = (f"@string macro '{name}' is used before its definition at line {defined[0]} (BibTeX and "
                   "pybtex read a file top to bottom: move the @string above its first use)" if defined
                   else f"@string macro '{name}' is not defined")
        parsed.problems.append((line, col, "BIB012", message))
        broken_starts.add(start)
    for start, end, command, payload, field_starts, used in commands:
        kind = command.lower()
        if kind in NON_ENTRIES:
            continue
        key, fields = payload
        line, col = lines.place(start)
        if kind not in FORMATTABLE_TYPES:
            stray = "" if lines.starts_line(start) else \
                " (an '@' in text outside entries starts an entry in BibTeX: write 'at' there)"
            parsed.problems.append((line, col, "BIB017",
                                    f"'@{command}' is not an entry type the site can format{stray}"))
        elif start in broken_starts:
            pass
        else:
            source = _make_source(entry_parser, command, key, fields, shown, text[start:end], (line, col),
                                  {name.lower(): lines.place(offset) for name, offset in field_starts}, used, parsed)
            if source is not None and not _quarantine(source, parsed.problems):
                parsed.sources.append(source)
                continue
        parsed.quarantined.append(key or "")
        if key:
            parsed.quarantined_at.setdefault(key, (line, col))
    parsed.problems.sort()
    parsed.quarantined = [key for key in parsed.quarantined if key]
    return parsed


# -----------------------------------------------------------------------------
# Reading again after an edit of one entry
# -----------------------------------------------------------------------------


# The reading of `raw` made from `old`, the reading of `old_raw`, when the two texts differ inside
# one approved source only, on the same lines, and that source's new text reads alone as one clean
# entry that uses no macro: pybtex reads an entry from its "@" to its closing brace, so the reading
# of every other entry stays what it was. None when any of that does not hold: then the caller
# reads the whole file (tests/test_preview.py holds the two readings equal over many edits).
def splice(old_raw: bytes, old: ParsedFile, raw: bytes, shown: str) -> ParsedFile | None:
    try:
        before, after = old_raw.decode("utf-8"), raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if ("\r" in before or "\r" in after or before.startswith("\ufeff") or after.startswith("\ufeff")
            or before.count("\n") != after.count("\n")):
        return None
    prefix = _common_prefix(before, after)
    suffix = _common_prefix(before[prefix:][::-1], after[prefix:][::-1])
    changed_end = len(before) - suffix
    lines = _Lines(before)
    for index, source in enumerate(old.sources):
        start = lines.starts[source.line - 1] + source.col - 1
        end = start + len(source.text)
        if start <= prefix and changed_end <= end and before[start:end] == source.text:
            break
    else:
        return None
    last_line = source.line + source.text.count("\n")
    if source.macros or any(source.line <= line <= last_line for line, *_ in old.problems):
        return None
    chunk = after[start:end + len(after) - len(before)]
    alone = parse_bib(chunk.encode("utf-8"), shown)
    if alone.problems or alone.quarantined or len(alone.sources) != 1:
        return None
    new = alone.sources[0]
    if new.text != chunk or new.macros or (new.line, new.col) != (1, 1):
        return None

    def moved(place: tuple[int, int]) -> tuple[int, int]:
        line, col = place
        return line + source.line - 1, col + (source.col - 1 if line == 1 else 0)

    new.line, new.col = moved((1, 1))
    new.places = {name: moved(place) for name, place in new.places.items()}
    sources = list(old.sources)
    sources[index] = new
    return ParsedFile(sources, list(old.quarantined), list(old.problems), dict(old.quarantined_at))


# Length of the common start of two strings (slices compared in C, halving the range).
def _common_prefix(a: str, b: str) -> int:
    low, high = 0, min(len(a), len(b))
    while low < high:
        middle = (low + high + 1) // 2
        if a[:middle] == b[:middle]:
            low = middle
        else:
            high = middle - 1
    return low


# The file's text: a byte-order mark is dropped, and bytes that are not UTF-8 are reported at the
# first bad byte and read as U+FFFD, so that the rest of the file is still checked.
def _decode(raw: bytes, parsed: ParsedFile) -> str:
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8):]
    for bom, name in ((codecs.BOM_UTF32_LE, "UTF-32"), (codecs.BOM_UTF32_BE, "UTF-32"),
                      (codecs.BOM_UTF16_LE, "UTF-16"), (codecs.BOM_UTF16_BE, "UTF-16")):
        if raw.startswith(bom):  # every other byte would be read as garbage: nothing to check
            parsed.problems.append((1, 1, "BIB011", f"is {name}, not UTF-8 (save the file as UTF-8)"))
            return ""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        # Everything before the first bad byte is UTF-8; its lines count as the reading's do.
        before = raw[:error.start].decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
        line, col = before.count("\n") + 1, len(before) - before.rfind("\n")
        parsed.problems.append((line, col, "BIB011", f"is not UTF-8: byte 0x{raw[error.start]:02x} here "
                                "cannot be decoded (save the file as UTF-8)"))
        return raw.decode("utf-8", "replace")


# An Entry as pybtex's Parser builds it (person names split, whitespace normalised), or None after
# reporting why it cannot be built (a field given twice, a name pybtex cannot split).
def _make_source(entry_parser: Parser, command: str, key: str, fields: list, shown: str, text: str,
                 place: tuple[int, int], places: dict, used: dict, parsed: ParsedFile) -> Source | None:
    entry_parser.data.entries.clear()
    with pybtex.errors.capture() as errors:
        try:
            entry_parser.process_entry(command, key, fields)
        except Exception as error:  # a person name or value pybtex cannot read
            errors.append(error)
    if errors or not entry_parser.data.entries:
        for error in errors or ["pybtex built no entry"]:
            parsed.problems.append((*place, "BIB001", f"entry '{key}': {error}"))
        return None
    entry = next(iter(entry_parser.data.entries.values()))
    values = [(name, normalize_whitespace("".join(parts))) for name, parts in fields]
    macros = "".join(f"{name}={value}\n" for name, value in sorted(used.items()))
    return Source(key, entry, shown, place[0], text, macros, place[1], places, values)


# The problems of a syntax error, each at the place a contributor must fix.
def _report_syntax(reader: _Reader, lines: _Lines, parsed: ParsedFile, unknown_types: set[int]) -> None:
    for start, offset, value_start, key, error in reader.errors:
        if start in unknown_types:
            continue  # reported once, as an unknown entry type (a stray "@" as a rule)
        macro = reader.macro_names.get(start)
        what = f"entry '{key}'" if key else f"@string '{macro}'" if macro else \
            "this @string" if macro is not None else "this entry"
        message = error.args[0] if error.args else str(error)
        found = reader.text[offset:offset + 30].split(None, 1)
        if isinstance(error, TokenRequired) and found and found[0].startswith("@"):
            next_line = lines.place(offset)[0]
            offset, text = start, (f"{what} is not closed before the '@' at line {next_line}: "
                                   "a brace or quote inside it is left open, or its closing brace is missing")
        elif isinstance(error, PrematureEOF) and start not in reader.reread_from:
            offset, text = start, (f"{what} runs to the end of the file, and so do {MAX_REREADS} entries above "
                                   "it: the file is read no further (fix the unclosed braces or quotes above)")
        elif isinstance(error, PrematureEOF) and value_start is not None:
            offset, text = value_start, f"{what}: the value that starts here is never closed"
        elif isinstance(error, PrematureEOF):
            offset, text = start, f"{what} is never closed (the end of the file came first)"
        elif isinstance(error, TokenRequired) and not key and message in ("'(' or '{' expected",
                                                                          "a valid name expected"):
            offset, text = start, ("an '@' that starts no entry: BibTeX reads every '@' outside an entry "
                                   f"as the start of one ({message}); in a comment, write 'at'")
        elif isinstance(error, TokenRequired):
            found_text = f"found {_show(found[0])}" if found else "found the end of the file"
            comma = " (is a comma missing at the end of the field before it?)" if \
                message in ("'}' expected", "')' expected") and found and found[0][:1].isalpha() else ""
            text = f"{what}: {message}, {found_text}{comma}"
        else:
            if message == "unbalanced braces":
                offset = max(offset - 1, start)
            text = f"{what}: {message}"
        parsed.problems.append((*lines.place(offset), "BIB001", text))


# Line and column (from 1) of offsets in one text, by binary search over its line starts.
class _Lines:
    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0] + [match.end() for match in re.finditer("\n", text)]

    def place(self, offset: int) -> tuple[int, int]:
        index = bisect.bisect_right(self.starts, offset) - 1
        return index + 1, offset - self.starts[index] + 1

    # Whether only blanks stand before `offset` on its line.
    def starts_line(self, offset: int) -> bool:
        line_start = self.starts[bisect.bisect_right(self.starts, offset) - 1]
        return not self.text[line_start:offset].strip()


# pybtex's own BibTeX scanner (the one pybtex.database.parse_file uses), made to remember where each
# command, field, macro and error stands. It reads macros in file order, as BibTeX does. After an
# error it goes on at a later line that starts with "@", so one broken entry (an unclosed brace
# runs to the end of the file in pybtex's reading) neither hides the entries below it nor turns
# their text into errors of their own. Only a file without errors is ever approved.
class _Reader(LowLevelParser):
    def __init__(self, text: str, lines: _Lines) -> None:
        super().__init__(text, macros=CaseInsensitiveDict(month_names), handle_error=self._on_error)
        self.lines = lines
        # (command start, offset, start of the value being read or None, entry key, error)
        self.errors: list[tuple[int, int, int | None, str | None, PybtexSyntaxError]] = []
        # (command start, offset of the name, name) of every macro used but not defined then.
        self.undefined: list[tuple[int, int, str]] = []
        # Command start -> name of the @string it defines ("" before the name is read);
        # lower-case name -> lines it is defined at.
        self.macro_names: dict[int, str] = {}
        self.macro_lines: dict[str, list[int]] = {}
        self.field_starts: list[tuple[str, int]] = []
        self.used_macros: dict[str, str] = {}
        self.value_start: int | None = None
        # Starts of the commands that ran to the end of the file and were read again after.
        self.reread_from: list[int] = []

    def parse_command(self):
        self.field_starts, self.used_macros, self.value_start = [], {}, None
        return super().parse_command()

    # pybtex searches for each character separately and keeps the nearest, so a character that
    # never comes again ("}" in a file of unclosed braces) is searched for to the end of the file
    # at every step: quadratic. One search for the set of characters finds the same nearest one.
    def skip_to(self, patterns):
        chars = "".join(_SKIP_CHARS.get(id(pattern), "\0") for pattern in patterns)
        if "\0" in chars:
            return super().skip_to(patterns)
        found = _char_class(chars).search(self.text, self.pos)
        if not found:
            return None
        value = self.text[self.pos:found.end()]
        self.pos = found.end()
        self.update_lineno(value)
        return Token(value, patterns[chars.index(found.group())])

    def parse_string_body(self, body_end):
        self.eat_whitespace()
        name = self.NAME.match(self.text, self.pos)
        self.macro_names[self.command_start] = ""
        if name:
            self.macro_names[self.command_start] = name.group()
            self.macro_lines.setdefault(name.group().lower(), []).append(self.lines.place(self.pos)[0])
        return super().parse_string_body(body_end)

    def parse_field(self):
        self.eat_whitespace()
        start = self.pos
        super().parse_field()
        if self.current_field_name:
            self.field_starts.append((self.current_field_name, start))

    def parse_value_part(self):
        self.eat_whitespace()
        self.value_start = self.pos
        part = super().parse_value_part()
        self.value_start = None
        return part

    # pybtex reports an undefined macro and reads it as empty; we keep its place.
    def substitute_macro(self, name):
        if name not in self.macros:
            self.undefined.append((self.command_start, self.pos - len(name), name))
            return ""
        value = self.macros[name]
        self.used_macros[name.lower()] = value
        return value

    # Record the error and go on at the next entry: one that ran to the end of the file (an
    # unclosed brace swallows the entries below it) is read again from its second line, any
    # other from the line where it failed (never again from its own first line).
    def _on_error(self, error: PybtexSyntaxError) -> None:
        self.errors.append((self.command_start, self.pos, self.value_start, self.current_entry_key, error))
        if not isinstance(error, PrematureEOF):
            self.resync(self.command_start, self.text.rfind("\n", 0, self.pos) + 1)
        elif len(self.reread_from) < MAX_REREADS:
            self.reread_from.append(self.command_start)
            self.resync(self.command_start)
        else:  # each re-reading costs the rest of the file: the reading stops, and says so
            self.pos = len(self.text)

    # Go on reading at the first line that starts with "@", after `start`'s line and not before `at`.
    def resync(self, start: int, at: int = 0) -> None:
        line_end = self.text.find("\n", start)
        found = LINE_START_AT.search(self.text, max(line_end + 1, at)) if line_end >= 0 else None
        self.pos = found.start() if found else len(self.text)
        self.lineno = self.lines.place(self.pos)[0]

    # pybtex's parse_string, without recursion: the same parts and the same errors, but a part
    # deep in nested braces is passed up once, not through one generator per level.
    def parse_string(self, string_end, level=0, max_level=100):
        if level > max_level:
            raise PybtexSyntaxError("too many nested braces", self)
        ends = [string_end]
        while ends:
            depth = level + len(ends) - 1
            special = [self.QUOTE, self.RBRACE, self.LBRACE] if ends[-1] is self.QUOTE else [self.RBRACE, self.LBRACE]
            part = self.skip_to(special)
            if not part:
                raise PrematureEOF(self)
            if part.pattern is ends[-1]:
                yield part
                ends.pop()
            elif part.pattern is self.LBRACE:
                yield part
                if depth + 1 > NESTED_MAX_LEVEL:
                    raise PybtexSyntaxError("too many nested braces", self)
                ends.append(self.RBRACE)
            elif part.pattern is self.RBRACE and depth == 0:
                raise PybtexSyntaxError("unbalanced braces", self)


# The nesting limit pybtex's parse_string applies in its nested calls (its default max_level).
NESTED_MAX_LEVEL = inspect.signature(LowLevelParser.parse_string).parameters["max_level"].default

# pybtex's single-character patterns that skip_to looks for, by identity.
_SKIP_CHARS = {id(_Reader.AT): "@", id(_Reader.LBRACE): "{", id(_Reader.RBRACE): "}", id(_Reader.QUOTE): '"'}


# A compiled character class for `chars`, one per set of characters.
@functools.cache
def _char_class(chars: str) -> re.Pattern:
    return re.compile("[" + re.escape(chars) + "]")


# -----------------------------------------------------------------------------
# Values are data, never markup
# -----------------------------------------------------------------------------


# Report what would let `source` put markup or a link on a page, or keep it from being formatted or
# cited: a key [@key] cannot carry, a value that is markup or LaTeX pybtex cannot decode, a link
# field outside its grammar. True when anything was reported (the entry is then kept off the pages).
def _quarantine(source: Source, problems: list) -> bool:
    before = len(problems)
    key, fields = source.key, source.entry.fields
    marked: set[str] = set()

    def add(name: str, code: str, message: str) -> None:
        problems.append((*source.place(name), code, f"entry '{key}' {message}"))

    if not CITABLE_KEY.fullmatch(key):
        problems.append((source.line, source.col, "BIB007", f"key {_show(key)} cannot be written as [@key]"))
    for name, value in source.values:
        lower = name.lower()
        if lower in LINK_FIELDS or lower == "archiveurl":
            continue
        reason = markup_in(value)
        if reason:
            marked.add(lower)
            add(name, "BIB013", f"has {name} {_show(value)}, which holds {reason}")
        elif shown := _reads_as_a_citation(value):
            marked.add(lower)
            add(name, "BIB013", f"has {name} {_show(value)}, which readers read as {shown!r} once its LaTeX is "
                "decoded: a reference that shows a citation leads nowhere (write the text without it)")
        elif LATEX_COMMENT.search(value):
            marked.add(lower)
            add(name, "BIB018", f"has {name} {_show(value)}, where a '%' starts a LaTeX comment that hides "
                "the rest of the value from readers (write '\\%' for a per cent sign)")
        elif lower not in source.entry.persons and not _decodes(value):
            add(name, "BIB018", f"has {name} {_show(value)}, which pybtex cannot decode as LaTeX"
                + (" (it ends in '\\')" if value.endswith("\\") else ""))
    for role, persons in source.entry.persons.items():
        parts = [part for person in persons for part in person.first_names + person.middle_names
                 + person.prelast_names + person.last_names + person.lineage_names]
        bad = next((part for part in parts if not _decodes(part)), None)
        if bad is not None and role.lower() not in marked:
            add(role, "BIB018", f"has the name part {_show(bad)} in {role}, which pybtex cannot decode as LaTeX"
                + (" (it ends in '\\')" if bad.endswith("\\") else ""))
    url = fields.get("url", "")
    if url:
        reason = url_problem(url)
        if reason:
            add("url", "BIB004", f"has url {_show(url)}, which {reason}")
    archive_url = fields.get("archiveurl", "")
    if archive_url:
        reason = url_problem(archive_url)
        if reason:
            add("archiveurl", "BIB004", f"has archiveurl {_show(archive_url)}, which {reason}")
    doi = fields.get("doi", "")
    if doi and (not DOI.fullmatch(doi) or _invisible(doi) or character_reference(doi)):
        add("doi", "BIB005", f"has a malformed DOI {_show(doi)}")
    eprint = fields.get("eprint", "")
    archive = (fields.get("archiveprefix", "") or fields.get("eprinttype", "")).strip()
    if eprint and archive and archive.lower() != "arxiv":
        add("eprint", "BIB015", f"has an eprint from archive {_show(archive)}; the site links every "
            "eprint to arxiv.org")
    elif eprint and not ARXIV_ID.fullmatch(eprint):
        add("eprint", "BIB006", f"has a malformed arXiv identifier {_show(eprint)}")
    pubmed = fields.get("pubmed", "")
    if pubmed and not PUBMED_ID.fullmatch(pubmed):
        add("pubmed", "BIB014", f"has pubmed {_show(pubmed)}, which is not a PubMed number")
    return len(problems) > before


# Why `url` may not become a link target, or "" when it may: http(s) with a host, nothing that
# ends a Markdown link or starts markup, no whitespace or control character.
def url_problem(url: str) -> str:
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError as error:
        return f"is not a well-formed address ({error})"
    if parts.scheme.lower() not in ("http", "https"):
        return "is not an http(s) address"
    if not host:
        return "names no host"
    for char in url:
        if char in URL_FORBIDDEN:
            return f"holds {char!r} (it would end the link: percent-encode it as %{ord(char):02X})"
        if char.isspace() or unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp"):
            return f"holds the invisible character U+{ord(char):04X}"
    # "https://openai.com&#64;evil.example/" reads as openai.com here and to readers, and leads a
    # browser to evil.example.
    if reference := character_reference(url):
        return (f"holds the HTML character reference {reference!r}, which a browser decodes in the link's "
                "address, so the link leads elsewhere than its text reads (write the character itself, or "
                "percent-encode it)")
    if not entries.sanitizer_keeps(url):
        return "is no address a browser can open (a port above 65535, a host that is no name): the page " \
               "would show it without its link"
    return ""


# What in a field's value would be markup (or a script) in HTML that other tools write, or "".
def markup_in(value: str) -> str:
    if "<" in value:
        return "'<', which starts a tag in a web page (write 'less than')"
    if "](" in value:
        return "'](', the end of a Markdown link text"
    if ":" in value:  # a scheme, even with blanks or control characters between its letters
        compact = "".join(char for char in value if not char.isspace() and unicodedata.category(char) != "Cc")
        for scheme in ("javascript:", "vbscript:"):
            if scheme in compact.lower():
                return f"'{scheme}', the start of a script address"
    reference = character_reference(value)
    if reference:
        return f"the HTML character reference '{reference}' (write the character itself)"
    invisible = _invisible(value) if not value.isascii() or not value.isprintable() else ""
    if invisible:
        return f"the invisible character U+{ord(invisible):04X}"
    return ""


# The first HTML character reference in `value` that a page keeps as one ("&#64;", "&commat;"), or
# "": Python-Markdown writes a reference with its ";" (or a numeric one) as it is, and a browser
# decodes it, in a link's address too.
def character_reference(value: str) -> str:
    reference = CHARACTER_REFERENCE.search(value) if "&" in value else None
    if reference and (reference.group().endswith(";") or reference.group().startswith("&#")):
        return reference.group()
    return ""


# A citation or a footnote reference that a value shows readers once pybtex decodes its LaTeX
# ("{[}@key{]}" shows "[@key"), read as readers read text (rendered.read_as_shown), or "".
def _reads_as_a_citation(value: str) -> str:
    if value.isascii() and "@" not in value and "^" not in value:
        return ""
    found = rendered.SHOWN_CITATION.search(rendered.read_as_shown(_shown_text(value)))
    return found[0] if found else ""


# The first control or invisible formatting character of `value` (bidi overrides, zero widths), or "".
def _invisible(value: str) -> str:
    return next((char for char in value if char not in "\t\n"
                 and unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp")), "")


# Whether pybtex's LaTeX decoding (used for every field it formats as text) reads `value`.
def _decodes(value: str) -> bool:
    if PLAIN_LATEX.fullmatch(value):  # text the decoding returns unchanged
        return True
    try:
        Text.from_latex(value)
    except Exception:  # latexcodec's UnicodeDecodeError, pybtex's unbalanced braces
        return False
    return True


# The text a value shows readers once its LaTeX is decoded (braces, comments and spacing dropped).
def _shown_text(value: str) -> str:
    if PLAIN_LATEX.fullmatch(value) and "{" not in value:  # text the decoding returns unchanged
        return value.strip()
    try:
        return str(Text.from_latex(value)).strip()
    except Exception:  # undecodable: BIB018 says so
        return value.strip()


# A value quoted for a message: at most 60 characters, control characters shown as escapes.
def _show(value: str) -> str:
    shown = value if len(value) <= 60 else value[:57] + "..."
    shown = "".join(char if char.isprintable() else f"\\u{ord(char):04x}" for char in shown)
    return "'" + shown + "'"


# -----------------------------------------------------------------------------
# Checking
# -----------------------------------------------------------------------------


# Check every source for what a reader needs to find it.
def check(bibliography: Bibliography, report: Report) -> None:
    for source in bibliography.sources.values():
        check_source(source, report)


# One source: title, author, year and a link (what it may not hold was checked while reading).
def check_source(source: Source, report: Report) -> None:
    entry, add = source.entry, report.add
    where = (source.path, source.line, source.col)
    for name in ("title", "year"):
        if not entry.fields.get(name, "").strip():
            add(*where, "BIB003", f"entry '{source.key}' has no {name}")
        elif not _shown_text(entry.fields[name]):
            add(source.path, *source.place(name), "BIB003",
                f"entry '{source.key}' has a {name} that shows nothing ({_show(entry.fields[name])})")
    if not entry.persons.get("author"):
        add(*where, "BIB003",
            f"entry '{source.key}' has no author (an organisation is written author = {{{{Name}}}})")
    year = entry.fields.get("year", "").strip()
    if year and not FOUR_DIGIT_YEAR.fullmatch(year):
        add(source.path, *source.place("year"), "BIB010",
            f"entry '{source.key}' has year {_show(year)}, not a four-digit year")
    if not any(entry.fields.get(name, "").strip() for name in ("url", "doi", "eprint")):
        add(*where, "BIB003", f"entry '{source.key}' has none of url, doi, eprint")
    # The archived copy readers see beside the link (hooks/citelib/archive.py; CONTRIBUTING.md).
    archive_date = entry.fields.get("archivedate", "").strip()
    if archive_date and not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", archive_date):
        add(source.path, *source.place("archivedate"), "BIB003",
            f"entry '{source.key}' has archivedate {_show(archive_date)}, not a date like 2024-05-01")


# An entry that pybtex's plain style cannot format: a field its type needs is missing.
def report_unformattable(source: Source, error: Exception, report: Report) -> None:
    report.add(source.path, source.line, source.col, "BIB003",
               f"entry '{source.key}' (@{source.entry.type}) cannot be formatted: {error}")


# Format every source with pybtex's plain style, as the build would (for checks without a build).
def check_formatting(bibliography: Bibliography, report: Report) -> None:
    if not bibliography.sources:
        return
    style = _plain_style()
    for source in bibliography.sources.values():
        try:
            style.format_entry("", source.entry)
        except Exception as error:  # pybtex's FieldIsMissing and kin
            report_unformattable(source, error, report)


# pybtex's plain style, built once (building one looks its plugins up, about 30 ms).
@functools.cache
def _plain_style() -> PlainStyle:
    return PlainStyle()


# Sources no page cites, unless allow-listed with a reason; `lines` holds the line of each
# allow-list key in the config file `shown`.
def check_orphans(bibliography: Bibliography, cited: set[str], allowed: dict, lines: dict[str, int],
                  shown: str, report: Report) -> None:
    for key, reason in allowed.items():
        if key not in bibliography or not isinstance(reason, str) or not reason.strip():
            report.add(shown, lines.get(str(key), 1), 1, "BIB009",
                       f"uncited_sources lists '{key}' "
                       + ("with no reason" if key in bibliography else "which is not in bib/"))
    for key, source in bibliography.sources.items():
        if key not in cited and key not in allowed:
            report.add(source.path, source.line, source.col, "BIB008", f"no page cites '{key}'")
