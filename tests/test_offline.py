"""The built site reads from disk: no remote asset, file-openable links, the offline zip.

No browser here: tests/test_browser.py proves the same in Chromium.
"""

from __future__ import annotations

import re
import sys
import zipfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

from make_offline_zip import README_NAME, make_zip  # noqa: E402
from sitebuild import redirect_pages  # noqa: E402

# One worker runs this file, so its module fixtures are built once, not once per worker.
pytestmark = pytest.mark.xdist_group("offline-pages")

# -----------------------------------------------------------------------------
# Constants
# -----------------------------------------------------------------------------

REMOTE = re.compile(r"^\s*(https?:)?//", re.I)

# <link rel> values whose href the browser fetches by itself.
FETCHED_RELS = {
    "stylesheet", "icon", "shortcut", "apple-touch-icon", "mask-icon", "manifest",
    "preload", "modulepreload", "prefetch", "preconnect", "dns-prefetch", "prerender",
}

# Elements and attributes whose URL the browser fetches by itself.
FETCHED_ATTRS = [
    ("script", "src"), ("img", "src"), ("img", "srcset"), ("iframe", "src"),
    ("source", "src"), ("source", "srcset"), ("video", "src"), ("video", "poster"),
    ("audio", "src"), ("track", "src"), ("embed", "src"), ("object", "data"),
    ("input", "src"), ("image", "href"), ("use", "href"), ("image", "xlink:href"),
    ("use", "xlink:href"),
]

CSS_URL = re.compile(r"""url\(\s*(['"]?)(.*?)\1\s*\)""", re.I | re.S)
CSS_IMPORT = re.compile(r"""@import\s+(['"])(.*?)\1""", re.I)

# Code that loads an absolute URL by itself: ES imports, importScripts, fetch, workers.
JS_REMOTE = re.compile(
    r"""(\bimport\s*\(\s*|\bimport\s[^;'"`]*?\bfrom\s*|\bimport\s*|importScripts\s*\(\s*"""
    r"""|\bfetch\s*\(\s*|new\s+(Shared)?Worker\s*\(\s*|\.src\s*=\s*)[`'"](https?:)?//""",
)

# The page GitHub Pages serves at a missing address: resolves from a <base>, never opened from disk.
NOT_READ_FROM_DISK = {"404.html"}

# The small pages at the old addresses of moved pages: no theme, no navigation, no search.
REDIRECTS = set(redirect_pages(ROOT / "mkdocs.yml"))

# -----------------------------------------------------------------------------
# Helpers
# -----------------------------------------------------------------------------


# Every built file with one of `suffixes`, as (path inside the site, text).
def _texts(site: Path, *suffixes: str) -> list[tuple[str, str]]:
    return [
        (path.relative_to(site).as_posix(), path.read_text(encoding="utf-8", errors="replace"))
        for path in sorted(site.rglob("*"))
        if path.suffix in suffixes and path.is_file()
    ]


# The parsed HTML pages of the site, as (path inside the site, soup).
@pytest.fixture(scope="module")
def pages(built_site: Path) -> list[tuple[str, BeautifulSoup]]:
    return [(name, BeautifulSoup(text, "html.parser")) for name, text in _texts(built_site, ".html")]


# The URLs in a srcset attribute.
def _srcset(value: str) -> list[str]:
    return [part.strip().split()[0] for part in value.split(",") if part.strip()]


# -----------------------------------------------------------------------------
# No remote asset
# -----------------------------------------------------------------------------


def test_html_fetches_nothing_remote(pages):
    found = []
    for name, soup in pages:
        for tag, attr in FETCHED_ATTRS:
            for element in soup.find_all(tag):
                value = element.get(attr)
                urls = _srcset(value) if value and attr == "srcset" else [value] if value else []
                found += [f"{name}: <{tag} {attr}={url}>" for url in urls if REMOTE.match(url)]
        for link in soup.find_all("link", href=True):
            rels = {rel.lower() for rel in link.get("rel") or []}
            if rels & FETCHED_RELS and REMOTE.match(link["href"]):
                found.append(f"{name}: <link rel={' '.join(sorted(rels))} href={link['href']}>")
        for element in soup.find_all(style=True):
            found += [f"{name}: style url({u})" for _, u in CSS_URL.findall(element["style"]) if REMOTE.match(u)]
        for style in soup.find_all("style"):
            css = style.get_text()
            urls = [u for _, u in CSS_URL.findall(css) + CSS_IMPORT.findall(css)]
            found += [f"{name}: <style> {u}" for u in urls if REMOTE.match(u)]
        for script in soup.find_all("script", src=False):
            found += [f"{name}: inline script {m.group(0)}" for m in JS_REMOTE.finditer(script.get_text())]
    assert not found, "remote assets in built HTML:\n" + "\n".join(found)


def test_css_fetches_nothing_remote(built_site):
    found = []
    for name, css in _texts(built_site, ".css"):
        urls = [u for _, u in CSS_URL.findall(css) + CSS_IMPORT.findall(css)]
        found += [f"{name}: {u[:80]}" for u in urls if REMOTE.match(u)]
    assert not found, "remote url()/@import in built CSS:\n" + "\n".join(found)


def test_js_fetches_nothing_remote(built_site):
    found = []
    for name, js in _texts(built_site, ".js"):
        found += [f"{name}: {m.group(0)}" for m in JS_REMOTE.finditer(js)]
    assert not found, "JS loading absolute URLs:\n" + "\n".join(found)


