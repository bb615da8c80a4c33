"""Page dates (hooks/page_dates.py): the last change of each page, from git."""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

import page_dates
from sitebuild import build_site
from parsed import soup as parsed_soup

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
HISTORY = "https://github.com/alignment-basics/alignment-basics/commits/main/docs/"

# What a build needs, copied without .git to stand for a download of the sources.
PROJECT = ["docs", "bib", "hooks", "overrides", "mkdocs.yml"]


# The date git gives for the last commit touching one file, or "" if none.
def git_date(path: Path) -> str:
    result = subprocess.run(
        ["git", "log", "-1", "--format=%cs", "--", str(path.relative_to(ROOT))],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )
    return result.stdout.strip() if result.returncode == 0 else ""


# Committed pages (git knows them) and where each is built, "a/b.md" -> "a/b.html".
def committed_pages(site: Path) -> list[tuple[Path, Path]]:
    pages = []
    for source in sorted(DOCS.rglob("*.md")):
        rel = source.relative_to(DOCS)
        if rel.as_posix() == "404.md" or not git_date(source):
            continue
        built = site / rel.with_suffix(".html")
        if not built.is_file():
            built = site / rel.with_suffix("") / "index.html"
        pages.append((source, built))
    return pages


# The <aside> with the date and history link in a built page, or None.
def date_box(html_file: Path):
    soup = parsed_soup(html_file)
    return soup.select_one("article aside.md-source-file")


def test_committed_pages_show_their_git_date_and_history(built_site):
    pages = committed_pages(built_site)
    if not pages:
        pytest.skip("no committed pages (a checkout without git history)")
    for source, built in pages:
        box = date_box(built)
        assert box is not None, f"{built}: no date"
        time = box.find("time")
        assert time["datetime"] == git_date(source), built
        assert re.fullmatch(r"\d{1,2} [A-Z][a-z]+ \d{4}", time.get_text(strip=True))
        link = box.find("a")
        assert link["href"] == HISTORY + source.relative_to(DOCS).as_posix()


def test_404_page_has_no_date_and_is_not_in_nav(built_site):
    page = built_site / "404.html"
    assert page.is_file()
    assert date_box(page) is None
    soup = parsed_soup(page)
    assert "Page not found" in soup.select_one("article").get_text()
    nav_links = [a.get("href", "") for a in soup.select("nav.md-nav--primary a")]
    assert not any("404" in href for href in nav_links)
    # Served at any missing address: links resolve from the site's root.
    assert soup.select_one("head base")["href"] == "/alignment-basics/"
    assert '"base": "/alignment-basics/"' in page.read_text(encoding="utf-8")  # Material's scripts
    # With <base>, a "#..." link would lead to the home page: the 404 page has none.
    assert not [a["href"] for a in soup.select("a[href^='#']")]


def test_edit_and_view_buttons_point_to_the_repository(built_site):
    soup = parsed_soup(built_site / "index.html")
    hrefs = {a["href"] for a in soup.select("a.md-content__button")}
    assert "https://github.com/alignment-basics/alignment-basics/edit/main/docs/index.md" in hrefs
    assert "https://github.com/alignment-basics/alignment-basics/raw/main/docs/index.md" in hrefs
    # The repository link in the header asks api.github.com for nothing (overrides/partials/source.html).
    source = soup.select_one("a.md-source")
    assert source["href"] == "https://github.com/alignment-basics/alignment-basics"
    assert source.get("data-md-component") is None


def test_a_copy_without_git_builds_without_dates_or_warnings(tmp_path, caplog):
    project = tmp_path / "project"
    for name in PROJECT:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, project / name, ignore=shutil.ignore_patterns("__pycache__"))
        elif source.is_file():
            project.mkdir(exist_ok=True)
            shutil.copy2(source, project / name)
    assert not (project / ".git").exists()
    site = tmp_path / "site"
    with caplog.at_level(logging.WARNING):
        build_site(project / "mkdocs.yml", site)  # strict: a warning would fail the build
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    built = sorted(site.rglob("*.html"))
    assert len(built) > 3
    for page in built:
        assert date_box(page) is None, page


def test_no_git_program_means_no_dates(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # no git on the PATH
    assert page_dates._read_dates(str(DOCS)) == ({}, {})


def test_dates_are_read_in_one_pass_for_all_pages(monkeypatch):
    calls = []
    real_popen = subprocess.Popen

    def counting_popen(*args, **kwargs):
        calls.append(args[0])
        return real_popen(*args, **kwargs)

    monkeypatch.setattr(page_dates.subprocess, "Popen", counting_popen)
    dates, first = page_dates._read_dates(str(DOCS))
    assert len(calls) == 1
    assert set(first) == set(dates)
    for path, iso in dates.items():
        assert not re.fullmatch(r"\d{4}-\d{2}-\d{2}", path), path  # paths and dates are told apart
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", iso)
        assert first[path] <= iso, path  # published before (or when) last changed
    if git_date(DOCS / "index.md"):
        assert dates["index.md"] == git_date(DOCS / "index.md")
        assert first["index.md"] == git_first_date(DOCS / "index.md")


# `git log --name-status -M` output, newest commit first: the page was written as old/a.md, changed,
# then moved to a.md and changed again; b.md was added last.
MOVED_PAGE_LOG = (
    "\x002026-11-30\n\nM\ta.md\nA\tb.md\n"
    "\x002026-11-20\n\nR100\told/a.md\ta.md\n"
    "\x002026-11-10\n\nM\told/a.md\n"
    "\x002026-11-01\n\nA\told/a.md\n"
)


def test_first_publication_is_the_first_commit_even_across_a_move():
    last, first = page_dates._dates_from_log(MOVED_PAGE_LOG)
    assert last["a.md"] == "2026-11-30"
    assert first["a.md"] == "2026-11-01"  # written under its old name
    assert last["b.md"] == first["b.md"] == "2026-11-30"


# The date git gives for the first commit of one file (following renames), or "" if none.
def git_first_date(path: Path) -> str:
    result = subprocess.run(
        ["git", "log", "--follow", "--format=%cs", "--", str(path.relative_to(ROOT))],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )
    dates = result.stdout.split()
    return dates[-1] if result.returncode == 0 and dates else ""


def test_history_url_base_follows_edit_uri():
    base = page_dates._history_url_base
    repo = "https://github.com/o/r"
    assert base(repo, "edit/main/docs/") == repo + "/commits/main/docs/"
    assert base(repo + "/", "blob/dev/site/docs") == repo + "/commits/dev/site/docs/"
    assert base(None, "edit/main/docs/") is None
    assert base(repo, "") is None


def test_human_dates_are_english_whatever_the_locale():
    assert page_dates._human("2026-01-05") == "5 January 2026"
    assert page_dates._human("not a date") == "not a date"


# git answers while the other hooks set up; one that does not answer in time is stopped, and the site
# builds without dates rather than waiting.
def test_git_that_does_not_answer_in_time_is_stopped_and_gives_no_dates(monkeypatch):
    monkeypatch.setattr(page_dates, "GIT_TIMEOUT", 0.2)
    slow = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    started = time.monotonic()
    assert page_dates._dates_from_answer(page_dates._answer(slow, text=True)) == ({}, {})
    assert time.monotonic() - started < 10
    assert slow.poll() is not None  # stopped, not left running
