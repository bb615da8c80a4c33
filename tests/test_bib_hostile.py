"""Hostile and careless .bib files: each is read defensively, with a named problem at its place.

Every case is a bib/ folder (file name -> bytes or text) and the exact problems it must give, as
`path:line:col: CODE`, plus the keys that must come through (nothing lost) or be kept off the
pages (quarantined). The reader is pybtex's own scanner: the last tests prove that on valid input
our reading equals pybtex's `parse_string` exactly, and that random text or bytes never crash it.
"""

from __future__ import annotations

import os
from pathlib import Path

import mkdocs_bibtex.registry
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mkdocs.exceptions import Abort
from pybtex.backends.markdown import Backend as MarkdownBackend
from pybtex.database.input import BaseParser
from pybtex.database.input.bibtex import LowLevelParser, Parser
from pybtex.scanner import PybtexSyntaxError

from citelib import bib as bibfiles
from citelib import formatting
from citelib.diagnostics import KINDS, Report
from sitebuild import build_site

FIXTURES = Path(__file__).parent / "fixtures"
HOOKS = Path(__file__).resolve().parent.parent / "hooks"


# An entry that passes every check, with its key and fields to vary.
def entry(key: str = "good2020", kind: str = "misc", **fields: str) -> str:
    values = {"author": "{Doe, Jane}", "title": "{A title}", "year": "{2020}",
              "url": "{https://example.org/a}", **fields}
    body = ",\n".join(f"  {name} = {value}" for name, value in values.items() if value is not None)
    return f"@{kind}{{{key},\n{body}\n}}\n"


# Load `files` as a bib/ folder below tmp_path and check it as the build does.
def read(tmp_path: Path, files: dict[str, bytes | str]) -> tuple[set[str], bibfiles.Bibliography]:
    bib = tmp_path / "bib"
    bib.mkdir(exist_ok=True)
    for name, content in files.items():
        target = bib / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, tuple):  # ("symlink", target)
            target.symlink_to(content[1])
        else:
            target.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    report = Report()
    bibliography = bibfiles.load(bib, report, tmp_path)
    bibfiles.check(bibliography, report)
    return {f"{d.path}:{d.line}:{d.col}: {d.code}" for d in report.diagnostics}, bibliography