# Material's bundle loads a few things from the web on demand only: the GitHub
# API for a source component, Mermaid for diagrams. No page may ask for them.
def test_material_on_demand_loaders_stay_idle(pages):
    found = []
    for name, soup in pages:
        found += [f"{name}: repository facts component" for _ in soup.select('[data-md-component="source"]')]
        found += [f"{name}: Mermaid diagram" for _ in soup.select(".mermaid, pre.mermaid, div.mermaid")]
    assert not found, "\n".join(found)


# The offline plugin's iframe-worker polyfill comes from the site itself, licence beside it.
def test_search_worker_polyfill_is_local(built_site, pages):
    shim = "assets/javascripts/vendor/iframe-worker/shim.js"
    assert (built_site / shim).is_file()
    licence = (built_site / "assets/javascripts/vendor/iframe-worker/LICENSE").read_text()
    assert "Permission is hereby granted" in licence  # the MIT licence
    for name, soup in pages:
        if name in REDIRECTS:
            continue
        sources = [s["src"] for s in soup.find_all("script", src=True)]
        assert any(src.endswith(shim) for src in sources), f"{name} lacks the local iframe-worker shim"
        assert not any("iframe-worker" in src and REMOTE.match(src) for src in sources), name
    assert (built_site / "search/search_index.js").is_file(), "offline plugin did not inline the search index"


# -----------------------------------------------------------------------------
# Links open from disk
# -----------------------------------------------------------------------------


def test_internal_links_open_from_disk(built_site, pages):
    problems = []
    for name, soup in pages:
        if name in NOT_READ_FROM_DISK:
            continue
        refs = [(a.name, "href", a["href"]) for a in soup.find_all(["a", "link"], href=True)]
        refs += [(s.name, "src", s["src"]) for s in soup.find_all(["script", "img"], src=True)]
        for tag, attr, url in refs:
            parts = urlsplit(url)
            if parts.scheme or url.startswith("//"):
                continue  # a link to a source on the web, or mailto:
            if not parts.path:
                continue  # "#fragment" on the same page
            if url.startswith("/"):
                problems.append(f"{name}: <{tag} {attr}={url}> is root-absolute")
                continue
            target = (built_site / name).parent / unquote(parts.path)
            if target.is_dir() or parts.path.endswith("/"):
                problems.append(f"{name}: <{tag} {attr}={url}> names a folder, not a file")
            elif not target.is_file():
                problems.append(f"{name}: <{tag} {attr}={url}> is missing")
    assert not problems, "\n".join(problems)


def test_pages_link_to_html_files(pages):
    for name, soup in pages:
        if name in NOT_READ_FROM_DISK | REDIRECTS:
            continue
        nav = [a["href"] for a in soup.select(".md-nav--primary a.md-nav__link[href]")]
        assert nav, f"{name} has no navigation"
        paths = [urlsplit(h).path for h in nav if not urlsplit(h).scheme]
        assert all(p.endswith(".html") for p in paths if p), (name, nav)  # "" is "#part" of this page


# -----------------------------------------------------------------------------
# The offline zip
# -----------------------------------------------------------------------------


# Everything sits in one folder named after the zip, README.txt and index.html at its top.
def test_offline_zip_unpacks_into_one_folder_with_the_site_and_readme(built_site, tmp_path):
    zip_path = tmp_path / "alignment-basics-site.zip"
    size = make_zip(built_site, zip_path)
    assert size == zip_path.stat().st_size > 0
    folder = "alignment-basics-site/"
    with zipfile.ZipFile(zip_path) as archive:
        assert archive.testzip() is None
        names = archive.namelist()
        assert names[0] == folder + README_NAME
        assert folder + "index.html" in names
        readme = archive.read(folder + README_NAME).decode("utf-8")
        archive.extractall(tmp_path / "unpacked")
    assert [p.name for p in (tmp_path / "unpacked").iterdir()] == ["alignment-basics-site"]
    assert "open index.html" in readme
    site_files = sorted(p.relative_to(built_site).as_posix() for p in built_site.rglob("*") if p.is_file())
    assert sorted({name.removeprefix(folder) for name in names} - {README_NAME}) == site_files
    assert all(name.startswith(folder) for name in names)


def test_offline_zip_is_deterministic(built_site, tmp_path):
    first, second = tmp_path / "a" / "site.zip", tmp_path / "b" / "site.zip"
    make_zip(built_site, first)
    make_zip(built_site, second)
    assert first.read_bytes() == second.read_bytes()


# `make offline` puts the series PDF beside index.html and README.txt names it (a tiny site and
# PDF here: tests/test_pdf.py prints the real one).
def test_offline_zip_carries_the_pdf_beside_the_site_and_readme_names_it(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<!doctype html><title>Home</title>", encoding="utf-8")
    pdf = tmp_path / "alignment-basics.pdf"
    pdf.write_bytes(b"%PDF-1.4 stand-in")
    zip_path = tmp_path / "alignment-basics-site.zip"
    make_zip(site, zip_path, pdf)
    folder = "alignment-basics-site/"
    with zipfile.ZipFile(zip_path) as archive:
        assert sorted(archive.namelist()) == sorted(
            [folder + README_NAME, folder + "index.html", folder + "alignment-basics.pdf"])
        assert archive.read(folder + "alignment-basics.pdf") == pdf.read_bytes()
        assert "alignment-basics.pdf" in archive.read(folder + README_NAME).decode("utf-8")
    with pytest.raises(FileNotFoundError, match="make pdf"):
        make_zip(site, zip_path, tmp_path / "missing.pdf")
    (site / "alignment-basics.pdf").write_bytes(b"taken")
    with pytest.raises(FileExistsError, match="already has a file named alignment-basics.pdf"):
        make_zip(site, zip_path, pdf)
