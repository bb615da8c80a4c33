"""MkDocs hook: glossary terms show their definition on hover, on every page, offline too.

Once per build, read the definition list in docs/glossary.md and turn every term into
Python-Markdown abbreviations, `*[Term]: definition`: the terms and the text of their definitions
as the glossary page shows them (rendered with the site's Markdown, citations left out), so that
nothing the page hides reaches a tooltip. They are handed to the `abbr` extension of every page as its
glossary (not appended to each page as lines, which every page would parse again, one block
processor pass per line). The `abbr` extension then wraps each use of a term in
`<abbr title="definition">`. Material's `content.tooltips` feature shows the title as a tooltip;
without JavaScript the browser's own tooltip shows it.

The `abbr` extension skips atomic text, which is how it leaves code spans alone. A small
treeprocessor, run just before it, makes the text of code, headings, the footnotes (the
numbered sources) and definition-list terms atomic too, so no abbreviation lands there. It
also turns line breaks in ordinary text into spaces, so a term that a source line break splits
still gets its definition. A term that would match inside Python-Markdown's placeholder for raw
HTML (a number, "wzxhzdk") is left out and named, since `abbr` would cut the placeholder and the
HTML would be lost.
"""

from __future__ import annotations

import functools
import html
import logging
import re
import xml.etree.ElementTree as etree
from pathlib import Path

import markdown
from markdown import Extension, util
from markdown.extensions.abbr import AbbrExtension
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from selectolax.lexbor import LexborHTMLParser

from citelib.scan import SITE_SETTINGS, MarkdownSettings, scan
from citelib.state import state

log = logging.getLogger("mkdocs.hooks.glossary")

# -----------------------------------------------------------------------------
# Globals
# -----------------------------------------------------------------------------

# Abbreviation lines for the current build, built in on_pre_build.
abbreviations: list[str] = []

# The same as {term: definition}: the glossary handed to the `abbr` extension of every page.
titles: dict[str, str] = {}

# This build's guard: it notes the terms it leaves out of a page.
guard_extension: GuardExtension | None = None


# Elements whose text never gets an abbreviation: code, headings, definition-list terms.
GUARDED_TAGS = {"code", "pre", "kbd", "samp", "h1", "h2", "h3", "h4", "h5", "h6", "dt"}

# Elements with these classes never get one either: the footnotes, i.e. the list of sources, and
# the markers that lead to them (`*[1]: ...` gave every marker 1 a definition of its own).
GUARDED_CLASSES = {"footnote", "footnote-ref"}

# Python-Markdown's placeholders for raw HTML (and inline HTML), which stand in the text `abbr`
# searches: a term that matches inside one ("wzxhzdk", "1") cuts it, and the HTML is lost.
PLACEHOLDER = re.compile(re.escape(util.STX) + "(?:wzxhzdk|klzzwxh):[0-9]+" + re.escape(util.ETX))
# The terms that match inside such a placeholder wherever one stands, between word boundaries.
PLACEHOLDER_TERM = re.compile("(?:wzxhzdk|klzzwxh)(?::(?:0|[1-9][0-9]*)?)?|:(?:0|[1-9][0-9]*)?|0|[1-9][0-9]*")

# A run of word characters, as `abbr`'s pattern reads them (\w and \b in a str pattern, no flags).
WORD = re.compile(r"\w+")

# -----------------------------------------------------------------------------
# Hooks
# -----------------------------------------------------------------------------


# Guard code, headings and footnotes against abbreviations on every page.
def on_config(config: MkDocsConfig) -> MkDocsConfig:
    global guard_extension
    guard_extension = GuardExtension()
    config.markdown_extensions.append(guard_extension)
    return config


