"""MkDocs hook: the build writes site/claims.json, one record per footnote marker of the site with
the sentence that carries it (docs/contributing/claims-ledger.md describes the format)."""

from __future__ import annotations

from pathlib import Path

from mkdocs.plugins import event_priority

from citelib import claims
from citelib.state import require_citations, state

CLAIMS_FILE = "claims.json"

# The reading order of the pages.
_order: dict[str, int] = {}
# Each record's text in the last ledger written (a serve rebuild writes most of them again).
_written: dict[str, str] = {}


# Nothing to list without the citation hook's reading of each page.
def on_config(config):
    require_citations("claims_ledger.py", config)
    return config


# Remember the reading order of the pages.
def on_nav(nav, *, config, files):
    global _order
    _order = {page.url: index for index, page in enumerate(nav.pages)}
    return nav


# The claims of each page, from the citation hook's reading of it, kept with the page (a serve
# preview keeps them for a page it does not render again).
@event_priority(-50)
def on_page_content(html_text: str, *, page, config, files) -> str:
    seen = state.pages.get(page.file.src_uri)
    if seen is None or seen.reading is None or page.file.src_uri == state.settings.sources_page:
        return html_text
    found, counts = claims.page_claims(seen.reading, page.url, page.title or "", state.is_source)
    seen.claims = found
    if found or page.file.src_uri in state.settings.content:
        # The Markdown file as the checks name it, so a reviewer can be sent to an uncited sentence.
        seen.claims_page = {**counts, "source": Path(seen.shown_path).as_posix()}
    return html_text


# Write the ledger beside the pages, from every page's claims in build order.
def on_post_build(config) -> None:
    pages = list(state.pages.values())
    found = [claim for seen in pages for claim in seen.claims]
    listed = [seen.claims_page for seen in pages if seen.claims_page is not None]
    ledger = claims.ledger(found, listed, _order, config.site_url or "")
    path = Path(config.site_dir) / CLAIMS_FILE
    path.write_text(claims.ledger_json(ledger, _written) + "\n", encoding="utf-8")
