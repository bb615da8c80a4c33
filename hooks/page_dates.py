# Alignment Basics: each page shows when it last changed (from git) and links
# to its history. One `git log` pass per build reads the dates of all pages.
# Without git, or outside a git checkout, the site builds without dates and
# without a warning.

from __future__ import annotations

import logging
import os
import re
import subprocess
from datetime import date

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from citelib.state import state

# -----------------------------------------------------------------------------
# Globals
# -----------------------------------------------------------------------------

log = logging.getLogger("mkdocs.hooks.page_dates")

# Last change of each page, keyed by its path relative to docs_dir ("a/b.md").
_dates: dict[str, str] = {}

# Start of each page's history URL, or None when there is no repository URL.
_history_base: str | None = None

# English month names, whatever the machine's locale.
MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)

# Pages that get no date: the 404 page is served for every missing address.
SKIP = {"404.md"}

# -----------------------------------------------------------------------------
# Hooks
# -----------------------------------------------------------------------------


# Read the dates of all pages once, and where their history lives.
def on_config(config: MkDocsConfig) -> None:
    global _dates, _history_base
    # A new page git does not know yet is dated by its file, so it builds like the others.
    _dates = {**_untracked_dates(config.docs_dir), **_read_dates(config.docs_dir)}
    # What the serve preview keys each page by (hooks/preview.py); the citation hook made `state`.
    state.page_dates = dict(_dates)
    _history_base = _history_url_base(config.repo_url, config.edit_uri)


# Put the date (ISO, as Material's `revision_date`) and history link into page.meta.
def on_page_markdown(markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    src = page.file.src_uri
    if src in SKIP or src not in _dates:
        return markdown
    iso = _dates[src]
    page.meta["revision_date"] = iso
    page.meta["revision_date_text"] = _human(iso)
    if _history_base:
        page.meta["history_url"] = _history_base + src
    return markdown


# -----------------------------------------------------------------------------
# Helper functions
# -----------------------------------------------------------------------------


# Map each file under docs_dir to the date of the newest commit touching it.
def _read_dates(docs_dir: str) -> dict[str, str]:
    # --relative: paths relative to docs_dir, and only files under it.
    command = [
        "git", "-c", "core.quotePath=off", "-C", docs_dir,
        "log", "--relative", "--name-only", "--format=%x00%cs", "--", ".",
    ]
    try:
        result = subprocess.run(
            command, capture_output=True, text=True, encoding="utf-8", timeout=60, check=False
        )
    except (OSError, subprocess.SubprocessError):
        # No git on this machine: build without dates.
        return {}
    if result.returncode != 0:
        # Not a git checkout (or git refuses it): build without dates.
        log.debug("No page dates: %s", result.stderr.strip())
        return {}
    dates: dict[str, str] = {}
    current = ""
    for line in result.stdout.splitlines():
        if line.startswith("\x00"):
            current = line[1:]
        elif line and current:
            # Newest commit first, so the first date seen for a file is its last change.
            dates.setdefault(line, current)
    return dates


# Pages under docs_dir that git does not track yet (and does not ignore), each with the date
# of its file's last modification; {} without git.
def _untracked_dates(docs_dir: str) -> dict[str, str]:
    command = ["git", "-C", docs_dir, "ls-files", "--others", "--exclude-standard", "-z", "--", "."]
    try:
        result = subprocess.run(command, capture_output=True, timeout=60, check=False)
    except (OSError, subprocess.SubprocessError):
        return {}
    if result.returncode != 0:
        return {}
    dates: dict[str, str] = {}
    # -z: NUL-separated, unquoted paths relative to docs_dir.
    for name in result.stdout.decode("utf-8", "surrogateescape").split("\0"):
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
