"""The tests' own build helper (tests/sitebuild.py) gives the build MkDocs alone would give."""

from __future__ import annotations

import shutil
from pathlib import Path

from mkdocs.config import load_config
from mkdocs.structure.files import Files, get_files

import sitebuild

ROOT = Path(__file__).resolve().parent.parent


# What a build's files are, as MkDocs would copy them.
def listed(files: Files) -> list[tuple[str, str, str, str]]:
    return [(file.src_uri, file.abs_src_path, file.dest_uri, file.url) for file in files]


# The site's files with the theme's added, by MkDocs' own step or by the remembered one.
def theme_files(config, remembered: bool) -> list[tuple[str, str, str, str]]:
    files = get_files(config)
    env = config.theme.get_env()
    (sitebuild.add_files_from_theme if remembered else sitebuild.ADD_FILES_FROM_THEME)(files, env, config)
    return listed(files)


# The real site, a page shadowing a theme file, and a file added to overrides/ between builds:
# the remembered listing adds exactly the files MkDocs' own adds, in the same order.
def test_remembered_theme_files_equal_mkdocs_own(tmp_path):
    project = tmp_path / "project"
    for name in ("docs", "overrides", "bib", "hooks"):
        shutil.copytree(ROOT / name, project / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy2(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    (project / "docs" / "assets" / "images").mkdir(parents=True, exist_ok=True)
    (project / "docs" / "assets" / "images" / "favicon.png").write_bytes(b"page, not theme")

    def config():
        return load_config(str(project / "mkdocs.yml"), site_dir=str(tmp_path / "site"))

    sitebuild._THEME_FILES.clear()
    first = theme_files(config(), remembered=True)
    assert first == theme_files(config(), remembered=False)
    assert theme_files(config(), remembered=True) == first and len(sitebuild._THEME_FILES) == 1
    assert len(first) > 40
    assert ("assets/images/favicon.png", str(project / "docs/assets/images/favicon.png")) in \
        {(uri, path) for uri, path, _, _ in first}
    (project / "overrides" / "assets").mkdir(exist_ok=True)
    (project / "overrides" / "assets" / "extra.css").write_text("a{}", encoding="utf-8")
    added = theme_files(config(), remembered=True)
    assert added == theme_files(config(), remembered=False)
    assert "assets/extra.css" in {uri for uri, _, _, _ in added} - {uri for uri, _, _, _ in first}
