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

import yaml
from jinja2 import TemplateNotFound
from markupsafe import Markup

from citelib import entries, rendered

# Who the site names as the author of its pages when mkdocs.yml names nobody.
DEFAULT_AUTHOR = "Alignment Basics contributors"

# JSON that is safe inside <script>: no character can end the element or open a comment.
SCRIPT_UNSAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


# The title MkDocs 1.6 makes of a page's file name (Page.title, for a page with no heading and no
# title): hyphens and underscores as spaces, capitalized when all lower case.
def title_of_file_name(name: str) -> str:
    title = name.replace("-", " ").replace("_", " ")
    return title.capitalize() if title.lower() == title else title


# Front matter that MkDocs could not read, which it leaves in the page as text and reads nothing of
# (its YAML loader, libyaml's where installed, refuses "\ud800"): (line, col, problem), else None.
def unread_front_matter(markdown: str) -> tuple[int, int, str] | None:
    from mkdocs.utils import meta

    found = meta.YAML_RE.match(markdown)
    if found is None:
        return None
    try:
        data = yaml.load(found.group(1), meta.SafeLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problem = " ".join(str(getattr(error, "problem", None) or error).split())
        line, col = (mark.line + 2, mark.column + 1) if mark is not None else (1, 1)
        return line, col, (f"the front matter is not YAML that MkDocs reads ({problem}): MkDocs left all of it "
                           "out (no title, no description) and showed it as text; write each value as plain text")
    if isinstance(data, dict):
        return None
    return 1, 1, ("the front matter is no mapping of keys to values: MkDocs left all of it out and showed it as "
                  "text; write it as `key: value` lines")


# Front matter that Material writes into every page as raw HTML (MkDocs' templates do not
# escape): the title as text (<title>, header, navigation, footer), the others inside attributes
# (<meta content="...">, a class name).
THEME_TEXT_META = ("title", "subtitle")
THEME_ATTRIBUTE_META = ("description", "author", "status")

# The front matter a page may give, and who reads it: Material (the keys above, `template`, and
# `hide` and `search`, which it only tests) and the review (citelib/review.py). Any other key is
# reported and dropped before the theme or a hook sees it: MkDocs' templates write front matter
# unescaped (Material's redirect.html puts `location` inside a <script>), and the hooks' own keys
# (`sources_jsonld`, `revision_date`...) reach <head> as they are.
PAGE_FRONT_MATTER = (*THEME_TEXT_META, *THEME_ATTRIBUTE_META, "template", "hide", "search",
                     "reviewers", "last_reviewed")


# Escape those values in place, so that they show as written and hold no markup. Only values
# that could open a tag or leave an attribute change: a title with '&' or '"' stays as it is.
def escape_theme_meta(meta: dict) -> None:
    for name in THEME_TEXT_META:
        if isinstance(meta.get(name), str) and "<" in meta[name]:
            meta[name] = html.escape(meta[name], quote=False)
    for name in THEME_ATTRIBUTE_META:
        if isinstance(meta.get(name), str) and ("<" in meta[name] or '"' in meta[name]):
            meta[name] = html.escape(meta[name], quote=True)


# The title and subtitle of the front matter `meta` whose text, read as HTML, runs a script: the
# theme shows a title it cuts short (navigation, header) in a tooltip as HTML. Each (key,
# message), and the value escaped once more, so that a preview shows it as text there too.
def titles_shown_as_markup(meta: dict) -> list[tuple[str, str]]:
    found = []
    for name in THEME_TEXT_META:
        value = meta.get(name)
        if isinstance(value, str) and rendered.shows_unsafe_markup(html.unescape(value)):
            found.append((name, f"front matter '{name}' reads as markup that runs a script where the theme cuts it "
                                "short: its tooltip shows the text as HTML"))
            meta[name] = html.escape(html.escape(html.unescape(value), quote=False), quote=False)
    return found


# The keys of the front matter `meta` that are not PAGE_FRONT_MATTER: each (key, message), and the
# key removed.
def unknown_front_matter(meta: dict) -> list[tuple[str, str]]:
    found = []
    for name in [name for name in meta if name not in PAGE_FRONT_MATTER]:
        found.append((str(name), f"front matter '{name}' is not a key the site reads (it reads "
                                 f"{', '.join(PAGE_FRONT_MATTER)}); it was left out of the page"))
        del meta[name]
    return found


# The front matter the theme writes raw that is not text (a list, a mapping, a number): each
# (key, message), and the key removed, since the theme would write its Python form unescaped.
def non_text_theme_meta(meta: dict) -> list[tuple[str, str]]:
    found = []
    for name in THEME_TEXT_META + THEME_ATTRIBUTE_META:
        if name in meta and meta[name] is not None and not isinstance(meta[name], str):
            shown = repr(meta[name])
            shown = shown if len(shown) <= 60 else shown[:57] + "..."
            found.append((name, f"front matter '{name}' must be text, not {type(meta[name]).__name__} {shown}"))
            del meta[name]
    return found


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
    except Exception as error:  # noqa: BLE001 - a template that does not compile stops MkDocs with a traceback
        return _cannot_render(name, error)
    return ""


# What stops a page's named template from rendering the page with the context MkDocs gives it, or ""
# when it renders: a template made for another plugin's pages (a blog post's) or a partial stopped
# MkDocs with a traceback.
def template_render_problem(env, name: str, context: dict) -> str:
    try:
        output = env.get_template(name).render(context)
    except Exception as error:  # noqa: BLE001 - any error of a template stops MkDocs with a traceback
        return _cannot_render(name, error)
    content = getattr(context.get("page"), "content", "") or ""
    if content.strip() and content not in output:
        return (f"front matter names template '{name}', which does not show the page's content: leave 'template' "
                "out, or name a template made for pages, such as main.html")
    return ""


def _cannot_render(name: str, error: Exception) -> str:
    shown = (str(error).splitlines() or [""])[0][:100]
    return (f"front matter names template '{name}', which cannot render this page ({type(error).__name__}: "
            f"{shown}): leave 'template' out, or name a template made for pages, such as main.html")


# A page as its citation needs it.
@dataclass(frozen=True)
class PageFacts:
    src_uri: str
    title: str
    address: str
    # Last change (ISO date) and its human form, from git; "" for a page git does not know.
    changed: str = ""
    changed_text: str = ""
    # First publication (ISO date of the page's first commit); "" for a page git does not know.
    published: str = ""


# English month names, whatever the machine's locale.
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")

# Words Chicago's headline style leaves in lower case unless first or last (CMOS 17, 8.159):
# articles, coordinating conjunctions, and prepositions.
CHICAGO_LOWER = frozenset(
    "a an the and but or nor for so yet as at by in of off on per to up via with from into onto upon over "
    "than like near past till amid among about above after along around before below between beyond "
    "during except inside outside since through toward towards under until within without".split())


# The author the site names for its pages.
def site_author(configured: str | None) -> str:
    return configured or DEFAULT_AUTHOR


# The year to cite: of the last change, else of the build.
def citation_year(changed: str) -> str:
    return changed[:4] or str(date.today().year)


# An ISO date as a date, or None ("" or not a date).
def _day(iso: str) -> date | None:
    try:
        return date.fromisoformat(iso)
    except (TypeError, ValueError):
        return None


# APA 7, a webpage on a website with a group author (Publication Manual 7th ed., 10.16): the date
# of the last update, the title in italics, the site's name (left out when it is the author).
# Returns (plain text, HTML): the HTML escapes every value and puts the title in <em>.
def apa_reference(page: PageFacts, author: str, site_name: str) -> tuple[str, str]:
    day = _day(page.changed)
    when = f"{day.year}, {MONTHS[day.month - 1]} {day.day}" if day else "n.d."
    title = page.title.strip()
    title_end = "" if title.endswith(("?", "!", ".")) else "."
    site = "" if site_name.strip().lower() == author.strip().lower() else f" {site_name}."
    author_part = author if author.endswith(".") else author + "."
    text = f"{author_part} ({when}). {title}{title_end}{site} {page.address}"
    markup = (f"{html.escape(author_part)} ({html.escape(when)}). <em>{html.escape(title)}{title_end}</em>"
              f"{html.escape(site)} {html.escape(page.address)}")
    return text, markup


# Chicago 17, bibliography entry for a page of a website (CMOS 17, 14.206-207): the title in
# headline style inside quotation marks, the site's name, "Last modified" with the date, the URL.
def chicago_reference(page: PageFacts, author: str, site_name: str) -> tuple[str, str]:
    day = _day(page.changed)
    title = headline_style(page.title.strip())
    # The period goes inside the closing quotation mark, unless the title ends in its own mark.
    quoted = f"\u201c{title}\u201d" if title.endswith(("?", "!", ".")) else f"\u201c{title}.\u201d"
    author_part = author if author.endswith(".") else author + "."
    modified = f" Last modified {MONTHS[day.month - 1]} {day.day}, {day.year}." if day else ""
    text = f"{author_part} {quoted} {site_name}.{modified} {page.address}."
    return text, html.escape(text)


# A title in Chicago's headline style: every word capitalised except articles, conjunctions and
# prepositions inside the title; words already holding a capital (AI, RLHF, Goodhart's) stay.
def headline_style(title: str) -> str:
    words = title.split(" ")
    last = max((i for i, w in enumerate(words) if re.search(r"\w", w)), default=0)
    out = []
    for index, word in enumerate(words):
        core = word.strip("()\"'\u201c\u2018,:;?!.")
        lead = word[: len(word) - len(word.lstrip("(\"'\u201c\u2018"))]
        after_colon = index > 0 and words[index - 1].endswith(":")
        keep_lower = core.lower() in CHICAGO_LOWER and 0 < index < last and not after_colon
        if not core or any(c.isupper() for c in core) or keep_lower:
            out.append(word)
            continue
        # Each part of a hyphenated compound is capitalised (CMOS 8.161, simplified).
        start = len(lead)
        parts = word[start:].split("-")
        out.append(lead + "-".join(part[:1].upper() + part[1:] for part in parts))
    return " ".join(out)


# A RIS record for the page (TY ELEC, the tag grammar of the RIS specification): one "XX  - value"
# line a field, TY first and ER last. `newline` is CRLF as the specification asks; on a page, where
# HTML reads CRLF as a line feed, "\n".
def page_ris(page: PageFacts, author: str, site_name: str, newline: str = "\r\n") -> str:
    published, changed = _day(page.published or page.changed), _day(page.changed)
    fields = [
        ("TY", "ELEC"),
        # The specification forbids '*' in author and periodical fields.
        ("AU", _ris_value(author).replace("*", "")),
        ("TI", _ris_value(page.title)),
        ("T2", _ris_value(site_name).replace("*", "")),
        ("PY", str(published.year) if published else citation_year("")),
        # YYYY/MM/DD/other, as the specification writes dates; here the page's last change.
        ("DA", f"{changed.year:04d}/{changed.month:02d}/{changed.day:02d}/" if changed else ""),
        ("UR", _ris_value(page.address)),
        ("ER", ""),
    ]
    return "".join(f"{tag}  - {value}{newline}" for tag, value in fields if value or tag == "ER")


# A value on one RIS line: no line break or control character can start another tag.
def _ris_value(text: str) -> str:
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())


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
        ("year", (page.published or page.changed)[:4] or citation_year("")),
        # biblatex reads `date` (first publication) and `urldate`; BibTeX ignores fields it does not know.
        ("date", page.published),
        ("note", f"Last changed {changed}" if changed else ""),
    ]
    body = ",\n".join(f"  {name:<12} = {{{value}}}" for name, value in fields if value)
    return f"@misc{{alignmentbasics-{slug},\n{body}\n}}\n"


