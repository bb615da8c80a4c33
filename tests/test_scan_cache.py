"""Each page is scanned once: a kept scan is the very scan the scanner gives, and a build reuses it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from citelib import scan as scanner
from citelib import scancache
from sitebuild import build_site

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
PAGES = sorted(FIXTURES.glob("*/docs/**/*.md")) + sorted((ROOT / "docs").rglob("*.md"))


# Every field survives the trip to JSON and back, on every page the suite knows.
@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_a_kept_scan_equals_a_fresh_one(page):
    text = page.read_bytes().decode("utf-8", errors="replace")
    fresh = scanner.scan(text)
    assert scancache.from_data(text, scancache.to_data(fresh)) == fresh


# The second build of the same pages asks the scanner for nothing: memory, then disk, serve it.
def test_a_second_build_scans_no_page_again(tmp_path, monkeypatch):
    project = tmp_path / "project"
    shutil.copytree(FIXTURES / "look-alikes", project)
    base = (FIXTURES / "base.yml").read_text(encoding="utf-8").replace("../../../hooks/", f"{ROOT / 'hooks'}/")
    (tmp_path / "base.yml").write_text(base, encoding="utf-8")
    calls = []
    original = scanner.scan
    monkeypatch.setattr(scanner, "scan", lambda *args: calls.append(args) or original(*args))
    scancache._MEMO.clear()
    build_site(project / "mkdocs.yml", tmp_path / "one")
    assert calls and (project / scancache.CACHE_FILE).exists()
    first = len(calls)
    build_site(project / "mkdocs.yml", tmp_path / "two")
    assert len(calls) == first  # from memory
    scancache._MEMO.clear()
    build_site(project / "mkdocs.yml", tmp_path / "three")
    assert len(calls) == first  # from disk
    assert (tmp_path / "one" / "claims" / "page" / "index.html").read_bytes() == \
        (tmp_path / "three" / "claims" / "page" / "index.html").read_bytes()
