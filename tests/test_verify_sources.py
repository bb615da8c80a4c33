"""`make verify-sources` finds each planted discrepancy at its line, offline.

A local HTTP server on 127.0.0.1 plays arXiv, Crossref, the Wayback Machine and a few web pages.
The API answers are recorded real responses (tests/fixtures/verify-sources/README.md says where
each comes from); the web pages only need a status, a redirect or a delay. Any connection to an
address other than the loopback fails the test.
"""

from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import verify_sources  # noqa: E402
from verify_sources import SOURCE_KINDS, Settings  # noqa: E402

FIXTURE = Path(__file__).parent / "fixtures" / "verify-sources"
RECORDED = {
    "arxiv": {path.stem: path.read_bytes() for path in (FIXTURE / "arxiv").glob("*.xml")},
    "crossref": FIXTURE / "crossref",
    "wayback": {name: (FIXTURE / "wayback" / f"{name}.json").read_bytes() for name in ("found", "not-found")},
}
# arXiv answers every id it does not have with the same empty feed. The recording was made for
# 0000.0000, which the bib checks now refuse as malformed (month 00), so the fixture asks for
# 0001.00001, well formed and equally unknown, and gets that recorded answer.
RECORDED["arxiv"]["0001.00001"] = RECORDED["arxiv"]["0000.0000"]
# Web pages whose Wayback lookup answers with the recorded snapshot; every other one has none.
ARCHIVED_PAGES = {"/links/gone", "/links/archived"}
SLOW_SECONDS = 0.6

# -----------------------------------------------------------------------------
# No network: only the loopback may be reached
# -----------------------------------------------------------------------------

LOOPBACK = {"127.0.0.1", "::1", "localhost"}


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    real_connect, real_getaddrinfo = socket.socket.connect, socket.getaddrinfo

    def connect(sock, address):
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and host not in LOOPBACK:
            raise OSError(f"test tried to reach {host}: the network is off limits")
        return real_connect(sock, address)

    def getaddrinfo(host, *args, **kwargs):
        if host not in LOOPBACK:
            raise OSError(f"test tried to resolve {host}: the network is off limits")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


def test_the_guard_refuses_any_address_but_the_loopback():
    with pytest.raises(OSError, match="off limits"):
        socket.create_connection(("192.0.2.1", 80), timeout=0.1)
    with pytest.raises(OSError, match="off limits"):
        socket.getaddrinfo("export.arxiv.org", 443)


# -----------------------------------------------------------------------------
# The local server
# -----------------------------------------------------------------------------


class Services(BaseHTTPRequestHandler):
    log: list[tuple[str, str, str]] = []
    busy_answered: set[str] = set()

    def log_message(self, *args) -> None:  # keep pytest's output clean
        pass

    def do_HEAD(self) -> None:
        self._answer(head=True)

    def do_GET(self) -> None:
        self._answer(head=False)

    def _answer(self, head: bool) -> None:
        Services.log.append((self.command, self.path, self.headers.get("User-Agent", "")))
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(url.query)
        if url.path == "/arxiv/query":
            body = RECORDED["arxiv"].get(query["id_list"][0])
            return self._send(200, body, "application/atom+xml") if body else self._send(500, b"unplanned id")
        if url.path.startswith("/crossref/works/"):
            doi = urllib.parse.unquote(url.path[len("/crossref/works/"):])
            recorded = RECORDED["crossref"] / f"{doi.replace('/', '_')}.json"
            if recorded.exists():
                return self._send(200, recorded.read_bytes(), "application/json")
            missing = RECORDED["crossref"] / f"{doi.replace('/', '_')}.txt"
            return self._send(404, missing.read_bytes(), "text/plain") if missing.exists() else self._send(500)
        if url.path.startswith("/save/"):  # Save Page Now's answer: a redirect to the new copy
            return self._send(302, b"", location=f"/web/20261201093000/{url.path[len('/save/'):]}")
        if url.path == "/wayback/available":
            page = urllib.parse.urlsplit(query["url"][0]).path
            name = "found" if page in ARCHIVED_PAGES else "not-found"
            return self._send(200, RECORDED["wayback"][name], "application/json")
        return self._page(url.path, head)

    # The web pages: statuses, redirects, a delay, a rate limit.
    def _page(self, path: str, head: bool) -> None:
        if path in ("/links/ok", "/links/archived"):
            return self._send(200, b"<html>a page</html>", head=head)
        if path in ("/links/gone", "/links/gone-for-good"):
            return self._send(404, b"not here", head=head)
        if path == "/links/moved":
            return self._send(301, b"", head=head, location="/links/moved-again")
        if path == "/links/moved-again":
            return self._send(308, b"", head=head, location="/links/ok")
        if path == "/links/slow":
            time.sleep(SLOW_SECONDS)
            return self._send(200, b"too late", head=head)
        if path == "/links/busy":
            if self.command not in Services.busy_answered:
                Services.busy_answered.add(self.command)
                return self._send(429, b"slow down", head=head, retry_after="0")
            return self._send(200, b"<html>a busy page</html>", head=head)
        if path == "/links/no-head":
            return self._send(405 if head else 200, b"<html>GET only</html>", head=head)
        return self._send(500, b"unplanned path", head=head)

    def _send(self, status: int, body: bytes = b"", kind: str = "text/html", head: bool = False,
              location: str = "", retry_after: str = "") -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            if location:
                self.send_header("Location", location)
            if retry_after:
                self.send_header("Retry-After", retry_after)
            self.end_headers()
            if not head:
                self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up waiting (the timeout case)
            pass


class Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False


@pytest.fixture
def server():
    Services.log, Services.busy_answered = [], set()
    httpd = Server(("127.0.0.1", 0), Services)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def settings_for(base: str) -> Settings:
    return Settings(arxiv_api=f"{base}/arxiv/query", crossref_api=f"{base}/crossref/works/",
                    wayback_api=f"{base}/wayback/available", save_api=f"{base}/save/",
                    timeout=0.2, retries=1, backoff=0.01, max_wait=0.05, budget=30,
                    host_interval=0.0, slow_hosts={})


# The planted bib, with the server's address written in; line numbers unchanged.
@pytest.fixture
def planted(tmp_path, server):
    bib = tmp_path / "bib"
    bib.mkdir()
    text = (FIXTURE / "sources.bib").read_text(encoding="utf-8").replace("BASE", server)
    (bib / "sources.bib").write_text(text, encoding="utf-8")
    return tmp_path


def run(root: Path, base: str, *args: str) -> tuple[int, str, list[str]]:
    from io import StringIO
    from contextlib import redirect_stdout

    out = StringIO()
    with redirect_stdout(out):
        status = verify_sources.main(["--bib", str(root / "bib"), "--root", str(root), *args], settings_for(base))
    text = out.getvalue()
    return status, text, re.findall(r"^(\S+:\d+:\d+: SRC\d{3})", text, re.M)


# -----------------------------------------------------------------------------
# Each planted discrepancy, at its line
# -----------------------------------------------------------------------------

EXPECTED = {
    "bib/sources.bib:15:1: SRC001",  # title differs from arXiv 1605.08386
    "bib/sources.bib:22:1: SRC002",  # same authors, other order
    "bib/sources.bib:33:1: SRC004",  # matches v1 of 2208.02957; v2 changed an author's name
    "bib/sources.bib:41:1: SRC005",  # 1805.02682v2 is withdrawn
    "bib/sources.bib:49:1: SRC006",  # arXiv has no 0001.00001
    "bib/sources.bib:65:1: SRC003",  # Crossref says 2012
    "bib/sources.bib:74:1: SRC006",  # Crossref has no 10.1371/notarealdoi
    "bib/sources.bib:82:1: SRC007",  # 404, with an archived copy
    "bib/sources.bib:90:1: SRC008",  # 404, no archived copy
    "bib/sources.bib:98:1: SRC009",  # 301 then 308
    "bib/sources.bib:98:1: SRC012",  # ... and no archived copy yet
    "bib/sources.bib:106:1: SRC010",  # never answers in time
    "bib/sources.bib:114:1: SRC012",  # 429, then fine; no archived copy yet
    "bib/sources.bib:132:1: SRC011",  # alive, and the Wayback Machine has a copy to record
}


def test_every_planted_discrepancy_is_found_at_its_line_and_nothing_else(planted, server):
    status, text, found = run(planted, server)
    assert set(found) == EXPECTED, text
    assert len(found) == len(EXPECTED), text
    assert status == 1  # there are errors


