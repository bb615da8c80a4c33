"""A contributor's new page: made by `make page` (tools/new_page.py), and built before it is
committed, with its date, "Cite this page" and claims like every other page."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from pybtex.database.input.bibtex import Parser

import new_page
from freshclone import fresh_clone, git
from sitebuild import build_site

ROOT = Path(__file__).resolve().parent.parent
TITLE = "What is reward modelling?"

# A finished page, as a contributor would write it from the template (sources already in bib/).
FILLED = """\
# What is reward modelling?

!!! abstract "Short answer"

    A reward model is learned from people's comparisons of a system's outputs.[@christiano2017deep]

## How it works

People compare pairs of outputs, and a model learns to predict which one they prefer.[@christiano2017deep]

## Related questions

- [What is RLHF?](rlhf.md)

## References
"""


@pytest.fixture
def clone(tmp_path) -> Path:
    return fresh_clone(tmp_path / "clone")


# -----------------------------------------------------------------------------
# make page
# -----------------------------------------------------------------------------


def test_new_page_comes_from_the_template_and_joins_nav_after_its_folder(clone):
    before = (clone / "mkdocs.yml").read_text(encoding="utf-8")
    page = new_page.new_page(clone, "reward-modelling", TITLE)
    assert page == Path("docs/questions/reward-modelling.md")
    text = (clone / page).read_text(encoding="utf-8")
    assert text.startswith(f"# {TITLE}\n") and "<!--" not in text
    assert '!!! abstract "Short answer"' in text and text.rstrip().endswith("## References")
    after = (clone / "mkdocs.yml").read_text(encoding="utf-8")
    # One line added, right after the folder's last page, indented like it; comments untouched.
    added = [line for line in after.splitlines() if line not in before.splitlines()]
    assert added == ["      - questions/reward-modelling.md"]
    assert after.replace(added[0] + "\n", "", 1) == before
    pages = new_page.nav_pages(after)
    folder = [p for p in pages if p.startswith("questions/")]
    assert folder[-1] == "questions/reward-modelling.md"
    assert pages.index(folder[-1]) == pages.index(folder[-2]) + 1


def test_new_page_refuses_a_bad_name_a_title_without_question_and_an_existing_page(clone):
    before = (clone / "mkdocs.yml").read_text(encoding="utf-8")
    for name, title, message in [
        ("Reward_Modelling", TITLE, "lower-case words joined by hyphens"),
        ("reward-modelling", "Reward modelling", "end it with '?'"),
        ("reward-modelling", "", "TITLE is missing"),
        ("rlhf", TITLE, "already exists"),
    ]:
        with pytest.raises(new_page.PageError, match=re.escape(message)):
            new_page.new_page(clone, name, title)
    assert (clone / "mkdocs.yml").read_text(encoding="utf-8") == before
    assert not (clone / "docs/questions/reward-modelling.md").exists()


def test_nav_edit_keeps_env_tags_and_refuses_a_flow_style_nav():
    text = ("site_url: !ENV [SITE_URL, 'https://example.org/']\n# a comment\nnav:\n"
            "  - Home: index.md\n  - Section:\n      - questions/a.md  # first\n"
            "      - questions/b.md\n  - Glossary: glossary.md\n")
    updated = new_page.add_to_nav(text, "questions/c.md")
    assert updated == text.replace("b.md\n", "b.md\n      - questions/c.md\n")
    with pytest.raises(new_page.PageError, match="by hand"):
        new_page.add_to_nav("nav: [questions/a.md]\n", "questions/c.md")
    with pytest.raises(new_page.PageError, match="already in nav"):
        new_page.add_to_nav(text, "questions/a.md")


# -----------------------------------------------------------------------------
# A new page that git does not know yet
# -----------------------------------------------------------------------------


def test_a_new_uncommitted_page_builds_with_date_citation_and_claims(clone, tmp_path):
    page = new_page.new_page(clone, "reward-modelling", TITLE)
    (clone / page).write_text(FILLED, encoding="utf-8")
    assert "reward-modelling.md" in git(clone, "status", "--porcelain", "--untracked-files=all")
    site = build_site(clone / "mkdocs.yml", tmp_path / "site")  # strict
    soup = BeautifulSoup((site / "questions/reward-modelling.html").read_text(encoding="utf-8"),
                         "html.parser")
    # Dated by its file, like a committed page by its last commit.
    time = soup.select_one("article aside.md-source-file time")
    assert time is not None and re.fullmatch(r"\d{4}-\d{2}-\d{2}", time["datetime"])
    bibtex = soup.select_one("details.cite-this-page pre code").get_text()
    (entry,) = Parser().parse_string(bibtex).entries.values()
    assert entry.fields["note"] == f"Last changed {time.get_text(strip=True)}"
    assert entry.fields["year"] == time["datetime"][:4]
    ledger = json.loads((site / "claims.json").read_text(encoding="utf-8"))
    claims = [c for c in ledger["claims"] if c["page"] == "questions/reward-modelling.html"]
    assert len(claims) == 2 and all(c["sources"] == ["christiano2017deep"] for c in claims)
