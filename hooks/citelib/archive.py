"""The archived copy of a source, as readers see it beside the link.

An entry may carry `archiveurl` (a Wayback Machine copy of its `url`) and `archivedate` (when
that copy was made, YYYY-MM-DD). `make verify-sources` suggests both; CONTRIBUTING.md explains
them. Formatting is a pure function of the entry's fields, so the footnotes, their tooltips and
the sources page show the same words.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

# The wording of archived copies, part of the disk cache's key (formatting.formatter_version).
WORDING = "archived-copy-1"

# Only a web address may become a link (a `javascript:` archive URL must never reach a page).
WEB_ADDRESS = re.compile(r"https?://[^\s\"'<>()\\]+")
ISO_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")


@dataclass(frozen=True)
class ArchivedCopy:
    url: str
    date: str  # YYYY, YYYY-MM or YYYY-MM-DD; empty when the entry gives none


# The entry's archived copy, or None when it has none or its address is not a web address.
def archived_copy(fields: Mapping[str, str]) -> ArchivedCopy | None:
    lowered = {name.lower(): value for name, value in fields.items()}
    url = str(lowered.get("archiveurl", "")).strip()
    if not WEB_ADDRESS.fullmatch(url):
        return None
    date = str(lowered.get("archivedate", "")).strip()
    return ArchivedCopy(url, date if ISO_DATE.fullmatch(date) else "")


# The words readers see after the reference: "Archived copy (2024-05-01)." as an HTML link.
def archived_copy_html(copy: ArchivedCopy) -> str:
    href = html.escape(copy.url, quote=True)
    when = f" ({copy.date})" if copy.date else ""
    return f'<a class="archived-copy" href="{href}">Archived copy</a>{when}.'


# Wrap a formatter of references (citation -> Markdown) so that it appends the archived copy.
def with_archived_copy(reference_text: Callable, sources: Callable[[], Mapping]) -> Callable:
    def reference(citation):
        text = reference_text(citation)
        source = sources().get(citation.key)
        copy = archived_copy(source.entry.fields) if source is not None else None
        return f"{text} {archived_copy_html(copy)}" if copy is not None else text

    reference.wrapped = reference_text
    return reference
