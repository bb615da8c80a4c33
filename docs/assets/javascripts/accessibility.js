/* Alignment Basics: names and focus for what Material's script adds to a page, so that axe-core
   finds no violation (tests/test_browser.py, test_no_axe_violations).
   - Each code block gets a <nav class="md-code__nav"> for its copy button: many nav landmarks
     with no name. Each is named after its code block ("Code block 2"), so they differ.
   - Wide tables are wrapped in a sideways-scrolling .md-typeset__scrollwrap: a keyboard user
     can scroll it only if it can take the focus. A wrap that scrolls becomes a named,
     focusable region; one that does not scroll stays out of the tab order. */
(function () {
  "use strict";

  function nameCodeNavigation(root) {
    root.querySelectorAll(".md-code__nav:not([aria-label])").forEach(function (nav) {
      var blocks = Array.prototype.slice.call(document.querySelectorAll(".md-code__nav"));
      nav.setAttribute("aria-label", "Code block " + (blocks.indexOf(nav) + 1));
    });
  }

  function focusScrollingTables() {
    var wraps = document.querySelectorAll(".md-typeset__scrollwrap");
    Array.prototype.forEach.call(wraps, function (wrap, index) {
      if (wrap.scrollWidth > wrap.clientWidth + 1) {
        wrap.setAttribute("tabindex", "0");
        wrap.setAttribute("role", "region");
        wrap.setAttribute("aria-label", "Table " + (index + 1) + ", scrolls sideways");
      } else {
        wrap.removeAttribute("tabindex");
        wrap.removeAttribute("role");
        wrap.removeAttribute("aria-label");
      }
    });
  }

  function fix() {
    nameCodeNavigation(document);
    focusScrollingTables();
  }

  // Material adds these after the page loads, and again after each instant navigation.
  new MutationObserver(fix).observe(document.documentElement, { childList: true, subtree: true });
  window.addEventListener("resize", focusScrollingTables);
  fix();
})();