# Read the glossary once per build and turn its terms into abbreviation lines.
def on_pre_build(config: MkDocsConfig) -> None:
    abbreviations.clear()
    titles.clear()
    # The glossary page is extra.citations.glossary, as the citation hook read it (glossary.md by default).
    path = Path(config.docs_dir) / state.settings.glossary
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError:
        log.warning("glossary: %s not found; no hover definitions in this build", path)
        return
    except UnicodeDecodeError as error:
        log.warning("glossary: %s is not UTF-8 (byte %d); no hover definitions in this build", path, error.start)
        return
    repeats: list[tuple[str, int]] = []
    terms = parse_glossary(text, repeats)
    # A second definition of a term would be dropped without a word: say so (strict builds stop).
    for term, line in repeats:
        log.warning(
            "glossary: %s:%d: the term %r is defined again; only its first definition is used. "
            "Keep one definition of each term.", path, line, term,
        )
    # The terms and definitions as the glossary page shows them: a term it does not show (one inside
    # a comment) gets no definition on the pages, and a definition's hidden parts are not in it.
    settings = MarkdownSettings.of(config.markdown_extensions, config.mdx_configs)
    shown_on_the_page = shown_definitions(text, settings, state.scan_cache.scan if state.scan_cache else scan)
    for term in [term for term in terms if term not in shown_on_the_page]:
        log.warning("glossary: %s: the term %r is not shown on the glossary page (a comment or raw HTML hides it), "
                    "so it gets no hover definition: define it in the page's definition list, or remove it",
                    path, term)
        del terms[term]
    for term in sorted(set(shown_on_the_page) - set(terms)):
        log.warning("glossary: %s: the glossary page shows the term %r, but the hover definitions cannot read it: "
                    "write it on its own line, its definition after ':   '", path, term)
    for term in terms:
        title = shown_on_the_page[term]
        if not title:
            log.warning("glossary: the term %r has an empty definition", term)
            continue
        shown = tooltip_title(title)
        if any(PLACEHOLDER_TERM.fullmatch(variant) for variant in variants(term)):
            log.warning("glossary: %s: the term %r matches inside the placeholder Python-Markdown writes for raw "
                        "HTML, where it would cut it and lose the HTML; it gets no hover definition: write the term "
                        "with other words", path, term)
            continue
        for variant in variants(term):
            abbreviations.append(f"*[{variant}]: {shown}")
            titles[variant] = shown
    state.glossary_titles = dict(titles)
    log.debug("glossary: %d terms, %d abbreviations", len(terms), len(abbreviations))


# Pages are left as written: GuardExtension hands the abbreviations to `abbr` as its glossary.
# (Appending the lines to each page cost more than rendering the page without them.)
@event_priority(-50)
def on_page_markdown(
    markdown: str, *, page: Page, config: MkDocsConfig, files: Files
) -> str:
    if guard_extension is not None:
        guard_extension.placeholder_terms.clear()
        guard_extension.redefined_terms.clear()
    return markdown


