"""The pull-request summary (tools/pr_summary.py), from two real builds: the base, and a planted
change that adds a source, a cited sentence and an uncited one."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import pr_summary
from freshclone import fresh_clone
from sitebuild import build_site

ROOT = Path(__file__).resolve().parent.parent

# Builds in fresh clones, through `make`: left out of `make test-quick`.
# One worker runs this file, so its module fixtures are built once, not once per worker.
pytestmark = [pytest.mark.clone, pytest.mark.xdist_group("pr-summary-sites")]
ARTIFACT = "https://github.com/someone/fork/actions/runs/1/artifacts/2"

PLANTED_SOURCE = """
% Planted by tests/test_pr_summary.py: no real source.
@misc{planted2026example,
  author = {Planted, Test},
  title  = {A planted source for the summary test},
  year   = {2026},
  url    = {https://example.org/planted}
}
"""
CITED = "A planted claim that the summary should count.[@planted2026example]"
UNCITED = "A planted sentence that carries no source at all."


# Base: the project as it is (its sources, and the session's build of it). Head: a fresh clone
# with the planted change, built.
@pytest.fixture(scope="module")
def builds(tmp_path_factory, built_site) -> tuple[Path, Path]:
    tmp = tmp_path_factory.mktemp("pr")
    base = tmp / "base"
    base.mkdir()
    (base / "bib").symlink_to(ROOT / "bib", target_is_directory=True)
    (base / "site").symlink_to(built_site, target_is_directory=True)
    head = fresh_clone(tmp / "head")
    with open(head / "bib" / "alignment.bib", "a", encoding="utf-8") as bib:
        bib.write(PLANTED_SOURCE)
    page = head / "docs" / "questions" / "rlhf.md"
    text = page.read_text(encoding="utf-8")
    marker = "\n## Related questions"
    assert marker in text
    page.write_text(text.replace(marker, f"\n{CITED} {UNCITED}\n{marker}", 1), encoding="utf-8")
    build_site(head / "mkdocs.yml", head / "site")
    return base, head


def test_summary_lists_the_planted_source_coverage_change_and_uncited_sentence(builds, tmp_path):
    base, head = builds
    output = tmp_path / "summary.md"
    assert pr_summary.main([str(base), str(head), "--artifact-url", ARTIFACT, "--output", str(output)]) == 0
    text = output.read_text(encoding="utf-8")
    sources = text.split("### Sources")[1].split("###")[0]
    assert sources.strip() == "- added `planted2026example`: A planted source for the summary test"
    coverage = text.split("### Claims coverage per page")[1].split("###")[0]
    rows = [line for line in coverage.splitlines() if line.startswith("| `")]
    assert len(rows) == 1 and rows[0].startswith("| `questions/rlhf.html` |")
    before, after, claims = (cell.strip() for cell in rows[0].split("|")[2:5])
    cited, total = map(int, before.split("(")[1].rstrip(")").split("/"))
    assert after.endswith(f"({cited + 1}/{total + 2})")  # two sentences more, one of them cited
    assert claims.split(" → ")[1] == str(int(claims.split(" → ")[0]) + 1)
    uncited = text.split("### Uncited sentences this pull request adds")[1].split("###")[0]
    assert f"- {UNCITED}" in uncited.splitlines()
    assert CITED.split("[")[0] not in uncited
    assert f"[site]({ARTIFACT})" in text


def test_an_unchanged_pull_request_says_so(builds):
    base, _ = builds
    text = pr_summary.summary(base, base)
    assert "No source added or removed." in text
    assert "No page's coverage changed." in text
    assert text.split("### Uncited sentences this pull request adds")[1].split("###")[0].strip() == "None."
    assert "under Artifacts" in text


def test_removed_sources_and_a_base_that_did_not_build():
    lines = pr_summary.sources_section({"a2020x": "Old", "b2021y": "Kept"}, {"b2021y": "Kept"})
    assert "- removed `a2020x`: Old" in lines
    assert "The base branch was not built" in "\n".join(pr_summary.coverage_section(None, {"pages": []}))


# The workflow runs it as a script; it appends to the job summary file GitHub names.
def test_script_appends_to_the_github_step_summary(builds, tmp_path):
    base, head = builds
    summary_file = tmp_path / "step-summary.md"
    summary_file.write_text("earlier step\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "pr_summary.py"), str(base), str(head)],
        env={**os.environ, "GITHUB_STEP_SUMMARY": str(summary_file)}, capture_output=True, text=True,
        check=False)
    assert result.returncode == 0, result.stderr
    assert not result.stdout
    text = summary_file.read_text(encoding="utf-8")
    assert text.startswith("earlier step\n## Pull request summary") and "planted2026example" in text
