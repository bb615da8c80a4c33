"""How markers and the references list are marked up for readers, whatever page they are on.

Material's search indexes the page's text; a marker ("1"), its locator and the formatted
references are not prose, and glued to it they make search results such as
"represents.1sec. 1 The objective...". Material's search plugin leaves out every element with a
`data-search-exclude` attribute (material/plugins/search/plugin.py, Parser.handle_starttag), so
this treeprocessor sets it on each footnote marker and on each source in the footnotes list (an
aside, a footnote written by hand, is prose and stays searchable). Locators and
separators get it in their template (partials/citations/citation.html). The sources page lists
the sources in its own markup, so search still finds them there.

A source cited many times has one back-link to each marker; they all read "↩", so each gets
a name that says which it is ("Back to citation 2 of 5"). The stylesheet shows the first and
reveals the others when the reference is focused, hovered or targeted.
"""

from __future__ import annotations

import xml.etree.ElementTree as etree

from markdown import Extension
from markdown.treeprocessors import Treeprocessor

# The attribute Material's search plugin skips (with everything inside the element).
SEARCH_EXCLUDE = "data-search-exclude"


# Mark the footnote markers and the sources in the footnotes list of a page as not searchable,
# and name each back-link of a footnote. `is_source(label)`: whether a footnote is a source.
class SearchExcludeTreeprocessor(Treeprocessor):
    def __init__(self, md, is_source) -> None:
        super().__init__(md)
        self.is_source = is_source

    def run(self, root: etree.Element) -> None:
        for el in root.iter():
            if el.tag == "li" and el.get("id", "").startswith("fn:"):
                if self.is_source(el.get("id")[3:]):
                    el.set(SEARCH_EXCLUDE, "")
                name_back_links(el)
            elif el.tag == "sup" and el.get("id", "").startswith("fnref") and any(
                    child.tag == "a" and "footnote-ref" in child.get("class", "").split() for child in el):
                el.set(SEARCH_EXCLUDE, "")


# Each back-link of one reference says which citation it leads back to.
def name_back_links(item: etree.Element) -> None:
    links = [a for a in item.iter("a") if "footnote-backref" in a.get("class", "").split()]
    for number, link in enumerate(links, start=1):
        link.set("aria-label", "Back to the citation" if len(links) == 1 else f"Back to citation {number} of {len(links)}")


class _SearchExclude(Extension):
    def __init__(self, is_source) -> None:
        super().__init__()
        self.is_source = is_source

    def extendMarkdown(self, md) -> None:
        # After the footnotes extension's processors (the list at 50, duplicate markers at 15).
        md.treeprocessors.register(SearchExcludeTreeprocessor(md, self.is_source), "citations-search-exclude", 14)


# The Markdown extension that marks markers and sources as not searchable; `is_source(label)`
# says whether a footnote's label is a source's key.
def extension(is_source) -> Extension:
    return _SearchExclude(is_source)