def test_exact_matches_raise_nothing(planted, server):
    status, text, found = run(planted, server, "--keys", "exact2016heat", "exact2012methylphenidate")
    assert found == [], text
    assert status == 0
    assert "Checked 2 sources: 0 error(s), 0 warning(s), 0 note(s)." in text


def test_each_message_names_the_record_and_gives_its_values_as_the_fix(planted, server):
    _, text, _ = run(planted, server)
    assert ("SRC001 entry 'titlediffers2016heat': title differs from arXiv 1605.08386v1: the record says "
            "'Heat-bath random walks with Markov bases'\n    fix: title = {Heat-bath random walks with Markov bases}"
            ) in text
    assert "the record has the same authors in another order\n    fix: author = {Stanley, Caprice and Windisch, Tobias}" \
        in text
    assert "year 2013 differs from Crossref 10.1371/journal.pone.0033693: the record says 2012\n    fix: year = {2012}" \
        in text
    assert "matches arXiv 2208.02957v1, but the current version v2 changed it" in text
    assert "fix: author = {Piantadosi, Steven T. and Hill, Felix}\n    fix: or: eprint = {2208.02957v1}" in text
    assert "arXiv 1805.02682v2 is withdrawn: 'This submission has been withdrawn by one of the authors" in text
    assert "Crossref has no DOI '10.1371/notarealdoi'" in text


def test_a_dead_link_with_a_copy_is_a_warning_naming_the_copy(planted, server):
    status, text, found = run(planted, server, "--keys", "deadarchived2004humanoid")
    assert found == ["bib/sources.bib:82:1: SRC007"]
    assert "an archived copy exists: https://web.archive.org/web/20040415020811/http://en.wikipedia.org:80/wiki/Humanoid" \
        in text
    assert "fix: archivedate = {2004-04-15}" in text
    assert status == 0  # a warning


def test_a_dead_link_without_a_copy_is_an_error(planted, server):
    status, text, found = run(planted, server, "--keys", "deadnocopy2025")
    assert found == ["bib/sources.bib:90:1: SRC008"]
    assert status == 1


def test_a_permanent_redirect_chain_is_reported_with_its_end(planted, server):
    _, text, _ = run(planted, server, "--keys", "redirected2020")
    assert f"{server}/links/moved moved permanently to {server}/links/ok (301 -> 308)" in text
    assert f"fix: url = {{{server}/links/ok}}" in text


def test_a_timeout_is_retried_then_reported_as_not_checked(planted, server):
    started = time.monotonic()
    status, text, found = run(planted, server, "--keys", "timeout2021")
    assert found == ["bib/sources.bib:106:1: SRC010"]
    assert "no answer within 0.2 s after 2 attempts" in text
    assert [entry[:2] for entry in Services.log if entry[1] == "/links/slow"] == [("HEAD", "/links/slow")] * 2
    assert status == 0  # a network failure is a warning
    assert time.monotonic() - started < 3


def test_429_is_retried_and_the_second_answer_counts(planted, server):
    _, text, found = run(planted, server, "--keys", "ratelimited2022")
    assert found == ["bib/sources.bib:114:1: SRC012"]  # alive; only the note about the archive
    assert [entry[:2] for entry in Services.log if entry[1] == "/links/busy"] == [("HEAD", "/links/busy")] * 2


def test_a_server_that_refuses_head_is_asked_with_get(planted, server):
    _, text, found = run(planted, server, "--keys", "headrefused2023")
    assert found == [], text
    assert [entry[:2] for entry in Services.log if entry[1] == "/links/no-head"] == [
        ("HEAD", "/links/no-head"), ("GET", "/links/no-head")]


def test_every_request_names_the_project_and_its_repository(planted, server):
    run(planted, server)
    agents = {agent for _, _, agent in Services.log}
    assert agents == {verify_sources.USER_AGENT}
    assert "https://github.com/alignment-basics/alignment-basics" in verify_sources.USER_AGENT


def test_arxiv_is_asked_for_earlier_versions_only_when_the_latest_differs(planted, server):
    run(planted, server, "--keys", "exact2016heat", "laterversion2022meaning")
    asked = [urllib.parse.parse_qs(urllib.parse.urlsplit(path).query)["id_list"][0]
             for _, path, _ in Services.log if path.startswith("/arxiv/")]
    assert asked == ["1605.08386", "2208.02957", "2208.02957v1"]


