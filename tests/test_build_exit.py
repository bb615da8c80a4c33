"""A build's process leaves its heap to the system at exit instead of collecting it on the way out."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from test_template_cache import PAGE
from tinysite import write_site

ROOT = Path(__file__).resolve().parent.parent

# Two builds in one process, as the tests and `make serve` run them, with gc.freeze counted. The
# first exit handler registered runs last, after the hook's, and says how often the heap was frozen.
TWO_BUILDS = """
import atexit, gc, sys
sys.path[:0] = [{tests!r}, {hooks!r}]
frozen, freeze = [], gc.freeze
gc.freeze = lambda: (frozen.append(1), freeze())
atexit.register(lambda: print("frozen at exit:", len(frozen), "time(s)", gc.get_freeze_count() > 0))
from sitebuild import build_site
build_site({config!r}, {site!r} + "/one")
build_site({config!r}, {site!r} + "/two")
print("built twice, frozen:", len(frozen))
"""


def test_a_build_freezes_its_heap_at_exit_once_however_often_it_starts(tmp_path):
    config = write_site(tmp_path, {"claims/page.md": PAGE})
    script = TWO_BUILDS.format(tests=str(ROOT / "tests"), hooks=str(ROOT / "hooks"),
                               config=str(config), site=str(tmp_path / "site"))
    run = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-3000:]
    assert run.stdout.splitlines()[-2:] == ["built twice, frozen: 0", "frozen at exit: 1 time(s) True"], run.stdout
