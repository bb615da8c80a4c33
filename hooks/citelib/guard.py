"""Everything specific to mkdocs-bibtex and pybtex: what the plugin sees, and what it may not do.

mkdocs-bibtex 4.4.0 rewrites look-alikes in code, deletes bracketed text with an "@", replaces its
own commands wherever they stand, parses the .bib files again and writes bib fields raw into
Markdown links. The guard hands it Markdown in which only approved citations look like
citations, lets it reuse the checked parse, and puts each formatted reference on the page only
as sanitized HTML.

Three kinds of private-use tokens, each with a random nonce so that a page cannot forge them:
- hidden text (code, look-alikes) that a Markdown preprocessor puts back byte for byte;
- a stamp before each citation, whose place in the rendered page says where that citation went;
- a reference token the plugin writes instead of a formatted reference, swapped for safe HTML.
"""

from __future__ import annotations

import os
import re
import secrets

import mkdocs_bibtex.registry
from markdown import Extension
from markdown.preprocessors import Preprocessor
from pybtex.database import BibliographyData

from citelib import templates
from citelib.scan import Cite, Scan, escaped

# The plugin's own idea of a citation block; anything it would match must be ours.
PLUGIN_BLOCK = re.compile(r"\[(.*?)\]")
# The body of a bracket the plugin may keep: one known key, nothing else.
CITATION_BODY = re.compile(r"@[A-Za-z0-9_-]+")


# The tokens' nonce, drawn once per process: a page cannot know it, and an unchanged page renders
# to the same HTML in every `mkdocs serve` rebuild (so its reading can be reused).
NONCE = "".join(chr(0xE010 + b % 0xE0) for b in secrets.token_bytes(6))


# Private-use digits, so a stamp holds no word character (heading ids and search ignore it).
def _digits(number: int) -> str:
    return "".join(chr(0xE100 + int(d)) for d in str(number))


# The tokens of one build and the text they stand for.
class Guard:
    def __init__(self, is_known, plugin_commands: list[str], is_broken=lambda key: False,
                 citation_template=None) -> None:
        nonce = NONCE
        # partials/citations/citation.html: the Markdown (with inline HTML) of one citation.
        self.citation_template = citation_template or templates.project_template("partials/citations/citation.html")
        self.is_known = is_known
        # Keys whose entries were reported in bib/ and kept off the pages (quarantined).
        self.is_broken = is_broken
        self.plugin_commands = plugin_commands
        self.hidden: dict[str, str] = {}
        self.token = re.compile(f"\ue000{nonce}[\ue100-\ue109]+\ue001")
        self._hide_prefix = f"\ue000{nonce}"
        self._stamp_prefix = f"\ue002{nonce}"
        # Where a citation's markers go in its markup, written once for each shape (_canonical).
        self._slot_prefix = f"\ue006{nonce}"
        self.slot = re.compile(f"\ue006{nonce}([\ue100-\ue109]+)\ue007")
        self._shapes: dict[tuple[str, ...], str] = {}
        self.stamp = re.compile(f"\ue002{nonce}([\ue100-\ue109]+)\ue003")
        self.reference = re.compile(f"\ue004{nonce}([\ue100-\ue109]+)\ue005")
        self._reference_prefix = f"\ue004{nonce}"
        self.references: list[str] = []
        self._reference_tokens: dict[str, str] = {}

    # The Markdown the plugin sees: code and look-alikes hidden, each approved citation written
    # one key per bracket after a stamp. Returns it and the cite of each stamp, in stamp order.
    def markdown_for_plugin(self, page_scan: Scan) -> tuple[str, list[Cite]]:
        text = page_scan.text
        edits: list[tuple[int, int, str]] = [(start, end, self.hide(text[start:end])) for start, end in page_scan.code]
        stamped: list[Cite] = []
        for citation in page_scan.citations:
            # A key whose entry was reported in bib/ (quarantined) is left out, so the citation's
            # other keys still give their markers and nothing is reported twice.
            cites = [c for c in citation.cites if not self.is_broken(c.key)] if not citation.error else []
            if cites and all(self.is_known(c.key) for c in cites):
                edits.append((citation.start, citation.end, self._canonical(cites, stamped)))
            else:
                edits.append((citation.start, citation.start + 1, self.hide("[")))
        # Bracketed text, escaped brackets and citations inside attributes stay as written.
        for start, _ in page_scan.text_brackets + page_scan.escaped:
            edits.append((start, start + 1, self.hide("[")))
        for citation in page_scan.in_attributes:
            edits.append((citation.start, citation.start + 1, self.hide("[")))
        pieces, cursor = [], 0
        for start, end, replacement in sorted(edits, key=lambda edit: edit[:2]):
            pieces.append(text[cursor:start])
            pieces.append(replacement)
            cursor = end
        pieces.append(text[cursor:])
        guarded = "".join(pieces)
        # The plugin replaces its own commands (\bibliography) wherever they stand; in a page they are text.
        for command in self.plugin_commands:
            guarded = guarded.replace(command, self.hide(command))
        return self._hide_other_blocks(guarded), stamped

    # A citation as the plugin expects it, one key per bracket, each after its stamp: locators
    # stay visible beside their markers, and markers are separated ("1, 2").
    def _canonical(self, cites: list[Cite], stamped: list[Cite]) -> str:
        markers = []
        for cite in cites:
            markers.append(f"{self._stamp_prefix}{_digits(len(stamped))}\ue003[@{cite.key}]")
            stamped.append(cite)
        # The template is rendered once for each shape (the locators), with a slot for each marker.
        locators = tuple(cite.locator for cite in cites)
        written = self._shapes.get(locators)
        if written is None:
            separator = "; " if any(locators) else ", "
            shown = [{"marker": f"{self._slot_prefix}{_digits(index)}\ue007", "locator": locator}
                     for index, locator in enumerate(locators)]
            # One line: a line break would end a table row or start a new block.
            written = " ".join(self.citation_template.render(cites=shown, separator=separator).split("\n"))
            self._shapes[locators] = written
        return self.slot.sub(lambda slot: markers[_number(slot[1])], written)

    # Last line of defence: any other bracket the plugin would read as a citation is hidden.
    # One pass: after hiding a "[", the scan goes on from the next character.
    def _hide_other_blocks(self, markdown: str) -> str:
        pieces, cursor, position = [], 0, 0
        while (match := PLUGIN_BLOCK.search(markdown, position)) is not None:
            body = match.group(1)
            # An escaped "\[@key]" is text to Python-Markdown: the plugin must not make it a marker.
            if "@" in body and (escaped(markdown, match.start())
                                or not (CITATION_BODY.fullmatch(body) and self.is_known(body[1:]))):
                pieces += [markdown[cursor:match.start()], self.hide("[")]
                cursor = position = match.start() + 1
            else:
                position = match.end()
        pieces.append(markdown[cursor:])
        return "".join(pieces)

    # Replace text by a token that the plugin cannot match; RestoreHidden puts it back.
    def hide(self, original: str) -> str:
        token = f"{self._hide_prefix}{_digits(len(self.hidden))}\ue001"
        self.hidden[token] = original
        return token

    # The hidden text back in place (Markdown, before Python-Markdown reads it).
    def restore(self, text: str) -> str:
        if "\ue000" not in text:
            return text
        return self.token.sub(lambda m: self.hidden.get(m.group(0), m.group(0)), text)

    # What the plugin writes in place of a formatted reference: a token for its safe HTML.
    def reference_token(self, safe_html: str) -> str:
        token = self._reference_tokens.get(safe_html)
        if token is None:
            token = self._reference_tokens[safe_html] = f"{self._reference_prefix}{_digits(len(self.references))}\ue005"
            self.references.append(safe_html)
        return token

    # The rendered page with reference tokens swapped for their safe HTML.
    def finish_references(self, html_text: str) -> str:
        if "\ue004" not in html_text:
            return html_text
        return self.reference.sub(lambda m: self.references[_number(m[1])], html_text)

    # Text without stamps (for the page, its table of contents and its title).
    def strip_stamps(self, text: str) -> str:
        return self.stamp.sub("", text) if "\ue002" in text else text

    # The Markdown extension that registers the restoring preprocessor first of all.
    def extension(self) -> Extension:
        return _RestoreHidden(self)


