"""What a page says about itself: how to cite it, Google Scholar tags and JSON-LD.

Functions take the page's facts as arguments (title, address, dates, the site's name and author)
and return data; the hook renders HTML from Jinja templates in overrides/.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import PurePosixPath

from jinja2 import TemplateNotFound

from citelib import entries

# Who the site names as the author of its pages when mkdocs.yml names nobody.
DEFAULT_AUTHOR = "Alignment Basics contributors"

# JSON that is safe inside <script>: no character can end the element or open a comment.
SCRIPT_UNSAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


# Front matter that Material writes into every page as raw HTML (MkDocs' templates do not
# escape): the title as text (<title>, header, navigation, footer), the others inside attributes
# (<meta content="...">, a class name).
THEME_TEXT_META = ("title",)
THEME_ATTRIBUTE_META = ("description", "author", "status")


# Escape those values in place, so that they show as written and hold no markup. Only values
# that could open a tag or leave an attribute change: a title with '&' or '"' stays as it is.
def escape_theme_meta(meta: dict) -> None:
    for name in THEME_TEXT_META:
        if isinstance(meta.get(name), str) and "<" in meta[name]:
            meta[name] = html.escape(meta[name], quote=False)
    for name in THEME_ATTRIBUTE_META:
        if isinstance(meta.get(name), str) and ("<" in meta[name] or '"' in meta[name]):
            meta[name] = html.escape(meta[name], quote=True)


# Why the theme cannot render a page with this front matter `template:` ("" when it can):
# MkDocs would stop with a traceback on a name its template folders do not hold.
def template_problem(env, meta: dict) -> str:
    if "template" not in meta:
        return ""
    name = meta["template"]
    if not isinstance(name, str) or not name:
        return f"front matter 'template' must be a template's name, not {name!r}"
    try:
        env.get_template(name)
    except TemplateNotFound:
        return f"front matter names template '{name}', which the theme does not have"
    return ""


# A page as its citation needs it.
@dataclass(frozen=True)
class PageFacts:
    src_uri: str
    title: str
    address: str
    # Last change (ISO date) and its human form, from git; "" for a page git does not know.
    changed: str = ""
    changed_text: str = ""


# The author the site names for its pages.
def site_author(configured: str | None) -> str:
    return configured or DEFAULT_AUTHOR


# The year to cite: of the last change, else of the build.
def citation_year(changed: str) -> str:
    return changed[:4] or str(date.today().year)


# A BibTeX entry for the page: @misc with title, author, howpublished, url, year and note.
def page_bibtex(page: PageFacts, author: str, site_name: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9]+", "-", PurePosixPath(page.src_uri).with_suffix("").name).strip("-").lower()
    changed = page.changed_text or page.changed
    # Without a date from git (a source zip, an uncommitted page) there is nothing true to say.
    fields = [
        ("author", f"{{{_bibtex_escape(author)}}}"),
        # Double braces keep the title's capitals as written.
        ("title", f"{{{_bibtex_escape(page.title)}}}"),
        ("howpublished", f"{_bibtex_escape(site_name)}, \\url{{{page.address}}}"),
        ("url", page.address),
        ("year", citation_year(page.changed)),
        ("note", f"Last changed {changed}" if changed else ""),
    ]
    body = ",\n".join(f"  {name:<12} = {{{value}}}" for name, value in fields if value)
    return f"@misc{{alignmentbasics-{slug},\n{body}\n}}\n"


# Escape the characters BibTeX or LaTeX would read as commands.
def _bibtex_escape(text: str) -> str:
    text = text.replace("{", "").replace("}", "")
    return re.sub(r"([&%$#_])", r"\\\1", text)


# Google Scholar tags: the page, then one citation_reference per source it cites.
def scholar_tags(page: PageFacts, author: str, cited_entries: list) -> list[dict[str, str]]:
    published = page.changed.replace("-", "/") or citation_year(page.changed)
    tags = [
        {"name": "citation_title", "content": page.title},
        {"name": "citation_author", "content": author},
        {"name": "citation_publication_date", "content": published},
        {"name": "citation_public_url", "content": page.address},
    ]
    tags += [{"name": "citation_reference", "content": entries.citation_reference(entry)} for entry in cited_entries]
    return tags


# JSON-LD for the page: a ScholarlyArticle whose `citation` lists its sources (key, entry pairs).
def json_ld(page: PageFacts, author: str, site_name: str, site_url: str, sources_address: str,
            cited: list[tuple[str, object]]) -> str:
    data = {
        "@context": "https://schema.org",
        "@type": "ScholarlyArticle",
        "headline": page.title,
        "name": page.title,
        "author": {"@type": "Organization", "name": author},
        "dateModified": page.changed or citation_year(page.changed),
        "url": page.address,
        "isPartOf": {"@type": "WebSite", "name": site_name, "url": site_url},
        "citation": [entries.source_json_ld(entry, key, sources_address) for key, entry in cited],
    }
    return script_json(data)


# JSON to put inside a <script> element: "<", ">" and "&" escaped, so no value can close the
# element, open a comment or start a character reference.
def script_json(data) -> str:
    text = json.dumps(data, ensure_ascii=False)
    return re.sub("[<>&\u2028\u2029]", lambda m: SCRIPT_UNSAFE[m[0]], text)
