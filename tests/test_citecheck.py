"""The checker as a command (tools/citecheck.py): paths, exit codes, summary and output formats."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import citecheck

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
SCRIPT = ROOT / "tools" / "citecheck.py"


# A copy of one fixture site (with the base.yml it inherits), to change without harm.
@pytest.fixture
def site(tmp_path, request) -> Path:
    case = getattr(request, "param", "many-problems")
    shutil.copy2(FIXTURES / "base.yml", tmp_path / "base.yml")
    shutil.copytree(FIXTURES / case, tmp_path / case)
    return tmp_path / case


# Run the checker in-process on `site`; returns (exit status, stdout, stderr).
def run(capsys, site: Path, *argv: str | Path) -> tuple[int, str, str]:
    status = citecheck.main([str(a) for a in argv], root=site)
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture(autouse=True)
def outside_actions(monkeypatch):
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)


# -----------------------------------------------------------------------------
# Paths
# -----------------------------------------------------------------------------


def test_help_describes_the_command_and_exits_0():
    result = subprocess.run([sys.executable, str(SCRIPT), "--help"], capture_output=True, text=True, check=False)
    assert result.returncode == 0
    assert "usage: citecheck" in result.stdout and "--format" in result.stdout


# README's command works with any python3: the script runs itself again with the project's .venv.
def test_a_python_without_mkdocs_runs_the_checker_with_the_venv():
    python = shutil.which("python3")
    if python is None or not (ROOT / ".venv" / "bin" / "python").is_file():
        pytest.skip("needs a python3 on PATH and the project's .venv")
    # -S: no site-packages, so this Python cannot import MkDocs whatever is installed.
    result = subprocess.run([python, "-S", str(SCRIPT), str(ROOT / "docs" / "index.md")],
                            capture_output=True, text=True, check=False, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().startswith("Checked 1 of ")


def test_a_missing_path_is_an_error_that_names_it(capsys, site):
    status, out, err = run(capsys, site, site / "docs" / "claims" / "frist.md")
    assert status == 2 and not out
    assert "frist.md: no such file or folder" in err


def test_a_file_that_is_neither_page_nor_bib_is_an_error(capsys, site):
    status, _, err = run(capsys, site, site / "mkdocs.yml")
    assert status == 2
    assert "mkdocs.yml: not a page (" in err and ".md" in err and ".bib" in err


def test_a_page_outside_the_docs_folder_is_an_error(capsys, site):
    (site / "notes.md").write_text("# Notes\n", encoding="utf-8")
    status, _, err = run(capsys, site, site / "notes.md")
    assert status == 2 and "not under docs/" in err


def test_an_upper_case_extension_is_an_error_with_the_new_name(capsys, site):
    page = site / "docs" / "claims" / "first.md"
    page.rename(page.with_suffix(".MD"))
    status, _, err = run(capsys, site, page.with_suffix(".MD"))
    assert status == 2 and "rename it to first.md" in err
    status, _, err = run(capsys, site, site / "docs")  # the same when the folder is walked
    assert status == 2 and "first.MD" in err


def test_a_folder_is_walked(capsys, site):
    status, out, _ = run(capsys, site, site / "docs")
    assert status == 1
    assert {line.split(":")[0] for line in out.splitlines() if ": " in line and line[0] != " "} >= {
        "docs/claims/first.md", "docs/claims/second.md"}
    assert out.splitlines()[-1] == "Checked 2 of 2 pages and 1 .bib file: 4 citation problems."


# Every extension MkDocs renders as a page is checked, like .md.
@pytest.mark.parametrize("extension", [".markdown", ".mdown", ".mkdn", ".mkd"])
def test_every_markdown_extension_mkdocs_builds_is_checked(capsys, site, extension):
    page = site / "docs" / "claims" / "first.md"
    renamed = page.rename(page.with_suffix(extension))
    status, out, _ = run(capsys, site, renamed)
    assert status == 1
    assert f"docs/claims/first{extension}:5:20: CIT001 unknown citation key 'nosuch'" in out
    # The whole project is read too: no page's problems are lost.
    status, out, _ = run(capsys, site)
    assert f"first{extension}:5:20: CIT001" in out


def test_success_is_one_line_summary(capsys):
    status, out, err = run(capsys, ROOT)
    pages = len(citecheck.page_paths(ROOT / "docs"))
    assert status == 0 and not err
    assert out == f"Checked {pages} pages and 1 .bib file: no citation problems.\n"


# -----------------------------------------------------------------------------
# Output formats
# -----------------------------------------------------------------------------


def test_json_lists_every_problem_with_its_place_and_fix(capsys, site):
    status, out, _ = run(capsys, site, "--format", "json", site / "docs")
    assert status == 1
    data = json.loads(out)
    unknown = next(p for p in data["problems"] if p["code"] == "CIT001")
    hint = unknown.pop("hint")
    assert unknown == {
        "path": "docs/claims/first.md", "line": 5, "col": 20, "code": "CIT001", "name": "unknown-key",
        "message": "unknown citation key 'nosuch'"}
    assert hint.startswith("Cite a key that exists in bib/")
    assert len(data["problems"]) == 4
    assert data["summary"].endswith("4 citation problems.")


# A planted error becomes a GitHub workflow command on its file, line and column.
def test_github_format_annotates_the_line_of_a_planted_error(capsys, site):
    status, out, _ = run(capsys, site, "--format", "github", site / "docs" / "claims" / "first.md")
    assert status == 1
    assert ("::error file=docs/claims/first.md,line=5,col=20,title=CIT001 unknown-key::"
            "unknown citation key 'nosuch'%0Ahint: Cite a key that exists in bib/") in out
    assert all(line.startswith("::error file=") for line in out.splitlines()[:-1])


def test_github_format_is_chosen_inside_github_actions(capsys, site, monkeypatch):
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    _, out, _ = run(capsys, site, site / "docs")
    assert out.startswith("::error file=")
    _, out, _ = run(capsys, site, "--format", "text", site / "docs")
    assert out.startswith("bib/sources.bib:8:1: BIB003")


def test_workflow_command_escapes_what_github_would_read_as_syntax():
    diagnostic = citecheck.Diagnostic("docs/a,b:c.md", 3, 4, "CIT002", "100% wrong\nsecond line")
    line = citecheck.github_annotation(diagnostic)
    assert line.startswith("::error file=docs/a%2Cb%3Ac.md,line=3,col=4,title=CIT002 malformed-citation::")
    assert "100%25 wrong%0Asecond line%0Ahint: " in line and "\n" not in line
