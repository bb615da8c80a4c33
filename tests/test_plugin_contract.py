"""What hooks/citations.py relies on in mkdocs-bibtex, and proof that our caching changes nothing.

mkdocs-bibtex is archived; we guard it from our hooks instead of forking it. If a later version
changes any of the names below, these tests fail first, before a build silently goes wrong:
pin the version in requirements.lock, or update hooks/citations.py and hooks/formatcache.py.
"""

from __future__ import annotations

import codecs
import gc
import logging
import os
import inspect
import random
import shutil
import signal
import string
import threading
from collections import Counter
from importlib import metadata
from pathlib import Path

import latexcodec  # noqa: F401  (registers the "ulatex" codec)
import mkdocs_bibtex.citation
import mkdocs_bibtex.plugin
import mkdocs_bibtex.registry
import pytest
import yaml
from mkdocs.exceptions import Abort
from mkdocs_bibtex.citation import Citation, CitationBlock
from mkdocs_bibtex.config import BibTexConfig
from pybtex import richtext
from pybtex.database.input import BaseParser

import bibfiles
import buildstate
import formatcache
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


# hooks/citations.py PLUGIN_BLOCK mirrors the plugin's own idea of a citation block.
def test_citation_block_regex_is_the_one_we_mirror():
    assert mkdocs_bibtex.citation.CITATION_BLOCK_REGEX.pattern == r"\[(.*?)\]"
    text = (HOOKS / "citations.py").read_text(encoding="utf-8")
    assert 'PLUGIN_BLOCK = re.compile(r"\\[(.*?)\\]")' in text


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
        if formatcache.PLAIN_LATEX.fullmatch(text):
            checked += 1
            assert codecs.decode(text, "ulatex") == text, repr(text)
    assert checked > 10000


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
    buildstate.FORMATTED.clear()
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
    cache_file = config.parent / formatcache.CACHE_FILE

    cold, cold_counts = build_counting(config, tmp_path / "cold", monkeypatch)
    assert cache_file.exists()
    assert cold_counts and max(cold_counts.values()) == 1, "a source was formatted twice"
    assert "Müller" in cold["claims/latex/index.html"].decode()

    warm, warm_counts = build_counting(config, tmp_path / "warm", monkeypatch)
    assert not warm_counts, "a warm build formatted again"
    assert warm == cold

    # Unwrapped: no memo, no disk cache, no fast path: the plugin exactly as shipped.
    with monkeypatch.context() as patch:
        slow = getattr(richtext.Text.__dict__["from_latex"].__func__, "original", None)
        if slow is not None:
            patch.setattr(richtext.Text, "from_latex", classmethod(slow))
        patch.setattr(formatcache, "install_plain_latex_fast_path", lambda: False)
        patch.setattr(formatcache, "cached", lambda reference_text, *args, **kwargs: reference_text)
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
    buildstate.FORMATTED.clear()
    build_site(config, tmp_path / "site")
    assert loads == {"sources.bib": 1, "more.bib": 1}
    assert file_parses == [], "the plugin parsed a .bib file again"


# A `mkdocs serve` rebuild (same process, config loaded again) parses and formats only edits.
def test_serve_rebuild_reuses_parse_and_formatting(tmp_path, monkeypatch):
    config = fixture_copy(tmp_path)
    buildstate.FORMATTED.clear()
    build_site(config, tmp_path / "first", command="serve")
    parses, formatted = [], []
    original_parse = bibfiles._parse_entries
    original_format = mkdocs_bibtex.registry.SimpleRegistry.reference_text
    monkeypatch.setattr(bibfiles, "_parse_entries", lambda *a: parses.append(a) or original_parse(*a))
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


# -----------------------------------------------------------------------------
# Formatting ahead in a helper process
# -----------------------------------------------------------------------------


