"""Links between pages: MkDocs' validation.links, with file, line and column (hooks/link_lines.py)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from mkdocs.exceptions import Abort
from mkdocs.utils.yaml import yaml_load

from sitebuild import build_site

ROOT = Path(__file__).resolve().parent.parent

PAGE = """\
---
title: Links
---
# Links

A [fine link](other.md) and a [missing page](missing.md).

An [absent anchor](other.md#no-such-part) and an [absolute link](/other.md).

A link with no extension: [other page](other-page), and a [reference][ref].

[ref]: gone.md
"""

CONFIG = f"""\
site_name: Links
docs_dir: docs
validation:
  links: {{not_found: warn, anchors: warn, absolute_links: warn, unrecognized_links: warn}}
hooks:
  - {ROOT / "hooks" / "link_lines.py"}
"""


def test_the_site_checks_anchors_absolute_and_unrecognised_links():
    config = yaml_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    assert config["validation"]["links"] == {
        "not_found": "warn", "anchors": "warn", "absolute_links": "warn", "unrecognized_links": "warn"}
    assert "hooks/link_lines.py" in config["hooks"]


# Each kind of broken link is reported with the line and column where it is written.
def test_link_warnings_name_the_file_line_and_column(tmp_path, caplog):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text(PAGE, encoding="utf-8")
    (tmp_path / "docs" / "other.md").write_text("# Other\n", encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(CONFIG, encoding="utf-8")
    with caplog.at_level(logging.WARNING), pytest.raises(Abort):
        build_site(tmp_path / "mkdocs.yml", tmp_path / "site")  # strict: the warnings stop it
    warnings = sorted(r.getMessage() for r in caplog.records if r.name == "mkdocs.structure.pages")
    # Lines count in the file, front matter included.
    starts = [w.split(" Doc file")[0] for w in warnings]
    assert starts == sorted([
        "docs/index.md:6:46:",  # missing.md
        "docs/index.md:8:20:",  # other.md#no-such-part
        "docs/index.md:8:66:",  # /other.md
        "docs/index.md:10:40:",  # other-page
        "docs/index.md:12:8:",  # gone.md, in the reference definition
    ])
    assert any("contains a link 'missing.md', but the target is not found" in w for w in warnings)
    assert any("does not contain an anchor '#no-such-part'" in w for w in warnings)


# After the build, the filter is gone: another site's warnings are not located in this one's files.
def test_the_filter_is_removed_after_the_build(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# Home\n", encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(CONFIG, encoding="utf-8")
    build_site(tmp_path / "mkdocs.yml", tmp_path / "site")
    assert not [f for f in logging.getLogger("mkdocs.structure.pages").filters
                if type(f).__name__ == "LinkLineFilter"]