# (name, files, expected problems, keys that must load, keys that must be quarantined)
CASES = [
    # --- Encodings and line ends -------------------------------------------------------------
    ("byte-order mark keeps the first entry",
     {"a.bib": b"\xef\xbb\xbf" + entry("first").encode() + entry("second").encode()},
     set(), {"first", "second"}, set()),
    ("text before the first @ on the same line is a comment",
     {"a.bib": "Sources for the site. " + entry("first")},
     set(), {"first"}, set()),
    ("text between entries is a comment and swallows nothing",
     {"a.bib": entry("one") + "\nSome notes {with an open brace\n" + entry("two")},
     set(), {"one", "two"}, set()),
    ("CRLF line ends count lines as editors do",
     {"a.bib": entry("one").replace("\n", "\r\n") + entry("two", year="{17}").replace("\n", "\r\n")},
     {"bib/a.bib:10:3: BIB010"}, {"one", "two"}, set()),
    ("lone CR line ends count as line breaks too",
     {"a.bib": entry("one").replace("\n", "\r") + entry("two", year="{17}").replace("\n", "\r")},
     {"bib/a.bib:10:3: BIB010"}, {"one", "two"}, set()),
    ("a Latin-1 byte is reported at its line and character column",
     {"a.bib": entry("one").encode() + "% Müller, caf".encode() + b"\xe9\n" + entry("two").encode()},
     {"bib/a.bib:7:14: BIB011"}, {"one", "two"}, set()),
    ("a bad byte after CR line ends is placed on the line editors show",
     {"a.bib": entry("one").replace("\n", "\r").encode() + b"% caf\xe9\r" + entry("two").encode()},
     {"bib/a.bib:7:6: BIB011"}, {"one", "two"}, set()),
    ("an entry after an undefined macro keeps its own text",
     {"a.bib": entry("nomacro2", journal="nowhere") + entry("after2")},
     {"bib/a.bib:6:13: BIB012"}, {"after2"}, {"nomacro2"}),
    ("a UTF-16 file is reported at its first byte",
     {"a.bib": entry("one").encode("utf-16")},
     {"bib/a.bib:1:1: BIB011"}, set(), set()),
    ("a file that is a folder is reported, not a traceback",
     {"a.bib/x.bib": entry("inner")},
     {"bib/a.bib:1:1: BIB011"}, {"inner"}, set()),
    # --- Syntax, each error at its own place -----------------------------------------------------
    ("a missing comma is reported where parsing failed, the next entry still loads",
     {"a.bib": "@misc{nocomma,\n  author = {Doe, Jane},\n  title = {T}\n  year = {2020},\n"
               "  url = {https://example.org/n}\n}\n\n" + entry("after")},
     {"bib/a.bib:4:3: BIB001"}, {"after"}, {"nocomma"}),
    ("an unclosed value is reported at its opening brace, not at the end of the file",
     {"a.bib": entry("before") + "@misc{open,\n  title = {Never closed,\n  year = 2020\n"},
     {"bib/a.bib:8:11: BIB001"}, {"before"}, {"open"}),
    ("an unclosed brace does not swallow the entries below it",
     {"a.bib": "@misc{open,\n  title = {Never closed,\n  year = {2020}\n}\n\n" + entry("below")},
     {"bib/a.bib:1:1: BIB001"}, {"below"}, {"open"}),
    ("an entry without its closing brace is reported at its own line",
     {"a.bib": "@misc{unclosed,\n  title = {T},\n  year = {2020}\n\n" + entry("next")},
     {"bib/a.bib:1:1: BIB001"}, {"next"}, {"unclosed"}),
    ("an e-mail address in a comment is reported at its @, entries around it load",
     {"a.bib": entry("one") + "% Questions to editor@example.org please\n" + entry("two")},
     {"bib/a.bib:7:22: BIB001"}, {"one", "two"}, set()),
    ("an @ followed by a brace in a comment is an unknown entry type, reported at the @",
     {"a.bib": entry("one") + "% old {draft} by me@home {see below}\n" + entry("two")},
     {"bib/a.bib:7:20: BIB017"}, {"one", "two"}, set()),
    ("an entry type the style cannot format",
     {"a.bib": entry("web", kind="webpage")},
     {"bib/a.bib:1:1: BIB017"}, set(), {"web"}),
    ("a field given twice",
     {"a.bib": entry("twice", note="{a}").replace("  note", "  title = {Again},\n  note")},
     {"bib/a.bib:1:1: BIB001"}, set(), {"twice"}),
    ("a name with too many commas",
     {"a.bib": entry("names", author="{Doe, Jane, Jr, Extra}")},
     {"bib/a.bib:1:1: BIB001"}, set(), {"names"}),
    # --- @string macros, in file order ---------------------------------------------------------
    ("a macro defined above its use",
     {"a.bib": "@string{pub = {Publisher}}\n" + entry("uses", publisher="pub")},
     set(), {"uses"}, set()),
    ("a macro used above its definition names the line of the definition",
     {"a.bib": entry("early", publisher="pub") + "@string{pub = {Publisher}}\n"},
     {"bib/a.bib:6:15: BIB012"}, set(), {"early"}),
    ("an undefined macro",
     {"a.bib": entry("nomacro", journal="nowhere")},
     {"bib/a.bib:6:13: BIB012"}, set(), {"nomacro"}),
    ("a broken @string is reported at its own line, not at the entries that use it",
     {"a.bib": '@string{pub "Publisher"}\n' + entry("user", publisher="pub") + entry("other")},
     {"bib/a.bib:1:13: BIB001"}, {"other"}, {"user"}),
    ("macros are case-insensitive and month names are predefined",
     {"a.bib": "@string{PUB = {P}}\n" + entry("months", publisher="pub", month="jan")},
     set(), {"months"}, set()),
    # --- Values that would reach a page as markup -----------------------------------------------
    ("a year in two digits gets its own code", {"a.bib": entry("short", year="{17}")},
     {"bib/a.bib:4:3: BIB010"}, {"short"}, set()),
    ("a title ending in a backslash", {"a.bib": entry("slash", title="{A title\\}")},
     {"bib/a.bib:3:3: BIB018"}, set(), {"slash"}),
    ("an author ending in a backslash", {"a.bib": entry("aslash", author="{Doe\\}")},
     {"bib/a.bib:2:3: BIB018"}, set(), {"aslash"}),
    ("a title with a script tag", {"a.bib": entry("tag", title="{<script>alert(1)</script>}")},
     {"bib/a.bib:3:3: BIB013"}, set(), {"tag"}),
    ("an author with HTML", {"a.bib": entry("bold", author="{<b>Doe</b>, Jane}")},
     {"bib/a.bib:2:3: BIB013"}, set(), {"bold"}),
    ("a note that ends a Markdown link", {"a.bib": entry("link", note="{x](javascript:alert(1))}")},
     {"bib/a.bib:6:3: BIB013"}, set(), {"link"}),
    ("a script address in howpublished, spaced out",
     {"a.bib": entry("spaced", howpublished="{java script:alert(1)}")},
     {"bib/a.bib:6:3: BIB013"}, set(), {"spaced"}),
    ("a character reference in a journal", {"a.bib": entry("ref", journal="{&#106;avascript}")},
     {"bib/a.bib:6:3: BIB013"}, set(), {"ref"}),
    ("a right-to-left override in a title", {"a.bib": entry("bidi", title="{Safe\u202etxt.exe}")},
     {"bib/a.bib:3:3: BIB013"}, set(), {"bidi"}),
    # A helper's title: readers saw "[@һubinger2019risks]" (a Cyrillic letter) in the reference.
    ("a title whose decoded LaTeX shows a citation",
     {"a.bib": entry("cites", title="{Looks cited {[}@\u04bbubinger2019risks{]} here}")},
     {"bib/a.bib:3:3: BIB013"}, set(), {"cites"}),
    ("a note that shows a footnote reference", {"a.bib": entry("fnref", note="{See [^1] below}")},
     {"bib/a.bib:6:3: BIB013"}, set(), {"fnref"}),
    ("an e-mail address and a power are no citation",
     {"a.bib": entry("mail", note="{Write to a@example.org about x^2}")}, set(), {"mail"}, set()),
    ("a key that would break out of an attribute", {"a.bib": entry('x"onmouseover=alert(1)')},
     {"bib/a.bib:1:1: BIB007"}, set(), {'x"onmouseover=alert(1)'}),
    # --- url -----------------------------------------------------------------------------------
    ("a javascript url", {"a.bib": entry("js", url="{javascript:alert(1)}")},
     {"bib/a.bib:5:3: BIB004"}, set(), {"js"}),
    ("a javascript url in upper case", {"a.bib": entry("jsup", url="{JAVASCRIPT:alert(1)}")},
     {"bib/a.bib:5:3: BIB004"}, set(), {"jsup"}),
    ("an https url in upper case is fine", {"a.bib": entry("upper", url="{HTTPS://Example.org/A}")},
     set(), {"upper"}, set()),
    ("a url holding a closing parenthesis and HTML",
     {"a.bib": entry("paren", url="{https://example.org/a)<img src=x onerror=alert(1)>}")},
     {"bib/a.bib:5:3: BIB004"}, set(), {"paren"}),
    ("a url with a quote", {"a.bib": entry("quote", url='{https://example.org/a"b}')},
     {"bib/a.bib:5:3: BIB004"}, set(), {"quote"}),
    ("a url with a backslash", {"a.bib": entry("bslash", url="{https://example.org/a\\b}")},
     {"bib/a.bib:5:3: BIB004"}, set(), {"bslash"}),
    ("a url with a space", {"a.bib": entry("space", url="{https://example.org/a b}")},
     {"bib/a.bib:5:3: BIB004"}, set(), {"space"}),
    ("a url with no host", {"a.bib": entry("nohost", url="{https:///path}")},
     {"bib/a.bib:5:3: BIB004"}, set(), {"nohost"}),
    ("a url with an invisible character", {"a.bib": entry("zw", url="{https://example.org/\u200b}")},
     {"bib/a.bib:5:3: BIB004"}, set(), {"zw"}),
    ("a data url", {"a.bib": entry("data", url="{data:text/html,hi}")},
     {"bib/a.bib:5:3: BIB004"}, set(), {"data"}),
    # The text reads openai.com; the browser decodes the reference and goes to evil.example.
    ("a url whose host hides behind a character reference",
     {"a.bib": entry("ref", url="{https://openai.com&#64;evil.example/index/}")},
     {"bib/a.bib:5:3: BIB004"}, set(), {"ref"}),
    ("a url with a named character reference", {"a.bib": entry("named", url="{https://a.org&commat;b.example/}")},
     {"bib/a.bib:5:3: BIB004"}, set(), {"named"}),
    ("a url with a query of several parameters is fine", {"a.bib": entry("query", url="{https://a.org/?x=1&y=2}")},
     set(), {"query"}, set()),
    ("an archived copy whose host hides behind a character reference",
     {"a.bib": entry("archref", archiveurl="{https://web.archive.org&#x40;evil.example/}")},
     {"bib/a.bib:6:3: BIB004"}, set(), {"archref"}),
    # --- doi, eprint, pubmed -------------------------------------------------------------------
    ("a DOI with a subdivided registrant code is fine",
     {"a.bib": entry("doiok", url=None, doi="{10.1000.10/abc-123}")}, set(), {"doiok"}, set()),
    ("a DOI that closes the link and adds HTML",
     {"a.bib": entry("doibad", url=None, doi="{10.1000/x)<svg onload=alert(1)>}")},
     {"bib/a.bib:5:3: BIB005"}, set(), {"doibad"}),
    ("a DOI that opens an HTML comment", {"a.bib": entry("doicomment", url=None, doi="{10.1000/<!--}")},
     {"bib/a.bib:5:3: BIB005"}, set(), {"doicomment"}),
    ("a DOI with a three-digit registrant", {"a.bib": entry("doishort", url=None, doi="{10.100/abc}")},
     {"bib/a.bib:5:3: BIB005"}, set(), {"doishort"}),
    ("a DOI whose shown suffix is not the one it links to",
     {"a.bib": entry("doiref", url=None, doi="{10.1000/a&#47;..&#47;b}")},
     {"bib/a.bib:5:3: BIB005"}, set(), {"doiref"}),
    ("a new-style arXiv id with a version",
     {"a.bib": entry("arxivnew", url=None, eprint="{2203.02155v3}", archivePrefix="{arXiv}")},
     set(), {"arxivnew"}, set()),
    ("an old-style arXiv id with a subject class",
     {"a.bib": entry("arxivold", url=None, eprint="{math.GT/0309136}")}, set(), {"arxivold"}, set()),
    ("an arXiv id with a payload",
     {"a.bib": entry("arxivbad", url=None, eprint="{1906.01820)<img src=x>}")},
     {"bib/a.bib:5:3: BIB006"}, set(), {"arxivbad"}),
    ("an arXiv id with month 13", {"a.bib": entry("arxiv13", url=None, eprint="{1913.01820}")},
     {"bib/a.bib:5:3: BIB006"}, set(), {"arxiv13"}),
    ("an eprint from another archive",
     {"a.bib": entry("ssrn", eprint="{3312874}", archivePrefix="{SSRN}")},
     {"bib/a.bib:6:3: BIB015"}, set(), {"ssrn"}),
    ("an eprint typed as another archive the biblatex way",
     {"a.bib": entry("hal", eprint="{hal-01234}", eprinttype="{hal}")},
     {"bib/a.bib:6:3: BIB015"}, set(), {"hal"}),
    ("a PubMed number", {"a.bib": entry("pmid", pubmed="{31477924}")}, set(), {"pmid"}, set()),
    ("a PubMed value with a payload", {"a.bib": entry("pmbad", pubmed="{1)<img src=x>}")},
     {"bib/a.bib:6:3: BIB014"}, set(), {"pmbad"}),
    ("a PubMed value in other digits", {"a.bib": entry("pmarabic", pubmed="{\u0661\u0662\u0663}")},
     {"bib/a.bib:6:3: BIB014"}, set(), {"pmarabic"}),
    # --- A second entry under a key already taken, which is itself quarantined ------------------
    # The good entry stays citable and the copy is a duplicate (before: no BIB002, and the broken
    # copy turned every citation of the key into literal text on every page).
    ("a hostile copy of a good entry's key, in a later file",
     {"a.bib": entry("shared"), "zz.bib": entry("shared", title="{<b>x</b>}")},
     {"bib/zz.bib:1:1: BIB002", "bib/zz.bib:3:3: BIB013"}, {"shared"}, set()),
    ("a broken copy of a good entry's key, in an earlier file",
     {"a.bib": entry("shared", url="{javascript:alert(1)}"), "b.bib": entry("shared")},
     {"bib/a.bib:1:1: BIB002", "bib/a.bib:5:3: BIB004"}, {"shared"}, set()),
    # --- A per cent sign: LaTeX reads the rest of the value as a comment -------------------------
    ("a per cent sign in a title", {"a.bib": entry("pc", title="{Over 90% of models fail}")},
     {"bib/a.bib:3:3: BIB018"}, set(), {"pc"}),
    ("a per cent sign in a note", {"a.bib": entry("pcnote", note="{Accuracy 95% on the test set}")},
     {"bib/a.bib:6:3: BIB018"}, set(), {"pcnote"}),
    ("an escaped per cent sign", {"a.bib": entry("pcok", title="{Over 90\\% of models fail}")},
     set(), {"pcok"}, set()),
    # Addresses the page's sanitizer drops: the reference showed the text with no link.
    ("a port above 65535", {"a.bib": entry("port", url="{https://x.example:99999/}")},
     {"bib/a.bib:5:3: BIB004"}, set(), {"port"}),
    ("a host that is no name", {"a.bib": entry("idn", url="{https://x%20y.example/}")},
     {"bib/a.bib:5:3: BIB004"}, set(), {"idn"}),
    ("a title that shows nothing", {"a.bib": entry("empty", title="{{}}")}, {"bib/a.bib:3:3: BIB003"}, {"empty"},
     set()),
    # --- Symbolic links ------------------------------------------------------------------------
    ("a symlinked .bib file is refused and not read",
     {"real.txt": entry("target"), "linked.bib": ("symlink", "real.txt")},
     {"bib/linked.bib:1:1: BIB016"}, set(), set()),
]


