"""The citation library behind the hooks: pure functions over explicit inputs, no MkDocs events.

Hooks in `hooks/` are the entry points (events and wiring); they import from here. Modules:

- settings: the one reader of `extra.citations` in mkdocs.yml, validated.
- diagnostics: every problem code (the one list), Diagnostic and Report.
- bib: read `.bib` files once, with exact places; check what readers need.
- scan: find code, citations and footnotes in a page's Markdown (owns the citation-key pattern).
- pagecheck: check one page's citations and footnotes against the bibliography.
- guard: everything specific to mkdocs-bibtex and pybtex (what the plugin sees, what it may not do).
- formatting: format each source once (memo in the process, cache on disk).
- rendered: one reading of a rendered page with an HTML5 parser.
- htmlcheck: the checks of a rendered page (HTMxxx), from that reading.
- entries: how one bib entry is shown (plain text, authors, links, safe HTML).
- pagemeta: what a page says about itself (cite this page, Scholar tags, JSON-LD).
- claims: sentences around markers, and the claims ledger.
"""
