"""The benchmark's baselines are what they say they are."""

from __future__ import annotations

import sys
from pathlib import Path

from mkdocs.config import load_config

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import run  # noqa: E402


# The real site's floor leaves out the citation hooks and mkdocs-bibtex, and nothing else: the same
# pages, theme, extensions and other plugins, so that build/floor is what the citations cost.
def test_the_real_site_floor_leaves_out_only_the_citation_hooks_and_mkdocs_bibtex(tmp_path):
    config_file = run.copy_project(tmp_path)
    site, floor = load_config(str(config_file)), load_config(str(run.floor_config(tmp_path)))
    assert site.hooks and not floor.hooks
    assert "bibtex" in site.plugins
    assert list(floor.plugins) == [name for name in site.plugins if name != "bibtex" and name not in site.hooks]
    for name in ("docs_dir", "nav", "theme", "markdown_extensions", "mdx_configs", "extra", "site_url"):
        assert floor[name] == site[name], name