@pytest.mark.parametrize("name, files, expected, loaded, quarantined", CASES, ids=[c[0] for c in CASES])
def test_hostile_bib_gives_exactly_its_problems(tmp_path, name, files, expected, loaded, quarantined):
    found, bibliography = read(tmp_path, files)
    assert found == expected
    for source in bibliography.sources.values():  # the text the formatting cache is keyed by
        assert source.text.startswith("@") and source.text.rstrip().endswith(("}", ")")), source.text
    assert loaded <= set(bibliography.sources), "an entry was lost"
    assert quarantined <= bibliography.broken
    assert not loaded & bibliography.broken, "a good entry's key is taken for a broken one"
    rendered = {key for data in bibliography.files.values() for key in data.entries}
    assert not rendered & quarantined, "a quarantined entry reaches the plugin"
    assert rendered == set(bibliography.sources)


def test_the_corpus_covers_every_bib_code_but_the_page_level_ones():
    codes = {problem.split()[-1] for case in CASES for problem in case[2]}
    assert codes >= {code for code in KINDS if code.startswith("BIB")} - {"BIB002", "BIB003", "BIB008", "BIB009"}


def test_messages_name_the_fix(tmp_path):
    files = {"a.bib": entry("early", publisher="pub") + "@string{pub = {P}}\n"
             + "@misc{nocomma,\n  title = {T}\n  year = {2020}\n}\n"}
    report = Report()
    bibfiles.load(_write(tmp_path, files), report, tmp_path)
    messages = [d.message for d in report.diagnostics]
    assert messages == [
        "@string macro 'pub' is used before its definition at line 8 (BibTeX and pybtex read a file top "
        "to bottom: move the @string above its first use)",
        "entry 'nocomma': '}' expected, found 'year' (is a comma missing at the end of the field before it?)",
    ]


