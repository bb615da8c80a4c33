"""What the current build has learned, shared by every hook (hooks load as separate modules)."""

from __future__ import annotations

from pathlib import Path

from bibfiles import Bibliography
from diagnostics import Report
from pages import ContentRules
from scan import Scan


# One build's bibliography, page scans and problems; reset at the start of every build.
class BuildState:
    def __init__(self) -> None:
        self.command = "build"
        # Whether this build moved its objects out of the collector's reach (gc.freeze).
        self.frozen = False
        self.reset()

    # Forget the previous build, but keep whether this is `mkdocs serve`.
    def reset(self) -> None:
        self.report = Report()
        self.bibliography = Bibliography()
        self.rules = ContentRules()
        self.allowed: dict[str, str] = {}
        self.root = Path.cwd()
        self.config_path = "mkdocs.yml"
        # Page src_uri -> its scan, in build order.
        self.scans: dict[str, Scan] = {}
        # Token -> the text it hides from mkdocs-bibtex until rendering.
        self.hidden: dict[str, str] = {}
        # mkdocs-bibtex's own commands (\bibliography ...), which it replaces wherever they stand.
        self.plugin_commands: list[str] = []
        # Formatted references kept on disk between builds (formatcache.DiskCache), once set up.
        self.disk_cache = None
        # Page src_uri -> its file's text, read early for the helper's hint, until the page is built.
        self.raw_sources: dict[str, str] = {}
        # The helper process formatting sources ahead of the pages (formatcache.FormatAhead), if any.
        self.ahead = None


state = BuildState()

# Formatted reference text by formatcache.entry_key (the entry's BibTeX and its file's macros):
# an unchanged entry is formatted once per process, so a `mkdocs serve` rebuild formats only edits.
FORMATTED: dict[str, str] = {}
