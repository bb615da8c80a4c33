"""Summarise what a pull request changes in sources and citation coverage, as Markdown for the
job summary of the check workflow.

Usage: python tools/pr_summary.py BASE HEAD [--artifact-url URL] [--output FILE]

BASE and HEAD are checkouts of the base branch and of the pull request, each built (site/claims.json
beside bib/). The summary lists the sources added and removed, the change in claims coverage per
page, the uncited sentences the pull request adds, and where to download the built site. It is
appended to FILE, by default $GITHUB_STEP_SUMMARY when set, else printed.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The hooks' .bib reader (the same parse the build does); see tools/citecheck.py.
sys.path.insert(0, str(ROOT / "hooks"))

from citelib import bib as bibfiles  # noqa: E402
from citelib.diagnostics import Report  # noqa: E402

LEDGER = Path("site") / "claims.json"
# At most this many uncited sentences are listed per page; the rest are counted.
SENTENCES_SHOWN = 20


# -----------------------------------------------------------------------------
# Reading one side
# -----------------------------------------------------------------------------


# The sources of a checkout: key -> title, from every .bib file under bib/ ({} without bib/).
def read_sources(root: Path) -> dict[str, str]:
    bib_dir = root / "bib"
    if not bib_dir.is_dir():
        return {}
    bibliography = bibfiles.load(bib_dir, Report(), root)
    return {key: " ".join(source.entry.fields.get("title", "").replace("{", "").replace("}", "").split())
            for key, source in bibliography.sources.items()}


# The claims ledger of a built checkout, or None when it was not built.
def read_ledger(root: Path) -> dict | None:
    path = root / LEDGER
    if not path.is_file():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


# -----------------------------------------------------------------------------
# Sections of the summary
# -----------------------------------------------------------------------------


def _share(page: dict | None) -> str:
    if not page:
        return "–"
    if not page["sentences"]:
        return "–"
    return f"{100 * page['cited_sentences'] / page['sentences']:.0f}% ({page['cited_sentences']}/{page['sentences']})"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def sources_section(base: dict[str, str], head: dict[str, str]) -> list[str]:
    added = sorted(set(head) - set(base))
    removed = sorted(set(base) - set(head))
    lines = ["### Sources", ""]
    if not added and not removed:
        return lines + ["No source added or removed.", ""]
    lines += [f"- added `{key}`: {_cell(head[key])}" for key in added]
    lines += [f"- removed `{key}`: {_cell(base[key])}" for key in removed]
    return lines + [""]


# One row per page whose counts changed, was added or was removed.
def coverage_section(base: dict | None, head: dict) -> list[str]:
    lines = ["### Claims coverage per page", ""]
    if base is None:
        return lines + ["The base branch was not built: no comparison.", ""]
    before = {page["page"]: page for page in base["pages"]}
    after = {page["page"]: page for page in head["pages"]}
    compared = ("sentences", "cited_sentences", "claims", "sources")
    changed = [name for name in dict.fromkeys([*after, *before])
               if name not in before or name not in after
               or any(before[name][field] != after[name][field] for field in compared)]
    if not changed:
        return lines + ["No page's coverage changed.", ""]
    lines += ["| Page | Cited sentences, before | After | Claims | Sources |", "| --- | --- | --- | --- | --- |"]
    for name in changed:
        old, new = before.get(name), after.get(name)
        note = " (new)" if old is None else " (removed)" if new is None else ""
        claims = f"{old['claims'] if old else 0} → {new['claims'] if new else 0}"
        sources = f"{len(old['sources']) if old else 0} → {len(new['sources']) if new else 0}"
        lines.append(f"| `{name}`{note} | {_share(old)} | {_share(new)} | {claims} | {sources} |")
    return lines + [""]


# The uncited sentences of each page that the base did not have (as many times as added).
def uncited_section(base: dict | None, head: dict) -> list[str]:
    lines = ["### Uncited sentences this pull request adds", ""]
    before = {page["page"]: page for page in (base or {}).get("pages", [])}
    found = False
    for page in head["pages"]:
        # Each sentence the base page had uncited pairs off one of the same text; the rest is new.
        remaining = Counter(before.get(page["page"], {}).get("uncited", []))
        added = []
        for sentence in page.get("uncited", []):
            if remaining[sentence] > 0:
                remaining[sentence] -= 1
            else:
                added.append(sentence)
        if not added:
            continue
        found = True
        lines.append(f"`{page['page']}`:")
        lines += [f"- {_cell(sentence)}" for sentence in added[:SENTENCES_SHOWN]]
        if len(added) > SENTENCES_SHOWN:
            lines.append(f"- … and {len(added) - SENTENCES_SHOWN} more")
        lines.append("")
    if base is not None and not any("uncited" in page for page in base["pages"]):
        lines[2:2] = ["The base branch's ledger does not list uncited sentences (an older build): every "
                      "uncited sentence is shown.", ""]
    if not found:
        lines += ["None.", ""]
    else:
        lines += ["A sentence that states a fact needs a source; the site's own reading is written as such "
                  "(\"On this site's reading, ...\"). Headings of lists and linking sentences may stay uncited.", ""]
    return lines


# -----------------------------------------------------------------------------
# The summary
# -----------------------------------------------------------------------------


def summary(base_root: Path, head_root: Path, artifact_url: str = "") -> str:
    head = read_ledger(head_root)
    lines = ["## Pull request summary", ""]
    if head is None:
        return "\n".join(lines + [f"The pull request's site was not built ({LEDGER} is missing).", ""])
    base = read_ledger(base_root)
    lines += sources_section(read_sources(base_root), read_sources(head_root))
    lines += coverage_section(base, head)
    lines += uncited_section(base, head)
    lines += ["### The built site", ""]
    if artifact_url:
        lines.append(f"Download it: [site]({artifact_url}) (unzip it and open `index.html`); "
                     "the offline zip is among the run's artifacts too.")
    else:
        lines.append("Download it from the run's page, under Artifacts (`site`).")
    return "\n".join(lines + [""])


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="pr_summary", description=__doc__.strip().splitlines()[0])
    parser.add_argument("base", type=Path, help="checkout of the base branch (built: site/claims.json)")
    parser.add_argument("head", type=Path, help="checkout of the pull request (built)")
    parser.add_argument("--artifact-url", default="", help="where to download the built site")
    parser.add_argument("--output", type=Path, default=os.environ.get("GITHUB_STEP_SUMMARY") or None,
                        help="file to append to (default: $GITHUB_STEP_SUMMARY, else standard output)")
    options = parser.parse_args(argv)
    text = summary(options.base, options.head, options.artifact_url)
    if options.output:
        with open(options.output, "a", encoding="utf-8") as handle:
            handle.write(text)
    else:
        print(text, end="")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
