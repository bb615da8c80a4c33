# Alignment Basics: each page shows when it last changed (from git) and links
# to its history. One `git log` pass per build reads the dates of all pages:
# the last change and the first publication (the page's first commit, across
# renames, so a page moved to a new address keeps its first date).
# Without git, or outside a git checkout, the site builds without dates and
# without a warning.

from __future__ import annotations

import logging
import os
import re
import subprocess
from datetime import date

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from citelib.state import state

# -----------------------------------------------------------------------------
# Globals
# -----------------------------------------------------------------------------

log = logging.getLogger("mkdocs.hooks.page_dates")

# Last change of each page, keyed by its path relative to docs_dir ("a/b.md").
_dates: dict[str, str] = {}

# First publication (first commit) of each page, keyed the same way.
_first: dict[str, str] = {}

# Start of each page's history URL, or None when there is no repository URL.
_history_base: str | None = None

# English month names, whatever the machine's locale.
MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)

# Pages that get no date: the 404 page is served for every missing address.
SKIP = {"404.md"}

# How long git may take to answer, in seconds.
GIT_TIMEOUT = 60

# git's two answers, asked in on_config and read in on_files: (untracked files, log), each None
# without git; and the docs_dir they were asked about.
_asked: tuple[subprocess.Popen | None, subprocess.Popen | None] = (None, None)
_docs_dir = ""

# -----------------------------------------------------------------------------
# Hooks
# -----------------------------------------------------------------------------


# Ask git for the dates of all pages once, first of all hooks: it answers while the others set up
# (on_files reads the answer). And where their history lives.
@event_priority(200)
def on_config(config: MkDocsConfig) -> None:
    global _asked, _docs_dir, _history_base
    _docs_dir = config.docs_dir
    _asked = (_ask_git(_untracked_command(_docs_dir)), _ask_git(_log_command(_docs_dir)))
    _history_base = _history_url_base(config.repo_url, config.edit_uri)


# Read git's answers. A new page git does not know yet is dated by its file (first and last), so it
# builds like the others.
def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    global _dates, _first
    untracked_git, log_git = _asked
    untracked = _untracked_dates(_docs_dir, _answer(untracked_git, text=False))
    last, first = _dates_from_answer(_answer(log_git, text=True))
    _dates = {**untracked, **last}
    _first = {**untracked, **first}
    # What the serve preview keys each page by (hooks/preview.py); the citation hook made `state`.
    state.page_dates = {page: f"{_dates.get(page, '')}|{_first.get(page, '')}" for page in {*_dates, *_first}}
    return files


# Put the date (ISO, as Material's `revision_date`) and history link into page.meta.
def on_page_markdown(markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    src = page.file.src_uri
    if src in SKIP or src not in _dates:
        return markdown
    iso = _dates[src]
    page.meta["revision_date"] = iso
    page.meta["revision_date_text"] = _human(iso)
    page.meta["first_published"] = _first.get(src, iso)
    if _history_base:
        page.meta["history_url"] = _history_base + src
    return markdown


# -----------------------------------------------------------------------------
# Helper functions
# -----------------------------------------------------------------------------


# Map each file under docs_dir to the dates of the newest and of the oldest commit touching it,
# as ({path: last}, {path: first}); ({}, {}) without git. A rename counts the history under the
# old name as the page's own.
def _read_dates(docs_dir: str) -> tuple[dict[str, str], dict[str, str]]:
    return _dates_from_answer(_answer(_ask_git(_log_command(docs_dir)), text=True))


# --relative: paths relative to docs_dir, and only files under it; -M: renames as "R<score>".
def _log_command(docs_dir: str) -> list[str]:
    return ["git", "-c", "core.quotePath=off", "-C", docs_dir,
            "log", "--relative", "-M", "--name-status", "--format=%x00%cs", "--", "."]


# Files under docs_dir that git does not track yet (and does not ignore), NUL-separated.
def _untracked_command(docs_dir: str) -> list[str]:
    return ["git", "-C", docs_dir, "ls-files", "--others", "--exclude-standard", "-z", "--", "."]


# Start git on a command; None without git on this machine.
def _ask_git(command: list[str]) -> subprocess.Popen | None:
    try:
        return subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    except OSError:
        return None


# What git wrote, as text or bytes; None when it failed (not a git checkout, or git refuses it).
def _answer(process: subprocess.Popen | None, text: bool) -> str | bytes | None:
    if process is None:
        return None
    try:
        out, err = process.communicate(timeout=GIT_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        return None
    if process.returncode != 0:
        log.debug("No page dates: %s", err.decode("utf-8", "replace").strip())
        return None
    return out.decode("utf-8", "replace") if text else out


# The dates of git's log, ({}, {}) without one.
def _dates_from_answer(answer: str | None) -> tuple[dict[str, str], dict[str, str]]:
    return _dates_from_log(answer) if answer is not None else ({}, {})


# The dates of `git log --name-status -M --format=%x00%cs`, newest commit first: the first date
# seen for a file is its last change, the last one seen its first commit. Going back in time, a
# rename "old -> new" means the file was called "old" before: its older lines count for "new".
def _dates_from_log(text: str) -> tuple[dict[str, str], dict[str, str]]:
    last: dict[str, str] = {}
    first: dict[str, str] = {}
    # Older name -> the name the file has today.
    today: dict[str, str] = {}
    current = ""
    for line in text.splitlines():
        if line.startswith("\x00"):
            current = line[1:]
            continue
        parts = line.split("\t")
        if not current or len(parts) < 2:
            continue
        name = today.get(parts[-1], parts[-1])
        last.setdefault(name, current)
        first[name] = current
        if parts[0].startswith("R") and len(parts) == 3:
            today[parts[1]] = name
    return last, first


# Pages under docs_dir that git does not track yet (and does not ignore), each with the date
# of its file's last modification, from git's NUL-separated list of them ({} without one).
def _untracked_dates(docs_dir: str, answer: bytes | None) -> dict[str, str]:
    dates: dict[str, str] = {}
    # -z: NUL-separated, unquoted paths relative to docs_dir.
    for name in (answer or b"").decode("utf-8", "surrogateescape").split("\0"):
        if name:
            try:
                dates[name] = date.fromtimestamp(os.path.getmtime(os.path.join(docs_dir, name))).isoformat()
            except OSError:
                continue
    return dates


# Turn "edit/main/docs/" into ".../commits/main/docs/"; None without a repository URL.
def _history_url_base(repo_url: str | None, edit_uri: str | None) -> str | None:
    if not repo_url or not edit_uri:
        return None
    match = re.match(r"^/?(?:edit|blob)/(.+?)/?$", edit_uri)
    if not match:
        return None
    return f"{repo_url.rstrip('/')}/commits/{match.group(1)}/"


# Format an ISO date for readers, e.g. "26 November 2026".
def _human(iso: str) -> str:
    try:
        day = date.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"
