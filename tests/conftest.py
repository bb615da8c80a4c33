"""Shared fixtures: the real site, built once per test session, and one Chromium."""

from __future__ import annotations

import fcntl
import gc
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "hooks"))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "tools"))

from sitebuild import build_site  # noqa: E402


# The real site, built once in strict mode into a temporary folder. Under pytest-xdist the first
# worker to ask builds it into the run's shared folder while the others wait (tests only read it).
@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    if "PYTEST_XDIST_WORKER" not in os.environ:
        return build_site(ROOT / "mkdocs.yml", tmp_path_factory.mktemp("site"))
    shared = tmp_path_factory.getbasetemp().parent
    with open(shared / "site.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        site_dir, done = shared / "site", shared / "site.built"
        if not done.exists():
            shutil.rmtree(site_dir, ignore_errors=True)  # a worker that failed half-way
            build_site(ROOT / "mkdocs.yml", site_dir)
            done.touch()
    return site_dir


# A fresh clone in which `make offline` ran as README gives it, and how it ran: the documented
# command's test holds it to a clean success, and the PDF tests read the PDF it printed. Its tests
# share the xdist group "pdf", so one worker makes it.
@pytest.fixture(scope="session")
def offline_clone(tmp_path_factory):
    from freshclone import fresh_clone
    from test_documented_commands import run

    clone = fresh_clone(tmp_path_factory.mktemp("offline") / "questions")
    return clone, run(clone, "make offline")


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


# The width of Material's full layout (sidebars and header search field: 76.25em).
VIEWPORT = {"width": 1280, "height": 900}

# An empty page of the file:// origin, where pages read from disk keep their stored data.
BLANK = "<!doctype html><title>blank</title>"


# One browser context for the test process, and the page the tests share in it.
@dataclass
class SharedPage:
    context: object
    blank: Path
    page: object = None

    # The shared page, or a new one if a test closed it.
    def get(self):
        if self.page is None or self.page.is_closed():
            self.page = self.context.new_page()
        return self.page


# Chromium spends about 0.95 CPU seconds on a new context with a page and its first load, and
# 0.35 on a load in an open page (measured with every Chromium process counted), so the tests
# share one page and `browser_page` resets it.
@pytest.fixture(scope="session")
def shared_page(browser, tmp_path_factory):
    blank = tmp_path_factory.mktemp("blank") / "blank.html"
    blank.write_text(BLANK, encoding="utf-8")
    shared = SharedPage(browser.new_context(viewport=VIEWPORT, color_scheme="light"), blank)
    yield shared
    shared.context.close()


# The shared page in the state a new page of a new context starts in: no routes, the desktop
# viewport, screen media in the light scheme, no stored data (file:// and web origins), no
# granted permissions; fails if anything stored is left. A test that adds a listener with
# page.on removes it (page.remove_listener); init scripts are not used, as a page cannot drop
# them (a script goes in after the load, with page.evaluate).
def reset_shared_page(shared: SharedPage):
    page, context = shared.get(), shared.context
    page.unroute_all(behavior="ignoreErrors")
    page.set_viewport_size(VIEWPORT)
    page.emulate_media(media="null", color_scheme="light")
    page.set_default_timeout(10_000)
    context.clear_permissions()
    context.clear_cookies()
    page.goto(shared.blank.as_uri())
    left = page.evaluate("() => { localStorage.clear(); sessionStorage.clear();"
                         " return localStorage.length + sessionStorage.length }")
    assert left == 0, "file:// storage left"
    stored = context.storage_state()
    if stored["origins"]:
        cdp = context.new_cdp_session(page)
        for origin in stored["origins"]:
            cdp.send("Storage.clearDataForOrigin", {"origin": origin["origin"], "storageTypes": "all"})
        cdp.detach()
        stored = context.storage_state()
    assert stored == {"cookies": [], "origins": []}, "web storage left"
    return page


# A browser tab for one test: the shared page, reset.
@pytest.fixture
def browser_page(shared_page):
    return reset_shared_page(shared_page)


# Python's exit clears every module and runs the cycle collector over the whole heap as it goes:
# in a pytest-xdist worker, about 400,000 objects and 1,000 modules, which held the end of each run
# back by 1.5 to 2.7 s (measured with `make test-quick`). Frozen, the heap is skipped at exit and
# the system takes the memory back; nothing the run still writes waits on a collection.
def pytest_unconfigure(config):
    gc.freeze()