# -----------------------------------------------------------------------------
# Reports and choosing entries
# -----------------------------------------------------------------------------


def test_json_and_markdown_reports_hold_every_problem(planted, server):
    report, summary = planted / "report.json", planted / "summary.md"
    run(planted, server, "--json", str(report), "--markdown", str(summary))
    data = json.loads(report.read_text())
    assert {f"{p['path']}:{p['line']}:{p['col']}: {p['code']}" for p in data["problems"]} == EXPECTED
    assert data["sources_checked"] == 16
    withdrawn = next(p for p in data["problems"] if p["code"] == "SRC005")
    assert (withdrawn["key"], withdrawn["name"], withdrawn["severity"]) == ("withdrawn2018predicting", "withdrawn",
                                                                           "error")
    redirect = next(link for link in data["links"] if link["key"] == "redirected2020")
    assert [step["status"] for step in redirect["redirects"]] == [301, 308]
    markdown = summary.read_text()
    assert markdown.startswith("## Sources check")
    assert "| `bib/sources.bib:41` | SRC005 withdrawn (error) | `withdrawn2018predicting` |" in markdown


def test_changed_since_checks_only_the_entries_a_change_touches(planted, server):
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q"], cwd=planted, check=True)
    subprocess.run([*git, "add", "bib"], cwd=planted, check=True)
    subprocess.run([*git, "commit", "-qm", "bib"], cwd=planted, check=True)
    bib = planted / "bib" / "sources.bib"
    bib.write_text(bib.read_text().replace("Heat-bath random walks with lattice bases",
                                           "Heat-bath random walks with other bases"))
    _, text, found = run(planted, server, "--changed-since", "HEAD")
    assert found == ["bib/sources.bib:15:1: SRC001"]
    assert "Checked 1 source:" in text


def test_an_unknown_key_is_refused_with_a_message(planted, server, capsys):
    assert verify_sources.main(["--bib", str(planted / "bib"), "--root", str(planted), "--keys", "nosuchkey"],
                               settings_for(server)) == 2
    assert "no entry nosuchkey" in capsys.readouterr().err


# -----------------------------------------------------------------------------
# Comparison rules
# -----------------------------------------------------------------------------


def test_titles_compare_without_case_braces_latex_or_punctuation():
    norm = verify_sources.normal_title
    assert norm("Constitutional {AI}: Harmlessness from {AI} Feedback") == \
        norm("Constitutional AI: harmlessness from AI feedback")
    assert norm("Categorizing Variants of {Goodhart's} Law") == norm("Categorizing variants of Goodhart’s law")
    assert norm("Sch{\\\"o}n  und\n  gut") == norm("Schön und gut")
    assert norm("Defining and Characterizing Reward Hacking") != norm("Defining and Characterizing Reward Gaming")


def test_family_names_read_both_name_orders_and_accents():
    family = verify_sources.family_name
    assert family("Chris van Merwijk") == family("van Merwijk, Chris") == "vanmerwijk"
    assert family("S{\\\"o}ren Mindermann") == family("Sören Mindermann") == "mindermann"


def test_and_others_stands_for_the_authors_after_those_named():
    from pybtex.database import parse_string

    def author_problems(authors: str, record_authors: list[str]) -> list[str]:
        entry = parse_string(f"@misc{{k, title={{T}}, author={{{authors}}}, year={{2022}}}}", "bibtex").entries["k"]
        record = verify_sources.Record("T", record_authors, "2022", source="Crossref")
        return [message for field_name, message, _ in verify_sources.differences(entry, record, "equal")
                if field_name == "author"]

    record = ["Yuntao Bai", "Saurav Kadavath", "Sandipan Kundu"]
    assert author_problems("Bai, Yuntao and Kadavath, Saurav and others", record) == []
    assert author_problems("Bai, Yuntao and others", record) == []
    # Named authors still have to be the record's first ones, in its order.
    assert author_problems("Kadavath, Saurav and others", record) == [
        "authors differ from Crossref: the record has family name 'bai' where the entry has 'kadavath'"]
    # "and others" where the record has no one more is a wrong author list too.
    assert author_problems("Bai, Yuntao and Kadavath, Saurav and Kundu, Sandipan and others", record) == [
        "authors differ from Crossref: the record has 3 authors where the entry names 3 and others"]
    assert author_problems("Bai, Yuntao and Kadavath, Saurav", record) == [
        "authors differ from Crossref: the record has 3 authors where the entry has 2"]
    # "others" alone names no one; a list the record has in another order says so.
    assert author_problems("others", record) == [
        "authors differ from Crossref: the record has 3 authors where the entry names none, only 'others'"]
    assert author_problems("Kadavath, Saurav and Bai, Yuntao and others", record[:2]) == [
        "authors differ from Crossref: the record has 2 authors, in another order where the entry names 2 and others"]


