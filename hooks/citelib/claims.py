"""Claims: the sentence that carries each marker of a rendered page, and the site's ledger of them.

docs/contributing/claims-ledger.md describes the ledger's format.
"""

from __future__ import annotations

import json

import re
from dataclasses import dataclass

from citelib.rendered import Marker, Reading

CLAIMS_FORMAT = "alignment-basics/claims"
CLAIMS_VERSION = 1

# A sentence ends at . ! ? (and their other forms, closing quotes or brackets), before space, an
# opening quote of any language and a capital or digit (of any cased script: "Élan" starts one);
# the group is the character after.
ENDERS = ".!?…‼⁇⁈⁉。！？"
CLOSERS = "\"”’“‘»«›‹')]」』"
OPENERS = "\"“‘„‚«»‹›([「『"
SENTENCE_END = re.compile(rf"[{ENDERS}][{re.escape(CLOSERS)}]*(?=\s+[{re.escape(OPENERS)}]?(\w))")
# Characters of a word before a full stop, and initials ("J. Smith", "the U.S. AI models"), whose
# full stop ends no sentence: a cut there would give the marker the half after it.
WORD_CHARACTERS = re.compile(r"[\w.]+")
INITIALS = re.compile(r"(?:[A-Z]\.)*[A-Z]")
# Words whose full stop ends no sentence ("e.g. The", "et al. Show", "sec. 3"); "no." only before a
# number ("No. 5"): "The model said no. Models obey." is two sentences.
ABBREVIATIONS = {"e.g", "i.e", "al", "cf", "vs", "sec", "secs", "p", "pp", "fig", "ch", "vol", "eq", "ed",
                 "dr", "mr", "mrs", "prof"}
NUMBER_ABBREVIATIONS = {"no"}


# One marker of one page, as the ledger lists it.
@dataclass
class Claim:
    page: str
    title: str
    marker: Marker


# The claims of one page and its counts (sentences, cited sentences, markers, sources).
def page_claims(reading: Reading, page_url: str, title: str, is_source) -> tuple[list[Claim], dict]:
    markers, sentences, cited, uncited = [], 0, 0, []
    for block in reading.blocks:
        spans = sentence_spans(block.text, [position for position, _ in block.markers], block.breaks)
        carrying = set()
        for position, marker in block.markers:
            index = _sentence_at(spans, position)
            marker.text = block.text[spans[index][0]:spans[index][1]].strip() if spans else ""
            carrying.add(index)
            markers.append(marker)
        in_reference = bool(block.in_footnote) and is_source(block.in_footnote)
        if block.prose and not in_reference:
            worded = {i for i, (start, end) in enumerate(spans) if re.search(r"\w", block.text[start:end])}
            sentences += len(worded)
            cited += len(carrying & worded)
            uncited += [block.text[start:end].strip() for i, (start, end) in enumerate(spans)
                        if i in worded and i not in carrying]
    _resolve_cites(markers, is_source)
    counts = {
        "page": page_url,
        "title": title,
        "sentences": sentences,
        "cited_sentences": cited,
        "claims": len(markers),
        "sources": sorted({key for m in markers if is_source(m.label) for key, _ in m.cites}),
        "uncited": uncited,
    }
    return [Claim(page_url, title, marker) for marker in markers], counts


# What each marker cites: its own source, or, for an aside, the sources cited inside the aside.
def _resolve_cites(markers: list[Marker], is_source) -> None:
    inside: dict[str, list[tuple[str, str]]] = {}
    for marker in markers:
        if marker.in_footnote and is_source(marker.label):
            inside.setdefault(marker.in_footnote, []).append((marker.label, marker.locator))
    for marker in markers:
        marker.cites = [(marker.label, marker.locator)] if is_source(marker.label) else inside.get(marker.label, [])


# (start, end) of each sentence of `text`; a marker right after a full stop also ends one, and so
# does a line break (`breaks`) before a capital ("Models are safe<br>Models deceive." is two lines
# readers read as two sentences; "the reward<br>in the race" one).
def sentence_spans(text: str, markers: list[int], breaks: list[int] = ()) -> list[tuple[int, int]]:
    ends = set()
    for position in breaks:
        after = text[position:].lstrip().lstrip(OPENERS)
        if position > 0 and after[:1].isupper():
            ends.add(position)
    for match in SENTENCE_END.finditer(text):
        if not (match[1].isupper() or match[1].isdigit()):
            continue
        # The word before the stop; a bounded window keeps this linear in long blocks.
        word = word_at_end(text[max(0, match.start() - 100): match.start() + 1].rstrip(ENDERS))
        if text[match.start()] == "." and (word.lower() in ABBREVIATIONS or INITIALS.fullmatch(word)
                                           or (word.lower() in NUMBER_ABBREVIATIONS and match[1].isdigit())):
            continue
        ends.add(match.end())
    for position in markers:
        if 0 < position < len(text) and text[position - 1] in ENDERS and not text[position].isspace():
            ends.add(position)
    spans, start = [], 0
    for end in sorted(ends) + [len(text)]:
        if end > start:
            spans.append((start, end))
            start = end
    return spans


