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
from urllib.parse import unquote, urlsplit

import pytest
from pypdf import PdfReader

from conftest import VIEWPORT, reset_shared_page
from sitebuild import redirect_pages

ROOT = Path(__file__).resolve().parent.parent

# `make test-quick` leaves these out (-m "not browser").
pytestmark = pytest.mark.browser

# -----------------------------------------------------------------------------
# Constants
# -----------------------------------------------------------------------------

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


# A fresh tab (own storage, light palette) on the built site: conftest.py's reset shared page.
@pytest.fixture
def tab(browser_page, built_site):
    page = browser_page
    tab = Tab(page=page, site=built_site)

    def route(request_route):
        url = request_route.request.url
        if url.startswith(("file:", "data:", "blob:", "about:")):
            request_route.continue_()
        else:
            tab.remote.append(url)
            request_route.abort()

    def console(message):
        if message.type == "error":
            tab.errors.append(message.text)

    def page_error(error):
        tab.errors.append(f"uncaught: {error}")

    page.route("**/*", route)
    page.on("console", console)
    page.on("pageerror", page_error)
    yield tab
    page.remove_listener("console", console)
    page.remove_listener("pageerror", page_error)


# What a test leaves in the shared page (the palette it chose, a granted permission, an
# emulated phone in print) is gone for the next: the reset gives a new page's state.
def test_the_shared_page_is_reset_to_a_new_pages_state(shared_page, built_site):
    page = reset_shared_page(shared_page)
    page.goto((built_site / HOME).as_uri())
    page.locator('label[title="Switch to dark mode"]:visible').click()
    page.wait_for_function("document.body.dataset.mdColorScheme === 'slate'")
    page.context.grant_permissions(["clipboard-read"])
    page.set_viewport_size({"width": 390, "height": 844})
    page.emulate_media(media="print")
    assert page.evaluate("localStorage.length") > 0
    page = reset_shared_page(shared_page)
    page.goto((built_site / EXPLAINER).as_uri())
    page.wait_for_load_state("load")
    assert page.locator("body").get_attribute("data-md-color-scheme") == "default"
    assert page.viewport_size == VIEWPORT and page.evaluate("matchMedia('screen').matches")
    state = page.evaluate("navigator.permissions.query({name: 'clipboard-read'}).then(p => p.state)")
    assert state != "granted"


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
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

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
        # Chromium scrolls to a fragment at its next rendering step, which may come after the URL
        # changed: wait for it (a marker never scrolled into view fails on the timeout).
        in_view = """id => { const r = document.getElementById(id).getBoundingClientRect();
                             return r.top >= 0 && r.bottom <= innerHeight }"""
        try:
            page.wait_for_function(in_view, arg=targets[0], timeout=5000)
        except PlaywrightTimeout:
            pytest.fail(f"marker {targets[0]} not scrolled into view")
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


# axe-core's own script, as the axe-playwright-python package bundles it.
@pytest.fixture(scope="session")
def axe_script() -> str:
    import axe_playwright_python

    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")


# The axe sweep is split in shards, each a test with one tab, so that pytest-xdist spreads it over
# the workers. axe's time grows with a page's elements and, for the colour rules, with its links
# (measured: the sources page, 3,100 tags and 885 links, takes about 1.6 times the code reference,
# 3,500 tags and 227 links), so a page weighs its tags plus ten per link. Each page, heaviest
# first, goes to the lightest shard so far.
AXE_SHARDS = 4


# The pages a reader reads: every built page but the redirect pages at old addresses, which send
# the reader on before they show, to a page that is itself in the sweep (their own few elements,
# language, title and link, are held in tests/test_redirects.py). Swept, each was its new page
# again: 18 of 44 loads, and about half the sweep's CPU time (93 CPU s then, 49 now, run alone).
def _read_pages(site: Path) -> list[Path]:
    moved = redirect_pages(ROOT / "mkdocs.yml")
    assert set(moved.values()) <= {page.relative_to(site).as_posix() for page in site.rglob("*.html")}
    return [page for page in site.rglob("*.html") if page.relative_to(site).as_posix() not in moved]