# Build cold with the helper process set by `ahead` ("off", the fewest sources that start it,
# or None: as configured by default); return the pages and who formatted what, as (process id, key) in order. A helper given
# `die_after` formats that many sources and then exits without a word.
def build_with_helper(config: Path, site: Path, monkeypatch, ahead: str | None,
                      die_after: int | None = None) -> tuple[dict[str, bytes], list[tuple[int, str]]]:
    buildstate.FORMATTED.clear()
    shutil.rmtree(config.parent / ".cache", ignore_errors=True)
    # Other tests (Playwright's) may leave an idle thread behind, which would keep the helper off.
    monkeypatch.setattr(formatcache, "helper_can_run", lambda: True)
    if ahead is None:
        monkeypatch.delenv("CITATIONS_FORMAT_AHEAD", raising=False)
    else:
        monkeypatch.setenv("CITATIONS_FORMAT_AHEAD", ahead)
    log = site.parent / f"{site.name}-formatted.log"
    original = mkdocs_bibtex.registry.SimpleRegistry.reference_text
    parent, done_here = os.getpid(), []

    def logging_format(self, citation):
        if os.getpid() != parent and die_after is not None and len(done_here) >= die_after:
            os._exit(3)
        with open(log, "a", encoding="utf-8") as handle:
            handle.write(f"{os.getpid()} {citation.key}\n")
        done_here.append(citation.key)
        return original(self, citation)

    with monkeypatch.context() as patch:
        patch.setattr(mkdocs_bibtex.registry.SimpleRegistry, "reference_text", logging_format)
        build_site(config, site)
    lines = log.read_text(encoding="utf-8").split() if log.exists() else []
    return pages_of(site), [(int(pid), key) for pid, key in zip(lines[::2], lines[1::2])]


# The process ids of the helpers that builds start from now on.
def record_helpers(monkeypatch) -> list[int]:
    pids: list[int] = []

    class Recorded(formatcache.FormatAhead):
        def __init__(self, *args) -> None:
            super().__init__(*args)
            pids.append(self.pid)

    monkeypatch.setattr(formatcache, "FormatAhead", Recorded)
    return pids


# No helper process outlives the build that started it: each is gone and reaped (no zombie).
def assert_reaped(pids: list[int]) -> None:
    assert pids, "no helper process was started"
    for pid in pids:
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)


def test_helper_process_formats_each_source_once_and_changes_no_byte(tmp_path, monkeypatch):
    config = fixture_copy(tmp_path)
    alone, formatted_alone = build_with_helper(config, tmp_path / "alone", monkeypatch, "off")
    helpers = record_helpers(monkeypatch)
    ahead, formatted_ahead = build_with_helper(config, tmp_path / "ahead", monkeypatch, "1")
    assert ahead == alone
    by_helper = {key for pid, key in formatted_ahead if pid != os.getpid()}
    by_build = {key for pid, key in formatted_ahead if pid == os.getpid()}
    assert by_helper == {key for _, key in formatted_alone}, "the helper did not format every cited source"
    assert not by_build, f"the build formatted {sorted(by_build)} again"
    assert max(Counter(key for _, key in formatted_ahead).values()) == 1
    assert_reaped(helpers)


def test_build_formats_what_a_helper_that_died_did_not_send(tmp_path, monkeypatch):
    config = fixture_copy(tmp_path)
    alone, _ = build_with_helper(config, tmp_path / "alone", monkeypatch, "off")
    helpers = record_helpers(monkeypatch)
    ahead, formatted = build_with_helper(config, tmp_path / "ahead", monkeypatch, "1", die_after=2)
    assert ahead == alone
    by_helper = [key for pid, key in formatted if pid != os.getpid()]
    by_build = [key for pid, key in formatted if pid == os.getpid()]
    assert len(by_helper) == 2 and by_build and not set(by_helper) & set(by_build)
    assert_reaped(helpers)


def test_small_builds_start_no_helper_process(tmp_path, monkeypatch):
    config = fixture_copy(tmp_path)
    _, formatted = build_with_helper(config, tmp_path / "site", monkeypatch, None)
    assert formatted and len(formatted) < formatcache.AHEAD_MINIMUM
    assert {pid for pid, _ in formatted} == {os.getpid()}


def test_no_helper_process_while_another_thread_runs(monkeypatch):
    monkeypatch.setenv("CITATIONS_FORMAT_AHEAD", "1")
    assert (formatcache.ahead_minimum() is not None) == formatcache.helper_can_run()
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert formatcache.ahead_minimum() is None
    finally:
        stop.set()
        other.join()


