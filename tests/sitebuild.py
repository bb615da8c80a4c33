"""Build a MkDocs site from a test, through MkDocs' own API."""

from __future__ import annotations

from pathlib import Path

from mkdocs.commands.build import build
from mkdocs.config import load_config


# Build the site of `config_file` into `site_dir` in strict mode; raises on any failure.
def build_site(config_file: Path, site_dir: Path, **overrides) -> Path:
    config = load_config(str(config_file), site_dir=str(site_dir), strict=True, **overrides)
    config.plugins.on_startup(command="build", dirty=False)
    try:
        build(config)
    finally:
        config.plugins.on_shutdown()
    return site_dir
