"""A check of a built site that any builder's output can be held to.

The hooks check pages while MkDocs builds them. This reads the finished `site/` folder instead,
with the same HTML5 reading, so that a change of builder (Zensical, ProperDocs) or a hook that
silently stopped running cannot switch the promise off: no citation left as literal text, every
marker resolving to a footnote and every footnote to a source, nothing that runs a script, and a
claims ledger that lists exactly the markers the pages show. A redirect page (a page that moved
keeps its old address) must lead to a page of the site, by a relative link that works from disk,
and every old address of the redirect table must have one.
"""

from __future__ import annotations

import html
import json
import re
import xml.parsers.expat
import zlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urljoin, urlsplit

import tinycss2
from selectolax.lexbor import LexborHTMLParser

from citelib import around, prescan, rendered
from citelib.claims import CLAIMS_FORMAT, CLAIMS_VERSION
from citelib.diagnostics import Report
from citelib.htmlcheck import LITERAL_CITATION, LITERAL_MARKER
from citelib.places import Places

# The links a browser follows as a page loads, to fetch a file the page uses or to reach its site.
FETCHING_RELS = {"stylesheet", "preload", "modulepreload", "icon", "apple-touch-icon", "apple-touch-icon-precomposed",
                 "mask-icon", "manifest", "prefetch", "prerender", "preconnect", "dns-prefetch"}
# Of those, the links that only reach the site (a connection or a name look-up made ahead).
CONNECTING_RELS = {"preconnect", "dns-prefetch"}
CONNECTION = "a connection"
IMAGE, FRAME, EMBEDDED = "an image", "a page in a frame", "an embedded document"
# What the other elements fetch as the page shows, by the attributes that name it: HTML's (outside
# SVG: an <img> there breaks out as HTML's; an <input> only of type image) and SVG's (inside one).
# <base> makes every relative address on the page one on its site.
HTML_FETCHES = {"script": {"src": "a script"}, "img": {"src": IMAGE, "srcset": IMAGE},
                "source": {"src": "a media file", "srcset": IMAGE}, "video": {"src": "a media file", "poster": IMAGE},
                "audio": {"src": "a media file"}, "track": {"src": "a text track"}, "iframe": {"src": FRAME},
                "frame": {"src": FRAME}, "embed": {"src": EMBEDDED}, "object": {"data": EMBEDDED},
                "input": {"src": IMAGE}, "base": {"href": "every relative address (its <base>)"},
                **{tag: {"background": IMAGE}
                   for tag in ("body", "table", "thead", "tbody", "tfoot", "tr", "td", "th", "col", "colgroup")}}
SVG_FETCHES = {"script": {"href": "a script", "xlink:href": "a script"}, "image": {"href": IMAGE, "xlink:href": IMAGE},
               "feimage": {"href": IMAGE, "xlink:href": IMAGE}, "use": {"href": "a drawing", "xlink:href": "a drawing"}}
# What the theme's scripts fetch for its own components, by the address the component links to:
# Material's repository link (data-md-component="source") reads the repository's stars, forks and
# latest release from the API of its host (GitHub, GitLab), on every page.
THEME_FETCHES = {"source": "the repository's facts (stars, forks, latest release), by the theme's script,"}
# The addresses Material's script reads those facts for (its fetchSourceFacts: GitHub, any GitLab).
SOURCE_HOSTS = re.compile(r"^.+github\.com/|^.+?[^/]*gitlab[^/]+/", re.I)
# Attributes whose value a browser reads as CSS, whose url() it fetches: any element's style, and
# SVG's presentation attributes that take a url() (an SVG filter, mask or marker elsewhere).
CSS_ATTRIBUTES = {"style", "fill", "stroke", "filter", "mask", "clip-path", "cursor", "marker-start", "marker-mid",
                  "marker-end"}
# CSS functions whose strings are addresses too (url() and src() take one; image-set() and image() a list).
CSS_STRING_URL_FUNCTIONS = {"url", "src", "image", "image-set", "-webkit-image-set"}
STYLE_SHEET_SUFFIXES = {".css"}
# Inside SVG, the elements whose content is HTML again.
SVG_HTML_POINTS = {"foreignobject", "desc", "title"}
# An address on another site, as the URL parser reads it: a web scheme (whose slashes it does not
# need: "https:evil.example"), or "//" (either slash may be a backslash).
REMOTE = re.compile(r"(?:https?|ftp|wss?):|[/\\]{2}", re.I)
ESCAPED_CITATION = re.compile(r"\\\[@([\w-]+)")
CLAIMS_FILE = "claims.json"
# What a browser opens, by a file's extension in any case: as an HTML page, or as an XML document
# that can run scripts (an SVG drawing opened at its own address, an XHTML page, any XML: an
# XHTML or SVG element in it runs as in those). The XML types of the media type registry that
# GitHub Pages serves by, and Chromium's own, by extension.
HTML_SUFFIXES = {".html", ".htm", ".shtml", ".shtm"}
XML_SUFFIXES = {".svg", ".svgz", ".xhtml", ".xht", ".xhtm", ".xml", ".xsl", ".xslt", ".xsd", ".rng", ".rss",
                ".atom", ".rdf", ".owl", ".mml", ".mathml", ".kml", ".gpx", ".xspf", ".smil", ".smi", ".xul",
                ".xaml", ".dbk", ".wsdl", ".opml", ".plist"}
