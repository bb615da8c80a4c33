"""What hooks/citations.py relies on in mkdocs-bibtex, and proof that our caching changes nothing.

mkdocs-bibtex is archived; we guard it from our hooks instead of forking it. If a later version
changes any of the names below, these tests fail first, before a build silently goes wrong:
pin the version in requirements.lock, or update hooks/citations.py and hooks/formatting.py.
"""

from __future__ import annotations

import codecs
import doctest
import logging
import os
import inspect
import random
import shutil
import string
from collections import Counter
from importlib import metadata
from pathlib import Path

import latexcodec  # noqa: F401  (registers the "ulatex" codec)
import markdown as python_markdown
import mkdocs_bibtex.citation
import mkdocs_bibtex.plugin
import mkdocs_bibtex.registry
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mkdocs.exceptions import Abort
from mkdocs_bibtex.citation import Citation, CitationBlock
from mkdocs_bibtex.config import BibTexConfig
from pybtex import richtext
from pybtex.backends.markdown import Backend as MarkdownBackend
from pybtex.database import BibliographyData, Entry, Person
from pybtex.database.input import BaseParser

from citelib import bib as bibfiles
from citelib import entries, formatting
from sitebuild import build_site

FIXTURES = Path(__file__).parent / "fixtures"
HOOKS = Path(__file__).resolve().parent.parent / "hooks"

# An entry whose fields need pybtex's LaTeX decoding, beside the fixture's plain ones.
LATEX_ENTRY = r"""
@article{mueller2020latex,
  author  = {M{\"u}ller, J{\"o}rg and O'Neil, Ana and van der Berg, Piet},
  title   = {Reward {RLHF} models -- a ``survey'' of 50\% of~them},
  journal = {Journal of \emph{Tests}},
  volume  = {3},
  pages   = {1--20},
  year    = {2020},
  doi     = {10.1000/xyz.123}
}
"""

# -----------------------------------------------------------------------------
# The plugin's names and shapes
# -----------------------------------------------------------------------------


def test_plugin_version_is_the_one_our_hooks_were_written_for():
    assert metadata.version("mkdocs-bibtex") == "4.4.0"


