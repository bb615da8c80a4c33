"""What the current build has learned, shared by every hook (hooks load as separate modules)."""

from __future__ import annotations

from pathlib import Path

from citelib.bib import Bibliography
from citelib.diagnostics import Report
from citelib.pagecheck import ContentRules
from citelib.scan import Scan


# One build's bibliography, page scans and problems; reset at the start of every build.
class BuildState:
    def __init__(self) -> None:
        self.command = "build"
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


state = BuildState()
