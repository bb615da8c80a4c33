"""Generate the synthetic site that `make bench` builds, in three variants and a peer.

One size is `pages` explainer pages of about `cites` citations each, over a .bib of `entries`
sources (every source cited at least once, so the orphan check passes). The variants share the
pages' prose, the real theme, Markdown extensions and the search and offline plugins:

- full:      the real config's plugins and hooks, citations written `[@key]` (what we ship);
- footnotes: the floor: no bibtex plugin, no hooks, every citation pre-written as a Markdown
             footnote `[^key]` whose definition holds a formatted reference of the same shape;
- text:      no bibtex plugin, no hooks, citations left as literal `[@key]` text.

The peer (`sphinx/`) is the same pages and the same .bib as a Sphinx project: MyST Markdown,
myst-parser and sphinxcontrib-bibtex, each citation group one `{footcite:p}` role and a
`footbibliography` directive at the end of each page. The footcite role takes keys only, so
locators are dropped there; the code block, the aside (a MyST admonition), the link and the
glossary (a MyST definition list) are kept.
"""

from __future__ import annotations

import random
import shutil
from dataclasses import dataclass
from pathlib import Path

from mkdocs.utils.yaml import yaml_load

ROOT = Path(__file__).resolve().parent.parent

VARIANTS = ("full", "footnotes", "text")
PEER = "sphinx"

WORDS = ("alignment reward model objective proxy agent training policy feedback oversight "
         "human preference optimiser behaviour system learning specification gaming goal "
         "evaluation robustness deception interpretability circuit feature capability task "
         "environment signal data distribution shift generalisation mesa base outer inner").split()
SURNAMES = ("Smith Jones Chen Garcia Müller Rossi Novak Kowalski Tanaka Okafor Silva Haddad "
            "Nguyen Ivanova Dubois Larsen O'Brien Kim Patel Cohen").split()
GIVEN = ("Ada Ben Chloé Dmitri Eva Femi Grace Hiro Ines Jun Kofi Lena Marta Nils Omar Priya").split()
LOCATORS = ("sec. 2", "p. 14", "fig. 3", "sec. 4.1", "pp. 3-5", "table 2")

# -----------------------------------------------------------------------------
# Sources
# -----------------------------------------------------------------------------


# One synthetic source: its key, BibTeX text, and a reference formatted like pybtex's plain style.
def make_entry(index: int, rng: random.Random) -> tuple[str, str, str]:
    authors = [(rng.choice(GIVEN), rng.choice(SURNAMES)) for _ in range(rng.randint(1, 5))]
    year = rng.randint(1990, 2025)
    title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 10))).capitalize()
    key = f"{authors[0][1].lower().replace(chr(39), '').replace('ü', 'u')}{year}s{index}"
    bib_authors = " and ".join(f"{last}, {first}" for first, last in authors)
    shown_authors = ", ".join(f"{first} {last}" for first, last in authors[:-1])
    shown_authors = (shown_authors + ", and " if len(authors) > 2 else shown_authors + " and "
                     if len(authors) == 2 else "") + " ".join(authors[-1])
    if index % 3:
        eprint = f"{year % 100:02d}{rng.randint(1, 12):02d}.{rng.randint(10000, 99999)}"
        url = f"https://arxiv.org/abs/{eprint}"
        text = (f"@misc{{{key},\n  author        = {{{bib_authors}}},\n  title         = {{{title}}},\n"
                f"  year          = {{{year}}},\n  eprint        = {{{eprint}}},\n"
                f"  archivePrefix = {{arXiv}},\n  url           = {{{url}}}\n}}\n")
        formatted = (f"{shown_authors}. {title}. {year}. URL: [{url}]({url}), "
                     f"[arXiv:{eprint}](https://arxiv.org/abs/{eprint}).")
    else:
        journal = " ".join(rng.choice(WORDS) for _ in range(3)).title()
        doi = f"10.{rng.randint(1000, 9999)}/j.{rng.randint(100000, 999999)}"
        volume, first_page = rng.randint(1, 90), rng.randint(1, 900)
        text = (f"@article{{{key},\n  author  = {{{bib_authors}}},\n  title   = {{{title}}},\n"
                f"  journal = {{{journal}}},\n  volume  = {{{volume}}},\n"
                f"  pages   = {{{first_page}--{first_page + 20}}},\n  year    = {{{year}}},\n"
                f"  doi     = {{{doi}}}\n}}\n")
        formatted = (f"{shown_authors}. {title}. *{journal}*, {volume}:{first_page}–{first_page + 20}, "
                     f"{year}. [doi:{doi}](https://doi.org/{doi}).")
    return key, text, formatted


