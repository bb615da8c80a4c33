"""Time a `mkdocs serve`-style rebuild in one process, as `mkdocs serve` does it.

Usage: python bench/rebuild.py CONFIG PAGE SITE_DIR

The config is loaded once and the plugins see on_startup(command="serve"); the site is built,
PAGE (a path below docs_dir) gets one sentence appended, then the config is loaded again (serve's
get_config(): plugin and hook instances are kept) and the site rebuilt. PAGE is put back after.
Prints JSON: {"first": seconds, "rebuild": seconds, "rebuild_cpu": seconds}.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from pathlib import Path

from mkdocs.commands.build import build
from mkdocs.config import load_config


def main(config_file: str, page: str, site_dir: str) -> dict:
    logging.getLogger("mkdocs").setLevel(logging.WARNING)
    serve_url = "http://127.0.0.1:8000/"
    config = load_config(config_file, site_dir=site_dir)
    config.plugins.on_startup(command="serve", dirty=False)
    try:
        start = time.perf_counter()
        config.site_url = serve_url
        build(config, serve_url=serve_url)
        first = time.perf_counter() - start
        path = Path(config.docs_dir) / page
        original = path.read_bytes()
        try:
            path.write_bytes(original + b"\nOne more sentence, edited while serving.\n")
            start, cpu = time.perf_counter(), time.process_time()
            config = load_config(config_file, site_dir=site_dir)
            config.site_url = serve_url
            build(config, serve_url=serve_url)
            rebuild, rebuild_cpu = time.perf_counter() - start, time.process_time() - cpu
        finally:
            path.write_bytes(original)
    finally:
        config.plugins.on_shutdown()
    return {"first": first, "rebuild": rebuild, "rebuild_cpu": rebuild_cpu}


if __name__ == "__main__":
    print(json.dumps(main(*sys.argv[1:4])))