def _axe_shard(site: Path, shard: int) -> list[Path]:
    def weight(page: Path) -> int:
        text = page.read_text(encoding="utf-8")
        return text.count("<") + 10 * text.count("<a ")

    weights = {page: weight(page) for page in _read_pages(site)}
    shards = [[] for _ in range(AXE_SHARDS)]
    for page in sorted(weights, key=lambda page: (-weights[page], page)):
        min(shards, key=lambda pages: sum(weights[p] for p in pages)).append(page)
    return shards[shard]


# Run axe on the page and hand back only what a report needs, and the rules that ran: the whole
# result (every rule that passed, with its metadata) costs more to pass to Python than some rules
# take to run. No preload: axe's own XHR for the stylesheets (for css-orientation-lock) is
# refused from file://.
AXE_RUN = r"""async ([context, rules]) => {
  // A tooltip still fading in (the palette toggle's, under the pointer that clicked it) is no state
  // a reader reads: axe once caught one half-faded (contrast 1.99). Every fade jumps to its end.
  document.getAnimations().forEach(animation => animation.finish());
  const options = {resultTypes: ["violations"], preload: false};
  if (rules) options.runOnly = {type: "rule", values: rules};
  const results = await axe.run(context || document, options);
  const ran = [results.passes, results.violations, results.incomplete, results.inapplicable].flat().map(r => r.id);
  const colour = axe.getRules(["cat.color"]).map(r => r.ruleId).filter(id => ran.includes(id));
  const violations = results.violations.map(v => `${v.id} (${v.impact}): ${v.help}\n` +
    v.nodes.map(n => `    ${n.target.join(" ")}: ${n.failureSummary.replace(/\s+/g, " ")}`).join("\n"));
  return {violations, colour};
}"""

# GitHub Pages serves 404.html at whatever address was missing, under the site's path (its
# <base>); from disk that path does not exist. The 404 page is read as Pages serves it, from
# the built files, at an address the tab answers itself (nothing leaves the machine).
PAGES_ORIGIN = "https://pages.invalid"


# The 404 page as Pages shows it at a missing address.
def _open_not_found(tab) -> None:
    base = re.search(r'<base href="([^"]+)"', (tab.site / "404.html").read_text(encoding="utf-8"))[1]

    def serve(route):
        path = unquote(urlsplit(route.request.url).path)
        built = tab.site / path.removeprefix(base) if path.startswith(base) else None
        if built is not None and built.is_file():
            route.fulfill(path=str(built))
        else:
            route.fulfill(path=str(tab.site / "404.html"), status=404)

    tab.page.route(f"{PAGES_ORIGIN}/**", serve)
    missing = f"{PAGES_ORIGIN}{base}no/such/page"
    not_found = []

    def record(response):
        if response.status == 404:
            not_found.append(response.url)

    tab.page.on("response", record)
    errors = len(tab.errors)
    response = tab.page.goto(missing)
    tab.page.wait_for_load_state("load")
    tab.page.remove_listener("response", record)
    assert response.status == 404
    # The page itself answers 404, and so may the browser's own /favicon.ico; every asset the
    # page names loads. Chromium logs each 404 as a failed load: those lines alone are expected.
    assert set(not_found) <= {missing, f"{PAGES_ORIGIN}/favicon.ico"}, not_found
    logged = "Failed to load resource: the server responded with a status of 404 (Not Found)"
    assert all(error == logged for error in tab.errors[errors:]), tab.errors[errors:]
    del tab.errors[errors:]