# The types a browser never opens as a document that runs a script: text, data, images, fonts,
# media, archives. Any other file is read too, as XML when it is XML and as HTML: which type a
# server or a browser gives an extension the check does not know depends on their own tables (a
# `.xbl` ran its script from disk, where the system's table says XML; a `.xpdl` over HTTP).
INERT_SUFFIXES = {".txt", ".json", ".js", ".mjs", ".css", ".map", ".csv", ".tsv", ".md", ".bib", ".yml", ".yaml",
                  ".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".ico", ".bmp", ".woff", ".woff2", ".ttf",
                  ".otf", ".eot", ".pdf", ".zip", ".gz", ".mp3", ".mp4", ".ogg", ".wav", ".webm"}
MARKUP_START = re.compile(rb"\A(?:\xef\xbb\xbf)?\s*<")
# A pseudo-attribute of a processing instruction (`type="text/css"`), read one after another.
PSEUDO_ATTRIBUTE = re.compile(r"""\s*([^\s=]+)\s*=\s*(["'])(.*?)\2""", re.S)
# The most a compressed SVG may unpack to.
UNPACKED_LIMIT = 64 * 2**20
# Namespaced attribute names of SVG and XHTML as the reading names them.
XML_PREFIXES = {"http://www.w3.org/1999/xlink": "xlink", "http://www.w3.org/XML/1998/namespace": "xml"}
# How far a browser looks for the page's encoding, and how it may be named there.
PRESCAN_BYTES = 1024
# The URL in a refresh's content ("0; url=../new.html"), as the HTML standard reads it.
REFRESH_URL = re.compile(r"""^\s*[\d.]*\s*[;,]?\s*url\s*=\s*(?P<quote>['"]?)(?P<url>.*?)(?P=quote)\s*$""", re.I | re.S)


# A built page and the Markdown it came from (None: no source found, such as a generated page).
@dataclass
class BuiltPage:
    path: Path
    url: str
    source: Path | None


# Every HTML page among the `files` of `site_dir` (every file a browser opens as one, the theme's
# and the 404 page too) with its source under `docs_dir`, whichever URL style was used.
def built_pages(site_dir: Path, docs_dir: Path, files: list[Path]) -> list[BuiltPage]:
    pages = []
    for path in files:
        if path.suffix.lower() not in HTML_SUFFIXES:
            continue
        relative = path.relative_to(site_dir)
        url = relative.as_posix()
        stem = relative.parent if relative.name == "index.html" else relative.with_suffix("")
        candidates = [docs_dir / f"{stem.as_posix()}.md", docs_dir / stem / "index.md", docs_dir / stem / "README.md"]
        source = next((c for c in candidates if c.is_file()), None)
        pages.append(BuiltPage(path, url, source))
    return pages


# Check every page of the site against the bibliography (`is_source`), and the claims ledger
# against the pages. `shown` turns a path into what the report prints.
# `redirects`: for each old address of the redirect table, the site paths its redirect page may
# have (one per URL style); one of them must be there.
# `site_url`: mkdocs.yml's, whose path a <base> of the theme may name (Material's 404 page).
def check_site(site_dir: Path, docs_dir: Path, is_source, must_cite, report: Report, shown=str,
               redirects: tuple[tuple[str, ...], ...] = (), site_url: str = around.SITE_ADDRESS,
               link_texts: frozenset[str] = frozenset()) -> None:
    markers_seen: set[tuple[str, str]] = set()
    running: list[around.RunningAround] = []
    for places in redirects:
        if not any((site_dir / place).is_file() for place in places):
            report.add(shown(site_dir / places[0]), 1, 1, "SIT002", "no redirect page at this old address "
                       "of extra.redirects: build with hooks/redirects.py in mkdocs.yml")
    files = sorted(site_dir.rglob("*"))
    for page in built_pages(site_dir, docs_dir, files):
        try:
            raw = page.path.read_bytes()
        except OSError as error:
            report.add(shown(page.path), 1, 1, "SIT004", f"the page cannot be read ({error.strerror or type(error).__name__})")
            continue
        _check_encoding(raw, report, shown(page.path))
        html_text = raw.decode("utf-8-sig", errors="replace")  # a byte order mark is no column
        tree = LexborHTMLParser(html_text)
        target = redirect_target(tree)
        if target is not None:
            _check_redirect(site_dir, page, target, report, shown(page.path))
        selector = rendered.content_selector(tree)
        reading = rendered.read_element(_content(tree, selector), own_parts=True, link_texts=link_texts)
        where = shown(page.path)
        _check_page(page, reading, is_source, must_cite, docs_dir, report, where,
                    Places(html_text, lambda tree: _read_content(tree, selector, link_texts)))
        _check_around_content(html_text, selector, report, where)
        _check_images_respelled(html_text, reading, selector, report, where, link_texts)
        _check_ids_taken(html_text, tree, selector, report, where)
        _check_remote_resources(html_text, tree, report, where)
        markers_seen |= {(page.url, m.anchor) for m in reading.markers}
        address = urljoin(around.site_root(site_url), page.url)
        running.append(around.RunningAround(page.path, where, selector, address, around.running_elements(
            LexborHTMLParser(html_text), selector, address, site_url)))
    around.check(running, report, site_url)
    for path in files:
        if path.suffix.lower() in STYLE_SHEET_SUFFIXES and path.is_file():
            _check_style_sheet(path, report, shown(path))
        elif path.suffix.lower() in XML_SUFFIXES:
            _check_xml_document(path, report, shown(path))
        elif path.suffix.lower() not in HTML_SUFFIXES | INERT_SUFFIXES and path.is_file():
            _check_other_file(path, report, shown(path))
    _check_ledger(site_dir / CLAIMS_FILE, markers_seen, is_source, report, shown)


