"""The site builds unchanged with ProperDocs, the maintained fork of MkDocs 1.x.

ProperDocs reads mkdocs.yml when it is named with -f, loads the same plugins,
theme and hooks (it redirects `import mkdocs.*` to `properdocs.*`), and must give
the same pages with the same main content. The only expected difference, the
generator <meta> tag in <head>, lies outside what is compared, so nothing is
normalised beyond whitespace.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from sitebuild import redirect_pages
from parsed import soup as parsed_soup

# One worker runs this file, so its module fixtures are built once, not once per worker.
pytestmark = pytest.mark.xdist_group("properdocs-site")

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


# The site built by the ProperDocs command line, strict, into a temporary folder.
@pytest.fixture(scope="module")
def properdocs_site(tmp_path_factory) -> Path:
    site = tmp_path_factory.mktemp("properdocs-site")
    env = os.environ | {"DISABLE_MKDOCS_2_WARNING": "true", "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run(
        [str(BIN / "properdocs"), "build", "--strict", "-f", "mkdocs.yml", "-d", str(site)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return site


# Every HTML file of a built site, as paths relative to it.
def html_files(site: Path) -> set[str]:
    return {p.relative_to(site).as_posix() for p in site.rglob("*.html")}


# The text of a page's <article> (its main content), with whitespace collapsed.
def article_text(page: Path) -> str:
    soup = parsed_soup(page)
    article = soup.find("article")
    assert article is not None, page
    return " ".join(article.get_text(" ").split())


def test_properdocs_is_the_fork_not_mkdocs():
    result = subprocess.run(
        [str(BIN / "properdocs"), "--version"], capture_output=True, text=True, check=True
    )
    assert result.stdout.startswith("properdocs, version 1.")


def test_same_html_files(built_site, properdocs_site):
    assert html_files(properdocs_site) == html_files(built_site)


def test_same_main_content_on_every_page(built_site, properdocs_site):
    redirects = set(redirect_pages(ROOT / "mkdocs.yml"))  # no article: the whole small page
    pages = sorted(html_files(built_site) - redirects)
    assert pages and redirects
    different = [p for p in pages if article_text(built_site / p) != article_text(properdocs_site / p)]
    different += [p for p in sorted(redirects) if (built_site / p).read_bytes() != (properdocs_site / p).read_bytes()]
    assert not different, f"pages whose <article> differs: {different}"


def test_only_the_generator_tag_tells_them_apart(built_site, properdocs_site):
    def generator(site: Path) -> str:
        soup = BeautifulSoup((site / "index.html").read_text(encoding="utf-8"), "html.parser")
        return soup.find("meta", attrs={"name": "generator"})["content"]

    assert generator(built_site).startswith("mkdocs-1.")
    assert "ProperDocs" in generator(properdocs_site)
