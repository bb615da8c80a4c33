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


# The targets are judged from the run's own figures, and the real site's scaled figure is its CPU
# time times the floor over the same floor built here in turns with it.
def test_the_targets_are_judged_from_the_runs_figures_and_the_real_site_is_scaled_by_the_floor():
    row = {"a": 9.0, "a_cpu": 8.8, "warm": 7.0, "warm_cpu": 6.9, "b": 6.0, "b_cpu": 7.0}
    real = {"build": 1.73, "build_cpu": 1.68, "calibration_cpu": 8.0}
    lines = run.target_lines(row, 0.07, real)
    assert lines[0].endswith("1.50 (CPU 1.26): met")
    assert lines[1].endswith("1.17 (CPU 0.99): met")
    assert lines[2].endswith("0.07: met")
    assert "1.73 s on this machine (CPU 1.68 s): NOT met here" in lines[3]
    assert lines[4].endswith(f"{1.68 * 5.8 / 8.0:.2f} CPU s: met there")
    slow = run.target_lines({**row, "a": 9.7}, 1.2, {"build": 1.49, "build_cpu": 1.6, "calibration_cpu": 6.0})
    assert slow[0].endswith("NOT met") and slow[1].endswith(": met") and slow[2].endswith("NOT met")
    assert slow[3].endswith(": met here;") and slow[4].endswith("NOT met there")
    # As printed: 1.6049 shows as 1.60, at most 1.6; 1.4996 shows as 1.50, not under 1.5; NaN is no figure.
    edge = run.target_lines({**row, "a": 9.6294, "warm": float("nan")}, 1.1504,
                            {"build": 1.4996, "build_cpu": 1.6, "calibration_cpu": 6.0})
    assert edge[0].endswith("1.60 (CPU 1.26): met") and edge[1].endswith("not measured")
    assert edge[2].endswith("1.15: met") and edge[3].endswith("1.50 s on this machine (CPU 1.60 s): NOT met here;")
