"""MkDocs hook: a page that moved keeps its old address working.

Events and wiring only; the work is in citelib/redirects.py (state.py lists the order of events).
1. on_config: read the table `extra.redirects` in mkdocs.yml (old path: new path, in docs/).
2. on_files: a row whose old address still has a page, or whose new page does not exist, is CFG002.
3. on_post_page: note each page's title, for the link on its redirect pages.
4. on_post_build: write a redirect page at each old address, from overrides/partials/redirect.html.
"""

from __future__ import annotations

from pathlib import Path

from citelib import configyaml, pagemeta, redirects, templates
from citelib.state import require_citations, state

# This build's rows that can be written, and the title of each page by its docs/ path.
_redirects: list[redirects.Redirect] = []
_titles: dict[str, str] = {}


def _add(line: int, message: str) -> None:
    state.report.add(state.config_path, line, 1, "CFG002", message)


def on_config(config):
    global _redirects, _titles
    require_citations("redirects.py", config)
    try:
        config_text = configyaml.read_text(config.config_file_path)
    except (OSError, UnicodeDecodeError):  # MkDocs read it: another file now, which the next build reads
        config_text = ""
    _redirects = redirects.read(config.extra, config_text, _add)
    _titles = {}


def on_files(files, config):
    global _redirects
    dest_of_file = {file.src_uri: file.dest_uri for file in files}
    pages = {file.src_uri for file in files.documentation_pages()}
    _redirects = redirects.check(_redirects, dest_of_file, pages, config.use_directory_urls, _add)
    return files


def on_post_page(output: str, page, config) -> str:
    _titles[page.file.src_uri] = pagemeta.title_text(page.title or page.file.src_uri)
    return output


def on_post_build(config) -> None:
    template = templates.get_template(config, "partials/redirect.html")
    site_dir = Path(config.site_dir)
    for redirect in _redirects:
        page = redirects.page_for(redirect, config.use_directory_urls, config.site_url)
        target = site_dir / page.dest_uri
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(template.render(href=page.href, canonical=page.canonical,
                                          title=_titles.get(redirect.new, redirect.new),
                                          lang=config.theme.get("language") or "en"), encoding="utf-8")
