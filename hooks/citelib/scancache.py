"""Scan each page once: in memory across `mkdocs serve` rebuilds, on disk across builds.

The scan renders a page with Python-Markdown to learn what is code (scan.py), which costs about as
much as rendering it. Its result depends only on the page's text, the Markdown settings and the
scanner's own code, so it is kept by those: in the process, and in
.cache/citations/scans.json (git-ignored) beside the formatted references. A change to scan.py
starts the disk cache afresh.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from citelib import scan as scanner
from citelib.scan import Cite, Citation, FootnoteDef, MarkdownSettings, Scan

CACHE_FILE = Path(".cache") / "citations" / "scans.json"
# The scanner's code: a scan kept on disk is reused only by the same code.
VERSION = hashlib.sha256(Path(scanner.__file__).read_bytes()).hexdigest()[:16]

# Scans of this process by key (a serve rebuild rescans only edited pages).
_MEMO: dict[str, Scan] = {}


# Scans by page text and settings, from memory, then disk, then the scanner.
class ScanCache:
    def __init__(self, root: Path) -> None:
        self.path = Path(root) / CACHE_FILE
        self.stored: dict[str, dict] = {}
        self.used: dict[str, dict] = {}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        if isinstance(data, dict) and data.get("version") == VERSION and isinstance(data.get("scans"), dict):
            self.stored = data["scans"]

    # The scan of `text` rendered with `settings`.
    def scan(self, text: str, settings: MarkdownSettings | None = None) -> Scan:
        settings = settings or scanner.SITE_SETTINGS
        key = hashlib.sha256(f"{settings.cache_key!r}\0{text}".encode("utf-8")).hexdigest()
        found = _MEMO.get(key)
        if found is None:
            data = self.stored.get(key)
            found = from_data(text, data) if isinstance(data, dict) else scanner.scan(text, settings)
            _MEMO[key] = found
        self.used[key] = self.stored.get(key) or to_data(found)
        return found

    # Write the scans this build used (stale ones drop out); best effort, never fatal.
    def save(self) -> None:
        if self.used.keys() == self.stored.keys():
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.path.with_suffix(f".{os.getpid()}.tmp")
            temporary.write_text(json.dumps({"version": VERSION, "scans": self.used}), encoding="utf-8")
            os.replace(temporary, self.path)
        except OSError:
            pass


# A scan as JSON data (its text left out: the key already stands for it).
def to_data(page: Scan) -> dict:
    return {
        "code": page.code,
        "citations": [_citation(c) for c in page.citations],
        "text_brackets": page.text_brackets,
        "in_link_text": page.in_link_text,
        "escaped": page.escaped,
        "in_attributes": [_citation(c) for c in page.in_attributes],
        "footnote_refs": page.footnote_refs,
        "footnote_defs": [{"label": d.label, "start": d.start, "end": d.end,
                           "citations": [_citation(c) for c in d.citations]} for d in page.footnote_defs],
        "render_error": page.render_error,
    }


# The scan of `text` from its JSON data.
def from_data(text: str, data: dict) -> Scan:
    return Scan(
        text=text,
        code=[tuple(span) for span in data["code"]],
        citations=[_read_citation(c) for c in data["citations"]],
        text_brackets=[tuple(span) for span in data["text_brackets"]],
        in_link_text=[tuple(span) for span in data["in_link_text"]],
        escaped=[tuple(span) for span in data["escaped"]],
        in_attributes=[_read_citation(c) for c in data["in_attributes"]],
        footnote_refs=[tuple(ref) for ref in data["footnote_refs"]],
        footnote_defs=[FootnoteDef(d["label"], d["start"], d["end"], [_read_citation(c) for c in d["citations"]])
                       for d in data["footnote_defs"]],
        render_error=data["render_error"],
    )


def _citation(citation: Citation) -> dict:
    return {"start": citation.start, "end": citation.end, "error": citation.error,
            "cites": [[c.key, c.locator, c.offset] for c in citation.cites]}


def _read_citation(data: dict) -> Citation:
    return Citation(data["start"], data["end"], [Cite(*cite) for cite in data["cites"]], data["error"])
