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

import bisect
import itertools
import json
import re
import xml.parsers.expat
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser

from citelib import prescan, rendered
from citelib.claims import CLAIMS_FORMAT, CLAIMS_VERSION
from citelib.diagnostics import Report
from citelib.htmlcheck import LITERAL_CITATION, LITERAL_MARKER

ESCAPED_CITATION = re.compile(r"\\\[@([A-Za-z0-9_-]+)")
CLAIMS_FILE = "claims.json"
# What a browser opens, by a file's extension in any case: as an HTML page, or as an XML document
# that can run scripts (an SVG drawing opened at its own address, an XHTML page).
HTML_SUFFIXES = {".html", ".htm", ".shtml"}
XML_SUFFIXES = {".svg", ".xhtml", ".xht"}
# Namespaced attribute names of SVG and XHTML as the reading names them.
XML_PREFIXES = {"http://www.w3.org/1999/xlink": "xlink", "http://www.w3.org/XML/1998/namespace": "xml"}
# How far a browser looks for the page's encoding, and how it may be named there.
PRESCAN_BYTES = 1024
LINE_BREAK = re.compile(r"\r\n?|\n")
# Where a tag may begin: "<" and a letter (an end tag, a comment or text never holds a problem).
TAG_START = re.compile(r"<[A-Za-z]")
# Places where a problem's text or tag is written that are tried before bisection.
CANDIDATES = 8
# Parses of a page's starts spent placing its problems. Past them (a page with hundreds of equal
# findings), the n-th finding goes where its tag or text is written for the n-th time, unproved,
# so that the check stays linear in the number of problems.
PLACING_PARSES = 200
# Elements of a page's body that run a script or load a document that may run one, the <base>
# that decides where the theme's later scripts load from, and the two whose markup this reading
# does not see as a browser does: a <noscript> (raw text to a browser that runs scripts, so a tag in
# an attribute inside it comes alive) and a <template> (a declarative shadow root runs what it
# holds). Around the content, each must be the theme's own: one that most of the theme's other
# pages hold too (page markup cannot reach <head>).
RUNNING_ELEMENTS = {"script", "iframe", "frame", "frameset", "object", "embed", "applet", "portal", "base",
                    "noscript", "template"}
# The <script> types a browser runs (the HTML standard's JavaScript MIME types, and the types that
# change what runs: modules, import maps, speculation rules); any other type is a data block, which
# counts here when it has an id, by which a theme's script may read it.
SCRIPT_TYPES = {"", "module", "importmap", "speculationrules", "application/ecmascript", "application/javascript",
                "application/x-ecmascript", "application/x-javascript", "text/ecmascript", "text/javascript",
                "text/javascript1.0", "text/javascript1.1", "text/javascript1.2", "text/javascript1.3",
                "text/javascript1.4", "text/javascript1.5", "text/jscript", "text/livescript", "text/x-ecmascript",
                "text/x-javascript"}
# A string literal in an inline script: MkDocs themes write the page's way to the site's root there
# ("..", ".", or the site's path), the one thing in a theme's script that changes from page to page.
SCRIPT_STRING = re.compile(r"""(["'])([^"'\\\n]*)\1""")
# The site's address when mkdocs.yml names none: only its path matters here.
SITE_ADDRESS = "https://site.invalid/"
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
               redirects: tuple[tuple[str, ...], ...] = (), site_url: str = SITE_ADDRESS) -> None:
    markers_seen: set[tuple[str, str]] = set()
    running: list[_RunningAround] = []
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
        reading = rendered.read_element(_content(tree, selector))
        where = shown(page.path)
        _check_page(page, reading, is_source, must_cite, docs_dir, report, where,
                    _Places(html_text, lambda tree: _read_content(tree, selector)))
        _check_around_content(html_text, selector, report, where)
        _check_images_respelled(html_text, reading, selector, report, where)
        _check_ids_taken(html_text, selector, report, where)
        markers_seen |= {(page.url, m.anchor) for m in reading.markers}
        address = urljoin(_site_root(site_url), page.url)
        running.append(_RunningAround(page.path, where, selector, address,
                                      _running_elements(LexborHTMLParser(html_text), selector, address, site_url)))
    _check_running_elements(running, report, site_url)
    for path in files:
        if path.suffix.lower() in XML_SUFFIXES:
            _check_xml_document(path, report, shown(path))
    _check_ledger(site_dir / CLAIMS_FILE, markers_seen, is_source, report, shown)