# An XML document of the site (an SVG drawing, an XHTML page), read as a browser that opens it at
# its own address reads it, by an XML parser: no element or attribute may run a script or hold a
# script's address. A document that is not well-formed is reported (a browser runs what stands
# before the error), and so is one whose document type declares entities, which can write markup.
# What it found unsafe; with `only_if_xml`, None for one that is not XML, with nothing reported.
def _check_xml_document(path: Path, report: Report, where: str,
                        only_if_xml: bool = False) -> list[rendered.Unsafe] | None:
    parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")
    found: list[tuple[int, int, rendered.Unsafe]] = []
    problems: list[tuple[int, int, str, str]] = []

    def start(name: str, attributes: dict[str, str]) -> None:
        tag = name.rsplit(" ", 1)[-1].lower()
        named = {_xml_name(attribute): value for attribute, value in attributes.items()}
        found.extend((parser.CurrentLineNumber, parser.CurrentColumnNumber + 1, unsafe)
                     for unsafe in rendered.unsafe_tag(tag, named))

    def doctype(name, system_id, public_id, has_internal_subset) -> None:
        if has_internal_subset:
            problems.append((parser.CurrentLineNumber, parser.CurrentColumnNumber + 1, "SIT004",
                             "the document type declares entities, which can write markup this check does not read"))

    # An xml-stylesheet instruction has the browser transform the document by an XSLT stylesheet
    # unless its type is CSS, and an XSLT stylesheet can write any element, a script too.
    def instruction(target: str, data: str) -> None:
        declared = _pseudo_attributes(data)
        css = declared is not None and declared.get("type", "").strip().lower() == "text/css"
        if target.lower() == "xml-stylesheet" and not css:
            problems.append((parser.CurrentLineNumber, parser.CurrentColumnNumber + 1, "HTM006",
                             "unsafe xml-stylesheet instruction: the browser transforms the document by the "
                             "stylesheet it names, which can write a script (only a text/css stylesheet may be named)"))

    parser.StartElementHandler = start
    parser.StartDoctypeDeclHandler = doctype
    parser.ProcessingInstructionHandler = instruction
    try:
        parser.Parse(_xml_bytes(path), True)
    except OSError as error:
        report.add(where, 1, 1, "SIT004", f"the document cannot be read ({error.strerror or error})")
        return []
    except xml.parsers.expat.ExpatError as error:
        if only_if_xml:
            return None  # not XML: read otherwise
        problems.append((error.lineno, error.offset + 1, "SIT004",
                         f"the document is not well-formed XML ({xml.parsers.expat.errors.messages[error.code]})"))
    for line, col, code, message in problems:
        report.add(where, line, col, code, message)
    for line, col, unsafe in found:
        report.add(where, line, col, unsafe.code, f"unsafe {unsafe.describe()}")
    return [unsafe for _, _, unsafe in found]


# A file of a type the check does not know (see INERT_SUFFIXES): read as XML when it starts with
# markup and is XML, and as an HTML document, whole, in any case, since a server or a browser may
# take it for either; nothing in it may run a script. Read as HTML, XML's processing instructions
# and CDATA sections are comments that end at the first ">", so markup in them comes alive; what
# the HTML reading finds beyond the XML reading is reported.
def _check_other_file(path: Path, report: Report, where: str) -> None:
    known = _check_xml_document(path, report, where, only_if_xml=True) if _starts_with_markup(path) else None
    try:
        html_text = path.read_bytes().decode("utf-8-sig", errors="replace")
    except OSError as error:
        report.add(where, 1, 1, "SIT004", f"the file cannot be read ({error.strerror or error})")
        return
    unsafe = rendered.read_element(LexborHTMLParser(html_text).root, content_rules=False).unsafe
    if unsafe:
        _report_unsafe(unsafe, report, where,
                       Places(html_text, lambda tree: rendered.read_element(tree.root, content_rules=False)),
                       known=known or [])


