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
    shutil.copytree(FIXTURES / "look-alikes", project, ignore=shutil.ignore_patterns(".cache"))
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


# A serve rebuild reads again only the rendered pages whose HTML changed, and writes the same site
# as a clean build of the edited tree.
def test_a_serve_rebuild_reads_only_changed_pages_and_matches_a_clean_build(tmp_path, monkeypatch):
    from citelib import rendered
    from citelib.state import readings

    project = tmp_path / "project"
    shutil.copytree(FIXTURES / "look-alikes", project, ignore=shutil.ignore_patterns(".cache"))
    (project / "docs" / "claims" / "other.md").write_text("# Other\n\nAnother claim.[@clark2016faulty]\n",
                                                          encoding="utf-8")
    base = (FIXTURES / "base.yml").read_text(encoding="utf-8").replace("../../../hooks/", f"{ROOT / 'hooks'}/")
    (tmp_path / "base.yml").write_text(base, encoding="utf-8")
    reads = []
    original = rendered.read
    monkeypatch.setattr(rendered, "read", lambda html_text, *args: reads.append(html_text) or original(html_text, *args))
    readings.turn()
    readings.turn()  # nothing kept from other tests' builds
    build_site(project / "mkdocs.yml", tmp_path / "first", command="serve")
    first = len(reads)
    page = project / "docs" / "claims" / "page.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nEdited.[@clark2016faulty]\n", encoding="utf-8")
    build_site(project / "mkdocs.yml", tmp_path / "second", command="serve")
    assert first >= 2 and len(reads) == first + 1, "only the edited page is read again"
    readings.turn()
    readings.turn()  # a clean build: nothing kept
    build_site(project / "mkdocs.yml", tmp_path / "clean", command="serve")
    for name in ("claims/page/index.html", "claims/other/index.html"):
        assert (tmp_path / "second" / name).read_bytes() == (tmp_path / "clean" / name).read_bytes(), name