# An XML document of the site (an SVG drawing, an XHTML page), read as a browser that opens it at
# its own address reads it, by an XML parser: no element or attribute may run a script or hold a
# script's address. A document that is not well-formed is reported (a browser runs what stands
# before the error), and so is one whose document type declares entities, which can write markup.
def _check_xml_document(path: Path, report: Report, where: str) -> None:
    parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")
    found: list[tuple[int, int, rendered.Unsafe]] = []

    def start(name: str, attributes: dict[str, str]) -> None:
        tag = name.rsplit(" ", 1)[-1].lower()
        named = {_xml_name(attribute): value for attribute, value in attributes.items()}
        found.extend((parser.CurrentLineNumber, parser.CurrentColumnNumber + 1, unsafe)
                     for unsafe in rendered.unsafe_tag(tag, named))

    def doctype(name, system_id, public_id, has_internal_subset) -> None:
        if has_internal_subset:
            report.add(where, parser.CurrentLineNumber, parser.CurrentColumnNumber + 1, "SIT004",
                       "the document type declares entities, which can write markup this check does not read")

    parser.StartElementHandler = start
    parser.StartDoctypeDeclHandler = doctype
    try:
        parser.Parse(path.read_bytes(), True)
    except OSError as error:
        report.add(where, 1, 1, "SIT004", f"the document cannot be read ({error.strerror or type(error).__name__})")
    except xml.parsers.expat.ExpatError as error:
        report.add(where, error.lineno, error.offset + 1, "SIT004",
                   f"the document is not well-formed XML ({xml.parsers.expat.errors.messages[error.code]})")
    for line, col, unsafe in found:
        report.add(where, line, col, unsafe.code, f"unsafe {unsafe.describe()}")


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
def _read_content(tree: LexborHTMLParser, selector: str | None) -> rendered.Reading:
    content = _content(tree, selector)
    return rendered.read_element(content) if content is not None else rendered.Reading()


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
    return rendered.Reading(unsafe=rendered.unsafe_tags(tree.root.traverse()))


# Around the content, the theme's elements are its own, but no attribute may run a script or hold a
# script's address, and no element be named after one: a theme writes none, so such a one came in
# with a page's markup.
def _check_around_content(html_text: str, selector: str | None, report: Report, where: str) -> None:
    around = _read_around_content(LexborHTMLParser(html_text), selector)
    _report_unsafe([unsafe for unsafe in around.unsafe if unsafe.attribute], report, where,
                   _Places(html_text, lambda tree: _read_around_content(tree, selector)), ", outside the page's content")


# A page that writes `<image` tags, read a second time with them written `<img` (as a browser reads
# them outside SVG; see rendered.images_respelled): what that reading finds unsafe, in the content
# or around it, beyond the first reading.
def _check_images_respelled(html_text: str, reading: rendered.Reading, selector: str | None, report: Report,
                            where: str) -> None:
    respelled = rendered.images_respelled(html_text)
    if respelled is None:
        return
    content = _read_content(LexborHTMLParser(respelled), selector)
    _report_unsafe(content.unsafe, report, where, _Places(respelled, lambda tree: _read_content(tree, selector)),
                   known=reading.unsafe)
    first, second = (_read_around_content(LexborHTMLParser(text), selector).unsafe for text in (html_text, respelled))
    _report_unsafe([unsafe for unsafe in second if unsafe.attribute], report, where,
                   _Places(respelled, lambda tree: _read_around_content(tree, selector)), ", outside the page's content",
                   known=[unsafe for unsafe in first if unsafe.attribute])


