"""How one bib entry is shown: plain text, authors, links, its group, Scholar and schema.org forms,
and its formatted reference as safe HTML."""

from __future__ import annotations

import html
import re
from functools import lru_cache
from typing import NamedTuple
from urllib.parse import quote

import markdown as python_markdown
import nh3
from pybtex.backends.plaintext import Backend as PlainTextBackend
from pybtex.richtext import Text
from pybtex.style import FormattedEntry
from pybtex.style.formatting.plain import Style as PlainStyle
from pybtex.style.template import optional, sentence

# Groups of the sources page, in page order: (id, heading).
GROUPS = (("papers", "Papers"), ("posts", "Posts and articles"), ("books", "Books"))
BOOK_TYPES = {"book", "inbook", "incollection", "booklet", "proceedings"}
PAPER_TYPES = {"article", "inproceedings", "conference", "techreport", "phdthesis", "mastersthesis"}

# schema.org type of a source in each group.
SCHEMA_TYPES = {"papers": "ScholarlyArticle", "posts": "CreativeWork", "books": "Book"}

# One author as the metadata gives it: family and given names, a suffix ("Jr."), the whole name as
# the reference writes it ("Jack Clark, Jr."), and whether it names an organisation ({OpenAI}).
class Author(NamedTuple):
    family: str
    given: str
    suffix: str
    full: str
    organisation: bool


# pybtex's plain-text backend (render_as() would look it up by name on every call).
PLAIN_TEXT = PlainTextBackend()

# The whole bibliography as one .bib file: every approved source (`sources`: key -> bib.Source,
# in file order), each field with the value pybtex read (@string macros expanded, so the file
# stands alone), in braces as written. Not pybtex's writer: it escapes "_" in URLs as LaTeX.
# Quarantined entries never reach `sources`, so they are not in it.
def bibliography_file(sources: dict, site_name: str) -> str:
    # BibTeX has no comments between entries: it skips text up to the next "@", so an "@" in the
    # site's name would start an entry. The name is written on one line without it.
    site_name = " ".join(site_name.replace("@", " ").split())
    parts = [f"% {site_name}: every source the site lists, {len(sources)} entries, written by the build\n"
             "% from the checked bibliography (entries the checks rejected are left out).\n"]
    for key, source in sources.items():
        width = max((len(name) for name, _ in source.values), default=0)
        fields = ",\n".join(f"  {name:<{width}} = {{{value}}}" for name, value in source.values)
        parts.append(f"@{source.entry.type}{{{key},\n{fields}\n}}\n")
    return "\n".join(parts)


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
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._templates: dict[tuple, object] = {}

    # pybtex builds the template of an entry type afresh for every entry (a third of the template
    # nodes it makes); it is built once per template_key here and reused, which gives the same text
    # (tests/test_plugin_contract.py compares the two over bib/ and generated entries).
    def format_entry(self, label, entry, bib_data=None):
        key = template_key(entry)
        template = self._templates.get(key)
        if template is None:
            get_template = getattr(self, f"get_{entry.type}_template", None)
            if get_template is None:  # a type pybtex formats by a method, or fails on
                return super().format_entry(label, entry, bib_data)
            template = self._templates[key] = get_template(entry)
        context = {"entry": entry, "style": self, "bib_data": bib_data}
        return FormattedEntry(entry.key, template.format_data(context), label)

    def format_web_refs(self, e):
        if not repeats_an_identifier(e):
            return super().format_web_refs(e)
        return sentence[
            optional[self.format_eprint(e)],
            optional[self.format_pubmed(e)],
            optional[self.format_doi(e)],
        ]


# Everything of an entry that the style's templates are built from: pybtex's plain style reads
# its type and whether it has one editor or several; OneLinkStyle whether its URL repeats an
# identifier. The names of its fields and person roles are part of the key as well, so that a
# template that looks at which fields are present is never shared between different entries.
def template_key(entry) -> tuple:
    return (entry.type,
            tuple(sorted(name.lower() for name in entry.fields)),
            tuple(sorted((role.lower(), min(len(people), 2)) for role, people in entry.persons.items())),
            repeats_an_identifier(entry))


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


# Whether the references' sanitizer keeps `url` as a link's address: it drops one it cannot parse
# (a port above 65535, a host that is no valid name), and the reader would get the text unlinked.
def sanitizer_keeps(url: str) -> bool:
    link = nh3.clean(f'<a href="{html.escape(url)}">x</a>', tags=REFERENCE_TAGS, attributes=REFERENCE_ATTRIBUTES,
                     allowed_classes=REFERENCE_CLASSES, url_schemes=REFERENCE_SCHEMES, link_rel=None)
    return "href=" in link


