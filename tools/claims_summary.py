"""Print how well each page's sentences are covered by citations, from the claims ledger, then
every sentence that carries no citation as `path:line: sentence`.

Usage: python tools/claims_summary.py [site/claims.json [project-root]]

The build (hooks/claims_ledger.py) writes the ledger; `make claims` builds the site and runs this.
The ledger holds each uncited sentence as rendered text and the page's Markdown file; the line
is found by matching the sentence's letters and digits against that file, so Markdown markup,
link targets and citations in between do not matter. The project root (default: the current
directory) is where the Markdown paths start.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

# Parts of a Markdown line that never reach the rendered text: a link's or image's target,
# a citation, an HTML tag.
HIDDEN = re.compile(r"\]\([^)]*\)|\[@[^\]]*\]|<[^>]*>")
# Letters and digits of a sentence that are enough to find it: about a dozen words.
NEEDLE = 80


# One line per page: sentences, cited sentences (and their share), claims, sources.
def summary(ledger: dict) -> str:
    rows = [("Page", "Sentences", "Cited", "Share", "Claims", "Sources")]
    totals = [0, 0, 0]
    for page in ledger["pages"]:
        share = f"{100 * page['cited_sentences'] / page['sentences']:.0f}%" if page["sentences"] else "-"
        rows.append((page["page"], str(page["sentences"]), str(page["cited_sentences"]), share,
                     str(page["claims"]), str(len(page["sources"]))))
        totals = [totals[0] + page["sentences"], totals[1] + page["cited_sentences"], totals[2] + page["claims"]]
    sources = {key for claim in ledger["claims"] for key in claim["sources"]}
    share = f"{100 * totals[1] / totals[0]:.0f}%" if totals[0] else "-"
    rows.append(("All pages", str(totals[0]), str(totals[1]), share, str(totals[2]), str(len(sources))))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(widths[0]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(row))
             for row in rows]
    lines.insert(1, "-" * len(lines[0]))
    lines.insert(len(lines) - 1, "-" * len(lines[0]))
    return "\n".join(lines)


# Every uncited sentence of every page, in reading order, as "path:line: sentence".
def uncited_listing(ledger: dict, root: Path) -> str:
    lines = []
    for page in ledger["pages"]:
        sentences = page.get("uncited", [])
        if not sentences:
            continue
        source = page.get("source") or page["page"]
        path = root / source
        finder = LineFinder(path.read_text(encoding="utf-8-sig")) if path.is_file() else None
        for sentence in sentences:
            line = finder.line_of(sentence) if finder else None
            lines.append(f"{source}:{line or '?'}: {sentence}")
    heading = f"Sentences without a citation: {len(lines)}"
    return "\n".join([heading] + lines) if lines else heading


# Finds the line of a rendered sentence in a Markdown file, in document order.
class LineFinder:
    def __init__(self, markdown: str) -> None:
        hidden = [match.span() for match in HIDDEN.finditer(markdown)]
        # The file's letters and digits, lower-cased, and the line each one stands on.
        self.letters, self.lines = [], []
        line, skip = 1, iter(hidden)
        gap = next(skip, None)
        for index, char in enumerate(markdown):
            while gap and index >= gap[1]:
                gap = next(skip, None)
            if char == "\n":
                line += 1
            elif char.isalnum() and not (gap and gap[0] <= index):
                self.letters.append(char.lower())
                self.lines.append(line)
        self.letters = "".join(self.letters)
        self.cursor = 0

    # The line the sentence starts on; the search goes on after the previous sentence found,
    # so a sentence written twice is placed right both times. None when it is not found.
    def line_of(self, sentence: str) -> int | None:
        needle = "".join(char.lower() for char in sentence if char.isalnum())[:NEEDLE]
        if not needle:
            return None
        found = self.letters.find(needle, self.cursor)
        if found < 0:
            found = self.letters.find(needle)
        if found < 0:
            return None
        self.cursor = found + 1
        return self.lines[found]


# Read the ledger named on the command line (default site/claims.json), print the summary and
# the uncited sentences.
def main(argv: list[str]) -> int:
    path = Path(argv[1] if len(argv) > 1 else "site/claims.json")
    root = Path(argv[2] if len(argv) > 2 else ".")
    if not path.is_file():
        print(f"{path} not found: build the site first (make claims does)", file=sys.stderr)
        return 1
    ledger = json.loads(path.read_text(encoding="utf-8"))
    print(summary(ledger))
    print()
    print(uncited_listing(ledger, root))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