# Each element of the content that takes the id of one of the theme's elements around it (see
# rendered.ids_taken), where its start tag stands.
def _check_ids_taken(html_text: str, selector: str | None, report: Report, where: str) -> None:
    if selector is None:
        return

    tree = LexborHTMLParser(html_text)
    found = [(node.attributes["id"], node.tag) for node in rendered.ids_taken(tree, tree.css_first(selector))]
    if not found:
        return

    # Placed where the content's element stands (the theme's may come later in the page).
    def content_ids(tree: LexborHTMLParser) -> list[tuple[str, str]]:
        content = tree.css_first(selector)
        return [] if content is None else [(node.attributes.get("id"), node.tag) for node in content.css("[id]")]

    places = _Places(html_text, content_ids)
    for index, (value, tag) in enumerate(found):
        nth = found[:index + 1].count((value, tag))
        line, col = places.place(lambda ids: ids.count((value, tag)) >= nth, tag=tag, nth=nth)
        report.add(where, line, col, "HTM006", rendered.taken_id_message(value))


# What runs in a page's body around its content (the whole body when no content element is found),
# as one signature per element (see RUNNING_ELEMENTS).
@dataclass
class _RunningAround:
    path: Path
    where: str
    selector: str | None
    address: str
    running: list[tuple[tuple, bool]]

    @property
    def signatures(self) -> list[tuple]:
        return [signature for signature, _ in self.running]


# The site's root address, from its configured address (a path alone counts as on no host).
def _site_root(site_url: str) -> str:
    root = urljoin(SITE_ADDRESS, urlsplit(site_url).path if isinstance(site_url, str) else "/")
    return root if root.endswith("/") else root + "/"


# The elements of the body around the content that run a script or load a document, in document
# order, each as a signature that is the same for the theme's element on every page: its name, its
# attributes with every address resolved (against the page's <base>, as the browser resolves it),
# and its text with each string naming the site's root masked. With each, whether it comes after
# the content began.
def _running_elements(tree: LexborHTMLParser, selector: str | None, address: str,
                      site_url: str) -> list[tuple[tuple, bool]]:
    if tree.body is None:
        return []
    content = tree.css_first(selector) if selector is not None else None
    if selector is not None and content is None:
        return []  # in a start of the page, before the content
    root = _site_root(site_url)
    declared = next((node for node in tree.css("base[href]") if not _within(node, content)), None)
    base = urljoin(address, (declared.attributes.get("href") or "").strip()) if declared is not None else address
    # A theme's <base> in <head> names the site's root (Material's 404 page), whatever mkdocs.yml says.
    roots = sorted({root, base}, key=len, reverse=True) if declared is not None and _within(declared, tree.head) \
        else [root]

    # An address, and a string of an inline script, as the same on every page when they name the root.
    def rooted(url: str) -> str:
        start = next((start for start in roots if url.startswith(start)), None)
        return url if start is None else "\0root/" + url[len(start):]

    def masked(match: re.Match) -> str:
        value = match.group(2)
        named = {urljoin(address, value), urljoin(base, value)}
        return "\0root" if value and any(start in named for start in roots) else match.group(0)

    found, after = [], False
    for node in tree.body.traverse():
        tag = node.tag.lower()
        if content is not None and node.mem_id == content.mem_id:
            after = True
        if tag not in RUNNING_ELEMENTS or _within(node, content):
            continue
        attributes = {name.lower(): (value or "") for name, value in node.attributes.items()}
        runs = tag != "script" or attributes.get("type", "").strip().lower() in SCRIPT_TYPES
        if not runs and "id" not in attributes:
            continue  # a data block (JSON-LD) that no script looks up by its id
        resolved = tuple(sorted((name, rooted(urljoin(base, value.strip())) if name in rendered.URL_ATTRIBUTES
                                 else value) for name, value in attributes.items()))
        # A data block found by its id (Material's configuration, __config) is the theme's by its
        # name alone: a second one before it would be the one a script reads.
        text = SCRIPT_STRING.sub(masked, node.text(deep=True)) if tag == "script" and runs else ""
        found.append(((tag, resolved, text), after))
    return found