# A formatted reference (the Markdown pybtex and the plugin write) as HTML that can hold no
# script: rendered on its own, then through an allow-list sanitizer. The bib checks reject
# hostile fields first; this is the second line.
def safe_reference_html(reference_markdown: str) -> str:
    rendered = simple_reference_html(reference_markdown)
    if rendered is None:
        _RENDERER.reset()
        rendered = _RENDERER.convert(reference_markdown).strip()
        if rendered.startswith("<p>") and rendered.endswith("</p>") and rendered.count("<p>") == 1:
            rendered = rendered[3:-4]
    return nh3.clean(rendered, tags=REFERENCE_TAGS, attributes=REFERENCE_ATTRIBUTES,
                     allowed_classes=REFERENCE_CLASSES, url_schemes=REFERENCE_SCHEMES, link_rel=None)


# What pybtex's Markdown backend writes, as simple_reference_html reads it: escaped characters,
# entities, other characters but Markdown's and white space, single spaces between them;
# *emphasis* and [text](http address) around such pieces, an emphasis not next to another "*".
_ESCAPED = r"\\[\\`*_{}\[\]()#+\-.!]"
_SOLID = rf"(?:{_ESCAPED}|&(?:[A-Za-z][A-Za-z0-9]*|\#[0-9]{{1,7}});|[^\\`*_{{}}\[\]<>&!\s\x00-\x1f\x7f-\x9f])"
_WORDS = rf"{_SOLID}(?:(?:{_SOLID}| (?! ))*{_SOLID})?"
_LINK = rf"\[({_WORDS})\]\((https?://[A-Za-z0-9._~:/?#@=%+,;-]+)\)"
_EMPHASIS = rf"\*({_WORDS})\*(?!\*)"
# A whole reference: one paragraph that starts no other block (heading, quote, list, rule, link
# definition) and has no space at either end.
SIMPLE_REFERENCE = re.compile(rf"(?![ #>=\[]|[-+*] |\d+\. )(?:{_LINK}|{_EMPHASIS}|{_SOLID}| (?=[^ ]))+")
_LINK_OR_EMPHASIS = re.compile(rf"{_ESCAPED}|{_LINK}|{_EMPHASIS}")
_ESCAPE = re.compile(r"\\(.)")


# The HTML Python-Markdown makes of a reference written only with what SIMPLE_REFERENCE allows
# (about a tenth of its time), without the paragraph around it; None for anything else, which
# Python-Markdown renders. tests/test_plugin_contract.py compares the two over random text.
def simple_reference_html(reference_markdown: str) -> str | None:
    if not SIMPLE_REFERENCE.fullmatch(reference_markdown):
        return None
    pieces, cursor = [], 0
    for found in _LINK_OR_EMPHASIS.finditer(reference_markdown):
        if found[1] is None and found[3] is None:  # an escaped character: text, read below
            continue
        pieces.append(_unescape(reference_markdown[cursor:found.start()]))
        if found[1] is not None:
            pieces.append(f'<a href="{found[2]}">{_unescape(found[1])}</a>')
        else:
            pieces.append(f"<em>{_unescape(found[3])}</em>")
        cursor = found.end()
    pieces.append(_unescape(reference_markdown[cursor:]))
    return "".join(pieces)


# Markdown's backslash escapes as the characters they stand for.
def _unescape(text: str) -> str:
    return _ESCAPE.sub(lambda escape: escape[1], text)


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


# The authors an entry names, each as the metadata gives them (Author), in order.
def authors(entry) -> list[Author]:
    found = []
    for person in named_authors(entry):
        last = plain(" ".join(person.prelast_names + person.last_names))
        first = plain(" ".join(person.first_names + person.middle_names))
        suffix = plain(" ".join(person.lineage_names))
        organisation = not first and " ".join(person.last_names).startswith("{")
        full = f"{first} {last}".strip() + (f", {suffix}" if suffix else "")
        found.append(Author(last, first, suffix, full, organisation))
    return found


# The people an entry names as its authors: BibTeX's "and others" stands for the authors it leaves
# unnamed, which the reference shows as "and others" and the metadata leaves out (no person "others").
def named_authors(entry) -> list:
    return [person for person in entry.persons.get("author", []) if str(person) != "others"]


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
    family = names[0].family.lower() if names else ""
    return (family, entry.fields.get("year", ""), plain(entry.fields.get("title", "")))


# One source as a citation_reference value: "citation_title=...; citation_author=...; ...".
def citation_reference(entry) -> str:
    parts = [("citation_title", plain(entry.fields.get("title", "")))]
    parts += [("citation_author", _family_first(author)) for author in authors(entry)]
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


# An author as "Family, Given" (Scholar's preferred form), a suffix after: "Clark, Jack, Jr.".
def _family_first(author: Author) -> str:
    written = f"{author.family}, {author.given}" if author.given else author.family
    return f"{written}, {author.suffix}" if author.suffix else written


