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

import html
import re
import secrets
from pathlib import Path

import mkdocs_bibtex.registry
from markdown import Extension
from markdown.preprocessors import Preprocessor

from citelib.scan import Cite, Scan, escaped

# The plugin's own idea of a citation block; anything it would match must be ours.
PLUGIN_BLOCK = re.compile(r"\[(.*?)\]")
# The body of a bracket the plugin may keep: one known key, nothing else.
CITATION_BODY = re.compile(r"@[A-Za-z0-9_-]+")


# Private-use digits, so a stamp holds no word character (heading ids and search ignore it).
def _digits(number: int) -> str:
    return "".join(chr(0xE100 + int(d)) for d in str(number))


# The tokens of one build and the text they stand for.
class Guard:
    def __init__(self, is_known, plugin_commands: list[str]) -> None:
        nonce = "".join(chr(0xE010 + b % 0xE0) for b in secrets.token_bytes(6))
        self.is_known = is_known
        self.plugin_commands = plugin_commands
        self.hidden: dict[str, str] = {}
        self.token = re.compile(f"\ue000{nonce}[\ue100-\ue109]+\ue001")
        self._hide_prefix = f"\ue000{nonce}"
        self._stamp_prefix = f"\ue002{nonce}"
        self.stamp = re.compile(f"\ue002{nonce}([\ue100-\ue109]+)\ue003")
        self.reference = re.compile(f"\ue004{nonce}([\ue100-\ue109]+)\ue005")
        self._reference_prefix = f"\ue004{nonce}"
        self.references: list[str] = []
        self._reference_tokens: dict[str, str] = {}

    # The Markdown the plugin sees: code and look-alikes hidden, each approved citation written
    # one key per bracket after a stamp. Returns it and the source offset of each stamp's cite.
    def markdown_for_plugin(self, page_scan: Scan) -> tuple[str, list[int]]:
        text = page_scan.text
        edits: list[tuple[int, int, str]] = [(start, end, self.hide(text[start:end])) for start, end in page_scan.code]
        stamped: list[int] = []
        for citation in page_scan.citations:
            if not citation.error and all(self.is_known(c.key) for c in citation.cites):
                edits.append((citation.start, citation.end, self._canonical(citation.cites, stamped)))
            else:
                edits.append((citation.start, citation.start + 1, self.hide("[")))
        for start, _ in page_scan.text_brackets:
            edits.append((start, start + 1, self.hide("[")))
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
    def _canonical(self, cites: list[Cite], stamped: list[int]) -> str:
        separator = '<span class="cite-sep">; </span>' if any(c.locator for c in cites) else \
            '<span class="cite-sep">, </span>'
        parts = []
        for cite in cites:
            stamp = f"{self._stamp_prefix}{_digits(len(stamped))}\ue003"
            stamped.append(cite.offset)
            locator = f'<span class="cite-locator">{html.escape(cite.locator)}</span>' if cite.locator else ""
            parts.append(f"{stamp}[@{cite.key}]{locator}")
        return separator.join(parts)

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


# Let the plugin reuse the checked parse of each .bib file instead of parsing it again: the file
# it asks for is found by its resolved path, and any other file (one the checks never read) is
# refused rather than parsed behind their back. Returns a problem message, or "".
def share_parsed_bibliography(files: dict) -> str:
    original = getattr(mkdocs_bibtex.registry, "parse_file", None)
    if original is None:
        return "mkdocs_bibtex.registry.parse_file is gone"
    real = getattr(original, "wrapped", original)
    by_path = {str(Path(path).resolve()): data for path, data in files.items()}

    def parse_file(path, *args, **kwargs):
        parsed = by_path.get(str(Path(path).resolve()))
        return parsed if parsed is not None else real(path, *args, **kwargs)

    parse_file.wrapped = real
    mkdocs_bibtex.registry.parse_file = parse_file
    return ""