def test_a_two_digit_year_gets_a_hint_about_digits_not_a_missing_field(tmp_path):
    report = Report()
    bibfiles.check(bibfiles.load(_write(tmp_path, {"a.bib": entry("y", year="{17}")}), report, tmp_path), report)
    (problem,) = report.diagnostics
    assert problem.code == "BIB010" and "four digits (2017" in problem.kind.fix


def _write(tmp_path: Path, files: dict[str, str]) -> Path:
    bib = tmp_path / "bib"
    bib.mkdir(exist_ok=True)
    for name, content in files.items():
        (bib / name).write_text(content, encoding="utf-8")
    return bib


# -----------------------------------------------------------------------------
# Macros: every reader agrees
# -----------------------------------------------------------------------------


def test_a_macro_redefined_after_use_is_read_in_file_order_as_pybtex_reads_it(tmp_path):
    text = ("@string{pub = {First}}\n" + entry("before", publisher="pub")
            + "@string{pub = {Second}}\n" + entry("after", publisher="pub"))
    _, bibliography = read(tmp_path, {"a.bib": text})
    pybtex_reading = Parser().parse_string(text)
    for key in ("before", "after"):
        assert bibliography.sources[key].entry.fields["publisher"] == pybtex_reading.entries[key].fields["publisher"]
    assert bibliography.sources["before"].entry.fields["publisher"] == "First"
    assert bibliography.sources["after"].entry.fields["publisher"] == "Second"
    # The formatting cache tells the two apart by the macro values each entry saw.
    assert formatting.entry_key(bibliography.sources["before"]) != formatting.entry_key(
        bibliography.sources["after"]) or bibliography.sources["before"].text != bibliography.sources["after"].text
    assert "pub=First" in bibliography.sources["before"].macros
    assert "pub=Second" in bibliography.sources["after"].macros


