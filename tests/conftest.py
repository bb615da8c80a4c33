"""Shared fixtures: the real site, built once per test session, and one Chromium."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "hooks"))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "tools"))

from sitebuild import build_site  # noqa: E402


# The real site, built once in strict mode into a temporary folder.
@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    site_dir = tmp_path_factory.mktemp("site")
    build_site(ROOT / "mkdocs.yml", site_dir)
    return site_dir


# Every hostile case of test_hostile_rendered.py as a page of one site, built once per test process
# (its own tests and the browser's run over the same pages).
@pytest.fixture(scope="session")
def hostile_corpus(tmp_path_factory):
    from test_hostile_rendered import build_corpus

    return build_corpus(tmp_path_factory.mktemp("hostile-corpus"))


# Debian's Chromium, or another named by CHROMIUM, for the browser tests.
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")

# No sandbox (root, containers), and nothing that phones home by itself.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


# Chromium's path, or a skip (a failure on CI) saying how to install it.
def _chromium() -> str:
    if os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK):
        return CHROMIUM
    message = (
        f"Chromium not found at {CHROMIUM}: install it with `apt-get install chromium` "
        "(Debian), or set CHROMIUM to a Chromium or Chrome binary"
    )
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail(message + " (CI must run the browser tests)")
    pytest.skip(message)


# One Chromium for the whole session.
@pytest.fixture(scope="session")
def browser():
    path = _chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
