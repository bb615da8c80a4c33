"""mkdocs.yml's values that the theme writes into every page (CFG003), read as MkDocs reads them."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import check_site  # noqa: E402
from citelib import configcheck  # noqa: E402

from test_site_check import articles, hand_made_site  # noqa: E402


def problems(text: str) -> list[tuple[int, int, str]]:
    found = []
    configcheck.check(text, lambda line, col, message: found.append((line, col, message)))
    return found


def test_the_sites_own_configuration_passes():
    assert problems((ROOT / "mkdocs.yml").read_text(encoding="utf-8")) == []


# Material writes an icon's key into a <style> of every page: a key is text the theme writes too.
def test_a_key_that_ends_the_style_it_stands_in_is_reported():
    text = "theme:\n  icon:\n    admonition:\n      '</style><script>alert(1)</script><style>': material/pencil\n"
    assert problems(text) == [(4, 7, "a key in theme.icon.admonition holds '<', which ends the text, attribute or "
                                     "script string the theme writes it in, on every page")]


# Material's link previews read a linked part of a page as HTML a second time, for every link: a
# helper's <math><form> markup, inert in the page, ran on hovering a link to it. Its version
# selector writes each title of a versions.json fetched from above the site's root as HTML.
def test_settings_that_have_the_theme_read_html_twice_or_from_outside_the_site_are_reported():
    text = ("theme:\n  features:\n    - toc.follow\n    - navigation.instant.preview\n"
            "extra:\n  version:\n    provider: mike\n")
    assert [(line, col, message.split(" has ")[0].split(" turns ")[0]) for line, col, message in problems(text)] == [
        (4, 7, "theme.features 'navigation.instant.preview'"), (7, 15, "extra.version.provider 'mike'")]
    assert problems("theme:\n  features:\n    - navigation.instant\n    - navigation.instant.prefetch\n") == []


# The copyright is written as HTML into the footer of every page: a quote it leaves open took in what
# the theme writes after it, up to a quote in the consent's title, whose rest became a style attribute
# that fetched an image from another site (a helper's case). Markup that closes itself passes.
def test_a_copyright_that_leaves_markup_open_or_closes_the_footer_is_reported():
    text = ("copyright: \"Text by us.<span lang='\"\nextra:\n  consent:\n    title: \"' style=display:block;"
            "background-image:url(https://evil.example/bg.png) x\"\n")
    assert problems(text) == [(1, 12, "copyright leaves \"<span lang='\" open at its end: what the theme writes after "
                                      "it on every page would stand in its markup or around it: close every tag, "
                                      "quote and comment it opens, and no other")]
    assert [message.split(":")[0] for _, _, message in problems("copyright: 'Text</footer><p>After'\n")] == [
        "copyright closes the theme's element around it with '</footer><p>After'"]
    assert [message.split(" open at")[0] for _, _, message in problems("copyright: 'Text<!-- x'\n")] == [
        "copyright leaves '<!-- x'"]
    assert problems("copyright: 'Text by <a href=\"https://example.org\">us</a>, <b>2026</b>.'\n") == []


# MkDocs' loader builds these by running Python (bytes written as b'...' into the page, a call).
@pytest.mark.parametrize("value", ["!!binary PHNjcmlwdD4=", "!!python/object/apply:os.system [true]",
                                   "!!python/object/apply:codecs.decode [!!binary PHNjcmlwdD4=, utf-8]"])
def test_a_tag_that_builds_something_other_than_text_is_reported(value):
    found = problems(f"extra:\n  consent:\n    description: {value}\n")
    assert [(line, message.split(" has the tag ")[0]) for line, _, message in found] == [
        (3, "extra.consent.description")]


# The theme writes these as links on every page: a script URL passed the build and only the site
# check stopped it (a helper's cases); web addresses, paths and mail stay allowed.
@pytest.mark.parametrize("text, place", [
    ("repo_url: 'javascript://%0aalert(1)'\n", (1, 11)),
    ("edit_uri: 'javascript:alert(1)//'\n", (1, 11)),
    ("extra:\n  homepage: ' javascript:alert(1)'\n", (2, 13)),
    ("extra:\n  social:\n    - icon: x\n      link: 'data:text/html,<b>'\n", (4, 13)),
    ("extra:\n  alternate:\n    - name: x\n      link: 'JavaScript:alert(1)'\n", (4, 13)),
])
def test_a_link_the_theme_writes_on_every_page_must_be_a_web_address(text, place):
    found = problems(text)
    assert [(line, col) for line, col, _ in found] == [place], found
    assert "is written as a link on every page, and it is no web address" in found[0][2]


def test_web_addresses_paths_and_mail_are_links_the_theme_may_write():
    assert problems("site_url: https://example.org/\nrepo_url: https://github.com/x/y\nedit_uri: edit/main/docs/\n"
                    "extra:\n  homepage: ../\n  social:\n    - link: mailto:a@example.org\n") == []


# A citation in the footer's copyright or a navigation title showed on every page as a literal
# (a helper's twelfth round); a pattern in a plugin's settings is no text readers see.
# So did the toc extension's title (a review's case), a citation split by markup in the copyright,
# which the theme writes as HTML, and one in fullwidth brackets.
def test_a_citation_in_a_value_the_theme_shows_on_every_page_is_reported():
    text = ("copyright: Text by us.[@clark2016faulty]\nnav:\n  - \"Home [@clark2016faulty]\": index.md\n"
            "  - \"Notes &#91;^1]\": notes.md\nplugins:\n  - search:\n      separator: '[^a-z]+'\n"
            "markdown_extensions:\n  - toc:\n      title: '[@hubinger2019risks]'\n")
    assert [(line, col, message.split(" holds ")[1].split(",")[0]) for line, col, message in problems(text)] == [
        (1, 12, "'[@clark2016faulty]'"), (3, 5, "'[@clark2016faulty]'"), (4, 5, "'[^1]'"),
        (10, 14, "'[@hubinger2019risks]'")]
    for text in ("copyright: '<span>[</span>@clark2016faulty]'\n", "copyright: '[<!-- -->@clark2016faulty]'\n",
                 "site_name: '\uff3b@clark2016faulty\uff3d'\n"):
        assert [message.split(" holds ")[1].split(",")[0] for _, _, message in problems(text)] == [
            "'[@clark2016faulty]'"], text


# A script or a style sheet from another site runs code or restyles every page from outside this
# repository, and a reader offline does not have it (a helper's twelfth round); the site's own files may.
def test_scripts_and_style_sheets_from_another_site_are_reported():
    text = ("extra_javascript:\n  - assets/javascripts/own.js\n  - https://evil.example/x.js\n"
            "  - path: //evil.example/y.js\n    type: module\nextra_css:\n  - assets/own.css\n"
            "  - http://evil.example/z.css\n")
    assert [(line, col, message.split(" from another site")[0]) for line, col, message in problems(text)] == [
        (3, 5, "extra_javascript 'https://evil.example/x.js' loads a script"),
        (4, 11, "extra_javascript.path '//evil.example/y.js' loads a script"),
        (8, 5, "extra_css 'http://evil.example/z.css' loads a style sheet")]
    # A tab inside, which the URL parser drops (a review's case).
    assert [line for line, _, _ in problems('extra_javascript:\n  - "/\\t/evil.example/x.js"\n')] == [2]


# Material loads a font from Google Fonts and an analytics provider's script on every page: from
# outside this site, where a reader offline has neither.
def test_fonts_and_analytics_from_another_site_are_reported():
    text = "theme:\n  font:\n    text: Roboto\nextra:\n  analytics:\n    provider: google\n"
    assert [(line, message.split(" has ")[0]) for line, _, message in problems(text)] == [
        (3, "theme.font.text 'Roboto'"), (6, "extra.analytics.provider 'google'")]
    assert problems("theme:\n  font: false\n") == []


# pymdownx documents `!!python/name:` for a Markdown extension's function: that names, and builds nothing.
def test_a_markdown_extension_may_name_a_python_function():
    assert problems("markdown_extensions:\n  - pymdownx.emoji:\n      emoji_index: "
                    "!!python/name:material.extensions.emoji.twemoji\n") == []


# An !ENV value is what the environment gives when the build runs, else its default.
def test_an_environment_value_is_read_as_the_build_reads_it(monkeypatch):
    text = 'copyright: !ENV [COPY_TEXT, "Text licensed CC BY 4.0"]\n'
    assert problems(text) == []
    monkeypatch.setenv("COPY_TEXT", "Text<script>alert(4)</script>")
    assert problems(text) == [(1, 12, "copyright holds markup that runs a script: <script> element (the value of "
                                      "the environment variable COPY_TEXT)")]


# MkDocs merges an inherited file's values as if they were written in mkdocs.yml.
def test_an_inherited_files_values_are_reported_in_that_file(tmp_path):
    site, project = hand_made_site(tmp_path, articles({"plain": ""}))
    (project / "base.yml").write_text("copyright: 'Text<script>alert(2)</script>'\n")
    config = project / "mkdocs.yml"
    config.write_text("INHERIT: base.yml\n" + config.read_text())
    found = [(d.path, d.line, d.col, d.code) for d in check_site.check(site, project).diagnostics if d.code == "CFG003"]
    assert found == [("base.yml", 1, 12, "CFG003")]


# The site check reads mkdocs.yml by YAML's safe loader: MkDocs' own runs a call written there.
def test_the_site_check_runs_no_call_written_in_the_configuration(tmp_path):
    site, project = hand_made_site(tmp_path, articles({"plain": ""}))
    marker = tmp_path / "ran"
    config = project / "mkdocs.yml"
    config.write_text(config.read_text() + f"build_id: !!python/object/apply:os.system ['touch {marker}']\n")
    found = [d.code for d in check_site.check(site, project).diagnostics]
    assert "CFG003" in found and not marker.exists()


# MkDocs reads a mkdocs.yml saved as UTF-16 (YAML decodes it after its byte order mark): so do the
# checks, which once read it as UTF-8 and either stopped with a traceback or checked nothing.
def test_a_configuration_saved_as_utf16_is_checked_as_mkdocs_reads_it(tmp_path):
    site, project = hand_made_site(tmp_path, articles({"plain": ""}))
    config = project / "mkdocs.yml"
    config.write_bytes((config.read_text() + "copyright: 'Text<script>alert(2)</script>'\n").encode("utf-16"))
    found = [(d.path, d.code) for d in check_site.check(site, project).diagnostics if d.code.startswith("CFG")]
    assert found == [("mkdocs.yml", "CFG003")]


# A mkdocs.yml the site check cannot read as MkDocs does stops it with where and why (exit 2), not
# a traceback, and not a check against no settings at all.
@pytest.mark.parametrize("written, said", [
    ("site_name: x\nsite_author: Caf\xe9\n".encode("latin-1"), "mkdocs.yml:2:17: byte 0xe9 is not UTF-8"),
    (b'site_name: x\nextra:\n  note: "a\x00b"\n', "mkdocs.yml:3:11: not YAML (special characters are not allowed)"),
    (b"site_name: [x\n", "mkdocs.yml:2:1: not YAML (expected ',' or ']', but got '<stream end>')"),
    (b"- a\n- b\n", "mkdocs.yml:1:1: holds no mapping of settings"),
], ids=["latin-1", "nul", "unclosed", "a-list"])
def test_a_configuration_the_site_check_cannot_read_stops_it_saying_where(tmp_path, capsys, monkeypatch,
                                                                           written, said):
    site, project = hand_made_site(tmp_path, articles({"plain": ""}))
    (project / "mkdocs.yml").write_bytes(written)
    monkeypatch.setattr(check_site, "ROOT", project)
    monkeypatch.chdir(project)
    assert check_site.main([str(site)]) == 2
    assert capsys.readouterr().err.startswith(said)


# YAML's "\ud800" is half of a surrogate pair, which no page can be written with: MkDocs stopped with
# a traceback writing the first page. The build reports it where it stands and goes on without it.
def test_half_a_surrogate_pair_in_a_written_setting_is_reported_and_the_build_goes_on(tmp_path):
    from tinysite import base_config, problems_of, write_site

    config = base_config(site_description="Surrogate \ud800 here", nav=[{"Home \udc00": "claims/page.md"}],
                         repo_url="https://github.com/a/b\udcff")
    config_file = write_site(tmp_path, {"claims/page.md": "# Page\n\nA claim.[@hubinger2019risks]\n"}, config=config)
    found = sorted(line.split(" CFG003 ", 1)[1].split(", half")[0] for line in problems_of(config_file, tmp_path / "site")
                   if " CFG003 " in line)
    assert found == ["a title in nav holds \\udc00", "repo_url holds \\udcff", "site_description holds \\ud800"]


# The build reads a UTF-16 mkdocs.yml as MkDocs does: every hook, redirects.py too (a traceback once).
def test_a_build_from_a_utf16_configuration_reports_its_values(tmp_path):
    from tinysite import ALL_HOOKS, base_config, problems_of, write_site

    config = base_config((*ALL_HOOKS, "redirects.py"), copyright="Text<script>alert(2)</script>")
    config_file = write_site(tmp_path, {"claims/page.md": "# Page\n\nA claim.[@hubinger2019risks]\n"}, config=config)
    config_file.write_bytes(config_file.read_text(encoding="utf-8").encode("utf-16"))
    found = [line for line in problems_of(config_file, tmp_path / "site") if " CFG" in line]
    assert len(found) == 1 and " CFG003 copyright holds markup that runs a script" in found[0], found


# MkDocs' !relative tag writes the folder it names and the rest as written: a helper's
# `extra.scope: !relative '$config_dir/",location),alert(document.domain),("'` ran on every page.
def test_a_relative_path_value_is_checked_as_the_text_it_writes():
    text = "extra:\n  scope: !relative '$config_dir/\",location),alert(document.domain),(\"'\n"
    assert [(line, col) for line, col, _ in problems(text)] == [(2, 10)]


# The site check reads mkdocs.yml as MkDocs does, INHERIT included: settings a file inherits are
# the settings (here, which pages make claims), and an INHERIT it cannot follow stops it (exit 2).
def test_the_site_check_reads_inherited_settings_and_stops_on_an_inherit_it_cannot_follow(tmp_path, capsys,
                                                                                          monkeypatch):
    site, project = hand_made_site(tmp_path, articles({"plain": ""}))
    (site / "claims" / "uncited.html").write_text('<html><head><meta charset="utf-8"></head><body>'
                                                  "<article><p>Said, with no source.</p></article></body></html>")
    (project / "docs" / "claims" / "uncited.md").write_text("# Uncited\n")
    config = project / "mkdocs.yml"
    text = config.read_text()
    settings = text[text.index("extra:"):text.index("plugins:")] if text.index("extra:") < text.index("plugins:") \
        else text[text.index("extra:"):]
    (project / "base.yml").write_text(settings)
    config.write_text("INHERIT: base.yml\n" + text.replace(settings, ""))
    assert "PAG001" in {d.code for d in check_site.check(site, project).diagnostics}
    monkeypatch.setattr(check_site, "ROOT", project)
    monkeypatch.chdir(project)
    for inherited in ("missing.yml", "docs"):
        config.write_text(f"INHERIT: {inherited}\n" + text)
        assert check_site.main([str(site)]) == 2
        assert capsys.readouterr().err.startswith("mkdocs.yml: ")