# -----------------------------------------------------------------------------
# Our reading equals pybtex's
# -----------------------------------------------------------------------------


# Entries as comparable data: type, fields and persons, by key.
def as_data(entries) -> dict:
    return {key: (e.type, dict(e.fields.items()), {role: [str(p) for p in people] for role, people in e.persons.items()})
            for key, e in entries.items()}


def test_our_reading_of_the_real_bibliography_equals_pybtex_parse_file():
    bib = Path(__file__).resolve().parent.parent / "bib"
    for path in bib.rglob("*.bib"):
        ours = bibfiles.parse_bib(path.read_bytes(), path.name)
        assert ours.problems == [] and ours.quarantined == []
        theirs = Parser().parse_file(str(path))
        assert as_data({s.key: s.entry for s in ours.sources}) == as_data(theirs.entries)


SAFE_TEXT = st.text(alphabet="abcdefghij ABC0123,.;:-'", min_size=1, max_size=12).map(str.strip).filter(bool)
MACRO_NAMES = st.sampled_from(["pub", "jrn", "Pub", "org"])


# A valid .bib file: entries and @string macros (defined, redefined, used) with comments between.
@st.composite
def valid_bib(draw) -> str:
    parts, defined = [], set()
    for index in range(draw(st.integers(1, 6))):
        if draw(st.booleans()):
            name = draw(MACRO_NAMES)
            parts.append(f"@string{{{name} = {{{draw(SAFE_TEXT)}}}}}\n")
            defined.add(name.lower())
        value = draw(st.sampled_from(sorted(defined))) + ' # " x"' if defined and draw(st.booleans()) \
            else "{" + draw(SAFE_TEXT) + "}"
        opener, closer = draw(st.sampled_from([("{", "}"), ("(", ")")]))
        note = draw(st.sampled_from(["", "Notes between entries.\n", "% a comment\n", "\r\n"]))
        parts.append(f"{note}@misc{opener}k{index},\n  author = {{Doe, Jane}},\n  title = {{{draw(SAFE_TEXT)}}},\n"
                     f"  note = {value},\n  year = {{2020}},\n  url = {{https://example.org/{index}}}\n{closer}\n")
    return "".join(parts)


