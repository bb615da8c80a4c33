"""The built-site check (tools/check_site.py) holds any builder's output to the citation promise."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from sitebuild import build_site

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import check_site  # noqa: E402


# The project's sources (pages, bib, overrides, config) in a temporary folder, to build another way.
def project_copy(tmp_path: Path, drop_hooks: bool = False) -> Path:
    project = tmp_path / "project"
    for name in ("docs", "bib", "overrides", "hooks"):
        shutil.copytree(ROOT / name, project / name, ignore=shutil.ignore_patterns("__pycache__"))
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    if drop_hooks:
        text = re.sub(r"\nhooks:\n(?:  .*\n|\n)*?(?=\S)", "\n", text)
        assert "hooks/citations.py" not in text
    (project / "mkdocs.yml").write_text(text, encoding="utf-8")
    return project


def codes(report) -> set[str]:
    return {d.code for d in report.diagnostics}


def test_the_real_site_keeps_every_promise(built_site):
    report = check_site.check(built_site)
    assert not report, report.format()


# Built with the citation hooks taken out of mkdocs.yml, MkDocs still succeeds (not strict), but
# the site check fails: no claims ledger, so nobody checked the markers.
def test_a_build_without_the_hooks_fails_the_site_check(tmp_path):
    project = project_copy(tmp_path, drop_hooks=True)
    site = build_site(project / "mkdocs.yml", tmp_path / "site", strict=False)
    report = check_site.check(site, project)
    assert "SIT001" in codes(report), report.format()


# Zensical ignores `hooks:` and unknown plugins: it builds the site with raw [@key] on the pages.
def test_a_zensical_build_fails_the_site_check(tmp_path):
    zensical = Path(sys.executable).parent / "zensical"
    if not zensical.exists():
        pytest.skip("zensical is not installed in this environment")
    project = project_copy(tmp_path)
    result = subprocess.run([str(zensical), "build", "-f", "mkdocs.yml"], cwd=project, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    report = check_site.check(project / "site", project)
    literal = [d for d in report.diagnostics if d.code == "HTM001"]
    assert len(literal) > 20 and {"PAG001", "SIT001"} <= codes(report), report.format()
    assert any("rlhf.html" in d.path and "christiano2017deep" in d.message for d in literal)


# A hand-made site with one problem of each kind; each is found in the file that has it.
def test_planted_problems_are_found_in_the_page_that_has_them(tmp_path):
    project = tmp_path / "project"
    (project / "docs").mkdir(parents=True)
    (project / "bib").mkdir()
    (project / "bib" / "a.bib").write_text(
        "@misc{real2020,\n  author = {A. Author},\n  title = {T},\n  year = {2020},\n  url = {https://example.org}\n}\n")
    config = {"site_name": "x", "docs_dir": "docs", "plugins": [{"bibtex": {"bib_dir": "bib"}}],
              "extra": {"citations": {"content": ["claims/"]}}}
    (project / "mkdocs.yml").write_text(yaml.safe_dump(config))
    site = tmp_path / "site"
    (site / "claims").mkdir(parents=True)
    for name in ("literal", "unsafe", "dangling", "uncited", "fine"):
        (project / "docs" / "claims").mkdir(exist_ok=True)
        (project / "docs" / "claims" / f"{name}.md").write_text(f"# {name}\n")
    marker = '<sup id="fnref:real2020"><a class="footnote-ref" href="#fn:real2020">1</a></sup>'
    footnotes = '<div class="footnote"><ol><li id="fn:real2020"><p>A. Author. T.</p></li></ol></div>'
    pages = {
        "literal": f"<article><p>Said.{marker} Also [@real2020] and [^gone].</p>{footnotes}</article>",
        "unsafe": f"<article><p>Said.{marker} <A HREF=' &#106;avascript:x'>y</A><img src=x onerror=z></p>{footnotes}</article>",
        "dangling": f"<article><p>Said.{marker}<sup id=\"fnref:note\"><a class=\"footnote-ref\">2</a></sup></p>"
                    f'<div class="footnote"><ol><li id="fn:note"><p>An aside with no source.</p></li></ol></div></article>',
        "uncited": "<article><p>Said, with no source.</p></article>",
        "fine": f"<article><p>Said.{marker}</p>{footnotes}</article>",
    }
    for name, body in pages.items():
        (site / "claims" / f"{name}.html").write_text(f"<html><body>{body}</body></html>")
    claims = [{"page": f"claims/{name}.html", "anchor": "fnref:real2020", "sources": ["real2020"]}
              for name in pages if name != "uncited"]
    (site / "claims.json").write_text(json.dumps({"format": "alignment-basics/claims", "version": 1, "claims": claims}))
    found = {(Path(d.path).name, d.code) for d in check_site.check(site, project).diagnostics}
    assert found == {
        ("literal.html", "HTM001"),
        ("unsafe.html", "HTM003"), ("unsafe.html", "HTM006"),
        ("dangling.html", "HTM002"), ("uncited.html", "PAG001"),
        ("claims.json", "SIT001"),  # the aside's marker fnref:note is not in the ledger
    }


def test_the_command_prints_problems_and_exits_one(tmp_path):
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "check_site.py"), str(tmp_path / "nothing")],
                            capture_output=True, text=True)
    assert result.returncode == 1 and "SIT001" in result.stdout and "make build" in result.stdout