# The pseudo-attributes of a processing instruction's data, by name (None: not written as such).
def _pseudo_attributes(data: str) -> dict[str, str] | None:
    found, position = {}, 0
    while data[position:].strip():
        match = PSEUDO_ATTRIBUTE.match(data, position)
        if match is None or match[1] in found:
            return None
        found[match[1]] = match[3]
        position = match.end()
    return found


# Whether a file's first bytes are markup (after a byte order mark and white space).
def _starts_with_markup(path: Path) -> bool:
    try:
        with path.open("rb") as file:
            return MARKUP_START.match(file.read(1024)) is not None
    except OSError:
        return False


# An XML document's bytes; a compressed SVG (.svgz) unpacked, as a browser reads it, up to
# UNPACKED_LIMIT bytes (more is reported: a small file can unpack to any size).
def _xml_bytes(path: Path) -> bytes:
    data = path.read_bytes()
    if path.suffix.lower() != ".svgz" or data[:2] != b"\x1f\x8b":
        return data
    unpacker = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        unpacked = unpacker.decompress(data, UNPACKED_LIMIT)
    except zlib.error as error:
        raise OSError(f"its gzip data is broken: {error}") from error
    if unpacker.unconsumed_tail:
        raise OSError(f"it unpacks to more than {UNPACKED_LIMIT:,} bytes")
    return unpacked


# An attribute's name as expat gives it ("namespace name") as the reading names it (xlink:href).
def _xml_name(name: str) -> str:
    namespace, _, local = name.rpartition(" ")
    prefix = XML_PREFIXES.get(namespace)
    return (f"{prefix}:{local}" if prefix else local).lower()


# A browser reads a page in the encoding its first bytes give: a byte order mark, or the first
# declaration its prescan finds by reading bytes, not the tree (prescan.py: a <meta> inside an
# SVG's CDATA counts, a "charset=" in a title or a comment does not); it guesses without one. The
# check reads pages as UTF-8: each page's first declaration must name UTF-8, within the first 1024
# bytes (past them a browser may have guessed already). A page that switched itself to ISO-2022-JP
# ran a script in Chromium that the UTF-8 reading could not see.
def _check_encoding(raw: bytes, report: Report, where: str) -> None:
    if raw.startswith(b"\xef\xbb\xbf"):
        return
    utf16 = raw.startswith((b"\xfe\xff", b"\xff\xfe"))
    declared = prescan.first_declaration(raw, PRESCAN_BYTES)
    named = "utf-16" if utf16 else declared[0] if declared else None
    if utf16 or (named is not None and named not in prescan.UTF8_LABELS):
        report.add(where, 1, 1, "SIT003", f"the page names the encoding '{named}' first: a browser reads the "
                   "page in it, the check in UTF-8")
    elif declared is None:
        report.add(where, 1, 1, "SIT003", f"the page names no encoding in its first {PRESCAN_BYTES} bytes: "
                   "a browser guesses one, the check reads UTF-8")


# Where a redirect page sends the reader (its refresh URL; "" when it names none), or None for a page
# that is no redirect.
def redirect_target(tree: LexborHTMLParser) -> str | None:
    for meta in tree.css("meta[http-equiv]"):
        if (meta.attributes.get("http-equiv") or "").strip().lower() == "refresh":
            found = REFRESH_URL.match(meta.attributes.get("content") or "")
            return found["url"].strip() if found else ""
    return None


# A redirect leads, by a relative link, to a file of the site: from disk an absolute or a
# root-relative link leads nowhere, and a link out of the site is no redirect of its own.
def _check_redirect(site_dir: Path, page: BuiltPage, target: str, report: Report, where: str) -> None:
    try:
        parts = urlsplit(target)
    except ValueError:  # such as "//[x": no address at all
        parts = None
    if not target or parts is None or parts.scheme or parts.netloc or target.startswith("/"):
        report.add(where, 1, 1, "SIT002", f"the redirect leads to {target!r}: it needs a link relative to "
                   "this page, which works online and from disk")
        return
    path = urljoin(page.url, parts.path) or page.url
    if path.endswith("/"):
        path += "index.html"
    try:
        resolved = (site_dir / path).resolve()
        leads_to_page = site_dir.resolve() in resolved.parents and resolved.is_file()
    except (OSError, RuntimeError):  # a name too long for the file system, a loop of links
        leads_to_page = False
    if not leads_to_page:
        report.add(where, 1, 1, "SIT002", f"the redirect leads to {target!r}, which is no page of the site")