# Whether `node` stands inside `content` (None: nothing is).
def _within(node, content) -> bool:
    if content is None:
        return False
    parent = node.parent
    while parent is not None:
        if parent.mem_id == content.mem_id:
            return True
        parent = parent.parent
    return False


# Around a page's content, what runs must be the theme's: a page may hold as many of an element as
# most other pages of the theme hold (each page whose content element is found, and each other page
# whose body runs anything; a redirect page runs nothing). The rest came in with the page's markup,
# which closed the content early, or chose the content itself by writing the element that a theme
# without one is read by (<main>, <article>): a browser runs it. Most pages, not every page: one
# page whose markup moved the theme's own scripts (a <base> sends them elsewhere) must not make
# them suspect on the others. A site of one page has no other page to tell the two apart.
def _check_running_elements(pages: list[_RunningAround], report: Report, site_url: str) -> None:
    themed = [page for page in pages if page.selector is not None or page.signatures]
    if len(themed) < 2:
        return
    counts = [Counter(page.signatures) for page in themed]
    held = {signature: sorted(count[signature] for count in counts) for signature in set().union(*counts)}
    middle = (len(themed) - 2) // 2  # the lower middle of the other pages' counts
    for page, count in zip(themed, counts):
        if page.selector is None:
            continue  # read whole as content: everything that runs in it is reported already
        extra = {}
        for signature, many in count.items():
            others = held[signature]
            # Without this page's own count (its first place in the sorted counts), the middle moves on.
            usual = others[middle] if bisect.bisect_left(others, many) > middle else others[middle + 1]
            if many > usual:
                extra[signature] = many - usual
        if extra:
            _report_running(page, extra, report, site_url)


# Each element of `extra` (how many of each are too many) where it stands. Of several equal ones,
# the page's markup wrote the first ones after the content began: the theme writes its own before
# the content, or after the whole page's markup.
def _report_running(page: _RunningAround, extra: dict[tuple, int], report: Report, site_url: str) -> None:
    try:
        html_text = page.path.read_bytes().decode("utf-8-sig", errors="replace")
    except OSError:
        html_text = ""
    places = _Places(html_text, lambda tree: [signature for signature, _ in
                                              _running_elements(tree, page.selector, page.address, site_url)])
    for signature, many in extra.items():
        copies = [after for found, after in page.running if found == signature]
        ranked = sorted(range(len(copies)), key=lambda index: (not copies[index], index if copies[index] else -index))
        for index in sorted(ranked[:many]):
            nth = index + 1
            line, col = places.place(lambda found: found.count(signature) >= nth, tag=signature[0], nth=nth)
            report.add(page.where, line, col, "HTM006", f"{_describe_running(signature)} outside the page's "
                       "content, which most of the theme's other pages do not hold: the page's markup put it there")


# An element of _running_elements as the report names it: its tag with its address, or its text's start.
def _describe_running(signature: tuple) -> str:
    tag, attributes, text = signature
    named = dict(attributes)
    for name in ("src", "data", "href", "srcdoc", "id"):
        if named.get(name):
            return f"<{tag} {name}={named[name].replace(chr(0) + 'root/', '')!r}>"
    words = " ".join(text.replace("\0root", "").split())
    return f"<{tag}> running {words[:40] + ('…' if len(words) > 40 else '')!r}" if words else f"<{tag}>"