# -----------------------------------------------------------------------------
# Pages
# -----------------------------------------------------------------------------


# An admonition block, written in each variant's syntax.
@dataclass(frozen=True)
class Aside:
    kind: str
    title: str
    body: str

    def markdown(self, variant: str) -> str:
        if variant == PEER:
            return f"\n\n```{{admonition}} {self.title}\n:class: {self.kind}\n\n{self.body}\n```\n\n"
        return f'\n\n!!! {self.kind} "{self.title}"\n\n    {self.body}\n\n'


# A sentence of filler prose.
def sentence(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(10, 22))).capitalize()


# One page as a list of blocks; a citation is a list of (key, locator) to write per variant.
def make_page(number: int, keys: list[str], rng: random.Random) -> list:
    blocks: list = [f"# Question {number}: what does {rng.choice(WORDS)} mean for {rng.choice(WORDS)}?\n"]
    groups, cursor = [], 0
    while cursor < len(keys):
        size = 2 if rng.random() < 0.15 and cursor + 1 < len(keys) else 1
        groups.append([(k, rng.choice(LOCATORS) if rng.random() < 0.2 else "") for k in keys[cursor:cursor + size]])
        cursor += size
    for index, group in enumerate(groups):
        if index % 6 == 0:
            blocks.append(f"\n## {sentence(rng)[:40]}\n\n")
        blocks.append(sentence(rng) + ".")
        blocks.append(group)
        blocks.append(" " + (sentence(rng) + ". " if rng.random() < 0.5 else ""))
        if index % 3 == 2:
            blocks.append("\n\n")
        if index == 4:
            blocks.append("\n\n```python\nscore = reward_model(output)  # [@not_a_citation]\n```\n\n")
        if index == 9:
            blocks.append(Aside("note", "Aside", "Write to team@example.org or see "
                                "[the glossary](../glossary.md) for `[@key]` syntax."))
    return blocks


# The Markdown of a page in one variant, and the footnote definitions it needs (floor only).
def render_page(blocks: list, variant: str, formatted: dict[str, str]) -> str:
    out, cited = [], {}
    for block in blocks:
        if isinstance(block, str):
            out.append(block)
            continue
        if isinstance(block, Aside):
            out.append(block.markdown(variant))
            continue
        if variant == PEER:
            # footcite takes keys only (no pre/post text, unlike `cite`): locators are dropped.
            out.append("{footcite:p}`" + ",".join(key for key, _ in block) + "`")
        elif variant == "footnotes":
            for key, locator in block:
                out.append(f"[^{key}]" + (f'<span class="cite-locator">{locator}</span>' if locator else ""))
                cited[key] = formatted[key]
        else:
            out.append("[" + "; ".join(f"@{k}" + (f", {loc}" if loc else "") for k, loc in block) + "]")
    text = "".join(out).rstrip() + "\n"
    if variant == PEER:
        text += "\n```{footbibliography}\n```\n"
    if cited:
        text += "\n" + "".join(f"[^{key}]: {ref}\n" for key, ref in cited.items())
    return text


# -----------------------------------------------------------------------------
# Site
# -----------------------------------------------------------------------------


# The real mkdocs.yml, as data.
def real_config() -> dict:
    with open(ROOT / "mkdocs.yml", encoding="utf-8") as handle:
        return yaml_load(handle)


# mkdocs.yml of one variant: the real theme and extensions, absolute paths to hooks and overrides.
def variant_config(variant: str, pages: int) -> dict:
    real = real_config()
    theme = dict(real["theme"])
    if "custom_dir" in theme:
        theme["custom_dir"] = str(ROOT / theme["custom_dir"])
    config = {
        "site_name": f"Bench ({variant}, {pages} pages)",
        "site_url": real.get("site_url"),
        "docs_dir": "docs",
        "strict": True,
        "theme": theme,
        "extra_css": real.get("extra_css", []),
        "markdown_extensions": real["markdown_extensions"],
        "extra": {"polyfills": real.get("extra", {}).get("polyfills", [])},
    }
    plugins = []
    for plugin in real["plugins"]:
        name = plugin if isinstance(plugin, str) else next(iter(plugin))
        if name == "bibtex" and variant != "full":
            continue
        plugins.append(plugin)
    config["plugins"] = plugins
    if variant == "full":
        config["hooks"] = [str(ROOT / hook) for hook in real.get("hooks", [])]
        config["extra"]["citations"] = {"content": ["pages/", "glossary.md"], "uncited_sources": {}}
    return config


