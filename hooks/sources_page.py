"""MkDocs hook: the sources page lists every entry of bib/, with the text the footnotes show and a
"Cited by" list linking every marker that cites it, across the site.

MkDocs renders every page (on_page_content) before it writes any (on_post_page), so the markers
of all pages are known when the sources page is written. HTML comes from the templates in
overrides/partials/citations/.
"""

from __future__ import annotations

import html
import logging
import re

from mkdocs.plugins import event_priority
from mkdocs.utils import get_relative_url

from citelib import entries, templates
from citelib.claims import in_reading_order
from citelib.state import require_citations, state

log = logging.getLogger("mkdocs.hooks.sources_page")

# The element of the sources page that the list replaces.
PLACEHOLDER = '<div class="sources-list"></div>'
# Where a "Cited by" list goes, until every page is rendered.
CITED_BY_SLOT = re.compile(r'<div class="cited-by" data-source="([^"]+)"></div>')

# The whole bibliography as one file, beside the sources page's folder root (site root).
BIB_DOWNLOAD = "alignment-basics.bib"

# The sources page's URL and the reading order of the pages, for this build.
_sources_url = ""
_order: dict[str, int] = {}


# Nothing to show without the citation hook's checks.
def on_config(config):
    require_citations("sources_page.py", config)
    return config


# The whole bibliography as one .bib file in the site, from the sources the checks approved.
def on_files(files, *, config):
    from mkdocs.structure.files import File

    if files.get_file_from_path(BIB_DOWNLOAD) is None:
        files.append(File.generated(config, BIB_DOWNLOAD,
                                    content=entries.bibliography_file(state.bibliography.sources, config.site_name)))
    return files


# Remember where the sources page is, and the reading order of the pages.
def on_nav(nav, *, config, files):
    global _sources_url, _order
    _order = {page.url: index for index, page in enumerate(nav.pages)}
    found = files.get_file_from_path(state.settings.sources_page)
    _sources_url = found.url if found else ""
    # A sources page that does not exist would leave the site with no list of sources, and no word.
    if found is None or not found.is_documentation_page():
        log.warning("sources: extra.citations.sources_page names %s, which is no page of the site; no list of "
                    "sources: name the page that holds %s", state.settings.sources_page, PLACEHOLDER)
    return nav


# Write the list of sources into the sources page, after the citation plugin has run.
@event_priority(-10)
def on_page_markdown(markdown: str, *, page, config, files) -> str:
    if page.file.src_uri != state.settings.sources_page:
        return markdown
    if PLACEHOLDER not in markdown:
        log.warning("sources: %s has no %s; no list of sources", state.settings.sources_page, PLACEHOLDER)
        return markdown
    return markdown.replace(PLACEHOLDER, _sources_list(config, get_relative_url(BIB_DOWNLOAD, page.url)), 1)


# Fill the "Cited by" lists of the sources page, now that every page is rendered.
def on_post_page(output: str, *, page, config) -> str:
    if page.file.src_uri != state.settings.sources_page:
        return output
    by_key: dict[str, list] = {}
    for seen in in_reading_order(list(state.pages.values()), lambda p: p.url, _order):
        for marker in seen.reading.markers if seen.reading else []:
            by_key.setdefault(marker.label, []).append((seen, marker))
    template = templates.get_template(config, "partials/citations/cited-by.html")
    return CITED_BY_SLOT.sub(lambda m: template.render(pages=_citing_pages(by_key.get(m[1], []), page.url)), output)


# The list, grouped (papers, posts, books), each source with its safe reference HTML and its
# COinS (an OpenURL ContextObject that Zotero's connector reads), after a link to the .bib file.
def _sources_list(config, bib_href: str) -> str:
    groups = {name: [] for name, _ in entries.GROUPS}
    registry = config.plugins["bibtex"].registry
    for key, source in state.bibliography.sources.items():
        groups[entries.group_of(source.entry)].append((entries.sort_key(source.entry), key))
    shown = []
    for name, heading in entries.GROUPS:
        if groups[name]:
            items = [{"key": key, "reference": _reference_html(registry, key),
                      "coins": entries.coins_kev(state.bibliography.sources[key].entry)}
                     for _, key in sorted(groups[name])]
            shown.append({"id": name, "heading": heading, "sources": items})
    template = templates.get_template(config, "partials/citations/sources-list.html")
    return template.render(groups=shown, bib_href=bib_href, bib_name=BIB_DOWNLOAD,
                           count=len(state.bibliography.sources))


# A source's formatted reference as safe HTML (the registry gives the guard's token for it).
def _reference_html(registry, key: str) -> str:
    from mkdocs_bibtex.citation import Citation

    return state.guard.finish_references(registry.reference_text(Citation(key)))


# Pages citing a source, each with a link to every marker there and the sentence as its tooltip.
# Material's tooltip (content.tooltips) shows a title as HTML: the sentence goes there escaped, so
# that it shows as written and no markup it quotes comes alive.
def _citing_pages(found: list, sources_url: str) -> list[dict]:
    pages: dict[str, dict] = {}
    for seen, marker in found:
        listed = pages.setdefault(seen.url, {"title": seen.title, "links": []})
        listed["links"].append({"href": f"{get_relative_url(seen.url, sources_url)}#{marker.anchor}",
                                "tooltip": html.escape(_shorten(marker.text), quote=False)})
    return list(pages.values())


# A sentence cut to a tooltip's length.
def _shorten(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
