"""Format each source once: in memory across `mkdocs serve` rebuilds, on disk across builds.

mkdocs-bibtex formats a reference with pybtex every time a page cites it (about 1 ms an entry,
more with LaTeX in it). citations.py wraps the registry's `reference_text` with `cached`, which
looks the formatted text up by the entry's own BibTeX (its text and its file's @string macros):

1. in FORMATTED, kept for the life of the process (so a serve rebuild formats only edits);
2. in .cache/citations/references.json (git-ignored), written after each build and keyed also
   by the versions of the formatter, so a new pybtex or plugin starts it afresh;
3. else pybtex formats it here, through a fast path for LaTeX that needs no decoding and a
   faster rich-text constructor (both below).

Every path gives the same bytes as a cold build: tests/test_plugin_contract.py builds a fixture
cold, warm and unwrapped, and compares every page.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
from importlib import metadata
from pathlib import Path


# Formatted reference text by entry_key (the entry's BibTeX and its file's macros): an unchanged
# entry is formatted once per process, so a `mkdocs serve` rebuild formats only edits.
FORMATTED: dict[str, str] = {}

# Where formatted references are kept between builds, below the project root.
CACHE_FILE = Path(".cache") / "citations" / "references.json"

# Text that pybtex's LaTeX decoding (latexcodec "ulatex") returns unchanged: letters, digits and
# punctuation with no LaTeX meaning, single spaces, no "--", "''", ",,", "~", "%", "\\", "$", "`".
# Checked against latexcodec on 500,000 random strings (see tests/test_plugin_contract.py).
PLAIN_LATEX = re.compile(r"(?! )(?:[\w.:;()/?!{}+=*&#@|\"\[\]]|,(?!,)|-(?!-)|'(?!')| (?! ))*")


# The entry as the formatter sees it: its own text and the macros it was parsed with.
def entry_key(source) -> str:
    return hashlib.sha256((source.macros + "\0" + source.text).encode("utf-8")).hexdigest()


# What the formatted text depends on besides the entry: the code that formats it, and any
# `wording` our own wrappers add (a new wording starts the disk cache afresh).
def formatter_version(registry, *wording: str) -> str:
    versions = []
    for name in ("mkdocs-bibtex", "pybtex", "latexcodec"):
        try:
            versions.append(f"{name}=={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name}==?")
    kind = type(registry)
    return ";".join(versions + list(wording) + [f"{kind.__module__}.{kind.__qualname__}",
                                f"footnote_format={getattr(registry, 'footnote_format', '')}"])


# -----------------------------------------------------------------------------
# The cache
# -----------------------------------------------------------------------------


# Formatted texts of one build, by entry_key; read from and written to CACHE_FILE.
class DiskCache:
    def __init__(self, root: Path, version: str) -> None:
        self.path = Path(root) / CACHE_FILE
        self.version = version
        self.stored: dict[str, str] = {}
        self.used: dict[str, str] = {}
        self.changed = False
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        if isinstance(data, dict) and data.get("formatter") == version and isinstance(data.get("entries"), dict):
            self.stored = data["entries"]

    def get(self, key: str) -> str | None:
        text = self.stored.get(key)
        if text is not None:
            self.used[key] = text
        return text

    def put(self, key: str, text: str) -> None:
        self.used[key] = text
        self.changed = True

    # Write the entries this build used (stale ones drop out); best effort, never fatal.
    def save(self) -> None:
        if not self.changed and self.used.keys() == self.stored.keys():
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.path.with_suffix(f".{os.getpid()}.tmp")
            temporary.write_text(json.dumps({"formatter": self.version, "entries": self.used},
                                            ensure_ascii=False, sort_keys=True), encoding="utf-8")
            os.replace(temporary, self.path)
        except OSError:
            pass


# Memoise a registry's reference_text by the entry's BibTeX, in memory and in `disk` (or not).
# An entry pybtex cannot format goes to `on_error(source, error)`, and its key stands in for the
# text, so that one bad entry stops the build with a message instead of a traceback.
def cached(reference_text, sources, disk: DiskCache | None, on_error=None):
    def reference(citation):
        source = sources().get(citation.key)
        if source is None:
            return reference_text(citation)
        key = entry_key(source)
        text = FORMATTED.get(key)
        if text is None:
            text = disk.get(key) if disk is not None else None
            if text is None:
                try:
                    text = reference_text(citation)
                except Exception as error:  # pybtex's FieldIsMissing and kin
                    if on_error is None:
                        raise
                    on_error(source, error)
                    return citation.key
                if disk is not None:
                    disk.put(key, text)
            FORMATTED[key] = text
        elif disk is not None:
            disk.used[key] = text
        return text

    reference.is_cached = True
    reference.wrapped = reference_text
    return reference


# -----------------------------------------------------------------------------
# pybtex's plugin look-ups
# -----------------------------------------------------------------------------


# pybtex finds its parser, style and backends by reading every installed package's entry points
# on each look-up (about 7 ms each, six a build): remember for the process what each look-up found,
# as the installed packages do not change while it runs. A look-up that fails is not remembered.
def remember_plugin_lookups() -> bool:
    import pybtex.plugin

    current = getattr(pybtex.plugin, "_load_entry_point", None)
    if getattr(current, "remembered", False):
        return True
    if current is None:
        return False
    remembered = functools.cache(current)
    remembered.remembered = True
    pybtex.plugin._load_entry_point = remembered
    return True


# -----------------------------------------------------------------------------
# Fast path for plain LaTeX
# -----------------------------------------------------------------------------


# Skip pybtex's LaTeX decoding for text it would return unchanged (a third of formatting time).
def install_plain_latex_fast_path() -> bool:
    from pybtex import richtext
    from pybtex.markup import LaTeXParser

    current = richtext.Text.__dict__.get("from_latex")
    if getattr(getattr(current, "__func__", None), "fast_path", False):
        return True
    original = getattr(current, "__func__", None)
    if original is None:
        return False

    def from_latex(cls, latex):
        if isinstance(latex, str) and PLAIN_LATEX.fullmatch(latex):
            # Without braces, pybtex's LaTeX parser makes one plain string of the whole text.
            if "{" not in latex and "}" not in latex:
                return richtext.Text(latex)
            return LaTeXParser(latex).parse()
        return original(cls, latex)

    from_latex.fast_path = True
    from_latex.original = original
    richtext.Text.from_latex = classmethod(from_latex)
    return True


# -----------------------------------------------------------------------------
# Faster rich text
# -----------------------------------------------------------------------------


# pybtex builds every piece of a reference as rich text (about 80 Text objects an entry), and its
# constructor chains generators and groups parts with itertools.groupby: a quarter of formatting
# time. The same steps as plain loops, giving equal parts (tests/test_plugin_contract.py checks it
# against the original over random texts and over every entry of bib/, and runs pybtex's doctests).
def install_fast_rich_text() -> bool:
    from pybtex import richtext

    current = richtext.BaseMultipartText.__dict__["__init__"]
    if getattr(current, "fast_path", False):
        return True
    text_types = richtext.BaseText
    plain_string = richtext.String

    def __init__(self, *parts):
        unpacked = []
        for part in parts:
            if isinstance(part, str):
                if part:
                    unpacked.append(plain_string(part))
                continue
            if not isinstance(part, text_types):
                richtext.ensure_text(part)  # raises pybtex's own TypeError
            if part:
                unpacked.extend(part._unpack())
        self.parts = _merge_similar(unpacked) if len(unpacked) > 1 else unpacked
        self.length = sum([len(part) for part in self.parts])

    __init__.fast_path = True
    __init__.original = current
    richtext.BaseMultipartText.__init__ = __init__
    return True


# pybtex's BaseMultipartText._merge_similar as a loop: adjacent parts of the same type and
# parameters (two Strings, two <em> tags) become one part holding the children of both.
def _merge_similar(parts: list) -> list:
    merged, group, group_type = [], [], None
    for part in parts:
        part_type = part._typeinfo()
        if group and part_type != group_type:
            _close_group(merged, group, group_type)
            group = []
        group_type = part_type
        group.append(part)
    if group:
        _close_group(merged, group, group_type)
    return merged


# One run of similar parts, merged when there are several and their type can hold children.
def _close_group(merged: list, group: list, group_type: tuple) -> None:
    kind, info = group_type
    if kind and len(group) > 1:
        merged.append(kind(*info, *[child for text in group for child in text.parts]))
    else:
        merged.extend(group)
