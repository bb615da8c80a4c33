"""Check a built site, whichever builder made it: no literal citations, every marker resolving to a
source, nothing that runs a script, a claims ledger that matches the pages, and a working redirect
page at every old address of extra.redirects.

Usage: python tools/check_site.py [SITE_DIR]      (default: site; `make check-site`)
Reads mkdocs.yml beside this folder for docs_dir, the bib folder and extra.citations.
Prints every problem, ruff-style, and exits 1 when there is one; exits 2, saying where, when
mkdocs.yml cannot be read as MkDocs reads it.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "hooks"))

from citelib import around, bib, configcheck, configyaml, redirects, rendered, scan, settings, sitecheck  # noqa: E402
from citelib.diagnostics import Report  # noqa: E402
import yaml  # noqa: E402
from mkdocs.exceptions import ConfigurationError  # noqa: E402


# mkdocs.yml cannot be read as MkDocs reads it: nothing can be checked against it.
class UnreadableConfig(Exception):
    pass


# Check `site_dir` against the project at `root`; every problem goes to the returned report.
def check(site_dir: Path, root: Path = ROOT) -> Report:
    report = Report()
    config_file = root / "mkdocs.yml"
    try:
        config_text = configyaml.read_text(config_file)
    except OSError as error:
        raise UnreadableConfig(f"{_shown(config_file, root)}: cannot be read ({error.strerror or error})") from None
    except UnicodeDecodeError as error:
        line = error.object[:error.start].count(b"\n") + 1
        col = error.start - (error.object.rfind(b"\n", 0, error.start) + 1) + 1
        byte = error.object[error.start]
        raise UnreadableConfig(f"{_shown(config_file, root)}:{line}:{col}: byte 0x{byte:02x} is not "
                               "UTF-8: save the file as UTF-8 (MkDocs reads UTF-8, or UTF-16 after a byte order "
                               "mark), and build again") from None
    try:
        yaml.compose(config_text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        where = f":{mark.line + 1}:{mark.column + 1}" if mark is not None else ""
        if isinstance(error, yaml.reader.ReaderError):  # a character YAML does not allow, by its index
            line = config_text.count("\n", 0, error.position) + 1
            where = f":{line}:{error.position - (config_text.rfind(chr(10), 0, error.position) + 1) + 1}"
        problem = getattr(error, "problem", None) or getattr(error, "reason", None) or str(error)
        raise UnreadableConfig(f"{_shown(config_file, root)}{where}: not YAML ({' '.join(str(problem).split())}), "
                               "which MkDocs cannot build either: fix it, and build again") from None
    try:
        # From the file, so that MkDocs' loader follows INHERIT from the file's own folder.
        with open(config_file, "rb") as handle:
            config = configyaml.load(handle)
    except ConfigurationError as error:
        # A tag that builds a Python object: CFG003 below names it. Anything else (an INHERIT that
        # names no file, an inherited file that is not YAML) leaves no settings to check against.
        if not isinstance(error.__context__, yaml.constructor.ConstructorError):
            raise UnreadableConfig(f"{_shown(config_file, root)}: {' '.join(str(error).split())}") from None
        config = {}
    except OSError as error:  # INHERIT names a folder, or a file that cannot be read
        raise UnreadableConfig(f"{_shown(config_file, root)}: INHERIT names a file that cannot be read "
                               f"({error.strerror or error})") from None
    if not isinstance(config, dict):
        raise UnreadableConfig(f"{_shown(config_file, root)}:1:1: holds no mapping of settings; fix it, and build "
                               "again")
    bib_dir = "bib"
    for plugin in config.get("plugins") or []:
        if isinstance(plugin, dict) and isinstance(plugin.get("bibtex"), dict):
            bib_dir = plugin["bibtex"].get("bib_dir", bib_dir)
    found = settings.read(config.get("extra"), config_text,
                          lambda line, message: report.add("mkdocs.yml", line, 1, "CFG001", message))
    configcheck.check_file(config_file, lambda path, line, col, message: report.add(
        os.path.relpath(path, root), line, col, "CFG003", message))
    table = redirects.read(config.get("extra"), config_text,
                           lambda line, message: report.add("mkdocs.yml", line, 1, "CFG002", message))
    # Either URL style: the offline plugin turns directory URLs off without mkdocs.yml saying so.
    old_addresses = tuple(tuple(redirects.page_for(row, style, None).dest_uri for style in (False, True))
                          for row in table)
    bibliography = bib.load(root / bib_dir, Report(), root)
    if not site_dir.is_dir():
        report.add(str(site_dir), 1, 1, "SIT001", "no built site here: run `make build` first")
        return report
    sitecheck.check_site(site_dir, root / config.get("docs_dir", "docs"), bibliography.__contains__,
                         found.content, report, shown=lambda path: _shown(path, site_dir),
                         redirects=old_addresses, site_url=config.get("site_url") or around.SITE_ADDRESS,
                         link_texts=rendered.own_link_texts(
                             scan.MarkdownSettings.from_yaml(config.get("markdown_extensions")).configs))
    return report


# A path as the contributor sees it: relative to the current folder when possible. Links are not
# followed: a page that is a broken link is named, not where it points.
def _shown(path: Path, site_dir: Path) -> str:
    absolute, here = os.path.abspath(path), os.getcwd()
    return os.path.relpath(absolute, here) if absolute.startswith(here + os.sep) else str(path)


def main(argv: list[str]) -> int:
    if any(arg in ("-h", "--help") for arg in argv):
        print(__doc__.strip())
        return 0
    site_dir = Path(argv[0]) if argv else Path("site")
    try:
        report = check(site_dir, ROOT)
    except UnreadableConfig as error:
        print(error, file=sys.stderr)
        return 2
    if report:
        print(report.format())
        return 1
    print(f"{site_dir}: the built site keeps every citation promise.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