@settings(max_examples=150, derandomize=True, deadline=None)
@given(valid_bib())
def test_on_valid_files_our_reading_equals_pybtex_parse_string(text):
    ours = bibfiles.parse_bib(text.encode("utf-8"), "a.bib")
    assert ours.problems == []
    assert as_data({s.key: s.entry for s in ours.sources}) == as_data(Parser().parse_string(text).entries)


# The reader's own parse_string and skip_to (linear, not recursive) give pybtex's parts and errors.
@settings(max_examples=300, derandomize=True, deadline=None)
@given(st.integers(0, 105), st.text(alphabet='{}"ab @\n', max_size=60), st.booleans())
def test_the_reader_reads_a_value_exactly_as_pybtex_does(depth, text, quoted):
    text = "{" * depth + text + "}" * (depth // 2)  # up to and past pybtex's nesting limit

    def read_value(scanner):
        end = scanner.QUOTE if quoted else scanner.RBRACE
        try:
            return [part.value for part in scanner.parse_string(end)], scanner.pos, scanner.lineno
        except PybtexSyntaxError as error:
            return type(error), str(error), scanner.pos

    assert read_value(bibfiles._Reader(text, bibfiles._Lines(text))) == read_value(LowLevelParser(text))


# -----------------------------------------------------------------------------
# Never a crash
# -----------------------------------------------------------------------------

BIB_PIECES = st.sampled_from(["@misc{", "@string{", "@preamble{", "@comment{", "@article(", "@", "{", "}",
                              "(", ")", ",", "=", '"', "#", "\\", "\n", "\r\n", "\r", " ", "key", "title",
                              "author", "year", "url", "doi", "eprint", "pubmed", "jan", "and", "<", "](",
                              "\ufeff", "\x00", "\u202e", "é", "2020", "17", "https://x.org/", "10.1000/x",
                              "%", "$", "~", "{\\", "\\}", "Doe, Jane", "a, b, c, d"])


def _check_everything(raw: bytes) -> None:
    parsed = bibfiles.parse_bib(raw, "a.bib")
    for line, col, code, message in parsed.problems:
        assert code in KINDS and line >= 1 and col >= 1 and message
    bibliography = bibfiles.Bibliography()
    report = Report()
    for source in parsed.sources:
        bibfiles._add(source, bibliography, bibfiles.BibliographyData(), report)
    bibfiles.check(bibliography, report)
    bibfiles.check_formatting(bibliography, report)


@settings(max_examples=300, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(BIB_PIECES, st.text(max_size=4)), max_size=60).map("".join))
def test_random_bib_text_never_crashes_the_reader_or_the_checks(text):
    _check_everything(text.encode("utf-8", "surrogatepass"))


@settings(max_examples=200, derandomize=True, deadline=None)
@given(st.binary(max_size=200))
def test_random_bytes_never_crash_the_reader_or_the_checks(raw):
    _check_everything(raw)


