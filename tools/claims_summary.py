"""Print how well each page's sentences are covered by citations, from the claims ledger.

Usage: python tools/claims_summary.py [site/claims.json]

The build (hooks/sources.py) writes the ledger; `make claims` builds the site and runs this.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


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


# Read the ledger named on the command line (default site/claims.json) and print the summary.
def main(argv: list[str]) -> int:
    path = Path(argv[1] if len(argv) > 1 else "site/claims.json")
    if not path.is_file():
        print(f"{path} not found: build the site first (make claims does)", file=sys.stderr)
        return 1
    print(summary(json.loads(path.read_text(encoding="utf-8"))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