# conf.py of the peer: MyST pages, footnote citations from the same .bib, the builtin theme.
def peer_conf(pages: int) -> str:
    return (f'project = "Bench ({PEER}, {pages} pages)"\n'
            'extensions = ["myst_parser", "sphinxcontrib.bibtex"]\n'
            'source_suffix = {".md": "markdown"}\n'
            'myst_enable_extensions = ["deflist"]\n'
            'bibtex_bibfiles = ["bib/sources.bib"]\n'
            '# The plain style, as the formatted references of the other variants.\n'
            'bibtex_default_style = "plain"\n'
            'html_theme = "alabaster"\n')


# The peer's index: its toctree is the navigation that MkDocs builds from the folder.
PEER_INDEX = ("# Bench\n\nA synthetic site for `make bench`.\n\n"
              "```{toctree}\n:glob:\n:maxdepth: 1\n\nglossary\npages/*\n```\n")


# The glossary page (the glossary hook reads it): a few terms, each with a source.
def glossary(keys: list[str], variant: str, formatted: dict[str, str]) -> str:
    blocks: list = ["# Glossary\n\n"]
    for index, word in enumerate(WORDS[:12]):
        blocks += [f"{word.capitalize()} term\n:   The meaning of {word} in this synthetic site.",
                   [(keys[index % len(keys)], "")], "\n\n"]
    return render_page(blocks, variant, formatted)


# Write all three variants and the peer of one size below `out`;
# returns {variant: its mkdocs.yml} and {"sphinx": its conf.py}.
def generate(out: Path, pages: int, cites: int, entries: int, seed: int = 7) -> dict[str, Path]:
    import yaml

    rng = random.Random(seed)
    sources = [make_entry(index, rng) for index in range(entries)]
    keys = [key for key, _, _ in sources]
    formatted = {key: ref for key, _, ref in sources}
    # Every source is cited at least once; the rest of the citations fall at random.
    order = keys * (pages * cites // entries + 1)
    order = order[: max(pages * cites, entries)]
    rng.shuffle(order)
    per_page = [order[i::pages] for i in range(pages)]
    page_blocks = [make_page(number + 1, per_page[number], rng) for number in range(pages)]
    bib = "".join(text + "\n" for _, text, _ in sources)
    if out.exists():
        shutil.rmtree(out)
    configs = {}
    for variant in VARIANTS:
        root = out / variant
        docs = root / "docs"
        (docs / "pages").mkdir(parents=True)
        shutil.copytree(ROOT / "docs" / "assets", docs / "assets")
        (docs / "index.md").write_text("# Bench\n\nA synthetic site for `make bench`.\n", encoding="utf-8")
        (docs / "glossary.md").write_text(glossary(keys, variant, formatted), encoding="utf-8")
        for number, blocks in enumerate(page_blocks):
            (docs / "pages" / f"page-{number + 1:04d}.md").write_text(
                render_page(blocks, variant, formatted), encoding="utf-8")
        if variant == "full":
            (root / "bib").mkdir()
            (root / "bib" / "sources.bib").write_text(bib, encoding="utf-8")
        config_file = root / "mkdocs.yml"
        config_file.write_text(yaml.safe_dump(variant_config(variant, pages), sort_keys=False,
                                              allow_unicode=True), encoding="utf-8")
        configs[variant] = config_file
    configs[PEER] = write_peer(out / PEER, pages, page_blocks, keys, bib, formatted)
    return configs


# The peer as a Sphinx source folder (conf.py beside the pages); returns its conf.py.
def write_peer(root: Path, pages: int, page_blocks: list, keys: list[str], bib: str,
               formatted: dict[str, str]) -> Path:
    (root / "pages").mkdir(parents=True)
    (root / "bib").mkdir()
    (root / "bib" / "sources.bib").write_text(bib, encoding="utf-8")
    (root / "index.md").write_text(PEER_INDEX, encoding="utf-8")
    (root / "glossary.md").write_text(glossary(keys, PEER, formatted), encoding="utf-8")
    for number, blocks in enumerate(page_blocks):
        (root / "pages" / f"page-{number + 1:04d}.md").write_text(
            render_page(blocks, PEER, formatted), encoding="utf-8")
    conf = root / "conf.py"
    conf.write_text(peer_conf(pages), encoding="utf-8")
    return conf


if __name__ == "__main__":
    import sys

    pages, cites, entries = (int(arg) for arg in sys.argv[1:4])
    print(generate(ROOT / "bench" / "out" / f"p{pages}", pages, cites, entries))
