"""Where a build's CPU time goes: each plugin or hook event, and Markdown rendering, in one build.

CPU time of this process (the build runs in it alone).

Usage: python bench/profile.py CONFIG [N]   (prints the N largest, default 10, as JSON lines)
"""

from __future__ import annotations

import collections
import json
import logging
import sys
import tempfile
import time

import markdown.core
import mkdocs.plugins
from mkdocs.commands.build import build
from mkdocs.config import load_config

SPENT: collections.Counter = collections.Counter()


# Run each event handler on its own, as PluginCollection.run_event does, timing each.
def timed_run_event(self, name, item=None, **kwargs):
    for method in self.events[name]:
        # MkDocs names the running plugin for File.generated (a hook's generated file).
        self._current_plugin = self._event_origins.get(method, "<unknown>")
        start = time.process_time()
        result = method(**kwargs) if item is None else method(item, **kwargs)
        if item is not None and result is not None:
            item = result
        owner = getattr(method, "__module__", "?").replace("\\", "/").rsplit("/", 1)[-1]
        SPENT[f"{name}: {owner}"] += time.process_time() - start
    self._current_plugin = None
    return item


def timed_convert(self, source):
    start = time.process_time()
    try:
        return original_convert(self, source)
    finally:
        SPENT["Markdown rendering (all pages)"] += time.process_time() - start


original_convert = markdown.core.Markdown.convert


def main(config_file: str, top: int = 10) -> None:
    logging.getLogger("mkdocs").setLevel(logging.ERROR)
    mkdocs.plugins.PluginCollection.run_event = timed_run_event
    markdown.core.Markdown.convert = timed_convert
    start = time.process_time()
    with tempfile.TemporaryDirectory(prefix="bench-profile-") as site:
        config = load_config(config_file, site_dir=site)
        config.plugins.on_startup(command="build", dirty=False)
        build(config)
    total = time.process_time() - start
    print(json.dumps({"total": total, "top": SPENT.most_common(top)}))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 10)