# The run of word characters and dots that ends `text` ("" without one), what
# re.search(r"([\w.]+)\.?$", text) finds, whose "$" also stands before a final line break: read
# backwards from the end instead of tried at every position (most of sentence_spans' time).
def word_at_end(text: str) -> str:
    if text.endswith("\n"):
        text = text[:-1]
    found = WORD_CHARACTERS.match(text[::-1])
    return found[0][::-1] if found else ""


# Index of the sentence a marker at `position` belongs to: the one that ends where it stands.
def _sentence_at(spans: list[tuple[int, int]], position: int) -> int:
    for index, (start, end) in enumerate(spans):
        if start < position <= end:
            return index
    return 0


# The ledger: format, version, pages with their counts, and one claim per marker, in reading order.
def ledger(claims: list[Claim], pages: list[dict], order: dict[str, int], site_url: str) -> dict:
    records = []
    for claim in in_reading_order(claims, lambda c: c.page, order):
        marker = claim.marker
        records.append({
            "page": claim.page,
            "page_title": claim.title,
            "anchor": marker.anchor,
            "url": f"{site_url}{claim.page}#{marker.anchor}",
            "footnote": marker.label,
            "text": marker.text,
            "sources": list(dict.fromkeys(key for key, _ in marker.cites)),
            "cites": [{"key": key, "locator": locator} for key, locator in marker.cites],
        })
    return {
        "format": CLAIMS_FORMAT,
        "version": CLAIMS_VERSION,
        "site_url": site_url,
        "pages": in_reading_order(pages, lambda p: p["page"], order),
        "claims": records,
    }


# The ledger's text exactly as json.dumps(ledger, ensure_ascii=False, indent=1) writes it, each
# list item's indented text reused from `memo` (compact JSON -> text) when it was written before:
# Python's indenting encoder is slow, the compact one is not. `memo` keeps only this ledger's items.
def ledger_json(ledger: dict, memo: dict[str, str]) -> str:
    before = dict(memo)
    memo.clear()

    def item(value) -> str:
        compact = _ENCODE(value)
        text = before.get(compact) or indented_json(value, 2)
        memo[compact] = text
        return "  " + text

    parts = []
    for key, value in ledger.items():
        name = _ENCODE(key)
        if isinstance(value, list) and value:
            parts.append(f" {name}: [\n" + ",\n".join(item(v) for v in value) + "\n ]")
        else:
            parts.append(f" {name}: {indented_json(value, 1)}")
    return "{\n" + ",\n".join(parts) + "\n}" if parts else "{}"


# The compact encoder (C) for what indenting leaves alone: strings, numbers, true, false, null.
_ENCODE = json.JSONEncoder(ensure_ascii=False).encode
_ENCODE_STRING = json.encoder.encode_basestring


# `value` as json.dumps(value, ensure_ascii=False, indent=1) writes it, with every line after the
# first indented `depth` spaces more: Python's indenting encoder is pure Python, a tenth of a
# second for a large ledger, so lists and dicts are laid out here and the rest goes to _ENCODE.
def indented_json(value, depth: int = 0) -> str:
    if type(value) is str:  # most of a ledger: what JSONEncoder.encode returns for a string
        return _ENCODE_STRING(value)
    if isinstance(value, (list, tuple)) or (isinstance(value, dict) and all(isinstance(k, str) for k in value)):
        if not value:
            return "{}" if isinstance(value, dict) else "[]"
        inner = ",\n" + " " * (depth + 1)
        if isinstance(value, dict):
            items = [f"{_ENCODE(key)}: {indented_json(item, depth + 1)}" for key, item in value.items()]
            opening, closing = "{", "}"
        else:
            items = [indented_json(item, depth + 1) for item in value]
            opening, closing = "[", "]"
        return opening + inner[1:] + inner.join(items) + "\n" + " " * depth + closing
    if value is None or isinstance(value, (str, int, float)):
        return _ENCODE(value)
    return json.dumps(value, ensure_ascii=False, indent=1).replace("\n", "\n" + " " * depth)


# Items sorted by their page's place in the navigation; within a page, in document order.
def in_reading_order(items: list, page_of, order: dict[str, int]) -> list:
    last = len(order)
    return sorted(items, key=lambda item: order.get(page_of(item), last))