# -----------------------------------------------------------------------------
# The SRC codes are documented like the build's
# -----------------------------------------------------------------------------


def test_every_src_code_is_documented_for_contributors():
    docs = (ROOT / "docs" / "contributing" / "citation-checks.md").read_text(encoding="utf-8")
    for code, (kind, _) in SOURCE_KINDS.items():
        assert f"### {code} {kind.name}" in docs, f"{code} is not documented"


def test_every_src_code_is_exercised_by_the_planted_bib():
    assert {line.rsplit(" ", 1)[1] for line in EXPECTED} == set(SOURCE_KINDS)


def test_make_never_runs_verify_sources_in_build_or_test():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    targets = dict(re.findall(r"^([a-z-]+):[^\n]*\n((?:\t[^\n]*\n)*)", makefile, re.M))
    assert "verify_sources" in targets["verify-sources"]
    assert "verify_sources" not in targets["build"] + targets["test"]


# -----------------------------------------------------------------------------
# The workflow
# -----------------------------------------------------------------------------


def test_the_workflow_runs_weekly_by_hand_and_on_bib_changes_with_least_privilege():
    import yaml

    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "verify-sources.yml").read_text(encoding="utf-8"))
    triggers = workflow[True]  # PyYAML reads the key `on` as True
    assert set(triggers) == {"schedule", "workflow_dispatch", "pull_request"}
    assert triggers["pull_request"]["paths"] == ["bib/**"]
    assert workflow["permissions"] == {}
    jobs = workflow["jobs"]
    assert {name: job["permissions"] for name, job in jobs.items()} == {
        "check-all": {"contents": "read"}, "report-issue": {"issues": "write"},
        "check-changed": {"contents": "read"}}
    # The job that talks to the network holds no write permission; the one that writes the issue
    # runs no project code, only gh on the report.
    assert not any("checkout@" in step.get("uses", "") for step in jobs["report-issue"]["steps"])
    changed = " ".join(step.get("run", "") for step in jobs["check-changed"]["steps"])
    assert "--changed-since $BASE_SHA" in changed
    assert jobs["check-changed"]["if"] == "github.event_name == 'pull_request'"


# -----------------------------------------------------------------------------
# Readers see the archived copy beside the reference
# -----------------------------------------------------------------------------


def test_archived_copy_is_a_web_link_with_its_date_or_nothing():
    from citelib import archive as archive_links

    copy = archive_links.archived_copy({"archiveurl": " https://web.archive.org/web/2004/x ", "archivedate": "2004-04-15"})
    assert copy == archive_links.ArchivedCopy("https://web.archive.org/web/2004/x", "2004-04-15")
    assert archive_links.archived_copy_html(copy) == \
        '<a class="archived-copy" href="https://web.archive.org/web/2004/x">Archived copy</a> (2004-04-15).'
    assert archive_links.archived_copy({"ArchiveURL": "https://a.example/x"}).date == ""  # fields ignore case
    assert archive_links.archived_copy({"archiveurl": "https://a.example/x", "archivedate": "soon"}).date == ""
    assert archive_links.archived_copy({"archiveurl": "javascript:alert(1)"}) is None
    assert archive_links.archived_copy({"url": "https://a.example/x"}) is None