# Every page a reader reads, from the site's files, in both palettes, with every axe rule that is
# on by default. In the first palette the page gets every rule. The palette toggle then changes
# colours only, plus which toggle button shows, so in the second palette the page gets the rules
# whose result can depend on colour (axe's own "cat.color" tag: color-contrast and
# link-in-text-block) and the toggle gets every rule; the page is not loaded twice.
@pytest.mark.parametrize("shard", range(AXE_SHARDS))
def test_no_axe_violations(tab, built_site, axe_script, shard):
    assert len(_read_pages(built_site)) > 20
    found = []
    for page in _axe_shard(built_site, shard):
        path = page.relative_to(built_site).as_posix()
        if path == "404.html":
            _open_not_found(tab)
        else:
            tab.open(path)
        # axe into the page's global scope, as an init script would, without the DOM seeing it.
        tab.page.evaluate("source => (0, eval)(source)", axe_script)
        schemes, colour_rules = [], None
        for run in ("all", "colour", "toggle"):
            if run == "colour":
                _toggle_palette(tab)
            schemes.append(tab.page.evaluate("document.body.dataset.mdColorScheme"))
            context = "[data-md-component=palette]" if run == "toggle" else None
            result = tab.page.evaluate(AXE_RUN, [context, colour_rules if run == "colour" else None])
            if run == "all":
                # The colour rules among those on by default (color-contrast-enhanced, AAA, is off).
                colour_rules = result["colour"]
                assert "color-contrast" in colour_rules and "link-in-text-block" in colour_rules
            found += [f"{path} ({schemes[-1]}, {run} rules): {violation}" for violation in result["violations"]]
        assert {schemes[0], schemes[1]} == set(PALETTES.values()), path
    assert not found, "\n".join(found)
    tab.assert_offline_and_clean()


# Switch palette with Material's toggle, as a reader does, and settle the colours.
def _toggle_palette(tab) -> None:
    before = tab.page.evaluate("document.body.dataset.mdColorScheme")
    tab.page.locator("[data-md-component=palette] label:visible").click()
    tab.page.wait_for_function("s => document.body.dataset.mdColorScheme !== s", arg=before)
    # Material fades colours over 250 ms; jump to their end instead of waiting for it.
    tab.page.evaluate("() => document.getAnimations().forEach(animation => animation.finish())")


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


# Every diagram on every explainer page loads from disk (its light and dark copies), with a text alternative.
def test_every_diagram_renders_offline_with_a_text_alternative(tab):
    diagrams = 0
    for path in DIAGRAM_PAGES:
        tab.open(path)
        for image in tab.page.locator("article img[src*='/diagrams/']").all():
            tab.page.wait_for_function("i => i.complete", arg=image.element_handle())
            assert image.evaluate("i => i.naturalWidth") > 0, f"{path}: {image.get_attribute('src')}"
            assert len(image.get_attribute("alt") or "") > 40
            diagrams += 1
    assert diagrams >= 8
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


