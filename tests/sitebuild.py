"""Build a MkDocs site from a test, through MkDocs' own API."""

from __future__ import annotations

from pathlib import Path

from mkdocs.commands.build import build
from mkdocs.config import load_config


# Build the site of `config_file` into `site_dir` (strict unless told otherwise); raises on failure.
def build_site(config_file: Path, site_dir: Path, command: str = "build", **overrides) -> Path:
    overrides.setdefault("strict", True)
    config = load_config(str(config_file), site_dir=str(site_dir), **overrides)
    config.plugins.on_startup(command=command, dirty=False)
    try:
        build(config)
    finally:
        config.plugins.on_shutdown()
    return site_dir
