"""How one bib entry is shown: plain text, authors, links, its group, Scholar and schema.org forms,
and its formatted reference as safe HTML."""

from __future__ import annotations

import re
from functools import lru_cache

import markdown as python_markdown
import nh3
from pybtex.backends.plaintext import Backend as PlainTextBackend
from pybtex.richtext import Text
from pybtex.style.formatting.plain import Style as PlainStyle
from pybtex.style.template import optional, sentence

# Groups of the sources page, in page order: (id, heading).
GROUPS = (("papers", "Papers"), ("posts", "Posts and articles"), ("books", "Books"))
BOOK_TYPES = {"book", "inbook", "incollection", "booklet", "proceedings"}
PAPER_TYPES = {"article", "inproceedings", "conference", "techreport", "phdthesis", "mastersthesis"}

# schema.org type of a source in each group.
SCHEMA_TYPES = {"papers": "ScholarlyArticle", "posts": "CreativeWork", "books": "Book"}

# pybtex's plain-text backend (render_as() would look it up by name on every call).
PLAIN_TEXT = PlainTextBackend()

# One plain Markdown renderer for references, reset between uses (building one costs more than
# rendering a reference).
_RENDERER = python_markdown.Markdown()
# Part of the disk cache's key (formatting.formatter_version): a new sanitizer or allow-list
# formats every source afresh.
SANITIZER = f"nh3=={nh3.__version__ if hasattr(nh3, '__version__') else '?'};allow-list-1"

# What a formatted reference may contain once rendered: inline text markup and http(s) links.
REFERENCE_TAGS = {"a", "em", "strong", "i", "b", "code", "span", "sub", "sup", "br"}
REFERENCE_ATTRIBUTES = {"a": {"href"}}
# The only class a reference may carry: the archived copy's link (archive.py).
REFERENCE_CLASSES = {"a": {"archived-copy"}}
REFERENCE_SCHEMES = {"http", "https", "mailto"}


# Part of the disk cache's key: a new way of writing a reference's links formats every source afresh.
LINKS_WORDING = "one-link-per-identifier-2"

# pybtex's plain style (the one mkdocs-bibtex uses), with one link per identifier: a URL that is
# the very address of the entry's "arXiv:..." or "doi:..." link is not written again as "URL: ...".
# (A URL that pins a version, .../2105.14111v1, is another address and stays.)
class OneLinkStyle(PlainStyle):
    def format_web_refs(self, e):
        if not repeats_an_identifier(e):
            return super().format_web_refs(e)
        return sentence[
            optional[self.format_eprint(e)],
            optional[self.format_pubmed(e)],
            optional[self.format_doi(e)],
        ]


# Whether the entry's URL is the address its arXiv or DOI link already has (the links that
# pybtex's plain style writes for `eprint` and `doi`).
def repeats_an_identifier(entry) -> bool:
    url = _address(entry.fields.get("url", ""))
    if not url:
        return False
    fields = entry.fields
    written = []
    if fields.get("eprint", "").strip():
        written.append(f"https://arxiv.org/abs/{fields['eprint'].strip()}")
    if fields.get("doi", "").strip():
        written.append(f"https://doi.org/{fields['doi'].strip()}")
    return url in {_address(link) for link in written}


# An address as compared for sameness: http or https, with or without a final slash.
def _address(url: str) -> str:
    url = url.strip()
    return re.sub(r"^http://", "https://", url).rstrip("/")


# A formatted reference (the Markdown pybtex and the plugin write) as HTML that can hold no
# script: rendered on its own, then through an allow-list sanitizer. The bib checks reject
# hostile fields first; this is the second line.
def safe_reference_html(reference_markdown: str) -> str:
    _RENDERER.reset()
    rendered = _RENDERER.convert(reference_markdown).strip()
    if rendered.startswith("<p>") and rendered.endswith("</p>") and rendered.count("<p>") == 1:
        rendered = rendered[3:-4]
    return nh3.clean(rendered, tags=REFERENCE_TAGS, attributes=REFERENCE_ATTRIBUTES,
                     allowed_classes=REFERENCE_CLASSES, url_schemes=REFERENCE_SCHEMES, link_rel=None)


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


# Sort by first author's family name, then year and title.
def sort_key(entry) -> tuple[str, str, str]:
    names = authors(entry)
    return (names[0][0].lower() if names else "", entry.fields.get("year", ""), plain(entry.fields.get("title", "")))


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


# One source as a schema.org work.
def source_json_ld(entry, key: str, sources_address: str) -> dict:
    urls = identifier_urls(entry)
    work = {
        "@type": SCHEMA_TYPES[group_of(entry)],
        "@id": f"{sources_address}#source-{key}",
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