# Width, height and pixels of a PNG screenshot (8-bit RGB or RGBA, not interlaced, as Chromium
# writes them): no imaging library is needed to tell a white panel from a dark one.
def _png_pixels(png: bytes) -> tuple[int, int, int, bytes]:
    import struct
    import zlib

    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    offset, chunks, header = 8, [], None
    while offset < len(png):
        length, kind = struct.unpack(">I4s", png[offset:offset + 8])
        data = png[offset + 8:offset + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", data)
        elif kind == b"IDAT":
            chunks.append(data)
        offset += 12 + length
    width, height, depth, colour, _, _, interlace = header
    assert depth == 8 and colour in (2, 6) and not interlace, header
    channels = 3 if colour == 2 else 4
    raw, stride = zlib.decompress(b"".join(chunks)), width * channels
    out, previous = bytearray(), bytearray(stride)
    for row in range(height):
        kind, line = raw[row * (stride + 1)], bytearray(raw[row * (stride + 1) + 1:(row + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up, corner = previous[i], previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 255
            elif kind == 2:
                line[i] = (line[i] + up) & 255
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 255
            elif kind == 4:
                guess = left + up - corner
                near = min((abs(guess - left), 0), (abs(guess - up), 1), (abs(guess - corner), 2))[1]
                line[i] = (line[i] + (left, up, corner)[near]) & 255
        out += line
        previous = line
    return width, height, channels, bytes(out)


# The share of near-white pixels in `element`, shown for a moment 64 px wide: the colours are
# the same, and a small screenshot decodes in Python in milliseconds instead of a second.
def _white_share(element) -> float:
    element.evaluate("e => { e.dataset.width = e.style.width; e.style.width = '64px' }")
    try:
        _, _, channels, pixels = _png_pixels(element.screenshot(animations="disabled"))
    finally:
        element.evaluate("e => { e.style.width = e.dataset.width; delete e.dataset.width }")
    white = sum(1 for i in range(0, len(pixels), channels) if min(pixels[i:i + 3]) > 230)
    return white / (len(pixels) // channels)


# The smallest font-size of a drawing's text and its viewBox width.
def _smallest_label(svg: Path) -> tuple[float, float]:
    import xml.etree.ElementTree as ET

    root = ET.parse(svg).getroot()
    sizes = [float(el.get("font-size")) for el in root.iter() if el.get("font-size")]
    return min(sizes), float(root.get("viewBox").split()[2])


# The diagram the reader sees now: the visible <img> of the first figure, and the file it shows.
def _shown_diagram(tab):
    # After a resize the browser picks a <picture>'s source again, and loads it, a moment later:
    # wait until every shown copy holds the file its media queries now choose.
    tab.page.wait_for_function("""() => [...document.querySelectorAll("article picture")].every(p => {
      const img = p.querySelector("img"), source = [...p.querySelectorAll("source")]
        .find(s => !s.media || matchMedia(s.media).matches);
      const chosen = new URL(source ? source.getAttribute("srcset") : img.getAttribute("src"), document.baseURI);
      return img.currentSrc.split("#")[0] === chosen.href.split("#")[0] && img.complete;
    })""")
    # One round trip: the shown copies, once loaded, with the file and width of the first.
    shown = tab.page.evaluate("""async () => {
      const shown = [...document.querySelectorAll("article img[src*='/diagrams/']")].filter(i => i.checkVisibility());
      await Promise.all(shown.map(i => i.decode().catch(() => null)));
      return shown.map(i => [i.currentSrc.split("#")[0], i.clientWidth, i.naturalWidth]);
    }""")
    assert len(shown) == 1, f"exactly one copy of the diagram shows: {shown}"
    (url, width, natural), = shown
    assert natural > 0, url
    image = tab.page.locator("article img[src*='/diagrams/']:visible")
    return image, Path(unquote(urlsplit(url).path)), width


DIAGRAM_PAGES = [path for path in EXPLAINERS
                 if "/diagrams/" in (ROOT / "docs" / Path(path).with_suffix(".md")).read_text(encoding="utf-8")]

# A phone (390 CSS px wide) and a desktop, in both palettes.
SCREENS = {"phone": {"width": 390, "height": 844}, "desktop": VIEWPORT}


# On a phone and a desktop, in both palettes, the reader sees one copy of each diagram: the dark copy
# in the dark palette (a dark panel, not a white one), and on a phone the stacked copy, whose
# smallest label is at least 12 CSS px. The palette is switched as Material's toggle does it.
@pytest.mark.parametrize("path", DIAGRAM_PAGES)
def test_diagrams_follow_the_palette_and_read_on_a_phone(tab, path):
    tab.open(path)
    for screen, size in SCREENS.items():
        tab.page.set_viewport_size(size)
        for palette, scheme in PALETTES.items():
            tab.page.evaluate("s => document.body.setAttribute('data-md-color-scheme', s)", scheme)
            image, shown, width = _shown_diagram(tab)
            where = f"{path} {screen} {palette}: {shown.name}"
            assert shown.name.endswith(".dark.svg") == (palette == "dark"), where
            assert shown.name.count(".narrow.") == (screen == "phone"), where
            if palette == "dark":
                assert _white_share(image) < 0.02, f"{where} is mostly white"
            if screen == "phone":
                smallest, view_width = _smallest_label(shown)
                shown_px = smallest * width / view_width
                assert shown_px >= 12, f"{where}: labels of {shown_px:.1f} CSS px"
    tab.assert_offline_and_clean()


# The measure above can fail: the light copy of a diagram is mostly white.
def test_a_light_diagram_counts_as_white(tab):
    tab.open(DIAGRAM_PAGES[0])
    image, _, _ = _shown_diagram(tab)
    assert _white_share(image) > 0.3


# Every label of every drawing lies inside the drawing (a stacked copy has little room to spare).
def test_every_diagram_label_lies_inside_its_drawing(tab):
    drawings = sorted((ROOT / "docs" / "assets" / "diagrams").glob("*.svg"))
    for drawing in drawings:
        tab.page.goto(drawing.as_uri())
        outside = tab.page.evaluate(
            """() => { const svg = document.documentElement, box = svg.viewBox.baseVal;
                       return [...svg.querySelectorAll('text')].map(t => [t.textContent, t.getBBox()])
                         .filter(([_, b]) => b.x < box.x + 4 || b.y < box.y + 4 ||
                                             b.x + b.width > box.x + box.width - 4 ||
                                             b.y + b.height > box.y + box.height - 4)
                         .map(([text]) => text) }"""
        )
        assert outside == [], f"{drawing.name}: {outside}"
    assert len(drawings) >= 24
    tab.assert_offline_and_clean()


# -----------------------------------------------------------------------------
# The preview's problems banner
# -----------------------------------------------------------------------------

FIXTURES = ROOT / "tests" / "fixtures"


# Build a fixture site as `mkdocs serve` or `mkdocs build` does; the problems a build stops on.
def _build_fixture(name: str, site: Path, command: str) -> str:
    from mkdocs.exceptions import Abort

    from sitebuild import build_site

    try:
        build_site(FIXTURES / name / "mkdocs.yml", site, command=command, strict=command == "build")
    except Abort as abort:
        return str(abort)
    return ""


# Under `mkdocs serve`, a page with a citation problem shows it at its top: code, line:col and
# message, as the build prints it. A normal build of the same page stops instead, and the page it
# wrote on the way has no banner.
def test_the_preview_shows_a_pages_citation_problems_at_its_top(tab, tmp_path):
    assert _build_fixture("unknown-key", tmp_path / "serve", "serve") == ""
    tab.page.goto((tmp_path / "serve" / "claims" / "page" / "index.html").as_uri())
    banner = tab.page.locator("article .citation-problems")
    banner.wait_for(state="visible")
    # First in the article, above the page's title, and on screen without scrolling.
    assert tab.page.evaluate("() => document.querySelector('article .citation-problems').nextElementSibling.tagName") == "H1"
    assert banner.bounding_box()["y"] < VIEWPORT["height"] / 2
    text = " ".join(banner.inner_text().split())
    assert "1 citation problem on this page" in text
    assert "CIT001 line 5:41 unknown citation key 'hubinger2019risk' (did you mean 'hubinger2019risks'?)" in text
    tab.assert_offline_and_clean()

    stopped = _build_fixture("unknown-key", tmp_path / "build", "build")
    assert "docs/claims/page.md:5:41: CIT001 unknown citation key 'hubinger2019risk'" in stopped
    built = (tmp_path / "build" / "claims" / "page" / "index.html").read_text(encoding="utf-8")
    assert "citation-problems" not in built and "citation problem" not in built


# The banner quotes what the page says as text: a message that names <script> shows it, and
# nothing in the banner is markup the page wrote.
def test_the_preview_banner_shows_hostile_messages_as_text(tab, tmp_path):
    _build_fixture("active-content", tmp_path, "serve")
    tab.page.goto((tmp_path / "claims" / "page" / "index.html").as_uri())
    banner = tab.page.locator("article .citation-problems")
    assert "HTM006 line 5:1 unsafe <script> element" in " ".join(banner.inner_text().split())
    tags = banner.evaluate("b => [...new Set([...b.querySelectorAll('*')].map(e => e.tagName))].sort()")
    assert tags == ["BR", "CODE", "EM", "LI", "P", "SPAN", "UL"]
    # The fixture's own defanged <img src=x> fails to load from disk; nothing may leave the machine.
    assert not tab.remote
