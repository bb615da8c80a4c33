"""Named problems the citation checks report, ruff-style: `path:line:col: CODE message`."""

from __future__ import annotations

from dataclasses import dataclass

# -----------------------------------------------------------------------------
# Problem kinds
# -----------------------------------------------------------------------------


# One kind of problem: a stable code, a short name, and the fix shown as a hint.
@dataclass(frozen=True)
class Kind:
    code: str
    name: str
    fix: str


KINDS: dict[str, Kind] = {
    kind.code: kind
    for kind in (
        # Citations in pages
        Kind("CIT001", "unknown-key",
             "Cite a key that exists in bib/, or add the source to bib/ (see CONTRIBUTING.md)."),
        Kind("CIT002", "malformed-citation",
             "Write [@key], [@key1; @key2] or [@key, p. 3]; keys use only letters, digits, _ and -."),
        Kind("CIT003", "citation-prefix",
             "Prefixes are not supported: move the words out of the brackets and cite with [@key]; a citation "
             "inside a link's text goes after the link."),
        Kind("CIT004", "citation-in-attribute",
             "Move the citation out of the HTML attribute or alt text into the sentence it supports."),
        # Footnotes in pages
        Kind("FTN001", "undefined-footnote",
             "Add a definition `[^label]: ...` for this footnote, or remove the reference."),
        Kind("FTN002", "unreferenced-footnote",
             "Reference the footnote with [^label] in the text, or delete the definition."),
        Kind("FTN003", "duplicate-footnote",
             "Give each footnote definition its own label; a source's key is taken by its citation."),
        Kind("FTN004", "unsourced-footnote",
             "An aside footnote must itself cite a source: end it with [@key]."),
        Kind("FTN005", "empty-footnote-label",
             "Give the footnote a label, like [^lagoon], in both the reference and the definition."),
        # Pages
        Kind("PAG001", "uncited-page",
             "Every page of a content section makes claims: cite their sources with [@key]."),
        Kind("PAG002", "unrenderable-page",
             "Python-Markdown fails on this page; a footnote definition inside another one's body is "
             "the known cause: move it out, unindented, to the end of the page."),
        Kind("PAG003", "page-encoding",
             "Save the page as UTF-8 (in most editors: Save with Encoding, UTF-8); the build shows each "
             "unreadable byte as \ufffd until then."),
        Kind("PAG004", "bad-template",
             "Name a template made for pages in the page's front matter (main.html is the default), or "
             "remove its `template:` line."),
        Kind("PAG005", "bad-review",
             "Write `reviewers:` as a list of names and `last_reviewed:` as a date (YYYY-MM-DD, not in the "
             "future), both or neither; name only people who did review the page."),
        Kind("PAG006", "front-matter-not-text",
             "Write `title:`, `subtitle:`, `description:`, `author:` and `status:` as text on one line (in "
             "quotes if it holds a colon), not as a list or mapping: the theme writes them into the page as "
             "they are."),
        Kind("PAG007", "unknown-front-matter",
             "Give the page only front matter the site reads (title, description, subtitle, author, status, "
             "template, hide, search, reviewers, last_reviewed): delete the line, or ask for the key to be "
             "added to pagemeta.PAGE_FRONT_MATTER with what makes it safe."),
        # Bibliography files
        Kind("BIB001", "bib-syntax",
             "Fix the BibTeX syntax at this line (an unbalanced brace or a missing comma is usual)."),
        Kind("BIB002", "duplicate-key",
             "Keep one entry per key: delete the duplicate or rename it and update its citations."),
        Kind("BIB003", "missing-field",
             "Add the field: readers need title, author, year and one of url, doi or eprint, and some "
             "entry types need more (@book: publisher; @inproceedings: booktitle; @article: journal)."),
        Kind("BIB004", "bad-url",
             "Use a full http:// or https:// address for url."),
        Kind("BIB005", "bad-doi",
             "Write the DOI bare, like 10.1007/s11023-020-09539-2 (no https://doi.org/ prefix)."),
        Kind("BIB006", "bad-eprint",
             "Write the arXiv identifier bare, like 1906.01820 (no arXiv: prefix, no URL)."),
        Kind("BIB007", "uncitable-key",
             "Rename the key to letters, digits, _ and - only, so that [@key] can cite it."),
        Kind("BIB008", "orphan-source",
             "Cite the source from a page, delete it, or list it under extra.citations.uncited_sources "
             "in mkdocs.yml with a reason."),
        Kind("BIB009", "bad-allow-list",
             "List only keys that exist in bib/, each with a non-empty reason."),
        Kind("BIB010", "bad-year",
             "Write the year in full, four digits (2017, not 17 or '17); for a range or 'n.d.', give the "
             "year of the version you cite."),
        Kind("BIB011", "unreadable-bib",
             "Save the file as UTF-8 text (your editor's 'Save with encoding'); Latin-1 or UTF-16 "
             "files are not read."),
        Kind("BIB012", "undefined-string",
             "Define the macro with @string{name = {value}} above its first use, or write the value "
             "in braces; BibTeX reads a file from top to bottom."),
        Kind("BIB013", "markup-in-field",
             "Write the value as plain text: no '<', no '](', no javascript:, no HTML character "
             "references (&#...;) and no invisible control characters."),
        Kind("BIB014", "bad-pubmed",
             "Write the PubMed identifier as digits only, like 31477924 (no PMID: prefix, no URL)."),
        Kind("BIB015", "non-arxiv-eprint",
             "The site links every eprint to arxiv.org: for another archive, drop eprint and "
             "archivePrefix and give the source's address as url (or its doi)."),
        Kind("BIB016", "symlinked-bib",
             "Replace the symbolic link with the file itself (copy it into bib/)."),
        Kind("BIB017", "unknown-entry-type",
             "Use an entry type the site formats (@article, @book, @inproceedings, @misc, ...); an "
             "'@' in text between entries starts an entry: write 'at' there instead."),
        Kind("BIB018", "undecodable-field",
             "Fix the LaTeX in the value: a value may not end in a lone backslash (write \\textbackslash{} "
             "for one), every command needs its name, and a per cent sign is written \\%."),
        # Rendered pages
        Kind("HTM001", "unresolved-marker",
             "A citation or footnote reached the page as literal text: check the lines above it."),
        Kind("HTM002", "dangling-footnote",
             "Every footnote in the rendered page must resolve to a source in bib/."),
        Kind("HTM003", "unsafe-link",
             "Only http(s), mailto and relative links may appear (javascript:, data: and other schemes "
             "can run code): fix the link in the page, or the field in bib/."),
        Kind("HTM004", "code-rewritten",
             "A citation inside code was rendered as a footnote: put the code in a fenced block."),
        Kind("HTM005", "lost-marker",
             "Move the citation out of the attribute, alt text or raw HTML into the sentence."),
        Kind("HTM006", "active-content",
             "Pages may not run scripts, or hide or reorder what readers see: remove the <script>, <iframe>, "
             "<object>, <embed> or <style> element, or the on*, srcdoc, style, hidden or dir attribute, or the "
             "theme's class or data attribute, or give the element an id of its own; a reference that shows "
             "one has a hostile field in bib/."),
        # The built site
        Kind("SIT001", "claims-ledger",
             "The build must write site/claims.json listing every marker: build with hooks/claims_ledger.py "
             "(after hooks/citations.py) in mkdocs.yml."),
        Kind("SIT002", "dangling-redirect",
             "Point the row of extra.redirects in mkdocs.yml at the page's new path, and build with "
             "hooks/redirects.py (after hooks/citations.py) in mkdocs.yml."),
        Kind("SIT003", "undeclared-encoding",
             "Write <meta charset=\"utf-8\"> first in the page's <head> (the theme's template), with no "
             "other encoding declared before it."),
        Kind("SIT004", "unreadable-page",
             "Build the site again into an empty folder: a built page must be a file the check can read, "
             "not a broken link, a loop of links or a folder named like a page; an SVG must be well-formed "
             "XML with no entities of its own."),
        Kind("SIT005", "remote-resource",
             "Serve the file from the site (put it under docs/ and link or name its path there, in the page or "
             "in mkdocs.yml), or leave out the setting that fetches it (theme.font: false, no extra.analytics): "
             "a page may load nothing from another site."),
        # Settings
        Kind("CFG001", "bad-setting",
             "Fix the setting under extra.citations in mkdocs.yml: see docs/contributing/citation-checks.md "
             "for each setting's type."),
        Kind("CFG002", "bad-redirect",
             "Under extra.redirects in mkdocs.yml, map each old page path (in docs/, ending in .md, with no "
             "page there any more) to the path of a page that exists, like questions/rlhf.md."),
        Kind("CFG003", "unsafe-config-value",
             "Write the value as plain text: the theme writes it into every page as it is, where '<', '>', "
             "'\"', a backslash, a backtick or a line break ends the text, attribute or script string it "
             "stands in (copyright may hold HTML, but nothing that runs a script); and no tag but !ENV may "
             "build the value (no !!binary, no !!python/object)."),
        # Plugin contract
        Kind("PLG001", "plugin-contract",
             "mkdocs-bibtex changed what our hooks rely on: pin the version in requirements.lock."),
    )
}