# A number written with _digits.
def _number(digits: str) -> int:
    return int("".join(str(ord(c) - 0xE100) for c in digits))


# The stamp index of a stamp match.
def stamp_index(match: re.Match) -> int:
    return _number(match[1])


# Puts hidden text back before Python-Markdown reads the page.
class _RestorePreprocessor(Preprocessor):
    def __init__(self, md, guard: Guard) -> None:
        super().__init__(md)
        self.guard = guard

    def run(self, lines: list[str]) -> list[str]:
        text = "\n".join(lines)
        return self.guard.restore(text).split("\n") if "\ue000" in text else lines


class _RestoreHidden(Extension):
    def __init__(self, guard: Guard) -> None:
        super().__init__()
        self.guard = guard

    def extendMarkdown(self, md) -> None:
        md.preprocessors.register(_RestorePreprocessor(md, self.guard), "citations-restore", 100)


# Make the plugin render from the very parse the checks approved: while its on_config runs, its
# parse_file returns our reading of each file (found by `file_id`, the name both walks give it),
# and a file the checks did not read gives nothing but a call to `unread(name)`. Returns a
# problem message, or "". restore_parse_file() puts the plugin's own back.
def share_parsed_bibliography(files: dict, file_id, unread) -> str:
    original = getattr(mkdocs_bibtex.registry, "parse_file", None)
    if original is None:
        return "mkdocs_bibtex.registry.parse_file is gone"
    real = getattr(original, "wrapped", original)

    def parse_file(path, *args, **kwargs):
        parsed = files.get(file_id(path))
        if parsed is None:
            unread(os.path.basename(path))
            return BibliographyData()
        return parsed

    parse_file.wrapped = real
    mkdocs_bibtex.registry.parse_file = parse_file
    return ""


# Once every on_config has run, the plugin's parse_file is its own again.
def restore_parse_file() -> None:
    current = getattr(mkdocs_bibtex.registry, "parse_file", None)
    if getattr(current, "wrapped", None) is not None:
        mkdocs_bibtex.registry.parse_file = current.wrapped
