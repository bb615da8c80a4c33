"""A fork's build: canonical URLs, sitemap, edit and history links, "Cite this page" and the
claims ledger all use the fork's own address (SITE_URL, REPO_URL, REPO_NAME, as deploy.yml sets)."""

from __future__ import annotations

import json
from pathlib import Path

from bs4 import BeautifulSoup

from sitebuild import build_site

ROOT = Path(__file__).resolve().parent.parent
FORK_SITE = "https://someone.github.io/fork/"
FORK_REPO = "https://github.com/someone/fork"
UPSTREAM = "alignment-basics.github.io"


def test_a_fork_publishes_its_own_addresses(tmp_path, monkeypatch):
    monkeypatch.setenv("SITE_URL", FORK_SITE.rstrip("/"))  # configure-pages gives no final slash
    monkeypatch.setenv("REPO_URL", FORK_REPO)
    monkeypatch.setenv("REPO_NAME", "someone/fork")
    site = build_site(ROOT / "mkdocs.yml", tmp_path / "site")
    page = "questions/rlhf.html"
    soup = BeautifulSoup((site / page).read_text(encoding="utf-8"), "html.parser")
    assert soup.select_one("link[rel=canonical]")["href"] == FORK_SITE + page
    hrefs = {a["href"] for a in soup.select("a.md-content__button")}
    assert f"{FORK_REPO}/edit/main/docs/questions/rlhf.md" in hrefs
    assert soup.select_one("a.md-source")["href"] == FORK_REPO
    assert FORK_SITE + page in soup.select_one("details.cite-this-page").get_text()
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert FORK_SITE + page in sitemap and UPSTREAM not in sitemap
    assert json.loads((site / "claims.json").read_text(encoding="utf-8"))["site_url"] == FORK_SITE
    assert BeautifulSoup((site / "404.html").read_text(encoding="utf-8"), "html.parser").select_one(
        "head base")["href"] == "/fork/"
    history = soup.select_one("aside.md-source-file a")
    if history is not None:  # a checkout with git history
        assert history["href"].startswith(f"{FORK_REPO}/commits/main/docs/")
