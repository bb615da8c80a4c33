# Alignment Basics: sources as first-class citizens of the site.
#
# 1. The sources page (docs/sources.md) lists every entry of bib/, with the same formatted text
#    the footnotes show, and links to every footnote marker that cites it, across the site.
# 2. Each explainer page ends with a "Cite this page" block: a formatted citation and a BibTeX
#    entry for the page itself.
# 3. Each explainer page carries Google Scholar `citation_*` meta tags and a JSON-LD
#    ScholarlyArticle in its <head> (overrides/main.html, block extrahead, reads page.meta).
# 4. The build writes site/claims.json: one record per footnote marker of the site, with the
#    sentence that carries it (docs/contributing/claims-ledger.md describes the format).
#
# MkDocs renders every page (on_page_content) before it writes any (on_post_page), so the
# markers of all pages are known when the sources page is written.

from __future__ import annotations

import html
import json
import logging
import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

import markdown as python_markdown
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url
from mkdocs_bibtex.citation import Citation
from pybtex.backends.plaintext import Backend as PlainTextBackend
from pybtex.richtext import Text

from buildstate import state

log = logging.getLogger("mkdocs.hooks.sources")

# -----------------------------------------------------------------------------
# Globals
# -----------------------------------------------------------------------------

# The sources page, relative to docs_dir, and the element of it that the list replaces.
SOURCES_PAGE = "sources.md"
PLACEHOLDER = '<div class="sources-list"></div>'

# Explainer pages: they get "Cite this page" and citation metadata.
EXPLAINERS = "alignment-basics/"

# The ledger of claims, written at the root of the site.
CLAIMS_FILE = "claims.json"
CLAIMS_FORMAT = "alignment-basics/claims"
CLAIMS_VERSION = 1

# Who the site names as the author of its pages when mkdocs.yml names nobody.
DEFAULT_AUTHOR = "Alignment Basics contributors"

# Groups of the sources page, in page order: (id, heading).
GROUPS = (("papers", "Papers"), ("posts", "Posts and articles"), ("books", "Books"))
BOOK_TYPES = {"book", "inbook", "incollection", "booklet", "proceedings"}
PAPER_TYPES = {"article", "inproceedings", "conference", "techreport", "phdthesis", "mastersthesis"}

# schema.org type of a source in each group.
SCHEMA_TYPES = {"papers": "ScholarlyArticle", "posts": "CreativeWork", "books": "Book"}

# Where a "Cited by" list goes on the sources page, until every page is rendered.
CITED_BY_SLOT = re.compile(r'<div class="cited-by" data-source="([^"]+)"></div>')

# A sentence ends at . ! ? (and closing quotes or brackets), before space and a capital or digit.
SENTENCE_END = re.compile(r"[.!?…][\"”’')\]]*(?=\s+[\"“‘(\[]?[A-Z0-9])")
# Words whose full stop ends no sentence ("e.g. The", "et al. Show", "sec. 3").
ABBREVIATIONS = {"e.g", "i.e", "al", "cf", "vs", "sec", "secs", "p", "pp", "fig", "ch", "no", "vol", "eq", "ed"}

# Elements that start a new block of text; void ones (br, hr, img) have no end tag.
BLOCKS = {"p", "li", "dt", "dd", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "figcaption",
          "blockquote", "summary", "div", "ol", "ul", "dl", "table", "tr", "details", "figure",
          "section", "article", "pre"}
VOID = {"br", "hr", "img", "input", "meta", "link", "wbr", "source", "col", "area", "embed"}
# pybtex's plain-text backend (render_as() would look it up by name on every call).
PLAIN_TEXT = PlainTextBackend()

# Text that is no part of a sentence: permalinks, footnote backlinks, separators between markers.
SKIPPED_CLASSES = {"headerlink", "footnote-backref", "cite-sep"}
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6", "th", "dt", "summary"}


