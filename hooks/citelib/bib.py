"""Read the .bib files once, remember where each entry stands, and check what readers need."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from pybtex.database import BibliographyData, BibliographyDataError, Entry
from pybtex.database.input.bibtex import Parser
from pybtex.scanner import PybtexSyntaxError
from pybtex.style.formatting.plain import Style as PlainStyle

from citelib.diagnostics import Report

# -----------------------------------------------------------------------------
# Patterns
# -----------------------------------------------------------------------------

# An entry starts with @type{ or @type( at the start of a line.
ENTRY_START = re.compile(r"^[ \t]*@[ \t]*(?P<type>[A-Za-z]+)[ \t]*[{(][ \t]*(?P<key>[^,\s]*)", re.M)

# Entry types that hold no source: macros, preambles and comments.
NON_ENTRIES = {"string", "preamble", "comment"}

# What `[@key]` can carry (the citation syntax's own rule).
CITABLE_KEY = re.compile(r"[A-Za-z0-9_-]+")

URL = re.compile(r"https?://[^\s\"'<>]+")
DOI = re.compile(r"10\.\d{4,9}/\S+")
ARXIV_ID = re.compile(r"(\d{4}\.\d{4,5}|[a-z-]+(\.[A-Z]{2})?/\d{7})(v\d+)?")

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
    # The file's @string macros, which the entry was parsed with (part of what it formats to).
    macros: str = ""

    # Line of `name = ...` inside this entry, or the entry's own line.
    def field_line(self, name: str) -> int:
        match = re.search(rf"^[ \t]*{re.escape(name)}[ \t]*=", self.text, re.M | re.I)
        return self.line + self.text[: match.start()].count("\n") if match else self.line


# Every source of a bib folder, in file order; the first definition of a key wins.
@dataclass
class Bibliography:
    sources: dict[str, Source] = field(default_factory=dict)
    files: dict[str, BibliographyData] = field(default_factory=dict)
    # Keys of entries that did not parse (already reported as BIB001).
    broken: set[str] = field(default_factory=set)
    # Lower-case key -> key as written, to find a duplicate in one look-up.
    folded: dict[str, str] = field(default_factory=dict)

    def __contains__(self, key: str) -> bool:
        return key in self.sources

    @property
    def keys(self) -> list[str]:
        return list(self.sources)


# -----------------------------------------------------------------------------
# Reading
# -----------------------------------------------------------------------------


# All .bib files below `bib_dir`, in a stable order.
def bib_paths(bib_dir: Path) -> list[Path]:
    return sorted(Path(bib_dir).rglob("*.bib"))


# Parse every .bib file below `bib_dir` once; problems go to `report`.
def load(bib_dir: Path, report: Report, root: Path) -> Bibliography:
    bibliography = Bibliography()
    for path in bib_paths(bib_dir):
        shown = _shown_path(path, root)
        bibliography.files[str(path)] = _load_file(path, shown, bibliography, report)
    return bibliography


# Parse one file entry by entry, so that an error names its own line.
def _load_file(path: Path, shown: str, bibliography: Bibliography, report: Report) -> BibliographyData:
    text = path.read_text(encoding="utf-8")
    parsed = _PARSED.get(str(path))
    if parsed is None or parsed[:2] != (text, shown):
        parsed = _PARSED[str(path)] = (text, shown, _parse_entries(text, shown))
    data = BibliographyData()
    for item in parsed[2]:
        if isinstance(item, Source):
            _add(item, bibliography, data, report)
        else:
            report.add(*item)
            bibliography.broken.add(re.search(r"entry '([^']*)'", item[4])[1])
    return data


# Parsed files by path: (text, shown path, what parsing gave), kept for the life of the process,
# so that a `mkdocs serve` rebuild parses only the .bib files whose text changed.
_PARSED: dict[str, tuple[str, str, list]] = {}


# Each entry of a file's text as a Source, or the BIB001 problem that stops it, in file order.
def _parse_entries(text: str, shown: str) -> list:
    chunks = _chunks(text)
    macros = "".join(chunk for kind, _, _, chunk in chunks if kind in NON_ENTRIES)
    items: list = []
    for kind, key, line, chunk in chunks:
        if kind in NON_ENTRIES:
            continue
        try:
            parsed = Parser().parse_string(macros + chunk)
        except PybtexSyntaxError as error:
            last = line + chunk.rstrip().count("\n")
            reason = re.sub(r"^syntax error in line \d+: ", "", str(error))
            items.append((shown, line, 1, "BIB001", f"cannot parse entry '{key}' (lines {line}-{last}): {reason}"))
            continue
        except BibliographyDataError as error:
            items.append((shown, line, 1, "BIB001", f"cannot parse entry '{key}': {error}"))
            continue
        for parsed_key, entry in parsed.entries.items():
            items.append(Source(parsed_key, entry, shown, line, chunk, macros))
    return items


# Record a source unless its key is taken; a duplicate is reported at both places.
def _add(source: Source, bibliography: Bibliography, data: BibliographyData, report: Report) -> None:
    taken = bibliography.folded.get(source.key.lower())
    existing = bibliography.sources.get(taken) if taken is not None else None
    if existing is not None:
        report.add(source.path, source.line, 1, "BIB002",
                   f"key '{source.key}' is already defined at {existing.path}:{existing.line}")
        return
    bibliography.sources[source.key] = source
    bibliography.folded[source.key.lower()] = source.key
    data.entries[source.key] = source.entry


# Split a file into (type, key, line, text) chunks, one per @-block.
def _chunks(text: str) -> list[tuple[str, str, int, str]]:
    starts = list(ENTRY_START.finditer(text))
    chunks, line, counted = [], 1, 0
    for index, match in enumerate(starts):
        end = starts[index + 1].start() if index + 1 < len(starts) else len(text)
        # Count line breaks from the previous entry only, so the whole file is read once.
        line += text.count("\n", counted, match.start())
        counted = match.start()
        chunks.append((match["type"].lower(), match["key"], line, text[match.start():end]))
    return chunks


# A path as the contributor sees it: relative to the project when possible.
def _shown_path(path: Path, root: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


# -----------------------------------------------------------------------------
# Checking
# -----------------------------------------------------------------------------


# Check every source for what a reader needs to find it.
def check(bibliography: Bibliography, report: Report) -> None:
    for source in bibliography.sources.values():
        check_source(source, report)


# One source: a citable key, title, author, year, a link, and well-formed identifiers.
def check_source(source: Source, report: Report) -> None:
    entry, add = source.entry, report.add
    if not CITABLE_KEY.fullmatch(source.key):
        add(source.path, source.line, 1, "BIB007", f"key '{source.key}' cannot be written as [@key]")
    for name in ("title", "year"):
        if not entry.fields.get(name, "").strip():
            add(source.path, source.line, 1, "BIB003", f"entry '{source.key}' has no {name}")
    if not entry.persons.get("author"):
        add(source.path, source.line, 1, "BIB003",
            f"entry '{source.key}' has no author (an organisation is written author = {{{{Name}}}})")
    year = entry.fields.get("year", "").strip()
    if year and not re.fullmatch(r"\d{4}", year):
        add(source.path, source.field_line("year"), 1, "BIB003",
            f"entry '{source.key}' has year '{year}', not a four-digit year")
    links = {name: entry.fields.get(name, "").strip() for name in ("url", "doi", "eprint")}
    if not any(links.values()):
        add(source.path, source.line, 1, "BIB003", f"entry '{source.key}' has none of url, doi, eprint")
    if links["url"] and not URL.fullmatch(links["url"]):
        add(source.path, source.field_line("url"), 1, "BIB004",
            f"entry '{source.key}' has url '{links['url']}', which is not an http(s) address")
    # The archived copy readers see beside the link (hooks/citelib/archive.py; CONTRIBUTING.md).
    archive_url = entry.fields.get("archiveurl", "").strip()
    if archive_url and not URL.fullmatch(archive_url):
        add(source.path, source.field_line("archiveurl"), 1, "BIB004",
            f"entry '{source.key}' has archiveurl '{archive_url}', which is not an http(s) address")
    archive_date = entry.fields.get("archivedate", "").strip()
    if archive_date and not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", archive_date):
        add(source.path, source.field_line("archivedate"), 1, "BIB003",
            f"entry '{source.key}' has archivedate '{archive_date}', not a date like 2024-05-01")
    if links["doi"] and not DOI.fullmatch(links["doi"]):
        add(source.path, source.field_line("doi"), 1, "BIB005",
            f"entry '{source.key}' has a malformed DOI '{links['doi']}'")
    archive = entry.fields.get("archiveprefix", "arXiv").strip().lower()
    if links["eprint"] and archive == "arxiv" and not ARXIV_ID.fullmatch(links["eprint"]):
        add(source.path, source.field_line("eprint"), 1, "BIB006",
            f"entry '{source.key}' has a malformed arXiv identifier '{links['eprint']}'")


# An entry that pybtex's plain style cannot format: a field its type needs is missing.
def report_unformattable(source: Source, error: Exception, report: Report) -> None:
    report.add(source.path, source.line, 1, "BIB003",
               f"entry '{source.key}' (@{source.entry.type}) cannot be formatted: {error}")


# Format every source with pybtex's plain style, as the build would (for checks without a build).
def check_formatting(bibliography: Bibliography, report: Report) -> None:
    style = PlainStyle()
    for source in bibliography.sources.values():
        try:
            style.format_entry("", source.entry)
        except Exception as error:  # pybtex's FieldIsMissing and kin
            report_unformattable(source, error, report)


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
            report.add(source.path, source.line, 1, "BIB008", f"no page cites '{key}'")