# Escape the characters BibTeX or LaTeX would read as commands.
def _bibtex_escape(text: str) -> str:
    text = text.replace("{", "").replace("}", "")
    return re.sub(r"([&%$#_])", r"\\\1", text)


# A page's title as plain text, for text the templates escape (Cite this page, redirect links).
# MkDocs gives a title read from the page's heading as HTML ("&amp;" for "&"): Material shows it
# through `striptags`, which drops tags and reads entities, and so does this. A front-matter title
# is text as written (`as_written`) until citations.on_env escapes it for the theme; after that
# event, `striptags` gives it back as written too.
def title_text(title: str, as_written: bool = False) -> str:
    return title if as_written else Markup(title).striptags()


# Google Scholar tags: the page, then one citation_reference per source it cites.
def scholar_tags(page: PageFacts, author: str, cited_entries: list) -> list[dict[str, str]]:
    # Scholar's date is the first publication (the page's first commit); the last change is in
    # JSON-LD (dateModified) and article:modified_time.
    published = (page.published or page.changed).replace("-", "/") or citation_year(page.changed)
    tags = [
        {"name": "citation_title", "content": page.title},
        {"name": "citation_author", "content": author},
        {"name": "citation_publication_date", "content": published},
        {"name": "citation_public_url", "content": page.address},
    ]
    tags += [{"name": "citation_reference", "content": entries.citation_reference(entry)} for entry in cited_entries]
    return tags