# -----------------------------------------------------------------------------
# The plugin renders the parse the checks approved
# -----------------------------------------------------------------------------


# A tiny site below tmp_path: bib/ files as given, one page citing `keys`.
def site(tmp_path: Path, files: dict, keys: list[str], **bibtex) -> Path:
    project = tmp_path / "project"
    (project / "docs" / "claims").mkdir(parents=True)
    (project / "bib").mkdir()
    for name, content in files.items():
        target = project / name
        if isinstance(content, tuple):
            target.symlink_to(content[1])
        else:
            target.write_text(content, encoding="utf-8")
    base = yaml.safe_load((FIXTURES / "base.yml").read_text(encoding="utf-8"))
    base["hooks"] = [str(HOOKS / "citations.py")]
    base["plugins"][0]["bibtex"].update(bibtex)
    (project / "mkdocs.yml").write_text(yaml.safe_dump(base), encoding="utf-8")
    cites = "; ".join(f"@{key}" for key in keys)
    (project / "docs" / "claims" / "page.md").write_text(f"# Page\n\nA claim.[{cites}]\n", encoding="utf-8")
    return project / "mkdocs.yml"


def test_a_symlinked_bib_is_refused_and_the_plugin_never_parses_a_file_itself(tmp_path, monkeypatch):
    config = site(tmp_path, {"bib/good.bib": entry("good"), "outside.txt": entry("linked"),
                             "bib/linked.bib": ("symlink", "../outside.txt")}, ["good"])
    parses = []
    original = BaseParser.parse_file
    monkeypatch.setattr(BaseParser, "parse_file", lambda self, *a, **k: parses.append(a) or original(self, *a, **k))
    with pytest.raises(Abort) as abort:
        build_site(config, tmp_path / "site", strict=False)
    assert "bib/linked.bib:1:1: BIB016" in str(abort.value)
    assert parses == [], "the plugin parsed a .bib file itself"
    page = (tmp_path / "site" / "claims" / "page" / "index.html").read_text(encoding="utf-8")
    assert "A title" in page and "linked" not in page.split('class="footnote"')[-1]
    assert getattr(mkdocs_bibtex.registry.parse_file, "wrapped", None) is None, "our parse_file stayed installed"


def test_a_file_the_plugin_reads_but_the_checks_did_not_gives_plg001_and_renders_nothing(tmp_path):
    config = site(tmp_path, {"bib/good.bib": entry("good"), "other.bib": entry("other")}, ["good"],
                  bib_file="other.bib")
    with pytest.raises(Abort) as abort:
        build_site(config, tmp_path / "site", strict=False)
    assert "PLG001 mkdocs-bibtex reads other.bib, which the checks did not read" in str(abort.value)


def test_a_quarantined_entry_beside_a_good_one_leaves_the_good_marker_and_one_error(tmp_path):
    config = site(tmp_path, {"bib/a.bib": entry("good") + entry("bad", url="{javascript:alert(1)}")},
                  ["good", "bad"])
    with pytest.raises(Abort) as abort:
        build_site(config, tmp_path / "site", strict=False)
    problems = [line for line in str(abort.value).splitlines() if ": BIB" in line or ": HTM" in line
                or ": CIT" in line]
    assert problems == ["bib/a.bib:11:3: BIB004 entry 'bad' has url 'javascript:alert(1)', which is not an "
                        "http(s) address"]
    page = (tmp_path / "site" / "claims" / "page" / "index.html").read_text(encoding="utf-8")
    assert 'href="#fn:good"' in page and "javascript:" not in page


def test_file_id_keeps_a_symlinked_file_apart_from_its_target(tmp_path):
    (tmp_path / "real.bib").write_text("", encoding="utf-8")
    (tmp_path / "link.bib").symlink_to("real.bib")
    assert bibfiles.file_id(tmp_path / "link.bib") != bibfiles.file_id(tmp_path / "real.bib")
    assert bibfiles.file_id(str(tmp_path / "sub" / ".." / "real.bib")) == bibfiles.file_id(tmp_path / "real.bib")
    assert os.path.isabs(bibfiles.file_id("real.bib"))