# What lives through the build is kept from the collector while pages render, and handed back
# at the end, so that `mkdocs serve` frees each build's objects once the next one replaces them.
@pytest.mark.parametrize("breaks", [False, True], ids=["build", "failed build"])
def test_objects_frozen_for_the_build_are_unfrozen_after_it(tmp_path, monkeypatch, breaks):
    config = fixture_copy(tmp_path)
    if breaks:
        page = config.parent / "docs" / "claims" / "latex.md"
        page.write_text(page.read_text(encoding="utf-8") + "\nUnknown.[@nosuchkey2020]\n", encoding="utf-8")
    buildstate.FORMATTED.clear()
    frozen_while_rendering = []
    original = mkdocs_bibtex.registry.SimpleRegistry.reference_text
    monkeypatch.setattr(mkdocs_bibtex.registry.SimpleRegistry, "reference_text",
                        lambda self, citation: frozen_while_rendering.append(gc.get_freeze_count())
                        or original(self, citation))
    try:
        build_site(config, tmp_path / "site")
    except Abort:
        assert breaks
    assert frozen_while_rendering and min(frozen_while_rendering) > 0
    assert gc.get_freeze_count() == 0


def test_no_helper_process_when_sigchld_is_ignored(monkeypatch):
    # The system would reap the helper itself, and its process id could be given to another.
    previous = signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    try:
        assert not formatcache.helper_can_run()
    finally:
        signal.signal(signal.SIGCHLD, previous)


@pytest.mark.parametrize("read_to_the_end", [False, True])
def test_closing_a_helper_that_was_reaped_already_is_quiet(read_to_the_end):
    helper = formatcache.FormatAhead([("a", "entry-a")], lambda key: f"text of {key}")
    os.waitpid(helper.pid, 0)  # as a program that reaps every child would
    assert helper.take("entry-a") == "text of a"
    while read_to_the_end and helper._receive():  # to the end of the pipe, which closes it
        pass
    helper.close()
    assert helper.fd is None


# A build stopped by Ctrl-C (KeyboardInterrupt skips on_build_error) is cleaned up by the next.
def test_next_build_stops_the_helper_of_an_interrupted_one(tmp_path, monkeypatch):
    config = fixture_copy(tmp_path)
    buildstate.FORMATTED.clear()
    monkeypatch.setenv("CITATIONS_FORMAT_AHEAD", "1")
    monkeypatch.setattr(formatcache, "helper_can_run", lambda: True)
    helpers = record_helpers(monkeypatch)

    def interrupted(self, key):
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(formatcache.FormatAhead, "take", interrupted)
        with pytest.raises(KeyboardInterrupt):
            build_site(config, tmp_path / "interrupted")
    assert buildstate.state.ahead is not None and gc.get_freeze_count() > 0
    shutil.rmtree(config.parent / ".cache", ignore_errors=True)
    build_site(config, tmp_path / "next")
    assert gc.get_freeze_count() == 0 and buildstate.state.ahead is None
    assert_reaped(helpers)


# A warning logged while the helper formats an entry reaches `--strict`: the build formats that
# entry again itself, where MkDocs counts warnings.
def test_warning_while_formatting_fails_a_strict_build_with_the_helper_too(tmp_path, monkeypatch):
    config = fixture_copy(tmp_path)
    original = mkdocs_bibtex.registry.SimpleRegistry.reference_text

    def warning_for_one(self, citation):
        if citation.key == "mueller2020latex":
            logging.getLogger("mkdocs.plugins.bibtex").warning("odd entry %s", citation.key)
        return original(self, citation)

    monkeypatch.setattr(mkdocs_bibtex.registry.SimpleRegistry, "reference_text", warning_for_one)
    monkeypatch.setattr(formatcache, "helper_can_run", lambda: True)
    for ahead in ("off", "1"):
        buildstate.FORMATTED.clear()
        shutil.rmtree(config.parent / ".cache", ignore_errors=True)
        monkeypatch.setenv("CITATIONS_FORMAT_AHEAD", ahead)
        with pytest.raises(Abort, match="1 warning"):
            build_site(config, tmp_path / f"site-{ahead}")
