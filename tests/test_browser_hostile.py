"""Hostile input, opened in a real Chromium: no page built from it runs a script.

A tiny site whose .bib holds hostile url, doi, eprint, pubmed, note and title values, cited from
pages, with a hostile front-matter title, markup that only a wrong HTML reading would call safe,
and the sources page. It is built as `make serve` builds (not strict: problems are reported,
pages still written), and every page is opened from disk with the network cut. Nothing may fire a
dialog, carry an on* handler, link to a javascript:/data:/vbscript: address or put a script in
the article, and the JSON-LD in <head> must parse. Skips like tests/test_browser.py without
Chromium (fails on CI); the session's Chromium is conftest.py's.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from sitebuild import build_site
from test_hostile_rendered import (BUILDS, HEAD, HOSTILE_BIB, HOSTILE_KEYS, HOSTILE_TITLE, REPORTED, SOURCES_PAGE,
                                   full_config)
from tinysite import ROOT, SOURCES, write_site

# One worker builds the hostile corpus (conftest.py) and runs every test that reads it.
pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("hostile-corpus")]

SHIM = "assets/javascripts/vendor/iframe-worker/shim.js"
# The site as a web server gives it, answered from its files by the tab (nothing leaves the machine):
# Material's previews fetch the sitemap, which they cannot from file://.
ORIGIN = "https://pages.invalid"

PAGES = {
    "claims/hostile-sources.md": "# Hostile sources\n\n"
    + "\n\n".join(f"Claim {n}, with a [locator](https://example.org).[@{key}, p. <img src=x onerror=alert(9)>]"
                  for n, key in enumerate(HOSTILE_KEYS)) + "\n",
    "claims/hostile-title.md": "---\ntitle: " + json.dumps(HOSTILE_TITLE) + "\n"
    + 'description: \'"><img src=x onerror=alert(10)>\'\n'
    # Material writes the subtitle into every page's navigation; the hooks' own keys reach the page
    # as they are (without git, the page dates leave revision_date_text to the front matter).
    + "subtitle: '<img src=x onerror=alert(14)>'\n"
    + "revision_date_text: '<img src=x onerror=alert(15)>'\n---\n" + HEAD,
    # Read once, by lexbor as by a browser, this is harmless; a sanitizer that re-serialized it
    # would make it live.
    "claims/parser-tricks.md": HEAD
    + "<math><mtext><table><mglyph><style><img src=x onerror=alert(11)></style></mglyph></table></mtext></math>\n\n"
    + "<!-- <script>alert(12)</script> -->\n\nA [link](https://example.org \"<img src=x onerror=alert(13)>\").\n",
    # Material's tooltips show a title as HTML (and a focused link's on load): each of these ran.
    "claims/titles.md": HEAD
    + 'A [link](https://example.org "<img src=x onerror=alert(16)>") here.\n\n'
    + 'A [focused link](https://example.org "<img src=x onerror=alert(17)>"){autofocus} here.\n\n'
    + 'A paragraph with a title.\n{title="<img src=x onerror=alert(18)>"}\n\n'
    + "*[RM]: <img src=x onerror=alert(19)>\n\nAn RM learns from comparisons.\n\n"
    # The sources page's "Cited by" link has this sentence as its tooltip.
    + "A claim that quotes &lt;img src=x onerror=alert(20)&gt; as text.[@hubinger2019risks]\n",
    # Harmless as read once; read a second time (a preview's innerHTML), the <style> is MathML and
    # the <img> comes out of it. Hovering the link to it ran it, on the site served over HTTP(S).
    "claims/preview-target.md": HEAD
    + '<div id="mx"><form><math><mtext></form><form><mglyph><style></math>'
    + "<img src onerror=alert(21)></style></mglyph></form></mtext></math></form></div>\n",
    "claims/preview.md": HEAD + 'A claim, as [this note](preview-target.md#mx){data-preview=""} shows.\n',
    "sources.md": SOURCES_PAGE,
}

# Collected in the page: every on* handler, every link or resource whose resolved protocol runs
# script, scripts inside the article, and each JSON-LD block parsed (or the error).
INSPECT = """() => {
  const bad = new Set(['javascript:', 'data:', 'vbscript:']);
  const all = [...document.querySelectorAll('*')];
  const handlers = all.flatMap(e => [...e.attributes].filter(a => a.name.toLowerCase().startsWith('on'))
                                                     .map(a => `${e.tagName} ${a.name}`));
  const links = [...document.querySelectorAll('a[href], area[href]')].filter(a => bad.has(a.protocol))
                                                                     .map(a => a.href);
  const resources = all.filter(e => e.hasAttribute('src'))
                       .map(e => { try { return new URL(e.getAttribute('src'), document.baseURI) }
                                   catch (error) { return null } })
                       .filter(u => u && bad.has(u.protocol)).map(u => u.href);
  const scripts = document.querySelectorAll('article script').length;
  const jsonld = [...document.querySelectorAll('head script[type="application/ld+json"]')].map(s => {
    try { JSON.parse(s.textContent); return 'ok' } catch (error) { return String(error) } });
  return {handlers, links, resources, scripts, jsonld};
}"""


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile-browser")
    config = full_config()
    # Search as the real site has it: its results are written as HTML, from disk (offline), its
    # worker through the local iframe-worker shim.
    config["plugins"][:0] = ["search", "offline"]
    config["extra"]["polyfills"] = [SHIM]
    config["theme"]["features"] = ["content.tooltips"]
    config["site_url"] = f"{ORIGIN}/"  # the sitemap Material's previews read lists the pages there
    config["markdown_extensions"] = [*config["markdown_extensions"], "abbr"]
    write_site(root, {**PAGES, SHIM: (ROOT / "docs" / SHIM).read_bytes()}, bib=HOSTILE_BIB + SOURCES, config=config)
    build_site(root / "mkdocs.yml", root / "site", command="serve", strict=False)
    return root / "site"


# A tab with the network cut, recording every dialog a page opens.
@pytest.fixture
def tab(browser_page):
    page = browser_page
    page.dialogs = []

    def on_dialog(dialog):
        page.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(("file:", "data:", "blob:",
                                                                                          "about:"))
               else route.abort())
    yield page
    page.remove_listener("dialog", on_dialog)


def site_pages(site) -> list:
    return sorted(p for p in site.rglob("*.html")
                  if p.relative_to(site).parts[0] not in ("assets", "search") and p.name != "404.html")


def test_every_page_built_from_hostile_input_runs_no_script_in_chromium(hostile_site, tab):
    pages = site_pages(hostile_site)
    assert {p.relative_to(hostile_site).as_posix() for p in pages} >= {
        "claims/hostile-sources.html", "claims/hostile-title.html", "claims/parser-tricks.html", "sources.html"}
    explainers = 0
    for path in pages:
        tab.goto(path.as_uri())
        tab.wait_for_load_state("load")
        # Broken images fire onerror right after load: give them a moment.
        tab.wait_for_timeout(150)
        found = tab.evaluate(INSPECT)
        where = path.relative_to(hostile_site).as_posix()
        assert found["handlers"] == [], where
        assert found["links"] == [] and found["resources"] == [], where
        assert found["scripts"] == 0, where
        assert set(found["jsonld"]) <= {"ok"}, (where, found["jsonld"])
        explainers += bool(found["jsonld"])
    assert explainers == sum(path.startswith("claims/") for path in PAGES), "every claims/ page is an explainer"
    assert tab.dialogs == []


# Hovering whatever had a title (links, abbreviations, paragraphs) and the sources page's "Cited by"
# links runs nothing: the build took out each title that read as markup running a script, and the
# sources page writes a sentence as its tooltip's text.
def test_hovering_what_had_a_title_runs_no_script_and_a_quoted_tag_shows_as_text(hostile_site, tab):
    tab.goto((hostile_site / "claims" / "titles.html").as_uri())
    tab.wait_for_timeout(300)  # the focused link's tooltip opens by itself
    for element in tab.locator("article a[href^='https']:visible, article abbr:visible, article p:visible").all():
        element.hover()
        tab.wait_for_timeout(100)
    assert tab.dialogs == []
    tab.goto((hostile_site / "sources.html").as_uri())
    shown = []
    for link in tab.locator(".cited-by a[href*='titles']").all():
        link.hover()
        tooltip = tab.locator(f'[id="{link.get_attribute("aria-describedby")}"]')
        tooltip.wait_for(state="visible")
        shown.append(tooltip.inner_text())
    assert any("quotes <img src=x onerror=alert(20)> as text" in text for text in shown), shown
    tab.wait_for_timeout(100)
    assert tab.dialogs == []


# Served over HTTP(S), a link to a part of a page with data-preview gets Material's preview on
# hover: the build took the attribute out, so no preview reads the part a second time.
def test_hovering_a_preview_link_runs_no_script_on_the_served_site(hostile_site, tab):
    def serve(route):
        path = hostile_site / unquote(urlsplit(route.request.url).path).lstrip("/")
        route.fulfill(path=str(path)) if path.is_file() else route.fulfill(status=404, body="")

    tab.route(f"{ORIGIN}/**", serve)
    tab.goto(f"{ORIGIN}/claims/preview.html")
    tab.locator("article a[href$='#mx']").hover()
    tab.wait_for_timeout(1000)
    assert tab.dialogs == []


def test_the_hostile_title_shows_as_written_and_search_results_run_no_script(hostile_site, tab):
    tab.goto((hostile_site / "claims" / "hostile-title.html").as_uri())
    assert tab.title() == f"{HOSTILE_TITLE} - Fixture"
    data = json.loads(tab.locator('head script[type="application/ld+json"]').text_content())
    assert data["headline"] == HOSTILE_TITLE
    # Search shows titles and text as HTML: type words of the hostile entries and titles.
    search = tab.locator(".md-search__input")
    for query in ("evil", "hostile", "onerror"):
        search.click()
        search.fill("")
        search.press_sequentially(query, delay=10)
        tab.locator(".md-search-result__meta").wait_for(state="visible")
        tab.wait_for_timeout(200)
    assert tab.evaluate("() => document.querySelectorAll('.md-search-result img, .md-search-result script').length") \
        == 0
    assert tab.dialogs == []


# -----------------------------------------------------------------------------
# The checks and Chromium agree: whatever runs in the browser was reported
# -----------------------------------------------------------------------------

# What in the article could run: on* handlers, URLs that resolve to a script scheme (every URL
# attribute, srcset candidates included, and SVG links as animations set them), and elements that
# run or load something.
INSPECT_ARTICLE = """() => {
  const bad = new Set(['javascript:', 'data:', 'vbscript:']);
  const urls = new Set(['href', 'xlink:href', 'src', 'action', 'formaction', 'data', 'poster', 'ping', 'srcset']);
  const active = new Set(['SCRIPT', 'IFRAME', 'OBJECT', 'EMBED', 'BASE', 'META', 'TEMPLATE', 'NOSCRIPT', 'LINK']);
  const found = [];
  for (const e of document.querySelectorAll('article, article *')) {
    if (active.has(e.nodeName.toUpperCase())) found.push(e.nodeName);
    // An SVG link's address as its animations have set it by now (they write it as the page runs).
    if (e.href instanceof SVGAnimatedString) {
      let protocol = null;
      try { protocol = new URL(e.href.animVal, document.baseURI).protocol } catch (error) {}
      if (bad.has(protocol)) found.push(`${e.nodeName} animated href=${e.href.animVal}`);
    }
    for (const a of e.attributes) {
      const name = a.name.toLowerCase();
      if (name.startsWith('on') || name === 'srcdoc') found.push(`${e.nodeName} ${name}`);
      if (!urls.has(name)) continue;
      const values = name === 'srcset' ? a.value.split(',').map(c => c.trim().split(/\\s+/)[0]) : [a.value];
      for (const v of values) {
        let protocol = null;
        try { protocol = new URL(v, document.baseURI).protocol } catch (error) {}
        if (bad.has(protocol)) found.push(`${e.nodeName} ${name}=${v}`);
      }
    }
  }
  return found;
}"""

# Cases of the corpus about what could run (not where a citation went).
UNSAFE_CASES = [case for case in REPORTED if any(" HTM003 " in line or " HTM006 " in line for line in case.expected)]


def test_whatever_could_run_in_chromium_was_reported_by_the_build(hostile_corpus, tab):
    site = hostile_corpus.site
    reported = {case for case, lines in hostile_corpus.problems.items()
                if any(" HTM003 " in line or " HTM006 " in line for line in lines)}
    live = {}
    for case in [*UNSAFE_CASES, *BUILDS]:
        tab.dialogs.clear()
        tab.goto((site / "claims" / case.id / "index.html").as_uri())
        tab.wait_for_load_state("load")
        tab.wait_for_timeout(60)
        found = tab.evaluate(INSPECT_ARTICLE) + tab.dialogs
        if found:
            live[case.id] = found
    assert reported == {case.id for case in UNSAFE_CASES}
    # Reported, and taken out of the page too: before the build defanged a page it found unsafe,
    # noscript-breakout, abrupt-comment, bang-comment-close, named-newline and leading-tab ran
    # here in Chromium (as `make serve` previews them); now nothing of the corpus runs.
    assert live == {}


# -----------------------------------------------------------------------------
# The site check and Chromium agree
# -----------------------------------------------------------------------------


# Pages whose markup mutates when serialized and parsed again, one that runs as written, and
# markup that runs around the article (by an attribute, or after closing the article early): the
# site check reports a script exactly on the pages where Chromium runs one at load (the
# <html onmouseover> page waits for a mouse, so it is left out).
def test_the_site_check_reports_a_script_exactly_where_chromium_runs_one(tmp_path, tab):
    import check_site
    from test_site_check import AROUND, ESCAPES, IMAGES, LIVE, MUTATING, articles, hand_made_site

    markups = {**MUTATING, "live": LIVE, **IMAGES,
               **{name: markup for name, markup in AROUND.items() if name != "html-handler"},
               **{name: markup for name, (markup, _) in ESCAPES.items() if "alert" in markup}}
    # A title that closes itself (a heading's text, as Material writes it into <title>) runs in <head>,
    # and may leave the rest of the page as text.
    titles = {"title-in-head": "A</title><script>alert(1)</script><title>",
              "title-swallows-the-page": "A</title><script>alert(1)</script><plaintext>"}
    pages = articles({**markups, **{name: "" for name in titles}})
    site, project = hand_made_site(tmp_path, pages)
    for name, title in titles.items():
        page = site / "claims" / f"{name}.html"
        page.write_text(page.read_text().replace("</head>", f"<title>{title} - x</title></head>"))
    # (A <style>, <svg> or <math> is reported too, as one that runs no script: content may hold none.)
    reported = {Path(d.path).name for d in check_site.check(site, project).diagnostics
                if d.code == "HTM006" and not any(f"<{tag}> element," in d.message for tag in ("style", "svg", "math"))}
    ran = set()
    for name in pages:
        tab.dialogs.clear()
        tab.goto((site / "claims" / f"{name}.html").as_uri())
        tab.wait_for_load_state("load")
        tab.wait_for_timeout(150)  # broken images fire onerror right after load
        if tab.dialogs:
            ran.add(f"{name}.html")
    assert ran == {f"{name}.html" for name in [*markups, *titles] if name not in MUTATING}
    assert reported == ran


# Every page Chromium does not read as UTF-8 is reported (SIT003): the page that switches itself to
# ISO-2022-JP from inside an SVG's CDATA runs its script there, unseen by a UTF-8 reading.
def test_the_site_check_reports_every_page_chromium_reads_in_another_encoding(tmp_path, tab):
    import check_site
    from test_site_check import FOOTNOTES, ISO_2022_JP, MARKER, hand_made_site

    site, project = hand_made_site(tmp_path, {"switched": "", "utf8": ""})
    article = f"<article><p>Said.{MARKER}</p>{FOOTNOTES}"
    (site / "claims" / "switched.html").write_bytes(f"<html><body>{article}{ISO_2022_JP}</article></body></html>".encode())
    reported = {Path(d.path).name for d in check_site.check(site, project).diagnostics if d.code == "SIT003"}
    other, ran = set(), set()
    for name in ("switched", "utf8"):
        tab.dialogs.clear()
        tab.goto((site / "claims" / f"{name}.html").as_uri())
        tab.wait_for_load_state("load")
        tab.wait_for_timeout(150)
        if tab.evaluate("document.characterSet") != "UTF-8":
            other.add(f"{name}.html")
        if tab.dialogs:
            ran.add(f"{name}.html")
    assert other == ran == {"switched.html"}
    assert reported == other


# Where the encoding is declared only by what the prescan reads as bytes (a "charset=" in a title,
# a <meta> after the first 1024 bytes, an XML declaration), the check reports exactly the pages
# Chromium does not read as UTF-8. Chromium reads those with a declaration of ISO-2022-JP in it,
# and guesses it for those with none (the page holds its escape sequences): the script runs.
def test_the_site_check_finds_the_encoding_chromium_finds(tmp_path, tab):
    import check_site
    from test_site_check import encoding_site

    site, project = encoding_site(tmp_path)
    reported = {Path(d.path).stem for d in check_site.check(site, project).diagnostics if d.code == "SIT003"}
    other, ran = set(), set()
    for page in sorted((site / "claims").glob("*.html")):
        tab.dialogs.clear()
        tab.goto(page.as_uri())
        tab.wait_for_load_state("load")
        tab.wait_for_timeout(150)
        if tab.evaluate("document.characterSet") != "UTF-8":
            other.add(page.stem)
        if tab.dialogs:
            ran.add(page.stem)
    assert reported == other == ran
    assert ran >= {"title-then-late-meta", "xml-declaration", "comment-only"}


# Each value of mkdocs.yml that CFG003 refuses runs on the page when built anyway (Material writes
# it as it is): the site's name and the toc extension's title in text, the scope inside an inline
# script, a <script> in the copyright, and a palette toggle's name, written with character
# references, in a title that Material's tooltip shows as HTML. A nav title is a page's title, which
# the build also escapes once it holds markup (as one made from a file name): a preview shows it as
# text, in the navigation and in its tooltip.
def test_every_config_value_the_build_refuses_runs_in_chromium(tmp_path, tab):
    from citelib.state import state

    config = full_config(site_name="Site<img src=x onerror=alert('site_name')>",
                         copyright="Text.<script>alert('copyright')</script>")
    config["extra"]["scope"] = "/\",location),alert('scope'),(\""
    config["nav"] = [{"Page<img src=x onerror=alert('nav')>": "claims/page.md"}, {"Sources": "sources.md"}]
    config["markdown_extensions"] = [*config["markdown_extensions"], {"toc": {"title": "<img src=x onerror=alert('toc')>"}}]
    config["theme"]["features"] = ["content.tooltips"]  # as the site has it
    config["theme"]["palette"] = [{"toggle": {"icon": "material/weather-night",
                                              "name": "Dark &lt;img src=x onerror=alert('palette')&gt;"}}]
    page = HEAD + "\n## A part\n\nIts text.\n"  # a page with a table of contents
    built = write_site(tmp_path, {"claims/page.md": page, "sources.md": SOURCES_PAGE}, config=config)
    build_site(built, tmp_path / "site", command="serve", strict=False)
    refused = {line.split(" holds ")[0].split("CFG003 ")[1] for line in state.report.format().splitlines()
               if " CFG003 " in line}
    assert refused == {"site_name", "copyright", "extra.scope", "a title in nav", "markdown_extensions.toc.title",
                       "theme.palette.toggle.name"}
    tab.goto((tmp_path / "site" / "claims" / "page" / "index.html").as_uri())
    tab.locator("[data-md-component=palette] label").first.hover()  # its title, shown as HTML
    tab.wait_for_timeout(300)
    assert {dialog.split(": ", 1)[1] for dialog in tab.dialogs} == {"site_name", "copyright", "scope", "toc",
                                                                     "palette"}
    # Escaped once more, as a front matter title is, so that its tooltip shows it as text too.
    assert "Page&lt;img src=x onerror=alert('nav')&gt;" in tab.locator("nav .md-ellipsis").all_inner_texts()


# A page without a heading, named so that its title holds markup: Material writes the title as HTML
# in the header and the navigation, and the tooltip of a title it cuts short reads the title's
# innerText as HTML again. A helper's file name hid an <img> behind <ruby><rp> from the text a
# reading of the header keeps. Built anyway by the hooks (which report it), hovering the cut-short
# titles runs nothing; built without them, it runs, and the site check reports the page.
@pytest.mark.parametrize("hooks", [True, False])
def test_a_title_made_from_a_file_name_runs_no_script_on_hover_once_the_hooks_built_it(tmp_path, tab, hooks):
    import check_site

    name = "<ruby><rp>&lt;textarea&gt;<rt>&lt;img src=x onerror=alert('filename') class=" + "a" * 160 + "&gt;"
    config = full_config()
    config["theme"]["features"] = ["content.tooltips"]  # as the site has it
    if not hooks:
        config["hooks"] = []
    body = "A claim.[@hubinger2019risks]\n\n" + "".join(f"Paragraph {i}.\n\n" for i in range(80))
    built = write_site(tmp_path, {f"claims/{name}.md": body, "claims/page.md": HEAD, "sources.md": SOURCES_PAGE},
                       config=config)
    build_site(built, tmp_path / "site", command="serve", strict=False)
    tab.set_viewport_size({"width": 1400, "height": 800})  # wide enough for the navigation beside the page
    tab.goto((tmp_path / "site" / "claims" / name / "index.html").as_uri())
    tab.mouse.wheel(0, 3000)  # the header shows the page's title once the page scrolls
    tab.wait_for_timeout(500)
    for title in tab.locator(".md-header .md-ellipsis:visible, .md-nav .md-ellipsis:visible").all():
        box = title.bounding_box()
        if box:  # where a reader's pointer would be (the header's topics overlap one another)
            tab.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
            tab.wait_for_timeout(150)
    ran = [dialog for dialog in tab.dialogs if "filename" in dialog]
    if hooks:
        assert ran == []
    else:
        assert ran, "the file name's title should run in a plain build (or this test no longer shows the attack)"
        found = {d.code for d in check_site.check(tmp_path / "site", tmp_path).diagnostics
                 if d.path.endswith("index.html") and name in d.path}
        assert "HTM006" in found


# Material's tooltip of an element it takes for a cut-short title (.md-ellipsis) shows the element's
# text as HTML; a helper gave a paragraph quoting an <img onerror> in code that class with attr_list,
# and `autofocus` ran it on load. Built without the hooks it runs, and the site check reports the
# class; built by the hooks (which report it, and take it out of a preview), nothing runs.
@pytest.mark.parametrize("hooks", [True, False])
def test_content_with_the_themes_tooltip_class_runs_no_script_once_the_hooks_built_it(tmp_path, tab, hooks):
    import check_site

    config = full_config()
    config["theme"]["features"] = ["content.tooltips"]  # as the site has it
    if not hooks:
        config["hooks"] = []
    # Long enough to be cut short on one line, as the theme's tooltip needs.
    page = (HEAD + "Inputs such as `<img src=x onerror=alert('tooltip')>` are stored as typed" + ", and never run" * 20
            + ".\n"
            '{: .md-ellipsis style="white-space:nowrap" tabindex="0" autofocus }\n')
    built = write_site(tmp_path, {"claims/page.md": page, "sources.md": SOURCES_PAGE}, config=config)
    build_site(built, tmp_path / "site", command="serve", strict=False)
    tab.goto((tmp_path / "site" / "claims" / "page" / "index.html").as_uri())
    tab.wait_for_load_state("load")
    tab.wait_for_timeout(500)
    ran = [dialog for dialog in tab.dialogs if "tooltip" in dialog]
    if hooks:
        assert ran == []
    else:
        assert ran, "the paragraph's tooltip should run in a plain build (or this test no longer shows the attack)"
        found = [d.message for d in check_site.check(tmp_path / "site", tmp_path).diagnostics if d.code == "HTM006"]
        assert any("class 'md-ellipsis'" in message for message in found), found