# The page's content, in the page's own tree: the article Material renders, else the body.
def _content(tree: LexborHTMLParser, selector: str | None):
    if selector is not None:
        return tree.css_first(selector)
    return tree.body if tree.body is not None else tree.root


# The reading of the page's content (empty until the content has begun, in a start of the page).
def _read_content(tree: LexborHTMLParser, selector: str | None, link_texts: frozenset[str]) -> rendered.Reading:
    content = _content(tree, selector)
    return rendered.read_element(content, own_parts=True, link_texts=link_texts) if content is not None \
        else rendered.Reading()


# The reading of the page around its content: the theme's own (its scripts, styles and links stand
# there), and whatever the content's markup put there, such as a <body onload> whose attributes the
# parser gives to the page's own <body>, or an element after a </article> in the text.
def _read_around_content(tree: LexborHTMLParser, selector: str | None) -> rendered.Reading:
    if tree.root is None:
        return rendered.Reading()
    # In a start of the page, the content may not have begun: then all of it is around.
    content = tree.css_first(selector) if selector is not None else tree.body
    if content is not None:
        if content.mem_id == tree.root.mem_id:
            return rendered.Reading()
        content.decompose()
    # A title the theme cuts short (Material's .md-ellipsis) gets its own text as a tooltip, as HTML.
    # The theme writes only text there: an element came from a title, and the tooltip reads the
    # element's innerText, which leaves out what a reading of its text keeps (a <rp>'s text).
    unsafe = rendered.unsafe_tags(tree.root.traverse())
    for node in tree.css(".md-ellipsis"):
        inside = next((child for child in node.iter() if child.is_element_node), None)
        if inside is not None:
            unsafe.append(rendered.Unsafe("title", "markup", inside.tag, ""))
        elif rendered.shows_unsafe_markup(text := " ".join(node.text().split())):
            unsafe.append(rendered.Unsafe("heading", "text", text, ""))
    return rendered.Reading(unsafe=unsafe)


# Around the content, the theme's elements are its own, but no attribute may run a script or hold a
# script's address, and no element be named after one: a theme writes none, so such a one came in
# with a page's markup.
def _check_around_content(html_text: str, selector: str | None, report: Report, where: str) -> None:
    around = _read_around_content(LexborHTMLParser(html_text), selector)
    _report_unsafe([unsafe for unsafe in around.unsafe if unsafe.attribute], report, where,
                   Places(html_text, lambda tree: _read_around_content(tree, selector)), ", outside the page's content")


# Each script, style sheet, image or other file the page fetches from another site as it loads (a
# theme's web fonts, an analytics script, a picture hot-linked from a paper): it runs code or shows from
# outside the site, and a reader offline does not have it. Each at the tag that fetches it (Places),
# at its address there when the tag writes it as read; the page read also with its `<image` tags as a
# browser reads them (rendered.images_respelled).
def _check_remote_resources(html_text: str, tree: LexborHTMLParser, report: Report, where: str) -> None:
    respelled = rendered.images_respelled(html_text)
    readings = [(html_text, _remote_fetches(tree))]
    if respelled is not None:
        readings.append((respelled, _remote_fetches(LexborHTMLParser(respelled))))
    placed: dict[tuple[int, str], Fetch] = {}
    for text, fetches in readings:
        if not fetches:
            continue
        places, seen = Places(text, _remote_fetches), Counter()
        for fetch in fetches:
            seen[fetch.key] += 1
            nth, key = seen[fetch.key], fetch.key
            start = places.offset(lambda found: sum(f.key == key for f in found) >= nth, tag=fetch.tag, nth=nth)
            placed.setdefault((_address_at(text, start or 0, fetch.address, fetch.tag == "style"), fetch.address),
                              fetch)
    for (offset, address), fetch in sorted(placed.items()):
        if fetch.what == CONNECTION:
            message = (f"the page connects to another site as it opens ({address!r}), which tells that site who "
                       "reads the page")
        else:
            message = (f"the page loads {fetch.what} from another site ({address!r}), which runs or shows there "
                       "from outside this site, tells that site who reads the page, and which a reader offline does "
                       "not have")
        line = html_text.count("\n", 0, offset) + 1
        report.add(where, line, offset - html_text.rfind("\n", 0, offset), "SIT005", message)


# One file a page fetches from another site: by which tag and attribute, its address, what it is.
class Fetch(NamedTuple):
    tag: str
    attribute: str
    address: str
    what: str

    @property
    def key(self) -> tuple[str, str, str]:
        return self.tag, self.attribute, self.address