def test_serve_keeps_serving_a_hostile_bib_folder(tmp_path, caplog):
    files = {"bib/latin.bib": "", "bib/values.bib": entry("good") + entry("slash", title="{Ends in\\}")
             + entry("early", publisher="pub") + "@string{pub = {P}}\n" + "@misc{open,\n  title = {x,\n"}
    config = site(tmp_path, files, ["good", "slash", "early", "open"])
    (config.parent / "bib" / "latin.bib").write_bytes(b"% caf\xe9\n" + entry("latin").encode())
    (config.parent / "docs" / "claims" / "more.md").write_text("# More\n\nYes.[@latin]\n", encoding="utf-8")
    build_site(config, tmp_path / "site", command="serve", strict=False)
    for code in ("BIB011", "BIB018", "BIB012", "BIB001"):
        assert code in caplog.text
    assert "Traceback" not in caplog.text
    assert 'href="#fn:good"' in (tmp_path / "site" / "claims" / "page" / "index.html").read_text(encoding="utf-8")
    assert 'href="#fn:latin"' in (tmp_path / "site" / "claims" / "more" / "index.html").read_text(encoding="utf-8")


# The pybtex internals the reader builds on; a new pybtex that changes them fails here first.
def test_the_pybtex_scanner_internals_the_reader_relies_on():
    import inspect

    for name in ("parse_bibliography", "parse_command", "parse_string_body", "parse_field", "parse_value_part",
                 "substitute_macro", "parse_string", "get_error_context_info"):
        assert callable(getattr(LowLevelParser, name)), name
    assert "self.command_start = self.pos - 1" in inspect.getsource(LowLevelParser.parse_bibliography)
    assert "self.handle_error(error)" in inspect.getsource(LowLevelParser.parse_command)
    assert list(inspect.signature(LowLevelParser.parse_string).parameters) == [
        "self", "string_end", "level", "max_level"]
    assert "yield from self.parse_string(self.RBRACE, level + 1)" in inspect.getsource(LowLevelParser.parse_string)


# -----------------------------------------------------------------------------
# What the checks approve renders as text and safe links only
# -----------------------------------------------------------------------------

# Characters that make markup in Markdown or HTML, whole payloads, and harmless text.
MARKUP_PIECES = st.sampled_from(["<", ">", "[", "]", "(", ")", "](", '"', "'", "`", "&", "#", ";", "&#106;",
                                 "javascript:", "JaVaScRiPt:", "data:", "\\", "\\(", "\\)", "*", "_", "!",
                                 "$", "~", "--", "|", ":", "/", "\u202e", "<img src=x onerror=alert(1)>",
                                 "<script>alert(1)</script>", "](javascript:alert(1))", ")<svg onload=alert(1)>",
                                 "x", "x", "a b", "1.", "2020"])
VALUES = st.lists(MARKUP_PIECES, max_size=6).map("".join)
SITE_EXTENSIONS = ["abbr", "admonition", "attr_list", "def_list", "footnotes", "md_in_html", "tables",
                   "pymdownx.details", "pymdownx.superfences"]
SAFE_TAGS = {"div", "hr", "ol", "li", "p", "a", "sup", "em", "strong", "code"}


@settings(max_examples=200, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(VALUES, VALUES, VALUES, VALUES, VALUES)
def test_what_the_checks_approve_reaches_the_page_as_text_and_safe_links(title, note, url, doi, pubmed):
    from html.parser import HTMLParser

    import markdown
    from mkdocs_bibtex.citation import Citation

    fields = {"title": "T" + title, "journal": "J", "note": note, "url": "https://example.org/" + url,
              "doi": "10.1000/x" + doi, "eprint": "1906.01820", "pubmed": "1" + pubmed}
    text = entry("probe", kind="article", **{k: "{" + v + "}" for k, v in fields.items()})
    parsed = bibfiles.parse_bib(text.encode("utf-8"), "a.bib")
    if not parsed.sources:
        return  # refused: nothing of it reaches a page
    source = parsed.sources[0]
    # The plugin's own formatter, over our reading of the entry (as the build hands it over).
    registry = mkdocs_bibtex.registry.SimpleRegistry.__new__(mkdocs_bibtex.registry.SimpleRegistry)
    registry.bib_data = bibfiles.BibliographyData(entries={"probe": source.entry})
    registry.style, registry.backend = bibfiles._plain_style(), MarkdownBackend()
    try:
        reference = registry.reference_text(Citation(key="probe"))
    except Exception:
        return  # unformattable: reported as BIB003 by the build, nothing rendered
    page = markdown.markdown(f"Claim.[^probe]\n\n[^probe]: {reference}\n", extensions=SITE_EXTENSIONS)

    class Collect(HTMLParser):
        def handle_starttag(self, tag, attrs):
            assert tag in SAFE_TAGS, (tag, page)
            for name, attribute in attrs:
                assert not name.startswith("on"), (name, page)
                if name in ("href", "src"):
                    assert attribute.startswith(("https://", "http://", "#fn")), (attribute, page)

    Collect().feed(page)
