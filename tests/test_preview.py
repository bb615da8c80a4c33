"""`make serve` (mkdocs serve --dirty with hooks/preview.py) renders only what an edit changed, and
after every edit its site/ is byte for byte the site a clean build of the same tree makes, with the
same problems reported for the whole site.

The serve side is built as `mkdocs serve --dirty` does it, in one process: the config loaded again
before each rebuild (plugin and hook instances kept), `on_startup(command="serve", dirty=True)`
once, `build(config, serve_url=..., dirty=True)` into one folder. Each clean build starts with an
empty folder and `dirty=False`. Dates aside: SOURCE_DATE_EPOCH fixes the build date that MkDocs
writes into sitemap.xml (and its .gz header), and the fixture lies outside git, so no page date.
"""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.structure.pages import Page

from citelib.state import state

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = Path(__file__).parent / "fixtures" / "preview"
SERVE_URL = "http://127.0.0.1:8000/"


# The fixture copied into a temporary folder, its hooks named by absolute path.
@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1780000000")
    root = tmp_path / "project"
    shutil.copytree(FIXTURE, root, ignore=shutil.ignore_patterns(".cache"))
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("../../../hooks/", f"{ROOT / 'hooks'}/"),
                      encoding="utf-8")
    return root


# One serve session: the first build, then a rebuild per edit; records the pages each one renders.
class Serve:
    def __init__(self, root: Path, site: Path, rendered: list[str]) -> None:
        self.root, self.site, self.rendered = root, site, rendered
        self.config = self._config()
        self.config.plugins.on_startup(command="serve", dirty=True)

    def _config(self):
        config = load_config(str(self.root / "mkdocs.yml"), site_dir=str(self.site))
        config.site_url = SERVE_URL
        return config

    # A rebuild as serve's builder makes it; the pages rendered, and the problems reported.
    def build(self, first: bool = False) -> tuple[set[str], str]:
        if not first:
            self.config = self._config()
        self.rendered.clear()
        build(self.config, serve_url=SERVE_URL, dirty=True)
        return set(self.rendered), state.report.format()


# A clean build of the same tree into a new folder: its problems.
def clean_build(root: Path, site: Path) -> str:
    config = load_config(str(root / "mkdocs.yml"), site_dir=str(site))
    config.site_url = SERVE_URL
    config.plugins.on_startup(command="serve", dirty=False)
    build(config, serve_url=SERVE_URL, dirty=False)
    return state.report.format()


# Every file of a site folder and its bytes.
def tree(site: Path) -> dict[str, bytes]:
    return {path.relative_to(site).as_posix(): path.read_bytes() for path in sorted(site.rglob("*")) if path.is_file()}


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_every_serve_rebuild_equals_a_clean_build_and_renders_only_what_changed(project, tmp_path, monkeypatch):
    rendered: list[str] = []
    original_render = Page.render
    monkeypatch.setattr(Page, "render", lambda page, *a, **k: rendered.append(page.file.src_uri)
                        or original_render(page, *a, **k))
    warnings: list[str] = []
    handler = logging.Handler(logging.WARNING)
    handler.emit = lambda record: warnings.append(record.getMessage())
    logging.getLogger("mkdocs").addHandler(handler)
    docs = project / "docs"
    serve = Serve(project, tmp_path / "serve", rendered)
    every = {"index.md", "404.md", "glossary.md", "sources.md",
             "explainers/optimizers.md", "explainers/reward.md", "explainers/control.md"}
    steps = [
        ("first build", lambda: None, every),
        ("change a sentence", lambda: edit(docs / "explainers/reward.md", "circled to hit targets",
                                           "went round in circles hitting targets"),
         {"explainers/reward.md"}),
        ("add a citation", lambda: edit(docs / "explainers/control.md", "trying to cause harm.[@greenblatt2024control]",
                                        "trying to cause harm.[@greenblatt2024control; @clark2016faulty]"),
         {"explainers/control.md"}),
        ("remove the last citation of a source", lambda: edit(docs / "explainers/reward.md",
                                                              "such failures.[@ji2023ai]", "such failures."),
         {"explainers/reward.md"}),
        ("add a page", lambda: (docs / "explainers/goals.md").write_text(
            "# What is a goal?\n\nA learned model may pursue its own objective.[@hubinger2019risks]\n\n## References\n",
            encoding="utf-8"),
         every | {"explainers/goals.md"}),
        ("retitle a page", lambda: edit(docs / "explainers/control.md", "# What is AI control?", "# What does AI control do?"),
         {"explainers/control.md"}),
        ("rename a glossary term", lambda: edit(docs / "glossary.md", "Base optimizer", "Base optimiser"),
         {"glossary.md", "explainers/optimizers.md", "explainers/control.md"}),
        ("change a .bib entry", lambda: edit(project / "bib/sources.bib", "Faulty reward functions in the wild",
                                             "Faulty Reward Functions in the Wild"),
         {"explainers/reward.md", "explainers/control.md", "glossary.md", "sources.md"}),
        ("introduce an error", lambda: edit(docs / "explainers/optimizers.md", "with an objective of its own.",
                                            "with an objective of its own.[@hubinger2019riskz]"),
         {"explainers/optimizers.md"}),
        ("fix the error", lambda: edit(docs / "explainers/optimizers.md", "[@hubinger2019riskz]", ""),
         {"explainers/optimizers.md"}),
        ("remove the page", lambda: (docs / "explainers/goals.md").unlink(), every),
    ]
    try:
        for number, (name, change, expected_renders) in enumerate(steps):
            change()
            warnings.clear()
            served, serve_problems = serve.build(first=number == 0)
            serve_warnings = set(warnings)
            warnings.clear()
            clean_site = tmp_path / f"clean-{number}"
            clean_problems = clean_build(project, clean_site)
            assert served == expected_renders, name
            assert serve_problems == clean_problems, name
            assert serve_warnings == set(warnings), name
            assert tree(serve.site) == tree(clean_site), name
            if name == "introduce an error":
                assert "CIT001 unknown citation key 'hubinger2019riskz'" in serve_problems
            if name == "remove the last citation of a source":
                assert "ji2023ai" in serve_problems
    finally:
        logging.getLogger("mkdocs").removeHandler(handler)
        serve.config.plugins.on_shutdown()


