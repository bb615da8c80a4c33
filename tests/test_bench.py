"""The benchmark's baselines are what they say they are."""

from __future__ import annotations

import sys
from pathlib import Path

from mkdocs.config import load_config

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import run  # noqa: E402


# The real site's floor leaves out the citation hooks (and those that need them) and mkdocs-bibtex,
# and nothing else: the same pages, theme, extensions, other hooks and plugins, so that build/floor
# is what the citations cost.
def test_the_real_site_floor_leaves_out_only_the_citation_hooks_and_mkdocs_bibtex(tmp_path):
    config_file = run.copy_project(tmp_path)
    site, floor = load_config(str(config_file)), load_config(str(run.floor_config(tmp_path)))
    left_out = [name for name in site.hooks if Path(name).name in run.CITATION_HOOKS]
    assert sorted(Path(name).name for name in left_out) == sorted(run.CITATION_HOOKS)
    assert list(floor.hooks) == [name for name in site.hooks if name not in left_out]
    # Each hook left out is the citation hook or needs it.
    for name in left_out:
        text = (tmp_path / name).read_text(encoding="utf-8")
        assert Path(name).name == "citations.py" or "require_citations(" in text, name
    assert "bibtex" in site.plugins
    plugins = [name for name in floor.plugins if name not in floor.hooks]
    assert plugins == [name for name in site.plugins if name != "bibtex" and name not in site.hooks]
    for name in ("docs_dir", "nav", "theme", "markdown_extensions", "mdx_configs", "extra", "site_url"):
        assert floor[name] == site[name], name
