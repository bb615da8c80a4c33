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
from citelib import settings
from citelib.pagecheck import check_page, decode_page, front_matter_lines

# -----------------------------------------------------------------------------
# Settings
# -----------------------------------------------------------------------------


# The bits of mkdocs.yml the checks need: docs folder, bib folder, and the citation settings
# (read by the same reader as the build, problems reported the same way).
def read_settings(config_file: Path, report: Report) -> dict:
    text = config_file.read_text(encoding="utf-8-sig")
    with open(config_file, encoding="utf-8-sig") as handle:  # a handle: INHERIT resolves beside it
        config = yaml_load(handle) or {}
    bib_dir = "bib"
    for plugin in config.get("plugins", []) if isinstance(config.get("plugins"), list) else []:
        if isinstance(plugin, dict) and isinstance(plugin.get("bibtex"), dict):
            bib_dir = plugin["bibtex"].get("bib_dir", bib_dir)
    found = settings.read(config.get("extra"), text,
                          lambda line, message: report.add(config_file.name, line, 1, "CFG001", message))
    return {"docs_dir": config.get("docs_dir", "docs"), "bib_dir": bib_dir, "settings": found}


# -----------------------------------------------------------------------------
# Checking
# -----------------------------------------------------------------------------


# Check the project at `root`; report page problems only for `only` when it is given.
def check_project(root: Path, only: set[Path] | None = None) -> Report:
    report = Report()
    read = read_settings(root / "mkdocs.yml", report)
    found = read["settings"]
    bibliography = bibfiles.load(root / read["bib_dir"], report, root)
    bibfiles.check(bibliography, report)
    bibfiles.check_formatting(bibliography, report)
    docs_dir = root / read["docs_dir"]
    cited: set[str] = set()
    for path in sorted(docs_dir.rglob("*.md")):
        raw, problem = decode_page(path.read_bytes())
        markdown, _ = meta.get_data(raw)
        offset = front_matter_lines(raw, markdown)
        page_report = report if only is None or path.resolve() in only else Report()
        if problem is not None:
            page_report.add(str(path.relative_to(root)), problem[0], problem[1], "PAG002", problem[2])
        page = check_page(str(path.relative_to(root)), path.relative_to(docs_dir).as_posix(), markdown,
                          offset, bibliography, found.content, page_report)
        cited |= {cite.key for citation in page.valid_citations for cite in citation.cites}
    bibfiles.check_orphans(bibliography, cited, found.uncited_sources, found.allow_list_lines, "mkdocs.yml", report)
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
