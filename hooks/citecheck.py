"""Check pages and .bib files without building the site (for pre-commit and editors).

Usage: python hooks/citecheck.py [FILE ...]
With no FILE, every page and .bib file is checked. Exits 1 when it finds a problem.
The rendered-HTML checks (HTMxxx) need a real build: run `make build` for those.
"""

from __future__ import annotations

import sys
from pathlib import Path

from mkdocs.utils import meta
from mkdocs.utils.yaml import yaml_load

from citelib import bib as bibfiles
from citelib.diagnostics import Report
from citelib.pagecheck import ContentRules, check_page, front_matter_lines
from citelib.scan import MarkdownSettings

# -----------------------------------------------------------------------------
# Settings
# -----------------------------------------------------------------------------


# The bits of mkdocs.yml the checks need: docs folder, bib folder, content rules, allow-list,
# and the Markdown extensions that decide what is code.
def read_settings(config_file: Path) -> dict:
    with open(config_file, encoding="utf-8") as handle:
        config = yaml_load(handle) or {}
    bib_dir = "bib"
    for plugin in config.get("plugins", []):
        if isinstance(plugin, dict) and "bibtex" in plugin:
            bib_dir = (plugin["bibtex"] or {}).get("bib_dir", bib_dir)
    citations = (config.get("extra") or {}).get("citations", {}) or {}
    return {
        "docs_dir": config.get("docs_dir", "docs"),
        "bib_dir": bib_dir,
        "rules": ContentRules(tuple(citations.get("content", ()))),
        "allowed": dict(citations.get("uncited_sources", {}) or {}),
        "markdown": MarkdownSettings.from_yaml(config.get("markdown_extensions", [])),
    }


# -----------------------------------------------------------------------------
# Checking
# -----------------------------------------------------------------------------


# Check the project at `root`; report page problems only for `only` when it is given.
def check_project(root: Path, only: set[Path] | None = None) -> Report:
    settings = read_settings(root / "mkdocs.yml")
    report = Report()
    bibliography = bibfiles.load(root / settings["bib_dir"], report, root)
    bibfiles.check(bibliography, report)
    bibfiles.check_formatting(bibliography, report)
    docs_dir = root / settings["docs_dir"]
    cited: set[str] = set()
    for path in sorted(docs_dir.rglob("*.md")):
        raw = path.read_text(encoding="utf-8-sig")
        markdown, _ = meta.get_data(raw)
        offset = front_matter_lines(raw, markdown)
        page_report = report if only is None or path.resolve() in only else Report()
        page = check_page(str(path.relative_to(root)), path.relative_to(docs_dir).as_posix(), markdown,
                          offset, bibliography, settings["rules"], page_report, settings["markdown"])
        cited |= {cite.key for citation in page.valid_citations for cite in citation.cites}
    bibfiles.check_orphans(bibliography, cited, settings["allowed"], root / "mkdocs.yml", "mkdocs.yml", report)
    return report


# Command line: print every problem, ruff-style; exit 1 if there are any.
def main(argv: list[str]) -> int:
    root = Path(__file__).resolve().parent.parent
    only = {Path(arg).resolve() for arg in argv if arg.endswith(".md")} or None
    if argv and only is None and not any(arg.endswith(".bib") for arg in argv):
        return 0
    report = check_project(root, only)
    if report:
        print(report.format())
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
