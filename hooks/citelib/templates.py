"""The Jinja templates the citation hooks write HTML with (overrides/partials/citations/).

They are looked up in the theme first, so a site's own custom_dir can override them, then in this
project's overrides/ folder, so a site that has no custom_dir (a test fixture, a fork that
changed the theme) still finds them.
"""

from __future__ import annotations

from pathlib import Path

from jinja2 import ChoiceLoader, Environment, FileSystemLoader

from citelib import templatecache

# This project's overrides folder, beside hooks/.
OVERRIDES = Path(__file__).resolve().parent.parent.parent / "overrides"


# A template by name ("partials/citations/cited-by.html") from the theme's environment.
def get_template(config, name: str):
    root = Path(config.config_file_path).resolve().parent if config.config_file_path else None
    env = templatecache.install(config.theme.get_env(), root)
    overlay = env.overlay(loader=ChoiceLoader([env.loader, FileSystemLoader(str(OVERRIDES))]))
    return overlay.get_template(name)


# A template by name from this project's overrides folder alone (no theme at hand: a library
# caller, a test). Autoescape is off, as in MkDocs' theme environment: templates escape with `e`.
def project_template(name: str):
    return Environment(loader=FileSystemLoader(str(OVERRIDES)), autoescape=False).get_template(name)