# A description for <meta name="description"> and link previews: the short answer, cut at a word
# to `limit` characters with an ellipsis.
def description(text: str, limit: int = 200) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    cut = cut[: cut.rfind(" ")] if " " in cut else cut
    return cut.rstrip(" ,;:") + "\u2026"


# Open Graph and Twitter card tags for link previews: each as {"attribute", "name", "content"},
# plain text (the template escapes). Open Graph names go in `property`, Twitter's in `name`.
def preview_tags(page: PageFacts, summary: str, site_name: str, image_url: str, image_alt: str) -> list[dict]:
    tags = [
        ("property", "og:type", "article"),
        ("property", "og:site_name", site_name),
        ("property", "og:title", page.title),
        ("property", "og:description", summary),
        ("property", "og:url", page.address),
        ("property", "og:image", image_url),
        ("property", "og:image:alt", image_alt),
        ("property", "article:published_time", page.published or page.changed),
        ("property", "article:modified_time", page.changed),
        ("name", "twitter:card", "summary_large_image"),
        ("name", "twitter:title", page.title),
        ("name", "twitter:description", summary),
        ("name", "twitter:image", image_url),
        ("name", "twitter:image:alt", image_alt),
    ]
    return [{"attribute": attribute, "name": name, "content": content} for attribute, name, content in tags if content]


