"""A build keeps the collector off what lives through it, and its process leaves the heap to the
system at exit instead of collecting it on the way out."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from test_template_cache import PAGE
from tinysite import write_site

ROOT = Path(__file__).resolve().parent.parent

# Two builds and a serve-style build in one process, as the tests run them, with gc.freeze counted
# and what stays frozen after each. The first exit handler registered runs last, after the hook's,
# and says how often the heap was frozen in all.
BUILDS = """
import atexit, gc, sys
sys.path[:0] = [{tests!r}, {hooks!r}]
frozen, freeze = [], gc.freeze
gc.freeze = lambda: (frozen.append(1), freeze())
atexit.register(lambda: print("frozen at exit:", len(frozen), "time(s)", gc.get_freeze_count() > 0))
from sitebuild import build_site
build_site({config!r}, {site!r} + "/one")
build_site({config!r}, {site!r} + "/two")
print("built twice, frozen:", len(frozen), "still frozen:", gc.get_freeze_count())
build_site({config!r}, {site!r} + "/three", command="serve")
print("served, frozen:", len(frozen), "still frozen:", gc.get_freeze_count())
"""


# Each build freezes what lives through it (its imports, settings and parsed bib/) once they are
# made, and lets it go when it ends, so a process that goes on collects it again; serving, which
# rebuilds in one process, never freezes. At exit the heap is frozen once, however often MkDocs
# started in the process.
def test_a_build_freezes_what_lives_through_it_and_its_heap_at_exit(tmp_path):
    config = write_site(tmp_path, {"claims/page.md": PAGE})
    script = BUILDS.format(tests=str(ROOT / "tests"), hooks=str(ROOT / "hooks"),
                           config=str(config), site=str(tmp_path / "site"))
    run = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-3000:]
    assert run.stdout.splitlines()[-3:] == [
        "built twice, frozen: 2 still frozen: 0",
        "served, frozen: 2 still frozen: 0",
        "frozen at exit: 3 time(s) True",
    ], run.stdout