# Our on_config hands the plugin our parse by replacing registry.parse_file.
def test_registry_reads_bib_files_through_module_level_parse_file(tmp_path, monkeypatch):
    assert callable(getattr(mkdocs_bibtex.registry, "parse_file", None))
    assert "parse_file(" in inspect.getsource(mkdocs_bibtex.registry.ReferenceRegistry.__init__)
    calls = []
    real = getattr(mkdocs_bibtex.registry.parse_file, "wrapped", mkdocs_bibtex.registry.parse_file)

    def counting(path, *args, **kwargs):
        calls.append(str(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(mkdocs_bibtex.registry, "parse_file", counting)
    bib = tmp_path / "a.bib"
    bib.write_text(LATEX_ENTRY, encoding="utf-8")
    registry = mkdocs_bibtex.registry.SimpleRegistry(bib_files=[str(bib)], footnote_format="{key}")
    assert calls == [str(bib)]
    assert "mueller2020latex" in registry.bib_data.entries


# The plugin keeps its registry and the time of its last read; on_pre_build wraps the former.
def test_plugin_has_registry_and_last_configured():
    plugin = mkdocs_bibtex.plugin.BibTexPlugin()
    assert hasattr(plugin, "registry") and hasattr(plugin, "last_configured")
    assert plugin.last_configured is None
    source = inspect.getsource(mkdocs_bibtex.plugin.BibTexPlugin)
    assert "self.last_configured" in source and "self.registry.reference_text(citation)" in source


# reference_text takes a citation and reads only its key; inline_text gives the markers.
def test_simple_registry_formats_by_citation_key(tmp_path):
    bib = tmp_path / "a.bib"
    bib.write_text(LATEX_ENTRY, encoding="utf-8")
    registry = mkdocs_bibtex.registry.SimpleRegistry(bib_files=[str(bib)], footnote_format="{key}")
    signature = inspect.signature(mkdocs_bibtex.registry.SimpleRegistry.reference_text)
    assert list(signature.parameters) == ["self", "citation"]
    assert "citation.key" in inspect.getsource(mkdocs_bibtex.registry.SimpleRegistry.reference_text)
    text = registry.reference_text(Citation(key="mueller2020latex", prefix="ignored", suffix="ignored"))
    assert text == registry.reference_text(Citation(key="mueller2020latex"))
    assert "Müller" in text
    block = CitationBlock(citations=[Citation(key="mueller2020latex")], raw="@mueller2020latex")
    assert registry.inline_text(block) == "[^mueller2020latex]"


# The guard's PLUGIN_BLOCK mirrors the plugin's own idea of a citation block.
def test_citation_block_regex_is_the_one_we_mirror():
    from citelib import guard

    assert mkdocs_bibtex.citation.CITATION_BLOCK_REGEX.pattern == guard.PLUGIN_BLOCK.pattern == r"\[(.*?)\]"


# Footnote labels are the keys: the default format is "{key}" and the plugin formats it by key.
def test_footnote_format_is_formatted_with_key():
    assert BibTexConfig.footnote_format.default == "{key}"
    source = inspect.getsource(mkdocs_bibtex.plugin.BibTexPlugin.on_page_markdown)
    assert "footnote_format.format(key=citation.key)" in source


# -----------------------------------------------------------------------------
# Caching and the fast path give the same bytes
# -----------------------------------------------------------------------------


# Text the fast path skips decoding for is text latexcodec returns unchanged.
def test_plain_latex_fast_path_only_skips_text_decoding_would_not_change():
    rng = random.Random(11)
    alphabet = list(string.printable) + list("éüßøÆ—“’…中") + ["--", "''", "  ", "<<", ",,", "?`", "!`"]
    checked = 0
    for _ in range(60000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        if formatting.PLAIN_LATEX.fullmatch(text):
            checked += 1
            assert codecs.decode(text, "ulatex") == text, repr(text)
    assert checked > 10000


# Remembered look-ups find the plugins pybtex itself finds, and read the entry points only once.
def test_remembered_plugin_lookups_find_what_pybtex_finds_and_read_entry_points_once(monkeypatch):
    import pybtex.plugin

    groups = [group for group in pybtex.plugin._DEFAULT_PLUGINS if not group.endswith(".suffixes")]
    monkeypatch.setattr(pybtex.plugin, "_load_entry_point", pybtex.plugin._load_entry_point)
    if getattr(pybtex.plugin._load_entry_point, "remembered", False):
        monkeypatch.setattr(pybtex.plugin, "_load_entry_point", pybtex.plugin._load_entry_point.__wrapped__)
    expected = {group: pybtex.plugin.find_plugin(group) for group in groups}
    reads = []
    original = pybtex.plugin.entry_points
    monkeypatch.setattr(pybtex.plugin, "entry_points", lambda **kw: reads.append(kw) or original(**kw))
    assert formatting.remember_plugin_lookups()
    assert formatting.remember_plugin_lookups()  # installed once, not wrapped twice
    assert not hasattr(pybtex.plugin._load_entry_point.__wrapped__, "remembered")
    for _ in range(3):
        assert {group: pybtex.plugin.find_plugin(group) for group in groups} == expected
    assert len(reads) == len(groups)
    with pytest.raises(pybtex.plugin.PluginNotFound):
        pybtex.plugin.find_plugin("pybtex.style.formatting", "no-such-style")


# pybtex exactly as shipped: neither fast path installed (undone for the `patch` context).
def undo_fast_paths(patch) -> None:
    slow = getattr(richtext.Text.__dict__["from_latex"].__func__, "original", None)
    if slow is not None:
        patch.setattr(richtext.Text, "from_latex", classmethod(slow))
    slow_init = getattr(richtext.BaseMultipartText.__dict__["__init__"], "original", None)
    if slow_init is not None:
        patch.setattr(richtext.BaseMultipartText, "__init__", slow_init)


# OneLinkStyle with no shared templates: pybtex builds each entry's own, as it does on its own.
def unshared_one_link_style():
    class UnsharedOneLinkStyle(entries.OneLinkStyle):
        def format_entry(self, label, entry, bib_data=None):
            return entries.PlainStyle.format_entry(self, label, entry, bib_data)

    return UnsharedOneLinkStyle


# Each entry's reference as mkdocs-bibtex renders it, or the error formatting it raised.
def references(format_entry, bib_entries) -> list[str]:
    backend, texts = MarkdownBackend(), []
    for entry in bib_entries:
        try:
            texts.append(format_entry("", entry).text.render(backend))
        except Exception as error:  # noqa: BLE001 - the same error both ways counts as the same
            texts.append(f"{type(error).__name__}: {error}")
    return texts


# One style for all the entries, so templates are shared between them; against pybtex alone:
# OneLinkStyle's templates built for each entry, the original rich text and LaTeX decoding.
def assert_formatted_as_pybtex_does(bib_entries: list, monkeypatch) -> None:
    formatting.install_plain_latex_fast_path()
    formatting.install_fast_rich_text()
    memoised = entries.OneLinkStyle()
    fast = references(memoised.format_entry, bib_entries)
    with monkeypatch.context() as patch:
        undo_fast_paths(patch)
        slow = references(unshared_one_link_style()().format_entry, bib_entries)
    assert fast == slow


def test_shared_templates_and_fast_paths_format_every_bib_entry_as_pybtex(monkeypatch):
    root = Path(__file__).resolve().parent.parent
    files = sorted((root / "bib").glob("*.bib")) + sorted(FIXTURES.glob("*/bib/*.bib"))
    bib_entries = [source.entry for path in files
                   for source in bibfiles.parse_bib(path.read_bytes(), path.name).sources]
    assert len(bib_entries) > 100
    assert_formatted_as_pybtex_does(bib_entries, monkeypatch)


# What the templates are built from, each way, in every type: one editor or several, and a URL
# that repeats the arXiv link or not (entries that differ only there, formatted in turn).
def test_shared_templates_tell_apart_what_templates_are_built_from(monkeypatch):
    bib_entries = []
    for kind in sorted(bibfiles.FORMATTABLE_TYPES):
        for editors in (["Ada Lovelace"], ["Ada Lovelace", "Alan Turing"], ["Grace Hopper"]):
            for url in ("https://arxiv.org/abs/2101.00001", "https://example.org/paper"):
                fields = {name: "Some text" for name in sorted(REQUIRED_FIELDS)}
                fields.update(eprint="2101.00001", url=url)
                persons = {"author": [Person("Jo Author")], "editor": [Person(name) for name in editors]}
                bib_entries.append(Entry(kind, fields=fields, persons=persons))
    assert_formatted_as_pybtex_does(bib_entries, monkeypatch)


FIELD_NAMES = ("title", "journal", "booktitle", "volume", "number", "pages", "year", "month", "publisher",
               "address", "edition", "series", "chapter", "note", "howpublished", "organization", "school",
               "institution", "type", "isbn", "url", "eprint", "doi", "pubmed", "urldate", "archiveprefix")
REQUIRED_FIELDS = {"title", "journal", "booktitle", "year", "publisher", "school", "institution", "note"}
# Pieces of field values: plain text, braces, LaTeX accents and commands, dashes, addresses.
FIELD_TEXT = st.lists(st.sampled_from(list("aZ 9.,-:?'") + ["{B}", "--", r"\'e", r'{\"u}', r"\emph{x}", "~",
                                                             "https://arxiv.org/abs/1", "10.1/x"]),
                      max_size=6).map("".join)
PEOPLE = st.lists(st.sampled_from(["Ada Lovelace", "van der Berg, Piet", "{OpenAI}", r'M{\"u}ller, J.',
                                   "Alan Turing"]), max_size=3)


# Entries that share a type and field names (so they share templates) but differ in values, in
# their authors and editors (none, one, several) and in whether the URL repeats the arXiv link.
@st.composite
def entries_of_one_shape(draw) -> list[Entry]:
    kind = draw(st.sampled_from(sorted(bibfiles.FORMATTABLE_TYPES)))
    names = draw(st.sets(st.sampled_from(FIELD_NAMES), max_size=8))
    if draw(st.booleans()):  # every field some template requires, so that formatting gets far
        names |= REQUIRED_FIELDS
    made = []
    for _ in range(draw(st.integers(1, 6))):
        fields = {name: draw(FIELD_TEXT) for name in sorted(names)}
        if "eprint" in fields and "url" in fields and draw(st.booleans()):
            fields["url"] = f"https://arxiv.org/abs/{fields['eprint'].strip()}"
        persons = {role: [Person(name) for name in draw(PEOPLE)] for role in ("author", "editor")}
        made.append(Entry(kind, fields=fields, persons={role: people for role, people in persons.items() if people}))
    return made


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(entries_of_one_shape(), min_size=1, max_size=2))
def test_shared_templates_and_fast_paths_format_random_entries_as_pybtex(monkeypatch, shapes):
    assert_formatted_as_pybtex_does([entry for shape in shapes for entry in shape], monkeypatch)


# Rich text built from `spec` (nested tuples) by the constructor installed now.
def rich_text(spec):
    if isinstance(spec, str):
        return spec
    kind, *children = spec
    parts = [rich_text(child) for child in children]
    if kind == "nbsp":
        return richtext.nbsp
    if kind == "String":
        return richtext.String(*[part for part in parts if isinstance(part, str)])
    if kind in ("em", "strong"):
        return richtext.Tag(kind, *parts)
    if kind == "href":
        return richtext.HRef("https://x.org/", *parts)
    return getattr(richtext, kind)(*parts)


# A kind of rich text with up to four children drawn from `children`.
def rich_node(children):
    kinds = st.sampled_from(["Text", "Protected", "em", "strong", "href", "String", "nbsp"])
    return st.tuples(kinds, st.lists(children, max_size=4)).map(lambda node: (node[0], *node[1]))


RICH_SPEC = st.recursive(st.sampled_from(["", "a", "B c", " ", "."]), rich_node, max_leaves=12)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(RICH_SPEC)
def test_fast_rich_text_makes_the_parts_pybtex_makes(monkeypatch, spec):
    formatting.install_fast_rich_text()
    fast = rich_text(("Text", spec, spec))
    with monkeypatch.context() as patch:
        undo_fast_paths(patch)
        slow = rich_text(("Text", spec, spec))
    assert repr(fast) == repr(slow) and fast == slow and len(fast) == len(slow)
    assert fast.render_as("html") == slow.render_as("html")


def test_pybtex_rich_text_doctests_pass_with_the_fast_paths():
    formatting.install_plain_latex_fast_path()
    formatting.install_fast_rich_text()
    assert doctest.testmod(richtext).failed == 0


# Python-Markdown's HTML of one reference, without the paragraph (safe_reference_html's own way).
def python_markdown_html(reference_markdown: str) -> str:
    rendered = python_markdown.markdown(reference_markdown).strip()
    if rendered.startswith("<p>") and rendered.endswith("</p>") and rendered.count("<p>") == 1:
        rendered = rendered[3:-4]
    return rendered


# Pieces of references: what pybtex's Markdown backend writes, and what would make Markdown read
# the text otherwise (blocks, lone or doubled stars, raw HTML, bare "&", controls, odd spaces).
REFERENCE_PIECES = list("ab Zé–:,'\"/%;?=~|") + [
    "\\-", "\\.", "\\*", "\\_", "\\\\", "\\[", "\\(", "\\#", "\\!", "\\`", "\\{", "\\>", "\\a", "&ndash;",
    "&amp;", "&#38;", "&#x26;", "&ndash", "*", "**", "*a*", "[", "]", "](https://arxiv.org/abs/1_2)",
    "[t](https://doi.org/10.1/x_y)", "](http://a.b/c?d=1&e=2)", "[x]: ", "(", ")", "#", "+", "-", ".",
    "1. ", "2", "- ", "+ ", "* ", "!", "_", "<", ">", "<em>", "&", "  ", "    ", "\t", "\n", "\x02",
    "\u00a0", "`", "{", "}"]


# The HTML written without Python-Markdown is Python-Markdown's, for any text it accepts.
def test_simple_reference_html_is_what_python_markdown_makes():
    rng = random.Random(5)
    accepted = 0
    for _ in range(15000):
        text = "".join(rng.choice(REFERENCE_PIECES) for _ in range(rng.randint(1, 12)))
        simple = entries.simple_reference_html(text)
        if simple is not None:
            accepted += 1
            assert simple == python_markdown_html(text), repr(text)
    assert accepted > 800


# Every reference of bib/ and of the fixtures is simple, and rendered as Python-Markdown does.
def test_simple_reference_html_takes_every_bib_reference(monkeypatch):
    formatting.install_plain_latex_fast_path()
    root = Path(__file__).resolve().parent.parent
    files = sorted((root / "bib").glob("*.bib")) + sorted(FIXTURES.glob("*/bib/*.bib"))
    registry = mkdocs_bibtex.registry.SimpleRegistry.__new__(mkdocs_bibtex.registry.SimpleRegistry)
    registry.style, registry.backend = entries.OneLinkStyle(), MarkdownBackend()
    texts = []
    for source in [source for path in files for source in bibfiles.parse_bib(path.read_bytes(), path.name).sources]:
        registry.bib_data = BibliographyData(entries={source.key: source.entry})
        try:
            texts.append(registry.reference_text(Citation(key=source.key)))
        except Exception:  # noqa: BLE001 - the fixtures hold entries pybtex cannot format
            continue
    simple = [text for text in texts if entries.simple_reference_html(text) is not None]
    assert len(texts) > 100 and len(simple) > 0.9 * len(texts)
    assert all(entries.simple_reference_html(text) == python_markdown_html(text) for text in simple)


# A copy of the look-alikes fixture (plus an entry full of LaTeX) that builds on its own.
def fixture_copy(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    shutil.copytree(FIXTURES / "look-alikes", project)
    base = yaml.safe_load((FIXTURES / "base.yml").read_text(encoding="utf-8"))
    base["hooks"] = [str(HOOKS / "citations.py")]
    base["site_name"] = "Cache fixture"
    (project / "mkdocs.yml").write_text(yaml.safe_dump(base), encoding="utf-8")
    with open(project / "bib" / "sources.bib", "a", encoding="utf-8") as handle:
        handle.write(LATEX_ENTRY)
    (project / "docs" / "claims" / "latex.md").write_text(
        "# LaTeX\n\nA claim.[@mueller2020latex] Another.[@hubinger2019risks, sec. 2]\n", encoding="utf-8")
    return project / "mkdocs.yml"


# Every page of a built site, by path.
def pages_of(site: Path) -> dict[str, bytes]:
    return {str(p.relative_to(site)): p.read_bytes() for p in sorted(site.rglob("*"))
            if p.is_file() and p.suffix in (".html", ".json", ".js") and "assets" not in p.parts}


# Build with fresh in-memory state; return the pages and how often each source was formatted.
def build_counting(config: Path, site: Path, monkeypatch) -> tuple[dict[str, bytes], Counter]:
    formatting.FORMATTED.clear()
    formatted: Counter = Counter()
    original = mkdocs_bibtex.registry.SimpleRegistry.reference_text

    def counting(self, citation):
        formatted[citation.key] += 1
        return original(self, citation)

    monkeypatch.setattr(mkdocs_bibtex.registry.SimpleRegistry, "reference_text", counting)
    build_site(config, site)
    monkeypatch.setattr(mkdocs_bibtex.registry.SimpleRegistry, "reference_text", original)
    return pages_of(site), formatted


def test_cold_warm_and_unwrapped_builds_give_identical_pages(tmp_path, monkeypatch):
    config = fixture_copy(tmp_path)
    cache_file = config.parent / formatting.CACHE_FILE

    cold, cold_counts = build_counting(config, tmp_path / "cold", monkeypatch)
    assert cache_file.exists()
    assert cold_counts and max(cold_counts.values()) == 1, "a source was formatted twice"
    assert "Müller" in cold["claims/latex/index.html"].decode()

    warm, warm_counts = build_counting(config, tmp_path / "warm", monkeypatch)
    assert not warm_counts, "a warm build formatted again"
    assert warm == cold

    # Unwrapped: no memo, no disk cache, no fast path: the plugin exactly as shipped.
    with monkeypatch.context() as patch:
        undo_fast_paths(patch)
        patch.setattr(formatting, "install_plain_latex_fast_path", lambda: False)
        patch.setattr(formatting, "install_fast_rich_text", lambda: False)
        patch.setattr(entries, "OneLinkStyle", unshared_one_link_style())
        patch.setattr(entries, "simple_reference_html", lambda text: None)
        patch.setattr(formatting, "cached", lambda reference_text, *args, **kwargs: reference_text)
        shutil.rmtree(cache_file.parent)
        plain, _ = build_counting(config, tmp_path / "plain", monkeypatch)
    assert plain == cold


# Each .bib file is read once per build, by our loader; the plugin reuses that parse.
def test_each_bib_file_is_parsed_once_per_build(tmp_path, monkeypatch):
    config = fixture_copy(tmp_path)
    extra = config.parent / "bib" / "more.bib"
    extra.write_text(LATEX_ENTRY.replace("mueller2020latex", "other2021latex"), encoding="utf-8")
    (config.parent / "docs" / "claims" / "more.md").write_text("# More\n\nYes.[@other2021latex]\n",
                                                               encoding="utf-8")
    loads: Counter = Counter()
    original_load = bibfiles._load_file

    def counting_load(path, *args, **kwargs):
        loads[Path(path).name] += 1
        return original_load(path, *args, **kwargs)

    file_parses = []
    original_parse = BaseParser.parse_file
    monkeypatch.setattr(bibfiles, "_load_file", counting_load)
    monkeypatch.setattr(BaseParser, "parse_file", lambda self, *a, **k: file_parses.append(a) or
                        original_parse(self, *a, **k))
    formatting.FORMATTED.clear()
    build_site(config, tmp_path / "site")
    assert loads == {"sources.bib": 1, "more.bib": 1}
    assert file_parses == [], "the plugin parsed a .bib file again"


# A `mkdocs serve` rebuild (same process, config loaded again) parses and formats only edits.
def test_serve_rebuild_reuses_parse_and_formatting(tmp_path, monkeypatch):
    config = fixture_copy(tmp_path)
    formatting.FORMATTED.clear()
    build_site(config, tmp_path / "first", command="serve")
    parses, formatted = [], []
    original_parse = bibfiles.parse_bib
    original_format = mkdocs_bibtex.registry.SimpleRegistry.reference_text
    monkeypatch.setattr(bibfiles, "parse_bib", lambda *a: parses.append(a) or original_parse(*a))
    monkeypatch.setattr(mkdocs_bibtex.registry.SimpleRegistry, "reference_text",
                        lambda self, citation: formatted.append(citation.key) or original_format(self, citation))
    page = config.parent / "docs" / "claims" / "latex.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nEdited.[@clark2016faulty]\n", encoding="utf-8")
    build_site(config, tmp_path / "second", command="serve")
    assert parses == [] and formatted == []
    bib = config.parent / "bib" / "sources.bib"
    bib.write_text(bib.read_text(encoding="utf-8").replace("Faulty reward", "Faulty rewards"), encoding="utf-8")
    build_site(config, tmp_path / "third", command="serve")
    assert len(parses) == 1 and formatted == ["clark2016faulty"]


# A warning logged while an entry is formatted reaches `--strict`, cold and from the cache alike.
def test_warning_while_formatting_fails_a_strict_build(tmp_path, monkeypatch):
    config = fixture_copy(tmp_path)
    original = mkdocs_bibtex.registry.SimpleRegistry.reference_text

    def warning_for_one(self, citation):
        if citation.key == "mueller2020latex":
            logging.getLogger("mkdocs.plugins.bibtex").warning("odd entry %s", citation.key)
        return original(self, citation)

    monkeypatch.setattr(mkdocs_bibtex.registry.SimpleRegistry, "reference_text", warning_for_one)
    formatting.FORMATTED.clear()
    shutil.rmtree(config.parent / ".cache", ignore_errors=True)
    with pytest.raises(Abort, match="1 warning"):
        build_site(config, tmp_path / "site")


# -----------------------------------------------------------------------------
# MkDocs' listing of the theme's files (citelib/themefiles.py)
# -----------------------------------------------------------------------------


# What a build's files are, as MkDocs would copy them.
def files_listed(files) -> list[tuple[str, str, str, str]]:
    return [(file.src_uri, file.abs_src_path, file.dest_uri, file.url) for file in files]


# The site's files with the theme's added, by MkDocs' own step or by the one without hidden folders.
def with_theme_files(config, add) -> list[tuple[str, str, str, str]]:
    from mkdocs.structure.files import get_files

    files = get_files(config)
    add(files, config.theme.get_env(), config)
    return files_listed(files)


# The real site, with a theme folder holding hidden folders and files and a page shadowing a
# theme file: the listing that skips hidden parts adds exactly what MkDocs' own adds, in order.
def test_theme_files_listed_without_hidden_folders_equal_mkdocs_own(tmp_path):
    from mkdocs.config import load_config

    from citelib import themefiles

    project = tmp_path / "project"
    for name in ("docs", "overrides", "bib", "hooks"):
        shutil.copytree(HOOKS.parent / name, project / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy2(HOOKS.parent / "mkdocs.yml", project / "mkdocs.yml")
    for hidden in (".icons/x/a.svg", "assets/.b.css", "assets/.c/d.js", ".e.css", "assets/f.css"):
        (project / "overrides" / hidden).parent.mkdir(parents=True, exist_ok=True)
        (project / "overrides" / hidden).write_text("x", encoding="utf-8")
    (project / "docs" / "assets" / "images").mkdir(parents=True, exist_ok=True)
    (project / "docs" / "assets" / "images" / "favicon.png").write_bytes(b"a page, not the theme's")
    config = load_config(str(project / "mkdocs.yml"), site_dir=str(tmp_path / "site"))

    theirs = with_theme_files(config, themefiles.MKDOCS_ADD_FILES_FROM_THEME)
    ours = with_theme_files(config, themefiles.add_files_from_theme)
    assert ours == theirs
    uris = [uri for uri, _, _, _ in ours]
    assert "assets/f.css" in uris and not any(part.startswith(".") for uri in uris for part in uri.split("/"))
    assert len(uris) > 40 and ("assets/images/favicon.png", str(project / "docs/assets/images/favicon.png")) in \
        {(uri, path) for uri, path, _, _ in ours}
    # What the equality rests on: MkDocs' filter drops every path with a part that starts with ".".
    assert "'.*', '*/.*'" in inspect.getsource(themefiles.MKDOCS_ADD_FILES_FROM_THEME)
