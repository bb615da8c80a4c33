"""`make bench-hostile`: the checks grow linearly on the two inputs that were quadratic.

A ratio near 4 for 4x the input is linear growth; a quadratic check shows about 16.

1. The .bib reader with a file full of @string macros. Before the reader used pybtex's scanner
   over the whole file, every entry was parsed with all of its file's macros prepended, so n
   macros and n entries cost n * n: 2,000 of each took about 100 s to build. For n and 4n macros
   and entries (each entry uses one macro) it prints
     read:  the checks' reading in this process (hooks/citelib/bib.py load + check), best of 3,
            wall and CPU seconds;
     build: a cold `mkdocs build --strict` of a generated site that cites every entry (citations
            hook, mkdocs-bibtex, Material), one run each, wall and CPU seconds (user + sys of the
            build process, which other work on the machine disturbs less).
   Python's garbage collector, which walks every live object now and then, is paused while a
   file is read.
2. The page scan of a table whose every row holds code spans, citations and look-alikes (16,000
   rows took 31 s in the old scanner): CPU seconds of this process, best of 2.

Usage: python bench/hostile_growth.py [--quick]   (--quick: the readings only, the scan at n/4)
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
OUT = BENCH / "out" / "hostile"
sys.path.insert(0, str(ROOT / "hooks"))

from citelib import bib as bibfiles  # noqa: E402
from citelib.diagnostics import Report  # noqa: E402

READ_SIZES = (2000, 8000)
BUILD_SIZES = (1000, 4000)
CITES_A_PAGE = 50
# Rows of the table of code spans at n (4n is the other size).
SCAN_ROWS = 4000


# n @string macros, then n entries, each using one macro as its journal.
def macro_bib(n: int) -> str:
    macros = "".join(f'@string{{journal{i} = "Journal of Synthetic Results {i}"}}\n' for i in range(n))
    entries = "".join(f"@article{{key{i},\n  author = {{Doe, Jane and Roe, Richard}},\n"
                      f"  title = {{A synthetic result number {i}}},\n  journal = journal{i},\n"
                      f"  year = {{2020}},\n  url = {{https://example.org/{i}}}\n}}\n\n" for i in range(n))
    return macros + "\n" + entries


# Best of 3 (wall, cpu) seconds of the checks' reading of `folder`.
def time_reading(folder: Path) -> tuple[float, float]:
    best = (float("inf"), float("inf"))
    for _ in range(3):
        bibfiles._PARSED.clear()
        report = Report()
        wall, cpu = time.perf_counter(), time.process_time()
        bibliography = bibfiles.load(folder / "bib", report, folder)
        bibfiles.check(bibliography, report)
        best = min(best, (time.perf_counter() - wall, time.process_time() - cpu))
        assert not report, report.format()
    return best


# A site whose pages cite every entry of a macro bib of size n.
def make_site(n: int) -> Path:
    site = OUT / f"site-{n}"
    shutil.rmtree(site, ignore_errors=True)
    (site / "bib").mkdir(parents=True)
    (site / "docs" / "claims").mkdir(parents=True)
    (site / "bib" / "sources.bib").write_text(macro_bib(n), encoding="utf-8")
    (site / "docs" / "index.md").write_text("# Home\n\nA synthetic site.\n", encoding="utf-8")
    for page, start in enumerate(range(0, n, CITES_A_PAGE)):
        lines = [f"# Page {page}", ""] + [f"Claim number {i}.[@key{i}]" for i in range(start, min(n, start + CITES_A_PAGE))]
        (site / "docs" / "claims" / f"page{page}.md").write_text("\n\n".join(lines) + "\n", encoding="utf-8")
    (site / "mkdocs.yml").write_text(f"""site_name: Macro growth
theme:
  name: material
  font: false
plugins:
  - bibtex:
      bib_dir: bib
      footnote_format: "{{key}}"
      enable_inline_citations: false
hooks:
  - {ROOT / 'hooks' / 'citations.py'}
extra:
  citations:
    content:
      - claims/
markdown_extensions:
  - footnotes
""", encoding="utf-8")
    return site


# (wall, cpu) seconds of a cold `mkdocs build --strict` of `site`, CPU time from the child's rusage.
def time_build(site: Path) -> tuple[float, float]:
    shutil.rmtree(site / ".cache", ignore_errors=True)
    start = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f",
                              str(site / "mkdocs.yml")], env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    _, status, usage = os.wait4(child.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"the build of {site} failed")
    return time.perf_counter() - start, usage.ru_utime + usage.ru_stime


# Best CPU time of `runs` calls of `work()`.
def cpu_seconds(work, runs: int = 2) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.process_time()
        work()
        best = min(best, time.process_time() - start)
    return best


# A table of `rows` rows whose cells hold code spans, citations and look-alikes.
def table_with_code_spans(rows: int) -> str:
    lines = ["| Key | Example |", "| --- | --- |"]
    lines += [f"| `k{i}` [@key{i}] | ``a `[@code{i}]` b`` and `[@x]` |" for i in range(rows)]
    return "\n".join(lines) + "\n"


# The page scan (what is code, citations, footnotes) of a table with code spans in every row.
def scan_table_with_code_spans(n: int) -> tuple[str, int, float, float]:
    from citelib.scan import scan

    small, large = table_with_code_spans(n), table_with_code_spans(4 * n)
    counted = len(scan(small).citations)
    assert counted == n, f"the scan read {counted} citations in {n} rows"
    return "scan: table with code spans (rows)", n, cpu_seconds(lambda: scan(small)), cpu_seconds(lambda: scan(large))


def main(argv: list[str]) -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    small, large = READ_SIZES
    times = {}
    for n in READ_SIZES:
        folder = OUT / f"read-{n}"
        (folder / "bib").mkdir(parents=True, exist_ok=True)
        (folder / "bib" / "sources.bib").write_text(macro_bib(n), encoding="utf-8")
        times[n] = time_reading(folder)
        print(f"read  @string macros + entries n={n:>6}: {times[n][0]:6.2f} s wall, {times[n][1]:6.2f} s CPU")
    print(f"read  ratio {large}/{small} (4x the input): {times[large][0] / times[small][0]:.2f} wall, "
          f"{times[large][1] / times[small][1]:.2f} CPU")
    rows = SCAN_ROWS // 4 if "--quick" in argv else SCAN_ROWS
    name, size, small_scan, large_scan = scan_table_with_code_spans(rows)
    print(f"{name}: n={size}: {small_scan:.2f} s CPU; 4n={4 * size}: {large_scan:.2f} s CPU; "
          f"ratio {large_scan / small_scan:.2f}")
    if "--quick" in argv:
        return 0
    small, large = BUILD_SIZES
    builds = {}
    for n in BUILD_SIZES:
        builds[n] = time_build(make_site(n))
        print(f"build @string macros + entries n={n:>6}: {builds[n][0]:6.2f} s wall, {builds[n][1]:6.2f} s CPU")
    print(f"build ratio {large}/{small} (4x the input): {builds[large][0] / builds[small][0]:.2f} wall, "
          f"{builds[large][1] / builds[small][1]:.2f} CPU")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
