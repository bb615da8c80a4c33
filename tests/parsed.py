"""Built pages parsed once per test process: many tests read the same pages of the same site."""

from __future__ import annotations

import functools
from pathlib import Path

from bs4 import BeautifulSoup


# A built page as BeautifulSoup, parsed again only when the file changed. Shared between tests:
# read it, or copy.copy() the part to change.
def soup(path: Path) -> BeautifulSoup:
    stat = path.stat()
    return _parse(path.resolve(), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=256)
def _parse(path: Path, mtime_ns: int, size: int) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