# A term that matched inside Python-Markdown's placeholder for raw HTML was left out of the page
# (it would have cut the placeholder, and the HTML with it): say so (strict builds stop).
def on_page_content(html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    for term in dict.fromkeys(guard_extension.placeholder_terms if guard_extension is not None else []):
        log.warning("glossary: %s: the abbreviation %r (of the glossary or the page) matches inside the "
                    "placeholder Python-Markdown writes for raw HTML, where it would cut it and lose the HTML; "
                    "it is left out of the page: write the term with other words", page.file.src_uri, term)
    for term in dict.fromkeys(guard_extension.redefined_terms if guard_extension is not None else []):
        log.warning("glossary: %s: the page defines the abbreviation %r, a term of the glossary, again: its hover "
                    "would show other words than the glossary page; the glossary's definition is used: remove the "
                    "page's '*[%s]:' line, or change the definition in the glossary", page.file.src_uri, term, term)
    return html


# -----------------------------------------------------------------------------
# Markdown extension
# -----------------------------------------------------------------------------


# Register the guard between the footnotes (priority 50 and below) and `abbr` (priority 7).
class GuardExtension(Extension):
    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        # Terms left out of the page rendered last because they match inside a placeholder.
        self.placeholder_terms: list[str] = []
        # Glossary terms that the page rendered last defined again as its own abbreviations.
        self.redefined_terms: list[str] = []

    def extendMarkdown(self, md) -> None:
        processor = GuardTreeprocessor(md)
        processor.extension = self
        md.treeprocessors.register(processor, "glossary-guard", 8)
        # The glossary's terms, for the `abbr` extension (registered before this one) to apply.
        for extension in md.registeredExtensions:
            if isinstance(extension, AbbrExtension) and titles:
                extension.load_glossary(titles)


# Make the text inside guarded elements atomic, so `abbr` leaves it alone; elsewhere, turn line
# breaks into spaces, so a term split over two source lines ("reward" / "model") still matches.
# Then hand `abbr` only the terms the page's text holds: it matches one pattern of all the terms
# at every word boundary, and most pages use few of them.
class GuardTreeprocessor(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        for el in root.iter():
            if el.tag in GUARDED_TAGS or GUARDED_CLASSES & set(el.get("class", "").split()):
                atomize(el)
        texts = []
        for el in root.iter():
            el.text = join_lines(el.text)
            el.tail = join_lines(el.tail)
            texts += [text for text in (el.text, el.tail) if text and not isinstance(text, AtomicString)]
        if "abbr" in self.md.treeprocessors:
            self.extension.redefined_terms += keep_glossary_titles(self.md.treeprocessors["abbr"].abbrs, titles)
        if runs_right_after(self.md.treeprocessors, "glossary-guard", "abbr"):
            drop_absent_terms(self.md.treeprocessors["abbr"], texts)
        if "abbr" in self.md.treeprocessors:
            self.extension.placeholder_terms += drop_placeholder_terms(self.md.treeprocessors["abbr"], texts)


# -----------------------------------------------------------------------------
# Helper functions
# -----------------------------------------------------------------------------


# Give every glossary term its glossary definition again where the page's own `*[term]:` line
# replaced it in `abbrs` or took it out (`*[term]: ""`: abbr's page definitions win over its
# glossary); the terms it gave back.
def keep_glossary_titles(abbrs: dict[str, str], glossary: dict[str, str]) -> list[str]:
    redefined = [term for term, title in glossary.items() if abbrs.get(term) != title]
    for term in redefined:
        abbrs[term] = glossary[term]
    return redefined


# Take out of `abbr`'s terms each one that could match nowhere. `abbr` searches each text that is
# not atomic for `\b(?:term|...)\b` and cuts matches out of it, so a match lies within one of
# these texts, bounded by word boundaries: each run of word characters in the term is then a whole
# word of that text (a run inside the term ends at one of the term's own non-word characters, a run
# at its edge at the boundary). A term with a run that is no word of any text is dropped; a term
# without one stays.
def drop_absent_terms(processor, texts: list[str]) -> None:
    terms = getattr(processor, "abbrs", None)
    if not isinstance(terms, dict):
        return
    words = set(WORD.findall("\n".join(texts)))
    for term in [term for term in terms if not words.issuperset(_words_of(term))]:
        del terms[term]


# Whether `after` is the treeprocessor run next after `before`: only then are the texts the guard
# saw the texts `abbr` searches (another one between them could add text with a term in it).
def runs_right_after(treeprocessors, before: str, after: str) -> bool:
    if before not in treeprocessors or after not in treeprocessors:
        return False
    return treeprocessors.get_index_for_name(after) == treeprocessors.get_index_for_name(before) + 1


# Take out of `abbr`'s terms each one that matches inside a placeholder in these texts (as `abbr`
# matches: the term between word boundaries) and return them: the raw HTML it would cut is kept.
def drop_placeholder_terms(processor, texts: list[str]) -> list[str]:
    terms = getattr(processor, "abbrs", None)
    placeholders = " ".join(PLACEHOLDER.findall("\n".join(texts))) if isinstance(terms, dict) else ""
    if not placeholders:
        return []
    words = set(WORD.findall(placeholders))
    dropped = [term for term in terms if words.issuperset(_words_of(term))
               and re.search(rf"\b{re.escape(term)}\b", placeholders)]
    for term in dropped:
        del terms[term]
    return dropped


# The runs of word characters in a term (the glossary's terms come back on every page).
@functools.lru_cache(maxsize=4096)
def _words_of(term: str) -> tuple[str, ...]:
    return tuple(WORD.findall(term))


# Make the text of an element and of everything inside it atomic; its own tail stays as it is.
def atomize(el: etree.Element) -> None:
    if el.text and not isinstance(el.text, AtomicString):
        el.text = AtomicString(el.text)
    for child in el.iter():
        if child is not el and child.tail and not isinstance(child.tail, AtomicString):
            child.tail = AtomicString(child.tail)
        if child.text and not isinstance(child.text, AtomicString):
            child.text = AtomicString(child.text)



# The glossary page's terms and the first definition of each, as the site's Markdown renders the
# page, citations left out: {term: definition}, as text on one line (white space as one space).
# Kept for the last text, since a serve rebuild reads it again.
def shown_definitions(text: str, settings: MarkdownSettings, scanner=scan) -> dict[str, str]:
    key = (text, settings.cache_key)
    if _shown.get("key") != key:
        tree = LexborHTMLParser(_render(without_citations(text, scanner), settings))
        definitions: dict[str, str] = {}
        for term in tree.css("dt"):
            definition = term.next
            while definition is not None and definition.tag in ("dt", "-text", "_comment"):
                definition = definition.next
            if definition is not None and definition.tag == "dd":
                definitions.setdefault(_one_line(term.text()), _one_line(definition.text()))
        _shown.update(key=key, definitions=definitions)
    return _shown["definitions"]


_shown: dict = {}


# HTML of Markdown text as the site renders it.
def _render(text: str, settings: MarkdownSettings) -> str:
    return markdown.Markdown(extensions=list(settings.extensions), extension_configs=settings.configs).convert(text)


# Text on one line: white space as one space, none before punctuation (where a citation stood).
def _one_line(text: str) -> str:
    return re.sub(r"\s+([.,;:!?])", r"\1", " ".join(text.split()))


# Markdown text with its citations left out: the citation checks' own scanner says where they are.
def without_citations(text: str, scanner=scan) -> str:
    citations = scanner(text).citations
    ends = [0] + [citation.end for citation in citations]
    starts = [citation.start for citation in citations] + [len(text)]
    return "".join(text[end:start] for end, start in zip(ends, starts))


# Read the terms of a Markdown definition list and the first definition of each, in order.
# A term defined again is added to `repeats`, when given, with the line it stands on.
def parse_glossary(text: str, repeats: list[tuple[str, int]] | None = None) -> dict[str, str]:
    terms: dict[str, str] = {}
    first_lines: dict[str, int] = {}
    term: str | None = None
    term_line = 0
    definition: list[str] | None = None
    fence: str | None = None

    # Keep the definition being read, if any, under the current term.
    def finish() -> None:
        if term is None or definition is None:
            return
        if term not in terms:
            terms[term] = " ".join(part.strip() for part in definition)
            first_lines[term] = term_line
        # A second ":" line under the same term is one more definition of it, not a repeated term.
        elif repeats is not None and first_lines[term] != term_line and (term, term_line) not in repeats:
            repeats.append((term, term_line))

    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()

        # Skip fenced code, which may look like anything.
        marker = re.match(r"(`{3,}|~{3,})", stripped)
        if fence is not None:
            if marker and stripped.startswith(fence):
                fence = None
            continue
        if marker:
            finish()
            term, definition, fence = None, None, marker.group(1)
            continue

        # A definition starts with ":" and at least one space after it.
        match = re.match(r":[ \t]+(.*)", line)
        if match and term is not None:
            finish()
            definition = [match.group(1)]
            continue

        # An indented line continues the definition being read.
        if definition is not None and stripped and line[:1] in (" ", "\t"):
            definition.append(stripped)
            continue

        # A blank line ends nothing: a term may still be followed by its definition.
        if not stripped:
            continue

        # Any other line ends the definition; it is a new term unless it is a heading or HTML.
        finish()
        definition = None
        is_term = not stripped.startswith(("#", "<", "*[", "[^", ":"))
        term = stripped if is_term else None
        term_line = number

    finish()
    return terms


# Turn the line breaks of ordinary text into spaces; leave atomic text and bare whitespace alone.
def join_lines(text: str | None) -> str | None:
    if not text or isinstance(text, AtomicString) or not text.strip():
        return text
    return text.replace("\n", " ")


# A definition as one line of the text the page shows: no citations, no Markdown, no line breaks.
def plain_text(definition: str, scanner=scan, settings: MarkdownSettings = SITE_SETTINGS) -> str:
    return _one_line(LexborHTMLParser(_render(without_citations(definition, scanner), settings)).text())


# A definition's text as an abbreviation's title. Material's tooltip shows a title as HTML, and
# Python-Markdown writes the title into the attribute keeping the character references in it: so
# the text the glossary page shows is escaped twice, and the tooltip shows it as written, with no
# markup it quotes coming alive ("&lt;img onerror=...&gt;" ran there as an <img>).
def tooltip_title(text: str) -> str:
    return html.escape(html.escape(html.unescape(text), quote=False), quote=False)


# The spellings of a term that carry its definition: as written, lower case, and plural.
def variants(term: str) -> list[str]:
    forms = [term]
    first = term.split()[0]
    # "Mesa-optimizer" is also "mesa-optimizer"; acronyms such as "RLHF" or "AI" stay as they are.
    if first[:1].isupper() and not first[:2].isupper():
        forms.append(term[0].lower() + term[1:])
    # "Reward model" is also "reward models"; skip acronyms and words that end in "s" or "y".
    last = term.split()[-1]
    if re.fullmatch(r"[a-z][a-z-]*[^sy]", last.lower()) and not last.isupper():
        forms += [form + "s" for form in list(forms)]
    return list(dict.fromkeys(forms))
