"""The theme's compiled templates are kept across builds, and an edited template is compiled afresh."""

from __future__ import annotations

import jinja2

from citelib import templatecache
from tinysite import base_config, problems_of, write_site

PAGE = "# A page\n\nA claim.[@hubinger2019risks] Another.[@clark2016faulty]\n"


# Count the templates Jinja compiles from source while `build` runs.
def compiled_during(build, monkeypatch) -> list[str]:
    names: list[str] = []
    original = jinja2.Environment.compile

    def counting(self, source, name=None, filename=None, raw=False, defer_init=False):
        names.append(name)
        return original(self, source, name, filename, raw, defer_init)

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    try:
        build()
    finally:
        monkeypatch.setattr(jinja2.Environment, "compile", original)
    return names


def test_a_second_build_compiles_no_template_and_an_edited_one_is_compiled_again(tmp_path, monkeypatch):
    config = base_config()
    config["theme"]["custom_dir"] = "overrides"
    write_site(tmp_path, {"claims/page.md": PAGE}, config=config)
    override = tmp_path / "overrides" / "main.html"
    override.parent.mkdir()
    override.write_text('{% extends "base.html" %}\n', encoding="utf-8")
    built = lambda: problems_of(tmp_path / "mkdocs.yml", tmp_path / "site")  # noqa: E731
    built()  # the first build of this site in the process may compile (or find them in memory)
    assert compiled_during(built, monkeypatch) == []
    override.write_text('{% extends "base.html" %}\n{% block footer %}Edited{% endblock %}\n', encoding="utf-8")
    assert compiled_during(built, monkeypatch) == ["main.html"]
    assert "Edited" in (tmp_path / "site" / "claims" / "page" / "index.html").read_text(encoding="utf-8")


def test_a_fresh_process_reads_the_compiled_templates_from_disk(tmp_path, monkeypatch):
    write_site(tmp_path, {"claims/page.md": PAGE})
    monkeypatch.setattr(templatecache, "_MEMORY", {})  # as in a new process
    problems_of(tmp_path / "mkdocs.yml", tmp_path / "site")
    stored = list((tmp_path / templatecache.CACHE_DIR).glob("*.cache"))
    assert stored, "the build keeps its compiled templates on disk"
    monkeypatch.setattr(templatecache, "_MEMORY", {})  # and in another new process
    built = lambda: problems_of(tmp_path / "mkdocs.yml", tmp_path / "site2")  # noqa: E731
    assert compiled_during(built, monkeypatch) == []
