"""The built site read from disk (file://) in a real Chromium, with the network cut.

Every http(s) request is blocked and recorded; each test then proves that none
was made and the console stayed free of errors. Needs Debian's Chromium at
/usr/bin/chromium (`apt-get install chromium`); set CHROMIUM to use another.
Without it these tests skip, except on CI (CI=true), where they fail.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from pypdf import PdfReader

from sitebuild import redirect_pages

ROOT = Path(__file__).resolve().parent.parent

# `make test-quick` leaves these out (-m "not browser").
pytestmark = pytest.mark.browser

# -----------------------------------------------------------------------------
# Constants
# -----------------------------------------------------------------------------

# Wide enough for Material's sidebars and header search field (76.25em).
VIEWPORT = {"width": 1280, "height": 900}

HOME = "index.html"
EXPLAINER = "questions/outer-and-inner-alignment.html"

# The explainer pages, from the sources, so each gets its own test id.
EXPLAINERS = sorted(
    f"questions/{path.stem}.html" for path in (ROOT / "docs/questions").glob("*.md")
)

PALETTES = {"light": "default", "dark": "slate"}

# -----------------------------------------------------------------------------
# Browser set-up
# -----------------------------------------------------------------------------


# Chromium itself (the session's `browser`) is set up in conftest.py, shared with
# tests/test_browser_hostile.py: one Playwright per session.


# A browser tab on the built site, with every request off file:// blocked and recorded.
@dataclass
class Tab:
    page: object
    site: Path
    remote: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    # Open a page of the site by its path inside the site.
    def open(self, path: str) -> None:
        self.page.goto((self.site / path).as_uri())
        self.page.wait_for_load_state("load")

    # The path inside the site of the page now shown.
    @property
    def path(self) -> str:
        url = self.page.url.split("#")[0].split("?")[0]
        return url.removeprefix(self.site.as_uri() + "/")

    # Nothing left file:// and nothing went wrong in the page.
    def assert_offline_and_clean(self) -> None:
        assert not self.remote, f"requests left file://: {self.remote}"
        assert not self.errors, f"console errors: {self.errors}"


# A fresh tab (own storage, light palette) on the built site.
@pytest.fixture
def tab(browser, built_site):
    context = browser.new_context(viewport=VIEWPORT, color_scheme="light")
    page = context.new_page()
    page.set_default_timeout(10_000)
    tab = Tab(page=page, site=built_site)

    def route(request_route):
        url = request_route.request.url
        if url.startswith(("file:", "data:", "blob:", "about:")):
            request_route.continue_()
        else:
            tab.remote.append(url)
            request_route.abort()

    page.route("**/*", route)
    page.on("console", lambda message: message.type == "error" and tab.errors.append(message.text))
    page.on("pageerror", lambda error: tab.errors.append(f"uncaught: {error}"))
    yield tab
    context.close()


# -----------------------------------------------------------------------------
# Helpers
# -----------------------------------------------------------------------------


# Plain text of a footnote's reference, as the references list shows it (no backlinks).
def _reference_text(page, key: str) -> str:
    item = page.locator(f'.footnote li[id="fn:{key}"]')
    text = item.evaluate(
        """li => { const c = li.cloneNode(true);
                   c.querySelectorAll('.footnote-backref').forEach(a => a.remove());
                   return c.innerText }"""
    )
    return " ".join(text.split())


# The citation keys of a page's footnote markers, in order, each once.
def _marker_keys(page) -> list[str]:
    hrefs = page.locator("a.footnote-ref").evaluate_all("els => els.map(a => a.getAttribute('href'))")
    return list(dict.fromkeys(href.removeprefix("#fn:") for href in hrefs))


# The text of the tooltip that `marker` (hovered or focused) controls, once shown.
def _tooltip_text(page, marker) -> str:
    page.wait_for_function("a => a.hasAttribute('aria-controls')", arg=marker.element_handle())
    tooltip = page.locator(f'[id="{marker.get_attribute("aria-controls")}"]')
    page.wait_for_function("t => t.classList.contains('md-tooltip2--active')", arg=tooltip.element_handle())
    inner = tooltip.locator(".md-tooltip2__inner")
    inner.wait_for(state="visible")
    return " ".join(inner.inner_text().split())


# The lower-case words of a search index entry's title or text.
def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z]+", html.unescape(re.sub(r"<[^>]+>", " ", text)).lower()))


# The longest word in the body of `page_path` that no other page and no heading of it has.
def _word_only_in(site: Path, page_path: str) -> str:
    index = json.loads((site / "search/search_index.json").read_text(encoding="utf-8"))
    body, elsewhere = set(), set()
    for doc in index["docs"]:
        if doc["location"].split("#")[0] == page_path:
            body |= _words(doc["text"])
            elsewhere |= _words(doc["title"])
        else:
            elsewhere |= _words(doc["title"]) | _words(doc["text"])
    unique = sorted((w for w in body - elsewhere if len(w) >= 6), key=lambda w: (-len(w), w))
    assert unique, f"no word only in the body of {page_path}"
    return unique[0]


# -----------------------------------------------------------------------------
# Loading and navigation
# -----------------------------------------------------------------------------


def test_home_page_loads_offline(tab):
    tab.open(HOME)
    assert "Alignment Basics" in tab.page.title()
    tab.page.locator(".md-content h1").wait_for(state="visible")
    # Search is ready: Material hides it when its worker cannot start.
    tab.page.locator(".md-search__input").wait_for(state="visible")
    tab.page.wait_for_timeout(300)
    tab.assert_offline_and_clean()


def test_navigation_reaches_the_explainer_and_back(tab):
    tab.open(HOME)
    tab.page.locator(f'.md-nav--primary a.md-nav__link[href$="{Path(EXPLAINER).name}"]').first.click()
    tab.page.wait_for_url("**/" + EXPLAINER)
    assert "outer and inner alignment" in tab.page.locator(".md-content h1").inner_text().lower()
    # Back home through the navigation, then with the browser's Back button.
    tab.page.locator('.md-nav--primary a.md-nav__link[href$="index.html"]').first.click()
    tab.page.wait_for_url("**/" + HOME)
    tab.page.go_back()
    tab.page.wait_for_url("**/" + EXPLAINER)
    tab.page.go_back()
    tab.page.wait_for_url("**/" + HOME)
    tab.assert_offline_and_clean()


# An address from before the pages moved (an old link, a citation of the old URL) lands on the
# page's new address at the same section, from disk: the redirect page's script keeps the #anchor.
def test_old_address_lands_on_the_new_page_with_its_anchor(tab):
    old = next(old for old, new in redirect_pages(ROOT / "mkdocs.yml").items() if new == EXPLAINER)
    html_text = (tab.site / EXPLAINER).read_text(encoding="utf-8")
    anchor = re.findall(r'<h2 id="([^"]+)"', html_text)[-2]  # a section far down the page
    tab.page.goto(f"{(tab.site / old).as_uri()}#{anchor}")
    tab.page.wait_for_url(f"**/{EXPLAINER}#{anchor}")
    assert tab.path == EXPLAINER
    heading = tab.page.locator(f'h2[id="{anchor}"]')
    tab.page.wait_for_function("h => Math.abs(h.getBoundingClientRect().top) < 200", arg=heading.element_handle())
    assert tab.page.evaluate("window.scrollY") > 500, "the page opened at the section, not at its top"
    tab.assert_offline_and_clean()


# Without scripts, the refresh still leads on (to the top of the new page).
def test_old_address_leads_on_without_scripts(browser, built_site):
    context = browser.new_context(viewport=VIEWPORT, java_script_enabled=False)
    remote = []
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:")
                  else (remote.append(route.request.url), route.abort()))
    page = context.new_page()
    old = next(old for old, new in redirect_pages(ROOT / "mkdocs.yml").items() if new == EXPLAINER)
    page.goto((built_site / old).as_uri())
    page.wait_for_url("**/" + EXPLAINER, timeout=10_000)
    assert "outer and inner alignment" in page.locator(".md-content h1").inner_text().lower()
    assert not remote
    context.close()


def test_search_finds_the_explainer_by_a_word_of_its_body(tab):
    word = _word_only_in(tab.site, EXPLAINER)
    tab.open(HOME)
    search = tab.page.locator(".md-search__input")
    search.click()
    search.press_sequentially(word, delay=20)
    result = tab.page.locator(f'.md-search-result__item a[href*="{EXPLAINER}"]').first
    result.wait_for(state="visible")
    result.click()
    tab.page.wait_for_url(re.compile(re.escape(EXPLAINER)))
    assert tab.path == EXPLAINER
    assert word in tab.page.locator(".md-content").inner_text().lower()
    tab.assert_offline_and_clean()


# -----------------------------------------------------------------------------
# Footnote citations
# -----------------------------------------------------------------------------


def test_hovering_a_marker_shows_its_reference(tab):
    tab.open(EXPLAINER)
    keys = _marker_keys(tab.page)
    assert keys, "the explainer cites nothing"
    for key in keys:
        marker = tab.page.locator(f'a.footnote-ref[href="#fn:{key}"]').first
        marker.hover()
        assert _reference_text(tab.page, key) in _tooltip_text(tab.page, marker), key
        tab.page.mouse.move(0, 0)
    tab.assert_offline_and_clean()


# Tab through the whole page: every marker takes the focus and then shows its reference.
def test_every_marker_and_tooltip_is_reachable_by_keyboard(tab):
    tab.open(EXPLAINER)
    markers = tab.page.locator("a.footnote-ref").count()
    assert markers
    seen = 0
    for _ in range(1000):
        tab.page.keyboard.press("Tab")
        href = tab.page.evaluate(
            "() => document.activeElement.matches('a.footnote-ref') ? document.activeElement.getAttribute('href') : null"
        )
        if href is None:
            if seen == markers:
                break
            continue
        seen += 1
        key = href.removeprefix("#fn:")
        marker = tab.page.locator("a.footnote-ref:focus")
        assert _reference_text(tab.page, key) in _tooltip_text(tab.page, marker), key
    assert seen == markers, f"{seen} of {markers} markers reached with Tab"
    tab.assert_offline_and_clean()


def test_references_link_back_to_every_marker(tab):
    tab.open(EXPLAINER)
    page = tab.page
    items = page.locator('.footnote li[id^="fn:"]')
    assert items.count()
    for key in _marker_keys(page):
        backrefs = page.locator(f'.footnote li[id="fn:{key}"] a.footnote-backref')
        targets = backrefs.evaluate_all("els => els.map(a => a.getAttribute('href').slice(1))")
        assert targets, f"reference {key} has no backlink"
        for target in targets:
            marker = page.locator(f'sup[id="{target}"] a.footnote-ref[href="#fn:{key}"]')
            assert marker.count() == 1, f"backlink #{target} of {key} leads to no marker"
        # The marker leads to the reference, and its first backlink back to the marker. The mouse
        # leaves first: the tooltip of the marker it rests on could cover the next marker.
        page.mouse.move(0, 0)
        page.locator(f'a.footnote-ref[href="#fn:{key}"]').first.click()
        page.wait_for_url(f"**#fn:{key}")
        backrefs.first.click()
        page.wait_for_url(f"**#{targets[0]}")
        assert page.locator(f'sup[id="{targets[0]}"]').is_visible()
        assert page.evaluate(
            f"""() => {{ const r = document.getElementById({json.dumps(targets[0])}).getBoundingClientRect();
                        return r.top >= 0 && r.bottom <= innerHeight }}"""
        ), f"marker {targets[0]} not scrolled into view"
    tab.assert_offline_and_clean()


# -----------------------------------------------------------------------------
# Palette
# -----------------------------------------------------------------------------


def test_dark_palette_toggle_is_remembered(tab):
    page = tab.page
    tab.open(HOME)
    assert page.locator("body").get_attribute("data-md-color-scheme") == "default"
    page.locator('label[title="Switch to dark mode"]:visible').click()
    page.wait_for_function("document.body.dataset.mdColorScheme === 'slate'")
    page.locator(f'.md-nav--primary a.md-nav__link[href$="{Path(EXPLAINER).name}"]').first.click()
    page.wait_for_url("**/" + EXPLAINER)
    assert page.locator("body").get_attribute("data-md-color-scheme") == "slate"
    page.locator('label[title="Switch to light mode"]:visible').click()
    page.wait_for_function("document.body.dataset.mdColorScheme === 'default'")
    tab.assert_offline_and_clean()


# -----------------------------------------------------------------------------
# Accessibility
# -----------------------------------------------------------------------------


# axe-core, once per session (it reads its bundled script).
@pytest.fixture(scope="session")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


@pytest.mark.parametrize("palette", PALETTES)
@pytest.mark.parametrize("path", [HOME, *EXPLAINERS])
def test_no_axe_violations(tab, axe, path, palette):
    tab.page.emulate_media(color_scheme=palette)
    tab.open(path)
    assert tab.page.locator("body").get_attribute("data-md-color-scheme") == PALETTES[palette]
    # No preload: axe's own XHR for the stylesheets (for css-orientation-lock) is refused from file://.
    results = axe.run(tab.page, options={"resultTypes": ["violations"], "preload": False})
    assert results.violations_count == 0, results.generate_report()
    tab.assert_offline_and_clean()


# -----------------------------------------------------------------------------
# Print
# -----------------------------------------------------------------------------


def test_print_shows_references_without_navigation(tab, tmp_path):
    page = tab.page
    tab.open(EXPLAINER)
    page.emulate_media(media="print")
    for chrome in (".md-header", ".md-sidebar--primary", ".md-sidebar--secondary", ".md-footer", ".md-search"):
        assert not page.locator(chrome).first.is_visible(), f"{chrome} is printed"
    assert page.locator(".md-content h1").is_visible()
    references = page.locator('.footnote li[id^="fn:"]')
    assert references.count()
    for i in range(references.count()):
        item = references.nth(i)
        assert item.is_visible()
        key = item.get_attribute("id").removeprefix("fn:")
        assert len(_reference_text(page, key)) > 20, f"reference {key} prints almost empty"
    # The references print in the text colour, not the faded footnote grey.
    colours = page.evaluate(
        """() => [getComputedStyle(document.querySelector('.md-typeset')).color,
                  getComputedStyle(document.querySelector('.md-typeset .footnote')).color]"""
    )
    assert colours[0] == colours[1], colours
    pdf = page.pdf(path=str(tmp_path / "explainer.pdf"))
    assert pdf.startswith(b"%PDF")
    tab.assert_offline_and_clean()


# Printed, with "Cite this page" opened (as a reader opens it to copy the BibTeX), no page ends
# with a heading, and the citation prints whole on one page: its title, the label and the entry.
def test_print_keeps_headings_with_their_text_and_the_citation_whole(tab, tmp_path):
    page = tab.page
    tab.open(EXPLAINER)
    page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true })")
    page.emulate_media(media="print")
    headings = [
        " ".join(text.replace("¶", "").split())
        for text in page.locator("article :is(h2, h3, h4, summary)").all_text_contents()
    ]
    # Compared without spaces: print wraps the entry's long lines.
    bibtex = "".join(page.locator('.cite-this-page [data-format="bibtex"] code').text_content().split())
    assert "Cite this page" in headings and bibtex.startswith("@")
    page.pdf(path=str(tmp_path / "explainer.pdf"))
    texts = [" ".join(printed.extract_text().split()) for printed in PdfReader(tmp_path / "explainer.pdf").pages]
    for number, text in enumerate(texts, start=1):
        ending = [heading for heading in headings if text.endswith(heading)]
        assert not ending, f"printed page {number} ends with the heading {ending[0]!r}"
    whole = [text for text in texts
             if "Cite this page" in text and "BibTeX" in text and bibtex in "".join(text.split())]
    assert len(whole) == 1, "the citation is split across printed pages"
    tab.assert_offline_and_clean()


# -----------------------------------------------------------------------------
# Glossary terms and diagrams
# -----------------------------------------------------------------------------


# Hovering a glossary term on an explainer page shows its glossary definition, from disk.
def test_hovering_a_glossary_term_shows_its_definition(tab):
    tab.open("questions/rlhf.html")
    term = tab.page.locator("article abbr", has_text="RLHF").first
    definition = term.get_attribute("title")
    assert definition and definition.startswith("Reinforcement learning from human feedback")
    term.hover()
    tooltip = tab.page.locator(f'[id="{term.get_attribute("aria-describedby")}"]')
    tooltip.wait_for(state="visible")
    assert " ".join(tooltip.inner_text().split()) == definition
    tab.assert_offline_and_clean()


# Every diagram on every explainer page loads from disk, with a text alternative.
def test_every_diagram_renders_offline_with_a_text_alternative(tab):
    diagrams = 0
    for path in sorted(p for p in (tab.site / "questions").glob("*.html")):
        tab.open(f"questions/{path.name}")
        for image in tab.page.locator("article img[src$='.svg']").all():
            image.scroll_into_view_if_needed()
            tab.page.wait_for_function("i => i.complete", arg=image.element_handle())
            assert image.evaluate("i => i.naturalWidth") > 0, f"{path.name}: {image.get_attribute('src')}"
            assert len(image.get_attribute("alt") or "") > 40
            diagrams += 1
    assert diagrams >= 4
    tab.assert_offline_and_clean()


# -----------------------------------------------------------------------------
# Cite this page
# -----------------------------------------------------------------------------


# Each citation format's copy button puts exactly that format's text on the clipboard, as plain
# text (APA's italics dropped, BibTeX and RIS line by line).
def test_each_citation_format_copies_to_the_clipboard(tab):
    page = tab.page
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    tab.open(EXPLAINER)
    box = page.locator("details.cite-this-page")
    box.locator("summary").click()
    copied = {}
    for name, label in (("apa", "APA"), ("chicago", "Chicago"), ("bibtex", "BibTeX"), ("ris", "RIS")):
        block = box.locator(f'[data-format="{name}"]')
        expected = block.locator("p.cite-this-page-text, pre code").inner_text()
        page.evaluate("() => navigator.clipboard.writeText('')")
        block.get_by_role("button", name=f"Copy {label}").click()
        page.wait_for_function("() => navigator.clipboard.readText().then(text => text.length > 0)")
        copied[name] = page.evaluate("() => navigator.clipboard.readText()")
        assert copied[name].strip() == expected.strip(), name
    assert copied["apa"].startswith("Alignment Basics contributors. (")
    assert copied["chicago"].count("\u201c") == 1
    assert copied["bibtex"].startswith("@misc{") and copied["bibtex"].rstrip().endswith("}")
    assert copied["ris"].startswith("TY  - ELEC\n") and copied["ris"].rstrip().endswith("ER  -")
    # One labelled button a format, and no unlabelled code-copy landmark beside them.
    assert box.locator("nav").count() == 0
    tab.assert_offline_and_clean()


# What Zotero's connector reads on the sources page, as Chromium sees it: a COinS span for every
# source, each a valid OpenURL ContextObject. (Each page's own citation_* tags are checked in the
# built HTML by tests/test_sources.py.)
def test_zotero_finds_every_source_on_the_sources_page(tab):
    from test_cite import SOURCES_PAGE, check_context_object

    tab.open(SOURCES_PAGE)
    found = tab.page.evaluate(
        """() => [...document.querySelectorAll('li.source-entry')].map(li =>
               [...li.querySelectorAll('span.Z3988')].map(span => span.getAttribute('title')))""")
    assert found and all(len(spans) == 1 for spans in found)
    for (kev,) in found:
        check_context_object(kev)


# -----------------------------------------------------------------------------
# Markers and references that read well
# -----------------------------------------------------------------------------


# A phone's viewport (issue 15: "...actually want.1, sec." wrapped with "1.2" on the next line).
PHONE = {"width": 390, "height": 844}


# The glossary page's built path, from extra.citations.glossary in mkdocs.yml.
def _glossary_path() -> str:
    from sitebuild import citations_page

    return citations_page(ROOT / "mkdocs.yml", "glossary", "glossary.md")


# WCAG contrast ratio of an element's text against the background it is painted on (the
# backgrounds of its ancestors composed from the root down, white below all).
CONTRAST = """el => {
  const parse = c => { const n = c.match(/[\\d.]+/g).map(Number); return {r: n[0], g: n[1], b: n[2], a: n.length > 3 ? n[3] : 1} };
  const over = (top, under) => ({r: top.r * top.a + under.r * (1 - top.a), g: top.g * top.a + under.g * (1 - top.a),
                                  b: top.b * top.a + under.b * (1 - top.a), a: 1});
  const chain = [];
  for (let node = el; node; node = node.parentElement) chain.unshift(node);
  let background = {r: 255, g: 255, b: 255, a: 1};
  for (const node of chain) {
    const colour = parse(getComputedStyle(node).backgroundColor);
    if (colour.a > 0) background = over(colour, background);
  }
  const text = over(parse(getComputedStyle(el).color), background);
  const channel = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4) };
  const luminance = c => 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
  const [light, dark] = [luminance(text), luminance(background)].sort((x, y) => y - x);
  return (light + 0.05) / (dark + 0.05);
}"""


# On a 390 px phone, every marker that has a locator keeps it on its line: the locator's boxes
# (its ", " and its text) on one line, beside the marker ("1, sec. 1.2", never "1, sec." then "1.2").
def test_no_marker_wraps_apart_from_its_locator_on_a_phone(tab):
    tab.page.set_viewport_size(PHONE)
    tab.open(EXPLAINER)
    assert tab.page.evaluate("document.querySelector('article').clientWidth") < PHONE["width"]
    pairs = tab.page.evaluate(
        """() => [...document.querySelectorAll('article sup[id^="fnref"] + span.cite-locator')].map(locator => {
             const marker = locator.previousElementSibling.getBoundingClientRect();
             const box = locator.getBoundingClientRect();
             return {id: locator.previousElementSibling.id, text: locator.textContent,
                     lines: new Set([...locator.getClientRects()].map(r => Math.round(r.top))).size, markerTop: marker.top, markerBottom: marker.bottom,
                     markerRight: marker.right, top: box.top, bottom: box.bottom, left: box.left} })"""
    )
    assert len(pairs) >= 5, pairs
    for pair in pairs:
        where = f"{pair['id']} ({pair['text']!r})"
        assert pair["lines"] == 1, f"{where}: the locator wraps over {pair['lines']} lines"
        assert pair["top"] < pair["markerBottom"] and pair["markerTop"] < pair["bottom"], \
            f"{where}: the locator is not on its marker's line"
        assert pair["left"] >= pair["markerRight"] - 1, f"{where}: the locator is not after its marker"
    tab.assert_offline_and_clean()


# The references read at body size, at WCAG AA contrast (4.5:1) for text and links, in both palettes.
@pytest.mark.parametrize("palette", PALETTES)
def test_references_read_at_body_size_and_aa_contrast(tab, palette):
    tab.page.emulate_media(color_scheme=palette)
    tab.open(EXPLAINER)
    assert tab.page.locator("body").get_attribute("data-md-color-scheme") == PALETTES[palette]
    body = tab.page.evaluate("parseFloat(getComputedStyle(document.querySelector('article p')).fontSize)")
    # One round trip: each reference's text size and contrast, and each of its links' contrast.
    items = tab.page.locator('.footnote li[id^="fn:"]').evaluate_all(
        f"""items => {{ const contrast = {CONTRAST};
            return items.map(li => {{
              const text = li.querySelector('p');
              return {{key: li.id, size: parseFloat(getComputedStyle(text).fontSize), contrast: contrast(text),
                       links: [...li.querySelectorAll('a:not(.footnote-backref)')].map(a => [a.href, contrast(a)])}} }}) }}"""
    )
    assert items
    for item in items:
        assert item["size"] >= 16 and item["size"] >= body - 0.5, f"{item['key']}: references at {item['size']}px (body {body}px)"
        assert item["contrast"] >= 4.5, f"{item['key']}: text contrast {item['contrast']:.2f}"
        for href, ratio in item["links"]:
            assert ratio >= 4.5, f"{item['key']}: link {href} contrast {ratio:.2f}"
    tab.assert_offline_and_clean()


# An arXiv entry links its address once ("arXiv:..."), not again as "URL: ...".
def test_each_reference_links_each_address_once(tab):
    tab.open(EXPLAINER)
    arxiv = 0
    links = tab.page.locator('.footnote li[id^="fn:"]').evaluate_all(
        "items => items.map(li => [li.id, [...li.querySelectorAll('a:not(.footnote-backref)')].map(a => a.href)])")
    for key, hrefs in links:
        assert len(hrefs) == len(set(hrefs)), f"{key}: a link twice: {hrefs}"
        arxiv += any("arxiv.org/abs/" in href for href in hrefs)
    assert arxiv >= 1, "no arXiv entry on the page to check"
    tab.assert_offline_and_clean()


# A source cited many times shows one back-link; the others take no room until the reference is
# focused, hovered or targeted, and stay links with a name, reachable with Tab.
def test_a_source_cited_many_times_shows_one_back_link_until_needed(tab):
    page = tab.page
    tab.open(EXPLAINER)
    counts = page.locator('.footnote li[id^="fn:"]').evaluate_all(
        "els => els.map(li => [li.id, li.querySelectorAll('.footnote-backref').length])")
    key, count = max(counts, key=lambda pair: pair[1])
    assert count >= 3, counts
    item = page.locator(f'.footnote li[id="{key}"]')
    backrefs = item.locator("a.footnote-backref")
    widths = "els => els.map(a => a.getBoundingClientRect().width)"
    page.mouse.move(0, 0)
    shown = backrefs.evaluate_all(widths)
    assert shown[0] > 5 and backrefs.first.evaluate("a => getComputedStyle(a).opacity") == "1", shown
    assert all(width <= 1 for width in shown[1:]), f"hidden back-links take room: {shown}"
    assert item.get_by_role("link", name=re.compile(r"^Back to citation \d+ of \d+$")).count() == count
    # Tab from the first back-link reaches the second, and all of them show.
    backrefs.first.focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == backrefs.nth(1).get_attribute("href")
    assert all(width > 5 for width in backrefs.evaluate_all(widths)), backrefs.evaluate_all(widths)
    # Reached from a marker (the reference is the target), they show too.
    page.evaluate("document.activeElement.blur()")
    page.evaluate(f"location.hash = {json.dumps('#' + key)}")
    page.wait_for_function("id => document.getElementById(id).matches(':target')", arg=key)
    assert all(width > 5 for width in backrefs.evaluate_all(widths)), backrefs.evaluate_all(widths)
    tab.assert_offline_and_clean()


# Glossary terms are bold, each under the heading of its first letter, and the table of contents
# lists the letters.
def test_glossary_terms_are_bold_and_listed_by_letter(tab):
    tab.open(_glossary_path())
    terms = tab.page.locator("article dt").evaluate_all(
        """els => els.map(dt => {
             let heading = dt.parentElement;
             while (heading && heading.tagName !== 'H2') heading = heading.previousElementSibling;
             return {term: dt.textContent.trim(), weight: parseInt(getComputedStyle(dt).fontWeight),
                     letter: heading ? heading.firstChild.textContent.trim() : null,
                     id: heading ? heading.id : null} })"""
    )
    assert len(terms) >= 20
    toc = set(tab.page.locator(".md-sidebar--secondary .md-nav__link").evaluate_all(
        "els => els.map(a => a.getAttribute('href'))"))
    for term in terms:
        assert term["weight"] >= 700, f"{term['term']!r} is not bold"
        assert term["letter"] == term["term"][0].upper(), f"{term['term']!r} is under {term['letter']!r}"
        assert f"#{term['id']}" in toc, f"the table of contents has no link to {term['letter']!r}"
    tab.assert_offline_and_clean()
