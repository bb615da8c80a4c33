"""Growth of the checks on hostile inputs: time at n and at 4n, and their ratio.

A ratio near 4 is linear growth; a quadratic check shows about 16. Each case is its own function
returning (name, n, seconds at n, seconds at 4n); times are CPU seconds of this process (the best
of a few runs), which a busy machine disturbs less than wall time.

Usage: .venv/bin/python bench/hostile_growth.py [--quick]   (--quick: n a quarter as large)
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "hooks"))


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


CASES = [(scan_table_with_code_spans, 4000)]


def main(argv: list[str]) -> int:
    quick = "--quick" in argv
    for case, n in CASES:
        name, size, small, large = case(n // 4 if quick else n)
        print(f"{name}: n={size}: {small:.2f} s; 4n={4 * size}: {large:.2f} s; ratio {large / small:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
