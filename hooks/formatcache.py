"""Format each source once: in memory across `mkdocs serve` rebuilds, on disk across builds.

mkdocs-bibtex formats a reference with pybtex every time a page cites it (about 1 ms an entry,
more with LaTeX in it). citations.py wraps the registry's `reference_text` with `cached`, which
looks the formatted text up by the entry's own BibTeX (its text and its file's @string macros):

1. in FORMATTED, kept for the life of the process (so a serve rebuild formats only edits);
2. in .cache/citations/references.json (git-ignored), written after each build and keyed also
   by the versions of the formatter, so a new pybtex or plugin starts it afresh;
3. else the helper process (FormatAhead, below) has formatted it on the other core, in the order
   the pages cite their sources, while this process rendered the pages before;
4. else pybtex formats it here, through a fast path for LaTeX that needs no decoding (below).

Every path gives the same bytes as a cold build: tests/test_plugin_contract.py builds a fixture
cold, warm and unwrapped, and compares every page.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import select
import signal
import struct
import threading
from importlib import metadata
from pathlib import Path

from buildstate import FORMATTED

# Where formatted references are kept between builds, below the project root.
CACHE_FILE = Path(".cache") / "citations" / "references.json"

# Text that pybtex's LaTeX decoding (latexcodec "ulatex") returns unchanged: letters, digits and
# punctuation with no LaTeX meaning, single spaces, no "--", "''", ",,", "~", "%", "\\", "$", "`".
# Checked against latexcodec on 500,000 random strings (see tests/test_plugin_contract.py).
PLAIN_LATEX = re.compile(r"(?! )(?:[\w.:;()/?!{}+=*&#@|\"\[\]]|,(?!,)|-(?!-)|'(?!')| (?! ))*")


# The entry as the formatter sees it: its own text and the macros it was parsed with.
def entry_key(source) -> str:
    return hashlib.sha256((source.macros + "\0" + source.text).encode("utf-8")).hexdigest()


# What the formatted text depends on besides the entry: the code that formats it.
def formatter_version(registry) -> str:
    versions = []
    for name in ("mkdocs-bibtex", "pybtex", "latexcodec"):
        try:
            versions.append(f"{name}=={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name}==?")
    kind = type(registry)
    return ";".join(versions + [f"{kind.__module__}.{kind.__qualname__}",
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
# `ahead()` gives the build's FormatAhead helper, or None.
def cached(reference_text, sources, disk: DiskCache | None, on_error=None, ahead=lambda: None):
    def reference(citation):
        source = sources().get(citation.key)
        if source is None:
            return reference_text(citation)
        key = entry_key(source)
        text = FORMATTED.get(key)
        if text is None:
            text = disk.get(key) if disk is not None else None
            if text is None:
                helper = ahead()
                text = helper.take(key) if helper is not None else None
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
            return LaTeXParser(latex).parse()
        return original(cls, latex)

    from_latex.fast_path = True
    from_latex.original = original
    richtext.Text.from_latex = classmethod(from_latex)
    return True


# -----------------------------------------------------------------------------
# Formatting ahead, on the other core
# -----------------------------------------------------------------------------

# Fewest unformatted sources worth a helper process (about 0.4 ms each to format); the
# environment variable CITATIONS_FORMAT_AHEAD sets another number, or "off".
AHEAD_MINIMUM = 200
# Seconds to wait for the helper's next entry before giving up on it and formatting here.
AHEAD_PATIENCE = 60.0
# Each entry the helper sends: the lengths of its entry_key and text (NO_TEXT: it failed).
FRAME = struct.Struct("<II")
NO_TEXT = 0xFFFFFFFF


# How many sources to format make a helper process worth starting; None: never, in this build.
def ahead_minimum() -> int | None:
    setting = os.environ.get("CITATIONS_FORMAT_AHEAD", "").strip().lower()
    if setting in ("off", "no", "false", "0") or not helper_can_run():
        return None
    return int(setting) if setting.isdigit() else AHEAD_MINIMUM


# A helper needs fork(), a second core (with one, it would only take turns with the build), no
# other thread (fork() copies only the calling thread, so a lock another thread holds could never
# be released in the child; MkDocs builds in one thread, serve's server starts after), and
# SIGCHLD not ignored (else the system reaps the helper and its process id may be reused).
def helper_can_run() -> bool:
    if not hasattr(os, "fork") or signal.getsignal(signal.SIGCHLD) == signal.SIG_IGN:
        return False
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return cores > 1 and threading.active_count() == 1


# A forked copy of the build process that formats the sources the pages will cite, in the order
# they cite them, and sends each text back through a pipe. The build takes a text when a page
# first needs it, waiting if the helper is not there yet. Each source is formatted once, by the
# helper; one it could not format (or all, if it dies) is formatted by the build as before.
class FormatAhead:
    def __init__(self, jobs: list[tuple[str, str]], format_key) -> None:
        self.pending = {entry for _, entry in jobs}
        self.ready: dict[str, str | None] = {}
        self.buffer = bytearray()
        read_end, write_end = os.pipe()
        try:
            self.pid = os.fork()
        except OSError:
            os.close(read_end)
            os.close(write_end)
            raise
        if self.pid == 0:
            _format_for_parent(write_end, read_end, jobs, format_key)  # never returns
        os.close(write_end)
        self.fd: int | None = read_end
        self.finished = False

    # The text the helper formatted for entry `key`; None: format it here.
    def take(self, key: str) -> str | None:
        if key not in self.pending:
            return None
        while key not in self.ready and self._receive():
            pass
        self.pending.discard(key)
        return self.ready.pop(key, None)

    # Read what the helper has sent; False once it has finished, died or gone silent.
    def _receive(self) -> bool:
        if self.fd is None:
            return False
        poller = select.poll()
        poller.register(self.fd, select.POLLIN)
        readable = poller.poll(AHEAD_PATIENCE * 1000)
        chunk = os.read(self.fd, 1 << 16) if readable else b""
        if not chunk:
            self.finished = bool(readable)  # end of file: the helper has exited or is exiting
            self.close()
            return False
        self.buffer += chunk
        start = 0
        while len(self.buffer) - start >= FRAME.size:
            key_size, text_size = FRAME.unpack_from(self.buffer, start)
            text_start = start + FRAME.size + key_size
            end = text_start + (0 if text_size == NO_TEXT else text_size)
            if len(self.buffer) < end:
                break
            key = self.buffer[start + FRAME.size:text_start].decode("utf-8")
            self.ready[key] = None if text_size == NO_TEXT else self.buffer[text_start:end].decode("utf-8")
            start = end
        del self.buffer[:start]
        return True

    # Stop the helper (it may still be formatting sources no page cited) and reap it.
    def close(self) -> None:
        if self.fd is None:
            return
        os.close(self.fd)
        self.fd = None
        try:
            if not self.finished:
                os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        except (ProcessLookupError, ChildProcessError):  # reaped already, by someone else
            pass


# Notes whether anything was logged at WARNING or above while the helper formatted an entry.
class _WarningSeen(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.seen = False

    def emit(self, record) -> None:
        self.seen = True


# The helper's whole life: format each job, write it to the pipe, exit without cleaning up
# anything of the parent's (no atexit handlers, no buffered output flushed twice). An entry
# whose formatting logged a warning is sent back unformatted, so that the build formats it and
# logs the warning itself, where `--strict` counts it.
def _format_for_parent(fd: int, parent_end: int, jobs: list[tuple[str, str]], format_key) -> None:
    try:
        os.close(parent_end)
        warnings = _WarningSeen()
        for name in ("", "mkdocs"):  # MkDocs' own loggers do not propagate to the root
            logging.getLogger(name).addHandler(warnings)
        for citation_key, entry in jobs:
            warnings.seen = False
            try:
                text = format_key(citation_key).encode("utf-8")
            except Exception:
                text = None
            if warnings.seen:
                text = None
            key = entry.encode("utf-8")
            frame = FRAME.pack(len(key), NO_TEXT if text is None else len(text)) + key + (text or b"")
            view = memoryview(frame)
            while view:
                view = view[os.write(fd, view):]
    finally:
        os._exit(0)