# One footnote marker: where it stands and what it cites.
@dataclass
class Marker:
    page: str
    title: str
    anchor: str
    label: str
    text: str = ""
    locator: str = ""
    in_footnote: str = ""
    cites: list[tuple[str, str]] = field(default_factory=list)


# What this build has collected: markers and per-page counts, in build order.
@dataclass
class Collected:
    markers: list[Marker] = field(default_factory=list)
    pages: list[dict] = field(default_factory=list)
    sources_url: str = ""
    # Page URL -> its place in the navigation, for listing pages in reading order.
    order: dict[str, int] = field(default_factory=dict)
    # The keys of bib/, once per build: part of what a page's reading depends on.
    bib_keys: frozenset | None = None


collected = Collected()

# read_page results of the previous build and of this one, by (HTML, URL, title, bib keys):
# a `mkdocs serve` rebuild reads again only the pages whose HTML changed.
_read_before: dict[tuple, tuple] = {}
_read_now: dict[tuple, tuple] = {}

# -----------------------------------------------------------------------------
# Hooks
# -----------------------------------------------------------------------------


# Forget the previous build (mkdocs serve rebuilds in the same process).
def on_config(config: MkDocsConfig) -> None:
    global collected, _read_before, _read_now
    collected = Collected()
    _read_before, _read_now = _read_now, {}


# Remember the reading order of the pages, and where the sources page is.
def on_nav(nav, *, config: MkDocsConfig, files: Files):
    collected.order = {page.url: index for index, page in enumerate(nav.pages)}
    sources_file = files.get_file_from_path(SOURCES_PAGE)
    collected.sources_url = sources_file.url if sources_file else ""
    return nav


