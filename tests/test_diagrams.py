"""Diagrams: a dark copy of every drawing, kept current, and intrinsic sizes on every page.

The browser half (palette, legibility on a phone, labels inside the drawing) is in
tests/test_browser.py.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from selectolax.lexbor import LexborHTMLParser

import diagrams

ROOT = Path(__file__).resolve().parent.parent


# (width, height) of an SVG's viewBox.
def _view_box(svg: Path) -> tuple[float, float]:
    _, _, width, height = (float(n) for n in ET.parse(svg).getroot().get("viewBox").split())
    return width, height


# The diagram file an <img src> or <source srcset> of `page` names, fragment dropped.
def _target(site: Path, page: Path, url: str) -> Path:
    return (page.parent / unquote(urlsplit(url).path)).resolve()


def test_every_dark_copy_is_current():
    assert diagrams.run(check=True) == []


def test_a_stale_dark_copy_is_reported_with_the_command_that_fixes_it(tmp_path):
    source = tmp_path / "x.svg"
    source.write_text('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect fill="#ffffff"/></svg>')
    [problem] = diagrams.run(check=True, folder=tmp_path)
    assert "x.dark.svg: missing or stale" in problem and "tools/diagrams.py" in problem
    assert diagrams.run(check=False, folder=tmp_path) == []
    assert 'fill="#1e2129"' in (tmp_path / "x.dark.svg").read_text()
    assert diagrams.run(check=True, folder=tmp_path) == []


@pytest.mark.parametrize(("markup", "message"), [
    ('<rect fill="#123456"/>', 'fill="#123456" is not in the palette of tools/diagrams.py'),
    ('<rect style="fill: red"/>', "a style attribute on <rect>"),
    ("<style>rect { fill: red }</style>", "a <style> element"),
    ("<rect", "not well-formed SVG"),
    # `color` is what fill="currentColor" paints with: left dark, it would vanish on the dark panel.
    ('<g color="#123456"><rect fill="currentColor"/></g>', 'color="#123456" is not in the palette'),
])
def test_a_drawing_the_script_cannot_darken_is_named_with_the_fix(tmp_path, markup, message):
    (tmp_path / "bad.svg").write_text(f'<svg xmlns="http://www.w3.org/2000/svg">{markup}</svg>')
    [problem] = diagrams.run(check=False, folder=tmp_path)
    assert problem.startswith(f"{tmp_path / 'bad.svg'}: ") and message in problem
    assert not (tmp_path / "bad.dark.svg").exists()


def test_a_dark_copy_without_its_drawing_is_reported(tmp_path):
    (tmp_path / "gone.dark.svg").write_text("<svg/>")
    assert diagrams.run(check=True, folder=tmp_path) == [f"{tmp_path / 'gone.dark.svg'}: a dark copy without its light drawing; delete it"]


# Every diagram image and phone source on every built page names an existing drawing and says its
# width and height, in the drawing's own proportions (no layout shift, no unsized image).
def test_every_diagram_on_the_site_has_intrinsic_sizes_in_its_drawings_ratio(built_site):
    checked = 0
    for page in sorted(built_site.rglob("*.html")):
        html = LexborHTMLParser(page.read_text(encoding="utf-8"))
        for element in html.css("article img, article picture source"):
            url = element.attributes.get("src") or element.attributes.get("srcset") or ""
            if "/diagrams/" not in url:
                continue
            drawing = _target(built_site, page, url)
            assert drawing.is_file(), f"{page.name}: {url} is missing"
            width, height = (float(element.attributes.get(name) or 0) for name in ("width", "height"))
            assert width and height, f"{page.name}: {url} has no width and height"
            view_width, view_height = _view_box(drawing)
            assert abs(width / height - view_width / view_height) < 0.01, f"{page.name}: {url} {width}x{height}"
            checked += 1
    # Six diagrams, each as light and dark images with a phone source.
    assert checked >= 24
