"""Check pages and .bib files for citation problems without building the site.

Run it with `make check` (everything) or `make check FILES="docs/a.md bib/x.bib"`; both use the
project's .venv. The pre-commit hook runs it on the files a commit changes. Problems in the given
pages are reported, and every problem of bib/ and mkdocs.yml. The rendered-HTML checks (HTMxxx)
need a real build: run `make build` for those.

Exit status: 0 no problem, 1 problems found, 2 a path or option that cannot be checked.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The hooks' library (checks, diagnostics) lives beside the hooks; MkDocs puts that folder on
# sys.path for the hooks, this script does it by hand.
sys.path.insert(0, str(ROOT / "hooks"))

try:
    from mkdocs.exceptions import ConfigurationError
    from mkdocs.utils import markdown_extensions, meta
except ImportError:  # run by a Python without the project's dependencies
    VENV = ROOT / ".venv"
    if (VENV / "bin" / "python").is_file() and Path(sys.prefix).resolve() != VENV.resolve():
        os.execv(str(VENV / "bin" / "python"), [str(VENV / "bin" / "python"), __file__, *sys.argv[1:]])
    sys.exit("citecheck: MkDocs is not installed for this Python. Run `make check` "
             "(it sets up .venv/ from requirements.lock), or .venv/bin/python tools/citecheck.py.")

from citelib import bib as bibfiles  # noqa: E402
from citelib import configcheck, configyaml  # noqa: E402
from citelib import pagemeta  # noqa: E402
from citelib import redirects  # noqa: E402
from citelib import review  # noqa: E402
from citelib import settings as citation_settings  # noqa: E402
from citelib.diagnostics import Diagnostic, Report  # noqa: E402
from citelib.pagecheck import check_page, decode_page, front_matter_line, front_matter_lines  # noqa: E402
from citelib.scan import MarkdownSettings  # noqa: E402

# Extensions MkDocs renders as pages (mkdocs.utils.markdown_extensions). MkDocs compares them
# case-sensitively: "page.MD" is copied to the site as it is, never rendered or checked.
PAGE_EXTENSIONS = tuple(markdown_extensions)
BIB_EXTENSION = ".bib"
FORMATS = ("text", "json", "github")


class UsageError(Exception):
    """A path or option the checker cannot check; the message says why and what to do."""


# -----------------------------------------------------------------------------
# Settings
# -----------------------------------------------------------------------------


# The bits of mkdocs.yml the checks need: docs folder, bib folder, the citation settings (read
# by the same reader as the build, its problems added to `report`) and the Markdown extensions
# that decide what is code.
def read_settings(config_file: Path, report: Report | None = None) -> dict:
    report = report if report is not None else Report()
    text = config_file.read_text(encoding="utf-8-sig")
    try:
        with open(config_file, encoding="utf-8-sig") as handle:  # a handle: INHERIT resolves beside it
            config = configyaml.load(handle)
    except ConfigurationError:
        config = {}  # a tag that builds a Python object: CFG003 below names it
    bib_dir = "bib"
    for plugin in config.get("plugins", []) if isinstance(config.get("plugins"), list) else []:
        if isinstance(plugin, dict) and isinstance(plugin.get("bibtex"), dict):
            bib_dir = plugin["bibtex"].get("bib_dir", bib_dir)
    found = citation_settings.read(config.get("extra"), text,
                                   lambda line, message: report.add(config_file.name, line, 1, "CFG001", message))
    configcheck.check_file(config_file, lambda path, line, col, message: report.add(
        os.path.relpath(path, config_file.parent), line, col, "CFG003", message))
    extensions = config.get("markdown_extensions", [])
    table = redirects.read(config.get("extra"), text,
                           lambda line, message: report.add(config_file.name, line, 1, "CFG002", message))
    return {"docs_dir": config.get("docs_dir", "docs"), "bib_dir": bib_dir, "settings": found,
            "markdown": MarkdownSettings.from_yaml(extensions if isinstance(extensions, list) else []),
            "redirects": table, "use_directory_urls": config.get("use_directory_urls", True) is not False}


# Whether MkDocs builds `path` as a page.
def is_page(path: Path) -> bool:
    return path.name.endswith(PAGE_EXTENSIONS)


# Every page MkDocs would build from `docs_dir`, in a stable order.
def page_paths(docs_dir: Path) -> list[Path]:
    return sorted(p for p in docs_dir.rglob("*") if p.is_file() and is_page(p))


# -----------------------------------------------------------------------------
# Checking
# -----------------------------------------------------------------------------


# Check the project at `root`; report page problems only for `only` when it is given.
def check_project(root: Path, only: set[Path] | None = None) -> Report:
    return _check(root, only)[0]


# The report, and how many pages and .bib files were read.
def _check(root: Path, only: set[Path] | None = None) -> tuple[Report, int, int]:
    report = Report()
    settings = read_settings(root / "mkdocs.yml", report)
    found = settings["settings"]
    bib_dir = root / settings["bib_dir"]
    bibliography = bibfiles.load(bib_dir, report, root)
    bibfiles.check(bibliography, report)
    bibfiles.check_formatting(bibliography, report)
    docs_dir = root / settings["docs_dir"]
    cited: set[str] = set()
    pages = page_paths(docs_dir)
    for path in pages:
        raw, problem = decode_page(path.read_bytes())
        markdown, front_matter = meta.get_data(raw)
        offset = front_matter_lines(raw, markdown)
        page_report = report if only is None or path.resolve() in only else Report()
        if problem is not None:
            page_report.add(str(path.relative_to(root)), problem[0], problem[1], "PAG003", problem[2])
        page = check_page(str(path.relative_to(root)), path.relative_to(docs_dir).as_posix(), markdown,
                          offset, bibliography, found.content, page_report, settings["markdown"])
        _check_review(str(path.relative_to(root)), raw, front_matter, page_report)
        for key, message in pagemeta.unknown_front_matter(dict(front_matter)):
            page_report.add(str(path.relative_to(root)), front_matter_line(raw, key), 1, "PAG007", message)
        for key, message in pagemeta.non_text_theme_meta(dict(front_matter)):
            page_report.add(str(path.relative_to(root)), front_matter_line(raw, key), 1, "PAG006", message)
        cited |= {cite.key for citation in page.valid_citations for cite in citation.cites}
    bibfiles.check_orphans(bibliography, cited, found.uncited_sources, found.allow_list_lines, "mkdocs.yml", report)
    _check_redirects(settings, docs_dir, pages, report)
    return report, len(pages), len(bibfiles.bib_paths(bib_dir))


# The rows of extra.redirects against the files of docs/, as the build checks them (CFG002).
def _check_redirects(settings: dict, docs_dir: Path, pages: list[Path], report: Report) -> None:
    style = settings["use_directory_urls"]
    files = [p.relative_to(docs_dir).as_posix() for p in docs_dir.rglob("*") if p.is_file()]
    redirects.check(settings["redirects"], {src: redirects.dest_uri(src, style) for src in files},
                    {p.relative_to(docs_dir).as_posix() for p in pages}, style,
                    lambda line, message: report.add("mkdocs.yml", line, 1, "CFG002", message))
# A page's review front matter (reviewers, last_reviewed), each problem as PAG005 at its key's line.
def _check_review(shown: str, raw: str, front_matter: dict, report: Report) -> None:
    review.read_review(front_matter, lambda key, message: report.add(
        shown, front_matter_line(raw, key), 1, "PAG005", message))


# The pages named by `arguments` (files, or folders walked); raises UsageError for a path that
# does not exist, is outside the docs or bib folder, or is neither a page nor a .bib file.
def selected_pages(arguments: list[str], root: Path) -> set[Path]:
    settings = read_settings(root / "mkdocs.yml")
    docs_dir = (root / settings["docs_dir"]).resolve()
    bib_dir = (root / settings["bib_dir"]).resolve()
    known = ", ".join(PAGE_EXTENSIONS)
    pages: set[Path] = set()
    for argument in arguments:
        path = Path(argument).resolve()
        if not path.exists():
            raise UsageError(f"{argument}: no such file or folder")
        if path.is_dir():
            # A folder inside docs/ or bib/ is walked; a folder holding them (".") walks them.
            walked = [path] if path.is_relative_to(docs_dir) or path.is_relative_to(bib_dir) else [
                folder for folder in (docs_dir, bib_dir) if folder.is_relative_to(path)]
            if not walked:
                raise UsageError(f"{argument}: not a folder of pages or sources "
                                 f"(pages are in {settings['docs_dir']}/, sources in {settings['bib_dir']}/)")
            inside = sorted(p for folder in walked for p in folder.rglob("*") if p.is_file())
            _refuse_upper_case(inside, known)
            pages |= {p for p in inside if is_page(p) and p.is_relative_to(docs_dir)}
            continue
        _refuse_upper_case([path], known)
        if is_page(path):
            if not path.is_relative_to(docs_dir):
                raise UsageError(f"{argument}: not under {settings['docs_dir']}/, so MkDocs does not build it; "
                                 "move it there")
            pages.add(path)
        elif path.name.endswith(BIB_EXTENSION):
            if not path.is_relative_to(bib_dir):
                raise UsageError(f"{argument}: not under {settings['bib_dir']}/, so the build does not read it; "
                                 "move it there")
        else:
            raise UsageError(f"{argument}: not a page ({known}) or a {BIB_EXTENSION} file")
    return pages


# A page extension in other case ("x.MD") is not rendered by MkDocs: say so rather than skip it.
def _refuse_upper_case(paths: list[Path], known: str) -> None:
    for path in paths:
        lowered = path.name.lower()
        if not is_page(path) and lowered.endswith(PAGE_EXTENSIONS):
            fixed = path.name[: len(path.name) - len(path.suffix)] + path.suffix.lower()
            raise UsageError(f"{path}: MkDocs renders only lower-case {known} files as pages and would copy "
                             f"this one unrendered; rename it to {fixed}")
        if lowered.endswith(BIB_EXTENSION) and not path.name.endswith(BIB_EXTENSION):
            raise UsageError(f"{path}: the build reads only files ending in {BIB_EXTENSION}; rename it")


# -----------------------------------------------------------------------------
# Output formats
# -----------------------------------------------------------------------------


# Escape a workflow command's message (GitHub's rules: %, CR and LF).
def _github_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


# Escape a workflow command's property value (the message's rules, plus : and ,).
def _github_property(text: str) -> str:
    return _github_data(text).replace(":", "%3A").replace(",", "%2C")


# One problem as a GitHub Actions workflow command, shown on the file's line in a pull request.
def github_annotation(diagnostic: Diagnostic) -> str:
    title = f"{diagnostic.code} {diagnostic.kind.name}"
    return (f"::error file={_github_property(diagnostic.path)},line={diagnostic.line},"
            f"col={diagnostic.col},title={_github_property(title)}::"
            f"{_github_data(diagnostic.message + chr(10) + 'hint: ' + diagnostic.kind.fix)}")


# One problem as a JSON object.
def json_record(diagnostic: Diagnostic) -> dict:
    return {"path": diagnostic.path, "line": diagnostic.line, "col": diagnostic.col,
            "code": diagnostic.code, "name": diagnostic.kind.name,
            "message": diagnostic.message, "hint": diagnostic.kind.fix}


# The one-line summary: what was checked and how many problems were found.
def summary(report: Report, pages: int, bib_files: int, selected: int | None) -> str:
    checked = (f"{selected} of {pages} page{'s' * (pages != 1)}" if selected is not None
               else f"{pages} page{'s' * (pages != 1)}")
    found = len(report)
    result = f"{found} citation problem{'s' * (found != 1)}" if found else "no citation problems"
    return f"Checked {checked} and {bib_files} .bib file{'s' * (bib_files != 1)}: {result}."


# The whole output in one format.
def render(report: Report, output_format: str, line: str) -> str:
    if output_format == "json":
        return json.dumps({"problems": [json_record(d) for d in report.diagnostics], "summary": line},
                          indent=2, ensure_ascii=False)
    if output_format == "github":
        return "\n".join([github_annotation(d) for d in report.diagnostics] + [line])
    return "\n".join([d.format() for d in report.diagnostics] + [line])


# -----------------------------------------------------------------------------
# Command line
# -----------------------------------------------------------------------------


def parser() -> argparse.ArgumentParser:
    command = argparse.ArgumentParser(
        prog="citecheck",
        description="Check pages and .bib files for citation problems, without building the site.",
        epilog="With no PATH, every page and source is checked. Exit status: 0 no problem, "
               "1 problems found, 2 a path that cannot be checked. Codes and fixes: "
               "docs/contributing/citation-checks.md.")
    command.add_argument("paths", nargs="*", metavar="PATH",
                         help="a page, a .bib file, or a folder of them (walked)")
    command.add_argument("--format", choices=FORMATS, default=None,
                         help="text (path:line:col: CODE message), json, or github (workflow commands "
                              "that annotate the pull request); default github when GITHUB_ACTIONS=true, "
                              "else text")
    return command


# Check the paths on the command line and print every problem; exit 1 if there are any.
def main(argv: list[str], root: Path = ROOT) -> int:
    options = parser().parse_args(argv)
    output_format = options.format or ("github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text")
    try:
        only = selected_pages(options.paths, root) if options.paths else None
    except UsageError as error:
        print(f"citecheck: {error}", file=sys.stderr)
        return 2
    report, pages, bib_files = _check(root, only)
    print(render(report, output_format, summary(report, pages, bib_files, None if only is None else len(only))))
    return 1 if report else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
