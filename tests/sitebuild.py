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