# What a parsed page fetches from another site as it loads, in its order.
def _remote_fetches(tree: LexborHTMLParser) -> list[Fetch]:
    found = []
    selectors = ["link[href]", "[data-md-component]", "style", *(f"[{name}]" for name in CSS_ATTRIBUTES),
                 *HTML_FETCHES, *SVG_FETCHES]
    for node in tree.css(", ".join(selectors)):
        tag = node.tag.lower()
        attributes = {name.lower(): value or "" for name, value in node.attributes.items()}
        if tag == "link":
            rels = set(attributes.get("rel", "").lower().split())
            if rels & FETCHING_RELS:
                what = "a style sheet" if "stylesheet" in rels else \
                    CONNECTION if rels & FETCHING_RELS <= CONNECTING_RELS else "a file"
                fetched = {"href": what}
            else:
                fetched = {}
        elif _in_svg(node):
            fetched = SVG_FETCHES.get(tag, {})
        elif tag == "input" and attributes.get("type", "").strip().lower() != "image":
            fetched = {}
        else:
            fetched = HTML_FETCHES.get(tag, {})
        for name, what in fetched.items():
            address = attributes.get(name, "")
            urls = rendered.srcset_urls(address) if name == "srcset" else [address]
            if any(REMOTE.match(rendered.url_as_read(url)) for url in urls):
                found.append(Fetch(tag, name, address, what))
        for name in CSS_ATTRIBUTES.intersection(attributes):
            reading = "declarations" if name == "style" else "value"
            for _, _, address in css_remote_addresses(attributes[name], reading):
                found.append(Fetch(tag, name, address, "a file, by the CSS of its " + name + ","))
        if tag == "style":
            for _, _, address in css_remote_addresses(node.text(deep=True)):
                found.append(Fetch(tag, "", address, "a file, by its style sheet,"))
        component = attributes.get("data-md-component", "")
        if component in THEME_FETCHES and SOURCE_HOSTS.match(rendered.url_as_read(attributes.get("href", ""))):
            found.append(Fetch(tag, "data-md-component", attributes["href"], THEME_FETCHES[component]))
    return found


# The addresses on another site that CSS fetches, as a browser tokenizes it (CSS Syntax, by tinycss2):
# url(), src(), the strings of image-set() and image(), and @import; each as (line, column, address)
# in the text, read as a style sheet, a style attribute's declarations or (an SVG attribute's) a value.
def css_remote_addresses(css: str, reading: str = "sheet") -> list[tuple[int, int, str]]:
    if "(" not in css and "@" not in css:
        return []
    parse = {"sheet": tinycss2.parse_stylesheet, "declarations": tinycss2.parse_blocks_contents,
             "value": tinycss2.parse_component_value_list}[reading]
    return _remote_of(parse(css))


def _remote_of(nodes) -> list[tuple[int, int, str]]:
    return [(token.source_line, token.source_column, token.value) for token in _css_addresses(nodes)
            if REMOTE.match(rendered.url_as_read(token.value))]


# The tokens of CSS nodes that a browser reads as addresses, depth first (`strings`: inside a function
# whose strings are addresses).
def _css_addresses(nodes, strings: bool = False) -> list:
    found, stack = [], [(node, strings) for node in reversed(list(nodes or ()))]
    while stack:
        node, strings = stack.pop()
        kind = getattr(node, "type", "")
        children: list = []
        if kind == "url" or (kind == "string" and strings):
            found.append(node)
        elif kind == "function":
            children, strings = node.arguments, node.lower_name in CSS_STRING_URL_FUNCTIONS
        elif kind == "at-rule":  # @import fetches its string or url(); @namespace names one, fetching nothing
            imported = node.lower_at_keyword == "import"
            found += [token for token in node.prelude if imported and token.type == "string"]
            prelude = [] if node.lower_at_keyword == "namespace" else node.prelude
            children = [*prelude, *(node.content or ())]
        elif kind == "qualified-rule":
            children = [*node.prelude, *tinycss2.parse_blocks_contents(node.content or [])]
        elif kind == "declaration":  # a custom property's string may be used as an address (var() in image-set())
            children, strings = node.value, strings or node.name.startswith("--")
        elif kind in ("() block", "[] block", "{} block"):
            children = node.content
        stack += [(child, strings) for child in reversed(list(children))]
    return found


# A style sheet of the site (a .css file): what it fetches from another site, at its place.
def _check_style_sheet(path: Path, report: Report, where: str) -> None:
    try:
        data = path.read_bytes()
    except OSError as error:
        report.add(where, 1, 1, "SIT004", f"the file cannot be read ({error.strerror or error})")
        return
    # Decoded as a browser decodes a style sheet: by its byte order mark, then its @charset.
    nodes, _ = tinycss2.parse_stylesheet_bytes(data)
    for line, col, address in _remote_of(nodes):
        report.add(where, line, col, "SIT005", f"the style sheet loads a file from another site ({address!r}), "
                   "which shows there from outside this site, tells that site who reads the page, and which a "
                   "reader offline does not have")


