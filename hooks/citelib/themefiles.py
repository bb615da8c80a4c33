"""The theme's files a build copies, listed without walking the theme's hidden folders.

On each build MkDocs lists every file of the theme's folders, then drops every path with a part
that starts with "." (its filter's first two patterns, '.*' and '*/.*'): Material's 14,500 icons
in templates/.icons, about 0.06 s a build (a tenth of the real site's build, most of a tiny one).
`install()` has MkDocs' own step list from a loader that does not go into hidden folders or list
hidden files, which are exactly the paths that filter drops; MkDocs' filter then runs as before.
tests/test_plugin_contract.py holds the result equal to MkDocs' own.
"""

from __future__ import annotations

import os

from jinja2 import Environment, FileSystemLoader
from mkdocs.structure.files import Files

# MkDocs' own step (also when this module is read again after install()).
MKDOCS_ADD_FILES_FROM_THEME = getattr(Files.add_files_from_theme, "mkdocs_own", Files.add_files_from_theme)


# Jinja's listing of a template folder (FileSystemLoader.list_templates), without hidden parts.
class VisibleFilesLoader(FileSystemLoader):
    def list_templates(self) -> list[str]:
        found = set()
        for searchpath in self.searchpath:
            for dirpath, dirnames, filenames in os.walk(searchpath, followlinks=self.followlinks):
                dirnames[:] = [name for name in dirnames if not name.startswith(".")]
                for filename in filenames:
                    if filename.startswith("."):
                        continue
                    template = os.path.join(dirpath, filename)[len(searchpath):].strip(os.path.sep)
                    template = template.replace(os.path.sep, "/")
                    found.add(template[2:] if template[:2] == "./" else template)
        return sorted(found)


# MkDocs' step, given an environment that lists the same folders without their hidden parts.
def add_files_from_theme(files: Files, env, config) -> None:
    loader = env.loader
    if type(loader) is not FileSystemLoader:
        return MKDOCS_ADD_FILES_FROM_THEME(files, env, config)
    listing = Environment(loader=VisibleFilesLoader(loader.searchpath, loader.encoding, loader.followlinks))
    return MKDOCS_ADD_FILES_FROM_THEME(files, listing, config)


add_files_from_theme.mkdocs_own = MKDOCS_ADD_FILES_FROM_THEME


# Installed once per process, for every build after it.
def install() -> None:
    Files.add_files_from_theme = add_files_from_theme