# The ledger's text is json.dumps(..., indent=1)'s to the byte, written afresh or from the memo.
@pytest.mark.parametrize("ledger", [
    {},
    {"format": "f", "version": 1, "pages": [], "claims": []},
    {"format": "f", "nested": {"a": [1, {"b": "é\n\"x\""}], "c": {}}, "claims": [
        {"page": "p.html", "text": "Ünïcode ‘quotes’ and a\ttab", "cites": [{"key": "k", "locator": ""}], "empty": []},
        {"page": "q.html", "sources": ["a", "b"], "deep": {"x": [[], [1.5, None, True]]}}, "a string", 3]},
])
def test_the_ledger_text_is_the_indenting_encoders(ledger):
    from citelib import claims

    memo: dict[str, str] = {}
    expected = json.dumps(ledger, ensure_ascii=False, indent=1)
    assert claims.ledger_json(ledger, memo) == expected
    assert claims.ledger_json(ledger, memo) == expected


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=6),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=4), children, max_size=4),
    max_leaves=20)


# The ledger's own indenting writer lays any JSON value out as the indenting encoder does.
@settings(max_examples=100, deadline=None)
@given(JSON_VALUES, st.integers(0, 3))
def test_indented_json_is_the_indenting_encoders(value, depth):
    from citelib import claims

    expected = json.dumps(value, ensure_ascii=False, indent=1).replace("\n", "\n" + " " * depth)
    assert claims.indented_json(value, depth) == expected


# A .bib edit inside one entry is read again alone (bib.splice), and that reading is the whole
# file's reading to the last field, place and problem, over random edits of every kind; a title
# edit, the common case, is read that way.
def test_reading_one_edited_entry_again_equals_reading_the_whole_file():
    import random

    from citelib import bib

    rng = random.Random(17)
    fixture = (FIXTURE / "bib" / "sources.bib").read_text(encoding="utf-8")
    texts = [fixture, "@string{jmlr = {Journal of ML}}\n" + fixture
             + "\n@misc{m1, title = {A} # jmlr, month = jan, year = {2020}}\n  @misc{ind, title = {Indented}, year={2001}}\n"
             + "% a comment\n@comment{x}\n@misc{second, author = {Doe, Jane}, title = {Second}, year = {2002}}\n"]
    pieces = list("ab XYZ{}\"@#,=%\\\n") + ["{}", "\\'e", "ü", "\r"]
    spliced = 0
    for text in texts:
        raw = text.encode("utf-8")
        old = bib.parse_bib(raw, "b.bib")
        for _ in range(150):
            at = rng.randrange(len(text))
            edited = rng.choice([text[:at] + rng.choice(pieces) + text[at:], text[:at] + text[at + rng.randint(1, 3):],
                                 text[:at] + rng.choice(pieces) + text[at + 1:]]).encode("utf-8")
            reading = bib.splice(raw, old, edited, "b.bib")
            if reading is not None:
                spliced += 1
                assert reading == bib.parse_bib(edited, "b.bib"), edited.decode()
    assert spliced > 50
    edited = fixture.replace("Faulty reward functions", "Faulty Reward Functions").encode("utf-8")
    reading = bib.splice(fixture.encode("utf-8"), bib.parse_bib(fixture.encode("utf-8"), "b.bib"), edited, "b.bib")
    assert reading is not None and reading == bib.parse_bib(edited, "b.bib")