# One source as a schema.org work.
def source_json_ld(entry, key: str, sources_address: str) -> dict:
    urls = identifier_urls(entry)
    work = {
        "@type": SCHEMA_TYPES[group_of(entry)],
        "@id": f"{sources_address}#source-{key}",
        "name": plain(entry.fields.get("title", "")),
        "author": [{"@type": "Organization" if author.organisation else "Person", "name": author.full}
                   for author in authors(entry)],
        "datePublished": entry.fields.get("year", ""),
        "url": urls.get("url") or urls.get("arxiv") or urls.get("doi", ""),
    }
    same = [urls[name] for name in ("doi", "arxiv") if name in urls and urls[name] != work["url"]]
    if same:
        work["sameAs"] = same
    if venue(entry):
        work["isPartOf"] = {"@type": "CreativeWork", "name": venue(entry)}
    return work


# -----------------------------------------------------------------------------
# COinS: one source as an OpenURL 1.0 ContextObject (Z39.88-2004, KEV format), which Zotero's
# connector and other reference managers read from a <span class="Z3988" title="...">.
# -----------------------------------------------------------------------------

CTX_VERSION = "Z39.88-2004"
KEV_JOURNAL = "info:ofi/fmt:kev:mtx:journal"
KEV_BOOK = "info:ofi/fmt:kev:mtx:book"
# Dublin Core, for a post or web page: its matrix has no genre; Zotero reads it as a web page.
KEV_DC = "info:ofi/fmt:kev:mtx:dc"


# The source's ContextObject as (key, value) pairs, plain text, in the order written.
# A conference paper is the journal format's "proceeding" genre (a paper in a serial's
# proceedings) rather than the book format's: readers such as Zotero take the book format's
# btitle as the item's own title, and would file the paper under the proceedings' name.
def coins_pairs(entry) -> list[tuple[str, str]]:
    kind, fields = entry.type.lower(), entry.fields
    title = plain(fields.get("title", ""))
    urls = identifier_urls(entry)
    arxiv = "arxiv" in urls and fields.get("eprint", "").strip()
    if kind in ("article", "inproceedings", "conference") or arxiv:
        genre = {"article": "article", "inproceedings": "proceeding", "conference": "proceeding"}.get(kind, "preprint")
        pairs = [("rft_val_fmt", KEV_JOURNAL), ("rft.genre", genre), ("rft.atitle", title),
                 ("rft.jtitle", venue(entry) or ("arXiv" if arxiv else ""))]
        pairs += [("rft.volume", fields.get("volume", "")), ("rft.issue", fields.get("number", "")),
                  ("rft.pages", fields.get("pages", "").replace("--", "-"))]
    elif kind in BOOK_TYPES or kind in ("techreport", "phdthesis", "mastersthesis"):
        genre = "report" if kind == "techreport" else "bookitem" if kind in ("inbook", "incollection") else "book"
        pairs = [("rft_val_fmt", KEV_BOOK), ("rft.genre", genre),
                 ("rft.atitle" if genre == "bookitem" else "rft.btitle", title)]
        if genre == "bookitem":
            pairs.append(("rft.btitle", plain(fields.get("booktitle", ""))))
        pairs.append(("rft.pub", plain(fields.get("publisher", "") or fields.get("institution", ""))))
    else:
        pairs = [("rft_val_fmt", KEV_DC), ("rft.type", "blogPost" if venue(entry) else "webpage"),
                 ("rft.title", title), ("rft.source", venue(entry))]
    names = authors(entry)
    dublin = pairs[0][1] == KEV_DC
    if names and not dublin:
        first = names[0]
        pairs += [("rft.aucorp", first.full)] if first.organisation else [
            ("rft.aulast", first.family), ("rft.aufirst", first.given), ("rft.ausuffix", first.suffix)]
    pairs += [("rft.creator" if dublin else "rft.au", author.full) for author in names]
    pairs.append(("rft.date", fields.get("year", "").strip()))
    if fields.get("doi"):
        pairs.append(("rft_id", f"info:doi/{fields['doi'].strip()}"))
    if arxiv:
        pairs.append(("rft_id", f"info:arxiv/{arxiv}"))
    link = urls.get("url") or urls.get("arxiv") or urls.get("doi")
    if link:
        pairs.append(("rft.identifier" if dublin else "rft_id", link))
    return [("ctx_ver", CTX_VERSION)] + [(key, value) for key, value in pairs if value]


# The ContextObject as a KEV string: each key and value percent-encoded as UTF-8 (nothing left
# that could end an attribute or start markup), joined by "&". The template escapes the "&".
def coins_kev(entry) -> str:
    return "&".join(f"{quote(key, safe='._')}={quote(value, safe='')}" for key, value in coins_pairs(entry))
