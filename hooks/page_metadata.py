"""MkDocs hook: each explainer page says how to cite it ("Cite this page") and carries Google
Scholar `citation_*` tags and a JSON-LD ScholarlyArticle in its <head> (overrides/main.html,
block extrahead, reads page.meta). Which pages are explainers: `extra.citations.explainers`.
"""

from __future__ import annotations

from mkdocs.plugins import event_priority

from citelib import pagemeta, templates
from citelib.state import require_citations, state


# Nothing to describe without the citation hook's reading of each page.
def on_config(config):
    require_citations("page_metadata.py", config)
    return config


# Metadata and a citation for explainer pages, from the sources their markers cite.
@event_priority(-50)
def on_page_content(html_text: str, *, page, config, files) -> str:
    seen = state.pages.get(page.file.src_uri)
    if page.file.src_uri not in state.settings.explainers or seen is None or seen.reading is None:
        return html_text
    keys = list(dict.fromkeys(m.label for m in seen.reading.markers if state.is_source(m.label)))
    cited = [(key, state.bibliography.sources[key].entry) for key in keys]
    facts = pagemeta.PageFacts(page.file.src_uri, page.title or "", page.canonical_url or page.url,
                               str(page.meta.get("revision_date") or ""), str(page.meta.get("revision_date_text") or ""))
    author = pagemeta.site_author(config.site_author)
    sources_file = files.get_file_from_path(state.settings.sources_page)
    sources_address = (config.site_url or "") + (sources_file.url if sources_file else "sources.html")
    page.meta["sources_head"] = pagemeta.scholar_tags(facts, author, [entry for _, entry in cited])
    page.meta["sources_jsonld"] = pagemeta.json_ld(facts, author, config.site_name, config.site_url or "",
                                                   sources_address, cited)
    template = templates.get_template(config, "partials/citations/cite-this-page.html")
    return html_text + "\n" + template.render(
        author=author, title=facts.title, site_name=config.site_name, year=pagemeta.citation_year(facts.changed),
        url=facts.address, bibtex=pagemeta.page_bibtex(facts, author, config.site_name)) + "\n"