# -----------------------------------------------------------------------------
# Diagnostics
# -----------------------------------------------------------------------------


# One problem at one place; line and column count from 1.
@dataclass(frozen=True, order=True)
class Diagnostic:
    path: str
    line: int
    col: int
    code: str
    message: str

    @property
    def kind(self) -> Kind:
        return KINDS[self.code]

    # The ruff-style line, then the fix as an indented hint.
    def format(self) -> str:
        return (f"{self.path}:{self.line}:{self.col}: {self.code} {self.message}\n"
                f"    hint: {self.kind.fix}")


# Everything one run found, reported together, in path and line order.
class Report:
    def __init__(self) -> None:
        self._seen: set[Diagnostic] = set()

    def add(self, path: str, line: int, col: int, code: str, message: str) -> None:
        if code not in KINDS:
            raise KeyError(f"unknown diagnostic code {code}")
        self._seen.add(Diagnostic(path, line, col, code, message))

    def clear_path(self, path: str) -> None:
        self._seen = {d for d in self._seen if d.path != path}

    # Whether any problem is recorded for `path` (no sorting, unlike `diagnostics`).
    def has_path(self, path: str) -> bool:
        return any(d.path == path for d in self._seen)

    # The problems recorded for `path`.
    def at(self, path: str) -> list[Diagnostic]:
        return [d for d in self._seen if d.path == path]

    # The problems recorded for `path`, in line order.
    def of_path(self, path: str) -> list[Diagnostic]:
        return sorted(self.at(path))

    @property
    def diagnostics(self) -> list[Diagnostic]:
        return sorted(self._seen)

    def __len__(self) -> int:
        return len(self._seen)

    def format(self) -> str:
        lines = [d.format() for d in self.diagnostics]
        count = len(lines)
        lines.append(f"Found {count} citation problem{'s' if count != 1 else ''}.")
        return "\n".join(lines)


# Line and column (from 1) of a character offset, given the offsets where lines start.
def line_col(line_starts: list[int], offset: int) -> tuple[int, int]:
    from bisect import bisect_right

    index = bisect_right(line_starts, offset) - 1
    return index + 1, offset - line_starts[index] + 1


# Offsets at which each line of `text` starts.
def line_starts(text: str) -> list[int]:
    starts = [0]
    found = text.find("\n")
    while found != -1:  # str.find runs in C: a character loop in Python cost 2% of a build
        starts.append(found + 1)
        found = text.find("\n", found + 1)
    return starts