# Whether an element stands in SVG content: inside an <svg>, not inside one of its HTML parts.
def _in_svg(node) -> bool:
    parent = node.parent
    while parent is not None and parent.is_element_node:
        tag = (parent.tag or "").lower()
        if tag == "svg":
            return True
        if tag in SVG_HTML_POINTS:
            return False
        parent = parent.parent
    return False


# Where a start tag at `start` writes `address` as its value (as it is, or "&" written "&amp;"), or a
# <style> element its text (`in_text`); else the tag itself.
def _address_at(text: str, start: int, address: str, in_text: bool = False) -> int:
    end = _start_tag_end(text, start)
    if in_text:
        end = text.lower().find("</style", end)
        end = len(text) if end < 0 else end
    for written in (address, html.escape(address, quote=False)):
        found = text.find(written, start, end) if written else -1
        if found >= 0:
            return found
    return start


# The end of the start tag at `start`: its first ">" outside a quoted attribute value (a quote
# opens a value right after "=" and any white space, as the HTML tokenizer reads it).
def _start_tag_end(text: str, start: int) -> int:
    index, quote = start + 1, ""
    while index < len(text):
        char = text[index]
        if quote:
            quote = "" if char == quote else quote
        elif char == ">":
            return index
        elif char == "=":
            after = index + 1
            while after < len(text) and text[after] in " \t\n\r\f":
                after += 1
            if after < len(text) and text[after] in "\"'":
                quote, index = text[after], after
        index += 1
    return len(text)


# A page that writes `<image` tags, read a second time with them written `<img` (as a browser reads
# them outside SVG; see rendered.images_respelled): what that reading finds unsafe, in the content
# or around it, beyond the first reading.
def _check_images_respelled(html_text: str, reading: rendered.Reading, selector: str | None, report: Report,
                            where: str, link_texts: frozenset[str]) -> None:
    respelled = rendered.images_respelled(html_text)
    if respelled is None:
        return
    content = _read_content(LexborHTMLParser(respelled), selector, link_texts)
    read_again = lambda tree: _read_content(tree, selector, link_texts)  # noqa: E731 - as Places takes it
    _report_unsafe(content.unsafe, report, where, Places(respelled, read_again),
                   known=reading.unsafe)
    first, second = (_read_around_content(LexborHTMLParser(text), selector).unsafe for text in (html_text, respelled))
    _report_unsafe([unsafe for unsafe in second if unsafe.attribute], report, where,
                   Places(respelled, lambda tree: _read_around_content(tree, selector)), ", outside the page's content",
                   known=[unsafe for unsafe in first if unsafe.attribute])


# Each element of the content that takes the id of one of the theme's elements around it, or whose id
# another element of the content or several code blocks have too (see rendered.ids_taken), where its
# start tag stands; `tree` is the page's own parse, read, not changed.
def _check_ids_taken(html_text: str, tree: LexborHTMLParser, selector: str | None, report: Report,
                     where: str) -> None:
    if selector is None:
        return
    content = tree.css_first(selector)
    found = [(node.attributes["id"], node.tag, kind) for node, kind in rendered.ids_taken(tree, content)]
    if not found:
        return

    # Placed where the content's element stands (the theme's may come later in the page).
    def content_ids(tree: LexborHTMLParser) -> list[tuple[str, str]]:
        content = tree.css_first(selector)
        return [] if content is None else [(node.attributes.get("id"), node.tag) for node in content.css("[id]")]

    places = Places(html_text, content_ids)
    for index, (value, tag, kind) in enumerate(found):
        nth = [(v, t) for v, t, _ in found[:index + 1]].count((value, tag))
        line, col = places.place(lambda ids: ids.count((value, tag)) >= nth, tag=tag, nth=nth)
        report.add(where, line, col, "HTM006", rendered.taken_id_message(value, kind))


# Each unsafe finding of a reading where it stands: the n-th of several equal ones stands where the
# reading first holds n of them, at the start of the tag that, read alone, is the finding. Those
# `known` (found already by another reading of the page) are not reported again.
def _report_unsafe(found: list[rendered.Unsafe], report: Report, where: str, places: Places, suffix: str = "",
                   known: list[rendered.Unsafe] = ()) -> None:
    seen: dict[tuple, int] = {}
    left = Counter(unsafe.kind for unsafe in known)
    for unsafe in found:
        sign = (unsafe.tag, unsafe.attribute, unsafe.value)
        nth = seen[sign] = seen.get(sign, 0) + 1
        if left[unsafe.kind] > 0:
            left[unsafe.kind] -= 1
            continue
        line, col = places.place(lambda r: sum((u.tag, u.attribute, u.value) == sign for u in r.unsafe) >= nth,
                                 tag=unsafe.tag, alone=lambda r: any((u.tag, u.attribute, u.value) == sign for u in r.unsafe),
                                 nth=nth)
        report.add(where, line, col, unsafe.code, f"unsafe {unsafe.describe()}{suffix}")


