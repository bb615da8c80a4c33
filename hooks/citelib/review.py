"""Who reviewed a page, and when: front matter `reviewers:` and `last_reviewed:`, checked.

    reviewers: [Ada Lovelace, Alan Turing]   # a list of names (one name alone is a list of one)
    last_reviewed: 2026-11-30                # an ISO date, not in the future

Both come from the front matter as MkDocs' YAML reading gives it; each problem is PAG005 at the
line of its key, and a page with a problem shows no review at all rather than a half-true one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from citelib.pagemeta import MONTHS

# The one form a review date is written in (date.fromisoformat also takes week dates, 2026-W48-1).
ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

# A name longer than this is not a name (a paragraph pasted by mistake).
LONGEST_NAME = 200


# A page's review, as shown on the page and in its JSON-LD.
@dataclass(frozen=True)
class Review:
    reviewers: tuple[str, ...]
    # ISO date, and as readers see it ("30 November 2026").
    last_reviewed: str
    last_reviewed_text: str


# The review the front matter `meta` names, or None; each problem goes to `problem(key, message)`.
# `today` is the date a review may not come after.
def read_review(meta: dict, problem, today: date | None = None) -> Review | None:
    if "reviewers" not in meta and "last_reviewed" not in meta:
        return None
    today = today or date.today()
    reviewers = _reviewers(meta.get("reviewers"), problem) if "reviewers" in meta else None
    reviewed = _review_date(meta.get("last_reviewed"), today, problem) if "last_reviewed" in meta else None
    if "reviewers" not in meta:
        problem("last_reviewed", "front matter gives last_reviewed but no reviewers: name who reviewed the page")
        return None
    if "last_reviewed" not in meta:
        problem("reviewers", "front matter names reviewers but no last_reviewed date (write last_reviewed: "
                "YYYY-MM-DD)")
        return None
    if reviewers is None or reviewed is None:
        return None
    return Review(tuple(reviewers), reviewed.isoformat(), f"{reviewed.day} {MONTHS[reviewed.month - 1]} {reviewed.year}")


# The names of `reviewers:`, or None after reporting why they are not a list of names.
def _reviewers(value, problem) -> list[str] | None:
    names = [value] if isinstance(value, str) else value
    if not isinstance(names, list) or not names:
        problem("reviewers", f"front matter reviewers must be a list of names, not {_shown(value)}")
        return None
    for name in names:
        if not isinstance(name, str) or not name.strip():
            problem("reviewers", f"front matter reviewers holds {_shown(name)}, which is not a name")
            return None
        if len(name) > LONGEST_NAME or any(not c.isprintable() for c in name):
            problem("reviewers", f"front matter reviewers holds {_shown(name[:40])}..., which is not a name "
                    "(one line, at most 200 characters)")
            return None
    return [" ".join(name.split()) for name in names]


# The date of `last_reviewed:`, or None after reporting why it is not a past or present date.
def _review_date(value, today: date, problem) -> date | None:
    # YAML reads 2026-11-30 as a date; a quoted "2026-11-30" is a string in the same form.
    if isinstance(value, date) and not hasattr(value, "hour"):
        day = value
    else:
        try:
            day = date.fromisoformat(value) if isinstance(value, str) and ISO_DAY.fullmatch(value) else None
        except ValueError:
            day = None
        if day is None:
            problem("last_reviewed", f"front matter last_reviewed must be a date written YYYY-MM-DD, not "
                    f"{_shown(value)}")
            return None
    if day > today:
        problem("last_reviewed", f"front matter last_reviewed is {day.isoformat()}, after today: a review "
                "cannot be dated in the future")
        return None
    return day


# A value as the message shows it: short, one line.
def _shown(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
