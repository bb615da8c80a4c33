"""Build a MkDocs site from a test, through MkDocs' own API."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from jinja2 import FileSystemLoader
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.structure.files import File, Files

# MkDocs' own step, kept for the first build of each theme and for anything the cache cannot key.
ADD_FILES_FROM_THEME = Files.add_files_from_theme
INSTALLED = Path(sys.prefix).resolve()
_THEME_FILES: dict[tuple, tuple[tuple[str, str], ...]] = {}


# The theme's files a build copies, remembered for the test process. On each build MkDocs lists
# and filters every file of the theme folders (Material's 14,500, its icons included): 0.06 s,
# two thirds of a tiny site's build, 7 of the 20 seconds `make test-quick` spends building. What
# is installed does not change during a test run, so the result is kept, keyed on the theme's
# folders, its static templates and the names of the files in its folders outside the
# environment (overrides/, a test's own); then replayed as MkDocs adds it: a theme file never
# shadows a page of the same path. tests/test_sitebuild.py holds it equal to MkDocs' own.
def add_files_from_theme(files: Files, env, config) -> None:
    key = _theme_key(env, config)
    if key is None:
        return ADD_FILES_FROM_THEME(files, env, config)
    if key not in _THEME_FILES:
        found = Files([])
        ADD_FILES_FROM_THEME(found, env, config)
        _THEME_FILES[key] = tuple((file.src_uri, file.src_dir) for file in found)
    for path, directory in _THEME_FILES[key]:
        if files.get_file_from_path(path) is None:
            files.append(File(path, directory, config.site_dir, config.use_directory_urls))


# What the theme's listing depends on, or None when the environment lists from elsewhere.
def _theme_key(env, config) -> tuple | None:
    loader = env.loader
    if type(loader) is not FileSystemLoader or list(loader.searchpath) != list(config.theme.dirs):
        return None
    folders = []
    for folder in config.theme.dirs:
        if Path(folder).resolve().is_relative_to(INSTALLED):
            folders.append((folder, None))
        else:
            names = sorted(os.path.relpath(os.path.join(top, name), folder)
                           for top, _, names in os.walk(folder, followlinks=loader.followlinks) for name in names)
            folders.append((folder, tuple(names)))
    return tuple(folders), tuple(config.theme.static_templates)


Files.add_files_from_theme = add_files_from_theme


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


# The site paths of the redirect pages that `config_file`'s table (extra.redirects) asks for, in a
# site built with the offline plugin (no directory URLs), as {old path: new path}.
def redirect_pages(config_file: Path) -> dict[str, str]:
    from mkdocs.utils.yaml import yaml_load

    from citelib import redirects

    text = config_file.read_text(encoding="utf-8")
    problems = []
    table = redirects.read((yaml_load(text) or {}).get("extra"), text, lambda *problem: problems.append(problem))
    assert not problems, problems
    return {redirects.dest_uri(row.old, False): redirects.dest_uri(row.new, False) for row in table}


# The built page of one of extra.citations' pages in `config_file` ("glossary" gives
# "glossary.html"), read without building, so a test follows the page if it moves.
def citations_page(config_file: Path, name: str, default: str) -> str:
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    # `!ENV [NAME, default]` tags do not matter here.
    Loader.add_constructor("!ENV", lambda loader, node: None)
    config = yaml.load(Path(config_file).read_text(encoding="utf-8"), Loader=Loader) or {}
    source = ((config.get("extra") or {}).get("citations") or {}).get(name) or default
    return source.removesuffix(".md") + ".html"