def _check_page(page: BuiltPage, reading: rendered.Reading, is_source, must_cite, docs_dir: Path,
                report: Report, where: str, places: Places) -> None:
    source_text = _read(page.source)
    # An escaped "\[@key]" shows the syntax on a contributor's page; on a page that makes claims
    # readers take it for a citation that leads nowhere.
    makes_claims = page.source is not None and page.source.relative_to(docs_dir).as_posix() in must_cite
    escaped = [] if makes_claims else ESCAPED_CITATION.findall(source_text)
    for key in dict.fromkeys(LITERAL_CITATION.findall(reading.visible)):
        if reading.visible.count(f"[@{key}") > escaped.count(key):
            needle = f"[@{key}"
            report.add(where, *places.place(lambda r: needle in r.visible, needle), "HTM001",
                       f"'[@{key}]' is shown as literal text")
    for match in dict.fromkeys(LITERAL_MARKER.findall(reading.visible)):
        needle = f"[^{match}]"
        report.add(where, *places.place(lambda r: needle in r.visible, needle), "HTM001",
                   f"'[^{match}]' is shown as literal text")
    for marker in reading.markers:
        if marker.label not in reading.footnotes:
            anchor = marker.anchor
            report.add(where, *places.place(lambda r: any(m.anchor == anchor for m in r.markers)), "HTM002",
                       f"footnote marker '{marker.label}' points at no footnote")
    for href in dict.fromkeys(reading.footnote_links):
        label = rendered.footnote_label(href)
        to_source = label is not None and is_source(label)
        if label is None or to_source or label not in reading.footnotes:
            report.add(where, *places.place(lambda r: href in r.footnote_links, tag="a"), "HTM002",
                       rendered.footnote_link_message(href, to_source))
    for label, item in reading.footnotes.items():
        if not is_source(label) and not any(is_source(ref) for ref in item.refs):
            report.add(where, *places.place(lambda r: label in r.footnotes), "HTM002",
                       f"footnote '{label}' resolves to no source in bib/")
    _report_unsafe(reading.unsafe, report, where, places)
    if page.source is not None:
        src_uri = page.source.relative_to(docs_dir).as_posix()
        if src_uri in must_cite and not any(is_source(m.label) for m in reading.markers):
            report.add(where, 1, 1, "PAG001", "this page cites no source (no marker resolves to one)")


# The ledger exists, is ours, and lists exactly the markers the pages show, each with known sources.
def _check_ledger(path: Path, markers_seen: set[tuple[str, str]], is_source, report: Report, shown) -> None:
    where = shown(path)
    try:
        ledger = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError) as error:
        report.add(where, 1, 1, "SIT001", f"no readable claims ledger ({type(error).__name__})")
        return
    if not isinstance(ledger, dict) or ledger.get("format") != CLAIMS_FORMAT \
            or type(ledger.get("version")) is not int or ledger.get("version") != CLAIMS_VERSION:
        report.add(where, 1, 1, "SIT001", f"the claims ledger is not {CLAIMS_FORMAT} version {CLAIMS_VERSION}")
        return
    claims = ledger.get("claims") if isinstance(ledger.get("claims"), list) else []
    for number, claim in enumerate(claims, 1):
        if not _well_formed_claim(claim):
            report.add(where, 1, 1, "SIT001", f"claim {number} of the claims ledger is not an object with a "
                       "text page, a text anchor and a list of text sources")
    claims = [claim for claim in claims if _well_formed_claim(claim)]
    listed = {(c.get("page"), c.get("anchor")) for c in claims}
    for page_url, anchor in sorted(markers_seen - listed):
        report.add(where, 1, 1, "SIT001", f"marker {page_url}#{anchor} is missing from the claims ledger")
    for page_url, anchor in sorted(listed - markers_seen, key=str):
        report.add(where, 1, 1, "SIT001", f"the claims ledger lists {page_url}#{anchor}, which no page shows")
    for claim in claims:
        if not claim["sources"]:
            report.add(where, 1, 1, "SIT001", f"claim {claim.get('page')}#{claim.get('anchor')} has no source")
        for key in claim["sources"]:
            if not is_source(key):
                report.add(where, 1, 1, "SIT001", f"claim {claim.get('page')}#{claim.get('anchor')} cites "
                           f"'{key}', which is not in bib/")


# A claim as the ledger writes it: its page and anchor as text, its sources as a list of text.
def _well_formed_claim(claim) -> bool:
    return (isinstance(claim, dict) and isinstance(claim.get("page"), str) and isinstance(claim.get("anchor"), str)
            and isinstance(claim.get("sources"), list) and all(isinstance(key, str) for key in claim["sources"]))


# A page's Markdown ("" when there is none or it cannot be read).
def _read(path: Path | None) -> str:
    if path is None:
        return ""
    try:
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return ""
