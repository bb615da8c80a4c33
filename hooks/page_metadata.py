"""MkDocs hook: each explainer page says how to cite it ("Cite this page" in APA, Chicago, BibTeX
and RIS), carries Google Scholar `citation_*` tags, a JSON-LD ScholarlyArticle, a description and
link-preview tags (Open Graph, Twitter card) from its short answer in its <head>
(overrides/main.html, block extrahead, reads page.meta), and shows its review when the front
matter names one. Which pages are explainers: `extra.citations.explainers`.
"""

from __future__ import annotations

import html

from mkdocs.plugins import event_priority

from citelib import pagemeta, templates
from citelib.state import require_citations, state

# The site's link-preview image, inside docs/ (committed; nothing is downloaded at build time).
PREVIEW_IMAGE = "assets/images/link-preview.png"
PREVIEW_IMAGE_ALT = "Alignment Basics: clear answers to basic questions about AI alignment, with sources"


# Nothing to describe without the citation hook's reading of each page.
def on_config(config):
    require_citations("page_metadata.py", config)
    return config


# Metadata and a citation for explainer pages, from the sources their markers cite.
@event_priority(-50)
def on_page_content(html_text: str, *, page, config, files) -> str:
    seen = state.pages.get(page.file.src_uri)
    if seen is None or seen.reading is None:
        return html_text
    review = seen.review
    if review is not None:
        html_text += "\n" + templates.get_template(config, "partials/citations/page-review.html").render(
            reviewers=review.reviewers, last_reviewed=review.last_reviewed,
            last_reviewed_text=review.last_reviewed_text) + "\n"
    if page.file.src_uri not in state.settings.explainers:
        return html_text
    keys = list(dict.fromkeys(m.label for m in seen.reading.markers if state.is_source(m.label)))
    cited = [(key, state.bibliography.sources[key].entry) for key in keys]
    meta = page.meta
    # A heading's title comes as HTML, a front-matter title as written (on_env has not escaped it yet).
    title = pagemeta.title_text(page.title or "", as_written=isinstance(page.meta.get("title"), str))
    facts = pagemeta.PageFacts(page.file.src_uri, title, page.canonical_url or page.url,
                               str(meta.get("revision_date") or ""), str(meta.get("revision_date_text") or ""),
                               str(meta.get("first_published") or ""))
    author = pagemeta.site_author(config.site_author)
    sources_file = files.get_file_from_path(state.settings.sources_page)
    sources_address = (config.site_url or "") + (sources_file.url if sources_file else "sources.html")
    summary = _description(page, seen.reading.short_answer)
    meta["sources_head"] = pagemeta.scholar_tags(facts, author, [entry for _, entry in cited])
    meta["preview_head"] = pagemeta.preview_tags(facts, summary, config.site_name,
                                                 (config.site_url or "") + PREVIEW_IMAGE, PREVIEW_IMAGE_ALT)
    meta["sources_jsonld"] = pagemeta.json_ld(facts, author, config.site_name, config.site_url or "",
                                              sources_address, cited, review, summary)
    apa_text, apa_html = pagemeta.apa_reference(facts, author, config.site_name)
    chicago_text, _ = pagemeta.chicago_reference(facts, author, config.site_name)
    template = templates.get_template(config, "partials/citations/cite-this-page.html")
    return html_text + "\n" + template.render(
        apa_html=apa_html, chicago=chicago_text, bibtex=pagemeta.page_bibtex(facts, author, config.site_name),
        ris=pagemeta.page_ris(facts, author, config.site_name, newline="\n")) + "\n"


# The page's description: its own front matter `description`, else its short answer (cut to a
# preview's length). Material writes page.meta.description into <meta name="description"> without
# escaping, so the value it gets is escaped here; the plain text is returned for the other tags.
def _description(page, short_answer: str) -> str:
    own = page.meta.get("description")
    if isinstance(own, str) and own.strip():
        return own  # plain text from the front matter; citations.on_env escapes it for the theme
    summary = pagemeta.description(short_answer)
    if summary:
        page.meta["description"] = html.escape(summary, quote=True)
    return summary