# Write the list of sources into the sources page, after the citation plugin has run.
@event_priority(-10)
def on_page_markdown(markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    if page.file.src_uri != SOURCES_PAGE:
        return markdown
    if PLACEHOLDER not in markdown:
        log.warning("sources: %s has no %s; no list of sources", SOURCES_PAGE, PLACEHOLDER)
        return markdown
    return markdown.replace(PLACEHOLDER, _sources_markdown(config), 1)


# Read the markers and sentences of every page; give explainer pages metadata and a citation.
@event_priority(-50)
def on_page_content(html_text: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    if page.file.src_uri == SOURCES_PAGE:
        return html_text
    markers, counts = _read_page_once(html_text, page.url, page.title or "")
    collected.markers.extend(markers)
    if markers or state.rules.requires_citations(page.file.src_uri):
        collected.pages.append(counts)
    if not page.file.src_uri.startswith(EXPLAINERS):
        return html_text
    keys = list(dict.fromkeys(k for m in markers if m.label in state.bibliography for k, _ in m.cites))
    page.meta["sources_head"] = _scholar_tags(page, config, keys)
    page.meta["sources_jsonld"] = _json_ld(page, config, keys)
    return html_text + _cite_this_page(page, config)


# Fill the "Cited by" lists of the sources page, now that every page is rendered.
def on_post_page(output: str, *, page: Page, config: MkDocsConfig) -> str:
    if page.file.src_uri != SOURCES_PAGE:
        return output
    by_key: dict[str, list[Marker]] = {}
    for marker in _in_reading_order(collected.markers, lambda m: m.page):
        by_key.setdefault(marker.label, []).append(marker)
    return CITED_BY_SLOT.sub(lambda m: _cited_by_html(by_key.get(m[1], []), page.url), output)


# Write the claims ledger beside the pages.
def on_post_build(config: MkDocsConfig) -> None:
    path = Path(config.site_dir) / CLAIMS_FILE
    path.write_text(json.dumps(claims_ledger(config), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


# -----------------------------------------------------------------------------
# Sources: grouping and plain text
# -----------------------------------------------------------------------------


# read_page, reusing the previous build's result for the same HTML and the same bibliography.
def _read_page_once(html_text: str, url: str, title: str) -> tuple[list[Marker], dict]:
    if collected.bib_keys is None:
        collected.bib_keys = frozenset(state.bibliography.sources)
    key = (html_text, url, title, collected.bib_keys)
    result = _read_before.get(key) or _read_now.get(key) or read_page(html_text, url, title, _is_source)
    _read_now[key] = result
    return result


# Whether a footnote label is a source of bib/ (rather than an aside).
def _is_source(label: str) -> bool:
    return label in state.bibliography


# The group of the sources page an entry belongs to: papers, posts or books.
def group_of(entry) -> str:
    kind = entry.type.lower()
    if kind in BOOK_TYPES:
        return "books"
    if kind in PAPER_TYPES or entry.fields.get("eprint") or entry.fields.get("doi"):
        return "papers"
    return "posts"


# A BibTeX field as plain text: braces gone, accents and dashes decoded (once per text).
@lru_cache(maxsize=None)
def plain(value: str) -> str:
    return " ".join(Text.from_latex(value).render(PLAIN_TEXT).split())


# The entry's authors as (family name, full name, is an organisation).
def authors(entry) -> list[tuple[str, str, bool]]:
    found = []
    for person in entry.persons.get("author", []):
        last = plain(" ".join(person.prelast_names + person.last_names))
        first = plain(" ".join(person.first_names + person.middle_names))
        organisation = not first and " ".join(person.last_names).startswith("{")
        found.append((last, f"{first} {last}".strip(), organisation))
    return found


# The links of an entry that identify it: its DOI and arXiv addresses, then its URL.
def identifier_urls(entry) -> dict[str, str]:
    fields, urls = entry.fields, {}
    if fields.get("doi"):
        urls["doi"] = f"https://doi.org/{fields['doi'].strip()}"
    if fields.get("eprint") and fields.get("archiveprefix", "arXiv").strip().lower() == "arxiv":
        urls["arxiv"] = f"https://arxiv.org/abs/{fields['eprint'].strip()}"
    if fields.get("url"):
        urls["url"] = fields["url"].strip()
    return urls


# Where an entry appeared: journal, proceedings or blog, as plain text.
def venue(entry) -> str:
    for name in ("journal", "booktitle", "howpublished", "publisher"):
        if entry.fields.get(name):
            return plain(entry.fields[name])
    return ""


# The formatted reference (Markdown) the footnotes show, from the plugin's cached registry.
def reference_markdown(config: MkDocsConfig, key: str) -> str:
    registry = getattr(config.plugins.get("bibtex"), "registry", None)
    return registry.reference_text(Citation(key)) if registry is not None else key


# -----------------------------------------------------------------------------
# Sources page
# -----------------------------------------------------------------------------


# Markdown for the list: one heading per non-empty group, each entry with an empty "Cited by".
def _sources_markdown(config: MkDocsConfig) -> str:
    groups: dict[str, list] = {name: [] for name, _ in GROUPS}
    for key, source in state.bibliography.sources.items():
        groups[group_of(source.entry)].append((_sort_key(source.entry), key))
    parts = []
    for name, heading in GROUPS:
        if not groups[name]:
            continue
        items = "\n".join(_source_item(config, key) for _, key in sorted(groups[name]))
        parts.append(f"## {heading} {{#{name}}}\n\n<ul class=\"sources-group\">\n{items}\n</ul>\n")
    return "\n".join(parts)


# Sort by first author's family name, then year and title.
def _sort_key(entry) -> tuple[str, str, str]:
    names = authors(entry)
    return (names[0][0].lower() if names else "", entry.fields.get("year", ""), plain(entry.fields.get("title", "")))


# One entry of the sources page as raw HTML (kept away from the glossary's abbreviations).
def _source_item(config: MkDocsConfig, key: str) -> str:
    rendered = python_markdown.markdown(reference_markdown(config, key))
    rendered = re.sub(r"^<p>|</p>$", "", rendered.strip())
    return (f'<li id="source-{key}" class="source-entry"><p>{rendered}</p>'
            f'<div class="cited-by" data-source="{key}"></div></li>')


# The "Cited by" list of one source: each citing page, with a link to every marker there.
def _cited_by_html(markers: list[Marker], sources_url: str) -> str:
    if not markers:
        return '<p class="cited-by">Not cited on any page yet.</p>'
    pages: dict[str, list[Marker]] = {}
    for marker in markers:
        pages.setdefault(marker.page, []).append(marker)
    items = []
    for page_url, found in pages.items():
        links = []
        for number, marker in enumerate(found, start=1):
            href = html.escape(f"{get_relative_url(page_url, sources_url)}#{marker.anchor}", quote=True)
            hint = html.escape(_shorten(marker.text), quote=True)
            links.append(f'<a href="{href}" title="{hint}">{number}</a>')
        items.append(f"<li>{html.escape(found[0].title)} — {', '.join(links)}</li>")
    return f'<div class="cited-by"><p class="cited-by-title"><strong>Cited by</strong></p><ul>{"".join(items)}</ul></div>'


# A sentence cut to a tooltip's length.
def _shorten(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# -----------------------------------------------------------------------------
# Cite this page
# -----------------------------------------------------------------------------


# The author the site names for its pages.
def site_author(config: MkDocsConfig) -> str:
    return config.site_author or DEFAULT_AUTHOR


# The page's last change (ISO) from hooks/page_dates.py, or "" when git gave none.
def last_change(page: Page) -> str:
    return str(page.meta.get("revision_date") or "")


# The year to cite: of the last change, else of the build.
def citation_year(page: Page) -> str:
    return last_change(page)[:4] or str(date.today().year)


# The page's address on the published site (its path alone when there is no site_url).
def page_address(page: Page) -> str:
    return page.canonical_url or page.url


# A BibTeX entry for the page: @misc with title, author, howpublished, url, year and note.
def page_bibtex(page: Page, config: MkDocsConfig) -> str:
    slug = re.sub(r"[^A-Za-z0-9]+", "-", Path(page.file.src_uri).with_suffix("").name).strip("-").lower()
    changed = page.meta.get("revision_date_text") or last_change(page)
    # Without a date from git (a source zip, an uncommitted page) there is nothing true to say.
    note = f"Last changed {changed}" if changed else ""
    fields = [
        ("author", f"{{{_bibtex_escape(site_author(config))}}}"),
        # Double braces keep the title's capitals as written.
        ("title", f"{{{_bibtex_escape(page.title or '')}}}"),
        ("howpublished", f"{_bibtex_escape(config.site_name)}, \\url{{{page_address(page)}}}"),
        ("url", page_address(page)),
        ("year", citation_year(page)),
        ("note", note),
    ]
    fields = [(name, value) for name, value in fields if value]
    body = ",\n".join(f"  {name:<12} = {{{value}}}" for name, value in fields)
    return f"@misc{{alignmentbasics-{slug},\n{body}\n}}\n"


# Escape the characters BibTeX or LaTeX would read as commands.
def _bibtex_escape(text: str) -> str:
    text = text.replace("{", "").replace("}", "")
    return re.sub(r"([&%$#_])", r"\\\1", text)


# The "Cite this page" block, collapsed, left out of the search index.
def _cite_this_page(page: Page, config: MkDocsConfig) -> str:
    url = html.escape(page_address(page), quote=True)
    citation = (f"{html.escape(site_author(config))}, “{html.escape(page.title or '')}”, "
                f"<em>{html.escape(config.site_name)}</em>, {citation_year(page)}, "
                f'<a href="{url}">{url}</a>.')
    return ('\n<details class="quote cite-this-page" data-search-exclude>\n'
            "<summary>Cite this page</summary>\n"
            f'<p class="cite-this-page-text">{citation}</p>\n<p>BibTeX:</p>\n'
            f'<div class="highlight"><pre><span></span><code class="language-bibtex">'
            f"{html.escape(page_bibtex(page, config))}</code></pre></div>\n</details>\n")


# -----------------------------------------------------------------------------
# Metadata in <head>
# -----------------------------------------------------------------------------


# Google Scholar tags: the page, then one citation_reference per source it cites.
def _scholar_tags(page: Page, config: MkDocsConfig, keys: list[str]) -> list[dict[str, str]]:
    published = last_change(page).replace("-", "/") or citation_year(page)
    tags = [
        {"name": "citation_title", "content": page.title or ""},
        {"name": "citation_author", "content": site_author(config)},
        {"name": "citation_publication_date", "content": published},
        {"name": "citation_public_url", "content": page_address(page)},
    ]
    for key in keys:
        tags.append({"name": "citation_reference", "content": citation_reference(state.bibliography.sources[key].entry)})
    return tags


# One source as a citation_reference value: "citation_title=...; citation_author=...; ...".
def citation_reference(entry) -> str:
    parts = [("citation_title", plain(entry.fields.get("title", "")))]
    parts += [("citation_author", _family_first(person)) for person in entry.persons.get("author", [])]
    parts.append(("citation_publication_date", entry.fields.get("year", "")))
    place = "citation_journal_title" if entry.type.lower() == "article" else "citation_conference_title"
    if entry.type.lower() in ("article", "inproceedings") and venue(entry):
        parts.append((place, venue(entry)))
    for name in ("volume", "number"):
        if entry.fields.get(name):
            parts.append(("citation_volume" if name == "volume" else "citation_issue", entry.fields[name]))
    urls = identifier_urls(entry)
    if entry.fields.get("doi"):
        parts.append(("citation_doi", entry.fields["doi"].strip()))
    if entry.fields.get("eprint") and "arxiv" in urls:
        parts.append(("citation_arxiv_id", entry.fields["eprint"].strip()))
    link = urls.get("url") or urls.get("arxiv") or urls.get("doi")
    if link:
        parts.append(("citation_pdf_url" if link.lower().endswith(".pdf") else "citation_url", link))
    return "; ".join(f"{name}={value.replace(';', ',')}" for name, value in parts if value)


# An author as "Family, Given" (Scholar's preferred form).
def _family_first(person) -> str:
    last = plain(" ".join(person.prelast_names + person.last_names))
    first = plain(" ".join(person.first_names + person.middle_names))
    return f"{last}, {first}" if first else last


# JSON-LD for the page: a ScholarlyArticle whose `citation` lists its sources.
def _json_ld(page: Page, config: MkDocsConfig, keys: list[str]) -> str:
    data = {
        "@context": "https://schema.org",
        "@type": "ScholarlyArticle",
        "headline": page.title or "",
        "name": page.title or "",
        "author": {"@type": "Organization", "name": site_author(config)},
        "dateModified": last_change(page) or citation_year(page),
        "url": page_address(page),
        "isPartOf": {"@type": "WebSite", "name": config.site_name, "url": config.site_url or ""},
        "citation": [source_json_ld(config, key) for key in keys],
    }
    # "</" would end the <script> element early.
    return json.dumps(data, ensure_ascii=False).replace("</", "<\\/")


# One source as a schema.org work.
def source_json_ld(config: MkDocsConfig, key: str) -> dict:
    entry = state.bibliography.sources[key].entry
    urls = identifier_urls(entry)
    work = {
        "@type": SCHEMA_TYPES[group_of(entry)],
        "@id": f"{config.site_url or ''}{_sources_page_url()}#source-{key}",
        "name": plain(entry.fields.get("title", "")),
        "author": [{"@type": "Organization" if org else "Person", "name": name} for _, name, org in authors(entry)],
        "datePublished": entry.fields.get("year", ""),
        "url": urls.get("url") or urls.get("arxiv") or urls.get("doi", ""),
    }
    same = [urls[name] for name in ("doi", "arxiv") if name in urls and urls[name] != work["url"]]
    if same:
        work["sameAs"] = same
    if venue(entry):
        work["isPartOf"] = {"@type": "CreativeWork", "name": venue(entry)}
    return work


# The sources page's address relative to the site (sources.html).
def _sources_page_url() -> str:
    return collected.sources_url or "sources.html"


# -----------------------------------------------------------------------------
# Claims: markers and the sentences that carry them
# -----------------------------------------------------------------------------


# One block of text (a paragraph, a list item, a cell) and the markers inside it.
@dataclass
class Block:
    text: str
    markers: list[tuple[int, Marker]]
    prose: bool
    in_source_reference: bool = False


# Read a rendered page: its markers (with sentence, locator and sources) and its counts.
def read_page(html_text: str, page_url: str, title: str, is_source) -> tuple[list[Marker], dict]:
    reader = _PageReader(page_url, title, is_source)
    reader.feed(html_text)
    reader.close()
    markers, sentences, cited, uncited = [], 0, 0, []
    for block in reader.blocks:
        spans = sentence_spans(block.text, [position for position, _ in block.markers])
        carrying = set()
        for position, marker in block.markers:
            index = _sentence_at(spans, position)
            marker.text = block.text[spans[index][0]:spans[index][1]].strip() if spans else ""
            carrying.add(index)
            markers.append(marker)
        if block.prose and not block.in_source_reference:
            worded = {i for i, (start, end) in enumerate(spans) if re.search(r"\w", block.text[start:end])}
            sentences += len(worded)
            cited += len(carrying & worded)
            uncited += _uncited_sentences(block.text, spans, worded - carrying)
    _resolve_cites(markers, is_source)
    counts = {
        "page": page_url,
        "title": title,
        "sentences": sentences,
        "cited_sentences": cited,
        "claims": len(markers),
        "sources": sorted({key for m in markers if is_source(m.label) for key, _ in m.cites}),
        "uncited_sentences": uncited,
    }
    return markers, counts


# The text of the sentences at `indexes` (those without a marker), in document order.
def _uncited_sentences(text: str, spans: list[tuple[int, int]], indexes: set[int]) -> list[str]:
    return [text[spans[i][0]:spans[i][1]].strip() for i in sorted(indexes)]


# What each marker cites: its own source, or, for an aside, the sources cited inside the aside.
def _resolve_cites(markers: list[Marker], is_source) -> None:
    inside: dict[str, list[tuple[str, str]]] = {}
    for marker in markers:
        if marker.in_footnote and is_source(marker.label):
            inside.setdefault(marker.in_footnote, []).append((marker.label, marker.locator))
    for marker in markers:
        marker.cites = [(marker.label, marker.locator)] if is_source(marker.label) else inside.get(marker.label, [])


# (start, end) of each sentence of `text`; a marker right after a full stop also ends one.
def sentence_spans(text: str, markers: list[int]) -> list[tuple[int, int]]:
    ends = set()
    for match in SENTENCE_END.finditer(text):
        # The word before the stop; a bounded window keeps this linear in long blocks.
        word = re.search(r"([\w.]+)\.?$", text[max(0, match.start() - 100): match.start() + 1].rstrip(".!?…"))
        before = word[1].lower() if word else ""
        if text[match.start()] == "." and (before in ABBREVIATIONS or re.fullmatch(r"[A-Z]", word[1] if word else "")):
            continue
        ends.add(match.end())
    for position in markers:
        if 0 < position < len(text) and text[position - 1] in ".!?" and not text[position].isspace():
            ends.add(position)
    spans, start = [], 0
    for end in sorted(ends) + [len(text)]:
        if end > start:
            spans.append((start, end))
            start = end
    return spans


# Index of the sentence a marker at `position` belongs to: the one that ends where it stands.
def _sentence_at(spans: list[tuple[int, int]], position: int) -> int:
    for index, (start, end) in enumerate(spans):
        if start < position <= end:
            return index
    return 0


# A tag (name, attributes) or a run of text of rendered HTML; comments and raw text skipped.
HTML_TOKEN = re.compile(r"<!--.*?-->|<(script|style)\b.*?</\1\s*>|<(/?)([A-Za-z][\w-]*)([^>]*)>|([^<]+)",
                        re.S | re.I)
HTML_ATTRIBUTE = re.compile(r'([\w:-]+)\s*=\s*"([^"]*)"')
# The attributes of Python-Markdown's footnote item: <li id="fn:label">.
SOURCE_ITEM = re.compile(r'\s+id="fn:([^"]+)"\s*$')
WHITESPACE = re.compile(r"\s+")


# Walks a rendered page and cuts it into blocks of plain text, noting where markers stand.
# MkDocs' own HTML is regular, so a regex tokenizer does what html.parser did, several times faster.
class _PageReader:
    def __init__(self, page_url: str, title: str, is_source) -> None:
        self.page_url, self.title, self.is_source = page_url, title, is_source
        self.blocks: list[Block] = []
        self.stack: list[tuple[str, str]] = []
        self.text: list[str] = []
        self.markers: list[tuple[int, Marker]] = []
        self.last_marker: Marker | None = None
        self.footnote_item = ""
        self.in_footnotes = 0
        # How many open elements are in each mode, and the current block's length: kept up to
        # date so that handling a piece of text does not walk the stack or the block.
        self.open_modes: dict[str, int] = {}
        self.open_tags: dict[str, int] = {}
        # How much of the current block is link text: a block that is only a link (a "Related
        # questions" item) is navigation, not a sentence that could need a source.
        self.linked = 0
        self.length = 0

    # Hand each tag and text of `html_text` to the handlers below, in order.
    def feed(self, html_text: str) -> None:
        position = 0
        while position is not None:
            position = self._feed_from(html_text, position)

    # Feed tokens from `position` on; where a source's own footnote item can be jumped over,
    # return the position after it (None at the end).
    def _feed_from(self, html_text: str, position: int) -> int | None:
        for match in HTML_TOKEN.finditer(html_text, position):
            text, name = match[5], match[3]
            if text is not None:
                self.handle_data(html.unescape(text) if "&" in text else text)
            elif name is None:
                continue
            elif match[2]:
                self.handle_endtag(name.lower())
            elif (end := self._source_item_end(html_text, match)) is not None:
                self._flush()
                return end
            else:
                attributes = [(k, html.unescape(v)) for k, v in HTML_ATTRIBUTE.findall(match[4])]
                self.handle_starttag(name.lower(), attributes)
        return None

    # Where the footnote item of a source ends, when `match` opens one: a formatted reference
    # holds no marker and counts no sentence, so reading it would change nothing (most of a
    # page's tags are there).
    def _source_item_end(self, html_text: str, match) -> int | None:
        if not self.in_footnotes or match[3] != "li" or not (item := SOURCE_ITEM.match(match[4])):
            return None
        if not self.is_source(html.unescape(item[1])):
            return None
        end = html_text.find("</li>", match.end())
        if end < 0 or html_text.find("<li", match.end(), end) >= 0 or html_text.find("<sup", match.end(), end) >= 0:
            return None
        return end + len("</li>")

    # Nothing is buffered: every token was handled in feed().
    def close(self) -> None:
        self._flush()

    # Open an element: start a block, or enter a marker, a locator or skipped text.
    def handle_starttag(self, tag: str, attrs) -> None:
        attributes = dict(attrs)
        classes = (attributes.get("class") or "").split()
        if tag in BLOCKS:
            self._flush()
        if tag in VOID:
            if tag == "br":
                self._add(" ")
            return
        mode = ""
        if tag == "sup" and (attributes.get("id") or "").startswith("fnref"):
            mode = "marker"
            anchor = attributes["id"]
            marker = Marker(self.page_url, self.title, anchor, anchor.split(":", 1)[1],
                            in_footnote=self.footnote_item)
            self.markers.append((self.length, marker))
            self.last_marker = marker
        elif tag == "span" and "cite-locator" in classes:
            mode = "locator"
        elif tag in ("pre", "script", "style", "svg") or SKIPPED_CLASSES & set(classes):
            mode = "skip"
        elif tag == "div" and "footnote" in classes:
            mode = "footnotes"
            self.in_footnotes += 1
        elif tag == "li" and self.in_footnotes and (attributes.get("id") or "").startswith("fn:"):
            mode = "item"
            self.footnote_item = attributes["id"][3:]
        elif tag in HEADINGS or "admonition-title" in classes:
            mode = "heading"
        elif tag == "a":
            mode = "link"
        if mode not in ("marker", "locator"):
            self.last_marker = None if tag not in ("sup", "a") else self.last_marker
        self.stack.append((tag, mode))
        self.open_modes[mode] = self.open_modes.get(mode, 0) + 1
        self.open_tags[tag] = self.open_tags.get(tag, 0) + 1

    # Close an element: end its block first, then leave a marker, a locator or skipped text.
    def handle_endtag(self, tag: str) -> None:
        if tag in VOID or not self.open_tags.get(tag):
            return
        if tag in BLOCKS:
            self._flush()
        while self.stack:
            open_tag, mode = self.stack.pop()
            self.open_modes[mode] -= 1
            self.open_tags[open_tag] -= 1
            if mode == "footnotes":
                self.in_footnotes -= 1
            elif mode == "item":
                self.footnote_item = ""
            elif mode == "locator":
                self.last_marker = None
            if open_tag == tag:
                break

    # Text: skipped, a locator for the last marker, or part of the current block.
    def handle_data(self, data: str) -> None:
        modes = self.open_modes
        if modes.get("skip") or modes.get("marker"):
            return
        if modes.get("locator"):
            if self.last_marker is not None:
                self.last_marker.locator = " ".join((self.last_marker.locator + " " + data).split())
            return
        if data.strip():
            self.last_marker = None
        self._add(data)

    # Append text, with runs of white space as one space.
    def _add(self, data: str) -> None:
        data = WHITESPACE.sub(" ", data)
        if data.startswith(" ") and (not self.text or self.text[-1].endswith(" ")):
            data = data[1:]
        if data:
            self.text.append(data)
            self.length += len(data)
            if self.open_modes.get("link"):
                self.linked += len(data)

    # End the current block: keep it when it has text or markers.
    def _flush(self) -> None:
        raw = "".join(self.text)
        lead = len(raw) - len(raw.lstrip())
        text = raw.strip()
        if text or self.markers:
            in_reference = bool(self.in_footnotes) and self.is_source(self.footnote_item)
            self.blocks.append(Block(text, [(max(0, min(p - lead, len(text))), m) for p, m in self.markers],
                                     prose=not self.open_modes.get("heading") and self.linked < len(text),
                                     in_source_reference=in_reference))
        self.text, self.markers, self.length, self.linked = [], [], 0, 0


# -----------------------------------------------------------------------------
# Claims ledger
# -----------------------------------------------------------------------------


# The ledger: format, version, pages with their counts, and one claim per marker.
def claims_ledger(config: MkDocsConfig) -> dict:
    site_url = config.site_url or ""
    claims = []
    for marker in _in_reading_order(collected.markers, lambda m: m.page):
        claims.append({
            "page": marker.page,
            "page_title": marker.title,
            "anchor": marker.anchor,
            "url": f"{site_url}{marker.page}#{marker.anchor}",
            "footnote": marker.label,
            "text": marker.text,
            "sources": list(dict.fromkeys(key for key, _ in marker.cites)),
            "cites": [{"key": key, "locator": locator} for key, locator in marker.cites],
        })
    return {
        "format": CLAIMS_FORMAT,
        "version": CLAIMS_VERSION,
        "site_url": site_url,
        "pages": _in_reading_order(collected.pages, lambda p: p["page"]),
        "claims": claims,
    }


# Items sorted by their page's place in the navigation; within a page, in document order.
def _in_reading_order(items: list, page_of) -> list:
    last = len(collected.order)
    return sorted(items, key=lambda item: collected.order.get(page_of(item), last))
