"""Time the live preview as `mkdocs serve` runs it, in one process: a first build, then edits.

Usage: python bench/preview.py CONFIG PAGE SITE_DIR EDITS [--clean] [--bib BIBFILE]

As serve's builder does: on_startup(command="serve", dirty=...) once, then for each build the config
loaded again (plugin and hook instances kept), site_url set to the serve address and
build(config, serve_url=..., dirty=...). `--dirty` is `make serve` (hooks/preview.py renders only
what changed); `--clean` is `mkdocs serve` without it, every page rendered (the floor has no hook,
so that is its preview). Each edit appends a different sentence to PAGE (a path below docs_dir);
with --bib, three rebuilds, each after changing the title of one more of BIBFILE's first three
entries. Files are put back after. Prints JSON: first build, each edit's wall and CPU seconds,
the .bib edit's, and the resident memory (MB) after each edit with the peak.
"""

from __future__ import annotations

import json
import logging
import re
import resource
import sys
import time
from pathlib import Path

from mkdocs.commands.build import build
from mkdocs.config import load_config

SERVE_URL = "http://127.0.0.1:8000/"
BIB_EDITS = 3


def rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * resource.getpagesize() / 2**20


def main(argv: list[str]) -> dict:
    config_file, page, site_dir, edits = argv[0], argv[1], argv[2], int(argv[3])
    dirty = "--clean" not in argv
    bib_file = argv[argv.index("--bib") + 1] if "--bib" in argv else None
    logging.getLogger("mkdocs").setLevel(logging.ERROR)

    def configured():
        config = load_config(config_file, site_dir=site_dir)
        config.site_url = SERVE_URL
        return config

    def rebuild(config=None) -> tuple[float, float]:
        start, cpu = time.perf_counter(), time.process_time()
        build(config or configured(), serve_url=SERVE_URL, dirty=dirty)
        return time.perf_counter() - start, time.process_time() - cpu

    config = configured()
    config.plugins.on_startup(command="serve", dirty=dirty)
    result: dict = {"dirty": dirty, "edits": [], "rss": []}
    path = Path(config.docs_dir) / page
    original = path.read_bytes()
    try:
        result["first"] = rebuild(config)[0]
        for number in range(edits):
            path.write_bytes(original + f"\nSentence {number} written while serving.\n".encode())
            result["edits"].append(rebuild())
            result["rss"].append(rss_mb())
        if bib_file:
            result["bib"] = edit_bib(Path(bib_file), rebuild)
    finally:
        path.write_bytes(original)
        config.plugins.on_shutdown()
    result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


# Change the titles of the .bib file's first BIB_EDITS entries one after another (each rebuild
# sees one more entry changed, the ones before it kept as they were), rebuild after each, put the
# file back: [(wall, cpu)] of each rebuild.
def edit_bib(bib: Path, rebuild) -> list[tuple[float, float]]:
    original = bib.read_bytes()
    text = original.decode("utf-8")
    titles = [m.end() for m in re.finditer(r"title\s*=\s*\{", text)][:BIB_EDITS]
    assert len(titles) == BIB_EDITS, f"fewer than {BIB_EDITS} titles in {bib}"
    times = []
    try:
        for count in range(1, BIB_EDITS + 1):
            edited = text
            for end in reversed(titles[:count]):
                edited = edited[:end] + "Revised: " + edited[end:]
            bib.write_text(edited, encoding="utf-8")
            times.append(rebuild())
    finally:
        bib.write_bytes(original)
    return times


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1:])))