def test_footnotes_and_the_sources_page_show_the_archived_copy(tmp_path):
    from bs4 import BeautifulSoup

    from sitebuild import build_site

    site = FIXTURE / "archived-copy"
    copy_dir = tmp_path / "fixture"
    shutil.copytree(site, copy_dir, ignore=shutil.ignore_patterns(".cache"))
    (copy_dir / "mkdocs.yml").write_text(
        (site / "mkdocs.yml").read_text(encoding="utf-8")
        .replace("../../base.yml", str(FIXTURE.parent / "base.yml"))
        .replace("../../../../hooks/", f"{ROOT / 'hooks'}/"), encoding="utf-8")
    built = build_site(copy_dir / "mkdocs.yml", tmp_path / "out")
    archive = "https://web.archive.org/web/20040415020811/http://en.wikipedia.org:80/wiki/Humanoid"
    page = BeautifulSoup((built / "claims" / "page" / "index.html").read_text(encoding="utf-8"), "html.parser")
    sources = BeautifulSoup((built / "sources" / "index.html").read_text(encoding="utf-8"), "html.parser")
    for place in (page.select_one("li#fn\\:example2004humanoid"), sources.select_one("li#source-example2004humanoid")):
        link = place.select_one("a.archived-copy")
        assert link["href"] == archive and link.text == "Archived copy"
        assert "Archived copy (2004-04-15)." in place.get_text()
    for place in (page.select_one("li#fn\\:example2005plain"), sources.select_one("li#source-example2005plain")):
        assert place.select_one("a.archived-copy") is None


# -----------------------------------------------------------------------------
# More of the rules
# -----------------------------------------------------------------------------


def test_a_pinned_version_is_compared_with_itself_and_a_later_change_is_named(tmp_path, server):
    (tmp_path / "bib").mkdir()
    (tmp_path / "bib" / "pinned.bib").write_text("""@misc{pinned2022meaning,
  author        = {Piantasodi, Steven T. and Hill, Felix},
  title         = {Meaning without reference in large language models},
  year          = {2022},
  eprint        = {2208.02957v1},
  archivePrefix = {arXiv}
}
""", encoding="utf-8")
    status, text, found = run(tmp_path, server)
    assert found == ["bib/pinned.bib:5:1: SRC004"], text
    assert "cites arXiv 2208.02957v1; the current version v2 differs" in text
    assert status == 0


def test_the_time_budget_bounds_every_retry():
    now = [0.0]
    http = verify_sources.Http(Settings(budget=5.0, backoff=10.0, host_interval=0.0),
                               clock=lambda: now[0], sleep=lambda seconds: now.__setitem__(0, now[0] + seconds))
    http._once = lambda *args: verify_sources.Response(503, "https://x.example/", {})
    with pytest.raises(verify_sources.Unreachable, match="time budget is spent"):
        http.request("GET", "https://x.example/")
    assert now[0] == 0.0  # the 10 s wait would pass the budget, so it is not even started


def test_a_servers_retry_after_is_honoured_up_to_the_cap():
    waits = []
    answers = iter([verify_sources.Response(429, "u", {"retry-after": "7"}), verify_sources.Response(200, "u", {})])
    http = verify_sources.Http(Settings(max_wait=5.0, host_interval=0.0), sleep=waits.append)
    http._once = lambda *args: next(answers)
    assert http.request("GET", "https://x.example/").status == 200
    assert waits == [5.0]


def test_the_recorded_responses_are_the_files_the_readme_lists():
    import hashlib

    listed = dict(line.split()[::-1] for line in (FIXTURE / "README.md").read_text(encoding="utf-8").splitlines()
                  if re.fullmatch(r"\s+[0-9a-f]{64}  \S+", line))
    on_disk = {str(path.relative_to(FIXTURE)): hashlib.sha256(path.read_bytes()).hexdigest()
               for folder in ("arxiv", "crossref", "wayback") for path in (FIXTURE / folder).iterdir()}
    assert on_disk == listed


def test_save_asks_for_a_fresh_copy_of_a_live_page_and_suggests_it(planted, server):
    _, text, found = run(planted, server, "--save", "--keys", "archivable2024", "deadnocopy2025")
    assert found == ["bib/sources.bib:90:1: SRC008", "bib/sources.bib:132:1: SRC011"], text
    assert f"the Wayback Machine made a fresh copy of {server}/links/archived" in text
    assert f"fix: archiveurl = {{https://web.archive.org/web/20261201093000/{server}/links/archived}}" in text
    assert "fix: archivedate = {2026-12-01}" in text
    saved = [path for _, path, _ in Services.log if path.startswith("/save/")]
    assert saved == [f"/save/{server}/links/archived"]  # a dead page is not saved (it would keep a 404)