# JSON-LD for the page: a ScholarlyArticle whose `citation` lists its sources (key, entry pairs),
# and who reviewed it when the front matter says so (`review`: citelib.review.Review).
def json_ld(page: PageFacts, author: str, site_name: str, site_url: str, sources_address: str,
            cited: list[tuple[str, object]], review=None, summary: str = "") -> str:
    data = {
        "@context": "https://schema.org",
        "@type": "ScholarlyArticle",
        "headline": page.title,
        "name": page.title,
        "author": {"@type": "Organization", "name": author},
        "datePublished": page.published or page.changed or citation_year(page.changed),
        "dateModified": page.changed or citation_year(page.changed),
        "url": page.address,
        "isPartOf": {"@type": "WebSite", "name": site_name, "url": site_url},
        "citation": [entries.source_json_ld(entry, key, sources_address) for key, entry in cited],
    }
    if summary:
        data["description"] = summary
    if review is not None:
        # schema.org puts reviewedBy and lastReviewed on WebPage: the page is both.
        data["@type"] = ["ScholarlyArticle", "WebPage"]
        data["reviewedBy"] = [{"@type": "Person", "name": name} for name in review.reviewers]
        data["lastReviewed"] = review.last_reviewed
    return script_json(data)


# JSON to put inside a <script> element: "<", ">" and "&" escaped, so no value can close the
# element, open a comment or start a character reference.
def script_json(data) -> str:
    text = json.dumps(data, ensure_ascii=False)
    return re.sub("[<>&\u2028\u2029]", lambda m: SCRIPT_UNSAFE[m[0]], text)