# Each unsafe finding of a reading where it stands: the n-th of several equal ones stands where the
# reading first holds n of them, at the start of the tag that, read alone, is the finding. Those
# `known` (found already by another reading of the page) are not reported again.
def _report_unsafe(found: list[rendered.Unsafe], report: Report, where: str, places: _Places, suffix: str = "",
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


# Where a problem stands in a page's HTML, found with the parser and the reading that found it.
# A parser builds a page as it reads it: an element exists from the end of its start tag on, text
# from its last character. So the problem stands where the shortest prefix of the page whose
# reading shows it ends. Each place where the text or tag is written is tried first (two parses
# prove it: the prefix up to its end shows the problem, one character less does not); when none
# is proved, bisection finds the prefix in about 17 parses of a 100 kB page.
class _Places:
    # `read` gives the reading of a parsed page (or of a start of it) that found the problems.
    def __init__(self, html_text: str, read) -> None:
        self.html_text = html_text
        self.read = read
        self.readings: dict[int, rendered.Reading] = {}
        self.line_starts: list[int] | None = None

    # The reading of the page's first `length` characters.
    def reading(self, length: int) -> rendered.Reading:
        found = self.readings.get(length)
        if found is None:
            found = self.readings[length] = self.read(LexborHTMLParser(self.html_text[:length]))
        return found

    @property
    def spent(self) -> bool:
        return len(self.readings) >= PLACING_PARSES

    # Line and column where the reading first `shows` something: the text `needle`, or an element
    # of the tag `tag`, or (neither given) the tag that ends there. (1, 1) when the page does not.
    # `alone` tells whether a tag read on its own is the one found (an attribute's value may hold a
    # "<" and a letter, which is no tag). The `nth` of several equal findings is looked for from
    # the nth place its tag is written on.
    def place(self, shows, needle: str = "", tag: str = "", alone=None, nth: int = 1) -> tuple[int, int]:
        if needle:
            found = re.finditer(re.escape(needle), self.html_text)
            written = [(m.start(), m.end()) for m in itertools.islice(found, nth - 1, nth - 1 + CANDIDATES)]
        else:
            found = (re.compile(f"<{re.escape(tag)}(?=[\\s/>])", re.I) if tag else TAG_START).finditer(self.html_text)
            written = [(m.start(), self.html_text.find(">", m.end()) + 1)
                       for m in itertools.islice(found, nth - 1, nth - 1 + CANDIDATES)]
        for start, end in written:
            if self.spent:
                break
            if end > 0 and shows(self.reading(end)) and not shows(self.reading(end - 1)):
                return self._line_col(start)
        if self.spent:
            return self._line_col(written[0][0]) if written else (1, 1)
        low, high = 0, len(self.html_text)
        if not shows(self.reading(high)):
            return 1, 1
        while low < high:
            middle = (low + high) // 2
            if shows(self.reading(middle)):
                high = middle
            else:
                low = middle + 1
        start = self.html_text.rfind(needle, 0, high) if needle else -1
        if start < 0:
            tags = [m.start() for m in TAG_START.finditer(self.html_text, 0, high)]
            found = [s for s in reversed(tags[-CANDIDATES:]) if alone and alone(rendered.read(self.html_text[s:high]))]
            start = found[0] if found else tags[-1] if tags else max(high - 1, 0)
        return self._line_col(start)

    # Lines end as the HTML standard ends them (CR LF, CR alone, LF), as an editor shows them.
    def _line_col(self, offset: int) -> tuple[int, int]:
        if self.line_starts is None:
            self.line_starts = [0, *(match.end() for match in LINE_BREAK.finditer(self.html_text))]
        line = bisect.bisect_right(self.line_starts, offset)
        return line, offset - self.line_starts[line - 1] + 1


def _check_page(page: BuiltPage, reading: rendered.Reading, is_source, must_cite, docs_dir: Path,
                report: Report, where: str, places: _Places) -> None:
    source_text = _read(page.source)
    escaped = ESCAPED_CITATION.findall(source_text)
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
    for label in dict.fromkeys(reading.footnote_links):
        if label not in reading.footnotes and all(marker.label != label for marker in reading.markers):
            report.add(where, *places.place(lambda r: label in r.footnote_links, tag="a"), "HTM002",
                       f"footnote link '#fn:{label}' leads to no footnote")
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
