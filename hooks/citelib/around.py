"""What runs around a built page's content must be the theme's own.

Around the content stand the theme's scripts. Markup of a page can put its own there: by closing
the content early (`</article>` and what follows), or by writing the element that a theme without
one of its own is read by (`<main>`). The theme writes its own on every page; what most of the
theme's other pages do not hold came in with the page.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser

from citelib import rendered
from citelib.diagnostics import Report
from citelib.places import Places

# Elements of a page's body that run a script or load a document that may run one, the <base>
# that decides where the theme's later scripts load from, and the two whose markup this reading
# does not see as a browser does: a <noscript> (raw text to a browser that runs scripts, so a tag in
# an attribute inside it comes alive) and a <template> (a declarative shadow root runs what it
# holds). Around the content, each must be the theme's own: one that most of the theme's other
# pages hold too. That goes for <head> as well: a theme writes a page's title there, and Material
# writes it with character references decoded, so a heading can close the <title> and go on.
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
# A string literal in an inline script, masked in the comparison: themes write what changes from
# page to page there (the way to the site's root, the page's name and path), and a string holds no
# code; a page's markup that adds a script adds an element, which the comparison counts.
SCRIPT_STRING = re.compile(r"""(["'])([^"'\\\n]*)\1""")
# The site's address when mkdocs.yml names none: only its path matters here.
SITE_ADDRESS = "https://site.invalid/"


# What runs in a page's body around its content (the whole body when no content element is found),
# as one signature per element (see RUNNING_ELEMENTS).
@dataclass
class RunningAround:
    path: Path
    where: str
    selector: str | None
    address: str
    running: list[tuple[tuple, bool, bool]]

    @property
    def signatures(self) -> list[tuple]:
        return [signature for signature, _, _ in self.running]

    # Whether anything runs in its body (a redirect page runs only a script in its head).
    @property
    def runs_in_body(self) -> bool:
        return any(not in_head for _, _, in_head in self.running)


# The site's root address, from its configured address (a path alone counts as on no host).
def site_root(site_url: str) -> str:
    root = urljoin(SITE_ADDRESS, urlsplit(site_url).path if isinstance(site_url, str) else "/")
    return root if root.endswith("/") else root + "/"


# The elements of the page around the content (head and body) that run a script or load a
# document, in document order, each as a signature that is the same for the theme's element on
# every page: its name, its attributes with every address resolved (against the page's <base>, as
# the browser resolves it), and its text with each string literal masked. With each,
# whether it comes after the content began, and whether it stands in <head>. A <base> in <head>
# that names the site's root is the theme's (Material's 404 page, read at any address): left out.
def running_elements(tree: LexborHTMLParser, selector: str | None, address: str,
                      site_url: str) -> list[tuple[tuple, bool, bool]]:
    if tree.body is None:
        return []
    # None in a start of the page before the content (places.py reads such starts): all is around it.
    content = tree.css_first(selector) if selector is not None else None
    root = site_root(site_url)
    declared = next((node for node in tree.css("base[href]") if not _within(node, content)), None)
    base = urljoin(address, (declared.attributes.get("href") or "").strip()) if declared is not None else address
    # A theme's <base> in <head> names the site's root (Material's 404 page), whatever mkdocs.yml says.
    roots = sorted({root, base}, key=len, reverse=True) if declared is not None and _within(declared, tree.head) \
        else [root]

    # An address as the same on every page when it names the root.
    def rooted(url: str) -> str:
        start = next((start for start in roots if url.startswith(start)), None)
        return url if start is None else "\0root/" + url[len(start):]

    found, after = [], False
    for node in tree.root.traverse():
        tag = node.tag.lower()
        if content is not None and node.mem_id == content.mem_id:
            after = True
        if tag not in RUNNING_ELEMENTS or _within(node, content):
            continue
        attributes = {name.lower(): (value or "") for name, value in node.attributes.items()}
        if tag == "base" and _within(node, tree.head) and \
                urljoin(address, attributes.get("href", "").strip()) == root:
            continue
        runs = tag != "script" or attributes.get("type", "").strip().lower() in SCRIPT_TYPES
        if not runs and "id" not in attributes:
            continue  # a data block (JSON-LD) that no script looks up by its id
        resolved = tuple(sorted((name, rooted(urljoin(base, value.strip())) if name in rendered.URL_ATTRIBUTES
                                 else value) for name, value in attributes.items()))
        # A data block found by its id (Material's configuration, __config) is the theme's by its
        # name alone: a second one before it would be the one a script reads.
        text = SCRIPT_STRING.sub("\0string", node.text(deep=True)) if tag == "script" and runs else ""
        found.append(((tag, resolved, text), after, _within(node, tree.head)))
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
# whose body runs anything; a redirect page runs nothing there). The rest came in with the page's
# markup, which closed the content early (or its <title>, in <head>), or chose the content itself by
# writing the element that a theme without one is read by (<main>, <article>): a browser runs it.
# Most pages, not every page: one page whose markup moved the theme's own scripts (a <base> sends
# them elsewhere) must not make them suspect on the others. A page with no content element (a
# redirect page, or one whose title swallowed the rest as text) has its <head> held to the other
# such pages and to the whole site. A site of one page has no other page to tell the two apart.
def check(pages: list[RunningAround], report: Report, site_url: str) -> None:
    themed = _Held([page for page in pages if page.selector is not None or page.runs_in_body])
    whole, everywhere = _Held([page for page in pages if page.selector is None]), _Held(pages)
    for page in pages:
        if page.selector is not None:
            extra = themed.extra(page) or {}
        else:
            # Read whole as content, its body is reported already; its <head> is the theme's when
            # most pages without content (redirect pages) hold it, or most pages of the site do.
            heads = {signature for signature, _, in_head in page.running if in_head}
            found = [extra for extra in (whole.extra(page), everywhere.extra(page)) if extra is not None]
            extra = {signature: min(extra.get(signature, 0) for extra in found) for signature in heads} if found else {}
            extra = {signature: many for signature, many in extra.items() if many > 0}
        if extra:
            _report_running(page, extra, report, site_url)


# How many of each element the pages of a group hold, sorted, to tell what is usual for one of them.
class _Held:
    def __init__(self, pages: list[RunningAround]) -> None:
        self.counts = {id(page): Counter(page.signatures) for page in pages}
        counts = list(self.counts.values())
        self.held = {signature: sorted(count[signature] for count in counts) for signature in set().union(*counts)}
        self.middle = (len(pages) - 2) // 2  # the lower middle of the other pages' counts

    # How many of each element `page` (one of the group) holds beyond what most of the group's other
    # pages hold; None when the group has no other page to compare with.
    def extra(self, page: RunningAround) -> dict[tuple, int] | None:
        if len(self.counts) < 2:
            return None
        extra = {}
        for signature, many in self.counts[id(page)].items():
            others = self.held[signature]
            # Without this page's own count (its first place in the sorted counts), the middle moves on.
            usual = others[self.middle] if bisect.bisect_left(others, many) > self.middle else others[self.middle + 1]
            if many > usual:
                extra[signature] = many - usual
        return extra


# Each element of `extra` (how many of each are too many) where it stands. Of several equal ones,
# the page's markup wrote the first ones after the content began: the theme writes its own before
# the content, or after the whole page's markup.
def _report_running(page: RunningAround, extra: dict[tuple, int], report: Report, site_url: str) -> None:
    try:
        html_text = page.path.read_bytes().decode("utf-8-sig", errors="replace")
    except OSError:
        html_text = ""
    places = Places(html_text, lambda tree: [signature for signature, _, _ in
                                             running_elements(tree, page.selector, page.address, site_url)])
    for signature, many in extra.items():
        copies = [after for found, after, _ in page.running if found == signature]
        ranked = sorted(range(len(copies)), key=lambda index: (not copies[index], index if copies[index] else -index))
        for index in sorted(ranked[:many]):
            nth = index + 1
            line, col = places.place(lambda found: found.count(signature) >= nth, tag=signature[0], nth=nth)
            report.add(page.where, line, col, "HTM006", f"{_describe_running(signature)} outside the page's "
                       "content, which most of the theme's other pages do not hold: the page's markup put it there")


# An element of running_elements as the report names it: its tag with its address, or its text's start.
def _describe_running(signature: tuple) -> str:
    tag, attributes, text = signature
    named = dict(attributes)
    for name in ("src", "data", "href", "srcdoc", "id"):
        if named.get(name):
            return f"<{tag} {name}={named[name].replace(chr(0) + 'root/', '')!r}>"
    words = " ".join(text.replace("\0string", '"…"').split())
    return f"<{tag}> running {words[:40] + ('…' if len(words) > 40 else '')!r}" if words else f"<{tag}>"
