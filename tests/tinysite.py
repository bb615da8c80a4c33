"""Tiny fixture sites written into a temporary folder from a test, for hostile-input cases.

A site is a `docs/` folder, one `bib/sources.bib` and a `mkdocs.yml` that names the repository's
hooks by absolute path. `problems_of` builds it as `make serve` does (not strict) and returns the
first line of every problem the build reports, or an empty set when it builds.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from mkdocs.exceptions import Abort

from sitebuild import build_site

ROOT = Path(__file__).resolve().parent.parent
HOOKS = ROOT / "hooks"
BASE = Path(__file__).parent / "fixtures" / "base.yml"
PROBLEM_LINE = re.compile(r"^\S+:\d+:\d+: [A-Z]{3}\d{3} .*$", re.M)

# Two verified sources every case may cite.
SOURCES = """\
@misc{hubinger2019risks,
  author        = {Hubinger, Evan and van Merwijk, Chris and Mikulik, Vladimir and Skalse, Joar and Garrabrant, Scott},
  title         = {Risks from Learned Optimization in Advanced Machine Learning Systems},
  year          = {2019},
  eprint        = {1906.01820},
  archivePrefix = {arXiv},
  url           = {https://arxiv.org/abs/1906.01820}
}

@misc{clark2016faulty,
  author       = {Clark, Jack and Amodei, Dario},
  title        = {Faulty reward functions in the wild},
  howpublished = {OpenAI Blog},
  year         = {2016},
  url          = {https://openai.com/index/faulty-reward-functions/}
}
"""

# Every citation hook, in the order mkdocs.yml lists them.
ALL_HOOKS = ("citations.py", "sources_page.py", "claims_ledger.py", "page_metadata.py")


# The settings of a tiny site: base.yml with the hooks named by absolute path.
def base_config(hooks=("citations.py",), **changes) -> dict:
    config = yaml.safe_load(BASE.read_text(encoding="utf-8"))
    config["hooks"] = [str(HOOKS / name) for name in hooks]
    config.update(changes)
    return config


# Write a site into `root`: pages by path under docs/ (str or bytes), the .bib text, and
# mkdocs.yml as a mapping (dumped) or as text (written as given, for exact lines).
def write_site(root: Path, pages: dict[str, str | bytes], bib: str | bytes = SOURCES,
               config: dict | str | None = None) -> Path:
    for name, content in pages.items():
        path = root / "docs" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8", newline="")
    (root / "bib").mkdir(parents=True, exist_ok=True)
    target = root / "bib" / "sources.bib"
    target.write_bytes(bib) if isinstance(bib, bytes) else target.write_text(bib, encoding="utf-8", newline="")
    config = base_config() if config is None else config
    text = config if isinstance(config, str) else yaml.safe_dump(config, sort_keys=False, allow_unicode=True)
    (root / "mkdocs.yml").write_text(text, encoding="utf-8")
    return root / "mkdocs.yml"


# Build the site of `config_file` not strict; the first line of every problem it reports.
def problems_of(config_file: Path, site: Path) -> set[str]:
    try:
        build_site(config_file, site, strict=False)
    except Abort as abort:
        return set(PROBLEM_LINE.findall(str(abort)))
    return set()
