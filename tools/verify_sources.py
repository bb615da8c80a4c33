"""Check every source in bib/ against arXiv, Crossref and the live web: `make verify-sources`.

Usage: python tools/verify_sources.py [--bib DIR] [--json FILE] [--markdown FILE] [--save]
                                      [--changed-since GIT-REF] [--keys KEY ...]

The one command of the project that uses the network; `make build` and `make test` never do.
For each entry read from bib/ (with the build's own reader, hooks/citelib/bib.py):

- an arXiv `eprint` is looked up in the arXiv API and a `doi` in Crossref; title, author family
  names (in order) and year are compared with the record. arXiv answers with the latest version;
  when the entry matches an earlier version instead, the change between versions is reported as
  such (each version is asked for as `id_list=<id>v<n>`);
- the `url` is checked: HEAD, then GET when HEAD is refused; redirects are followed and the
  permanent ones reported; timeouts, 429 and 5xx are retried with back-off, within a bound on
  retries and on total time; one request at a time per host, at a polite interval;
- a web source (neither arXiv nor DOI) is looked up in the Wayback Machine's availability API;
  `--save` asks Save Page Now for a fresh copy of each live one.

Problems are printed ruff-style (`path:line:col: CODE message`, then the record's values as the
fix), and optionally written as JSON and as a Markdown summary (for $GITHUB_STEP_SUMMARY). The
exit status is 1 when any problem is an error, else 0: a service that could not be reached is a
warning, never an error. docs/contributing/citation-checks.md explains every SRC code.
"""

from __future__ import annotations

import argparse
import codecs
import datetime as dt
import email.utils
import html
import json
import re
import socket
import subprocess
import sys
import threading
import time
import unicodedata
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "hooks"))

import latexcodec  # noqa: E402,F401  (registers the "ulatex" codec; a dependency of pybtex)
from pybtex.database import Person  # noqa: E402

from citelib import bib as bibfiles  # noqa: E402
from citelib.diagnostics import Kind, Report  # noqa: E402

REPO_URL = "https://github.com/alignment-basics/alignment-basics"
USER_AGENT = f"alignment-basics-verify-sources/1.0 (+{REPO_URL})"

# -----------------------------------------------------------------------------
# Problem kinds (documented in docs/contributing/citation-checks.md, like the build's codes)
# -----------------------------------------------------------------------------

ERROR, WARNING, NOTE = "error", "warning", "note"

SOURCE_KINDS: dict[str, tuple[Kind, str]] = {
    kind.code: (kind, severity)
    for kind, severity in (
        (Kind("SRC001", "title-mismatch", "Copy the title from the record."), ERROR),
        (Kind("SRC002", "author-mismatch", "Copy the authors, in order, from the record."), ERROR),
        (Kind("SRC003", "year-mismatch", "Copy the year from the record."), ERROR),
        (Kind("SRC004", "changed-between-versions",
              "Cite the current version's details, or pin the version you read (eprint = {<id>v<n>})."),
         WARNING),
        (Kind("SRC005", "withdrawn", "Cite another source, or an earlier version and say why."), ERROR),
        (Kind("SRC006", "identifier-not-found", "Correct the arXiv id or DOI, or remove it."), ERROR),
        (Kind("SRC007", "dead-link-archived", "Point url at the source's new address, or keep the "
              "archived copy in archiveurl/archivedate."), WARNING),
        (Kind("SRC008", "dead-link", "Find the source's new address, or another source."), ERROR),
        (Kind("SRC009", "permanent-redirect", "Replace url with the address it redirects to."), WARNING),
        (Kind("SRC010", "not-checked", "Check the source by hand; run make verify-sources again later."),
         WARNING),
        (Kind("SRC011", "archive-available", "Add the archived copy to the entry."), NOTE),
        (Kind("SRC012", "no-archived-copy", "Run make verify-sources SAVE=1 to ask for a copy."), NOTE),
    )
}


# One problem of one entry, with the record's values as its fix.
@dataclass(frozen=True, order=True)
class Finding:
    path: str
    line: int
    col: int
    code: str
    message: str
    key: str = ""
    fix: str = ""

    @property
    def kind(self) -> Kind:
        return SOURCE_KINDS[self.code][0]

    @property
    def severity(self) -> str:
        return SOURCE_KINDS[self.code][1]

    def format(self) -> str:
        lines = [f"{self.path}:{self.line}:{self.col}: {self.code} {self.message}"]
        lines += [f"    fix: {line}" for line in self.fix.splitlines()] if self.fix else []
        lines.append(f"    hint: {self.kind.fix}")
        return "\n".join(lines)

    def as_json(self) -> dict:
        return {**asdict(self), "name": self.kind.name, "severity": self.severity}


# -----------------------------------------------------------------------------
# Settings
# -----------------------------------------------------------------------------


# Where the services live and how patient to be; the tests point the addresses at a local server.
@dataclass
class Settings:
    arxiv_api: str = "https://export.arxiv.org/api/query"
    crossref_api: str = "https://api.crossref.org/works/"
    wayback_api: str = "https://archive.org/wayback/available"
    save_api: str = "https://web.archive.org/save/"
    user_agent: str = USER_AGENT
    timeout: float = 20.0          # seconds for one request
    retries: int = 3               # extra attempts after a timeout, 429 or 5xx
    backoff: float = 2.0           # first wait; doubles on each retry
    max_wait: float = 60.0         # cap on one wait (also on a server's Retry-After)
    budget: float = 1800.0         # seconds for the whole run; later requests are not made
    host_interval: float = 1.0     # seconds between two requests to one host
    # arXiv asks for one request every 3 seconds.
    slow_hosts: dict[str, float] = field(default_factory=lambda: {"export.arxiv.org": 3.0})
    max_versions: int = 6          # earlier arXiv versions looked at, newest first
    max_redirects: int = 10
    save: bool = False


# -----------------------------------------------------------------------------
# HTTP: one polite client
# -----------------------------------------------------------------------------


@dataclass
class Response:
    status: int
    url: str
    headers: dict[str, str]
    body: bytes = b""

    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


# Raised when a request cannot get an answer (after retries), or the run's time is spent.
class Unreachable(Exception):
    pass


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Http:
    RETRY_STATUSES = {429, 500, 502, 503, 504}

    def __init__(self, settings: Settings, clock=time.monotonic, sleep=time.sleep) -> None:
        self.settings, self.clock, self.sleep = settings, clock, sleep
        self.deadline = clock() + settings.budget
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()
        self._opener = urllib.request.build_opener(_NoRedirect)
        self.requests = 0

    # One request, retried on timeouts, 429 and 5xx; redirects are returned, not followed.
    def request(self, method: str, url: str, accept: str = "*/*", limit: int = 2_000_000) -> Response:
        attempt = 0
        while True:
            self._wait_for_host(url)
            try:
                response = self._once(method, url, accept, limit)
            except (TimeoutError, socket.timeout) as error:
                failure, wait = f"no answer within {self.settings.timeout:g} s", None
                last = error
            except urllib.error.URLError as error:
                if isinstance(error.reason, (TimeoutError, socket.timeout)):
                    failure, wait, last = f"no answer within {self.settings.timeout:g} s", None, error
                else:
                    raise Unreachable(f"cannot connect ({error.reason})") from error
            except (ConnectionError, OSError) as error:
                raise Unreachable(f"cannot connect ({error})") from error
            else:
                if response.status not in self.RETRY_STATUSES:
                    return response
                failure, wait, last = f"HTTP {response.status}", _retry_after(response.headers), None
            if attempt >= self.settings.retries:
                raise Unreachable(f"{failure} after {attempt + 1} attempts") from last
            wait = min(wait if wait is not None else self.settings.backoff * 2 ** attempt, self.settings.max_wait)
            if self.clock() + wait > self.deadline:
                raise Unreachable(f"{failure}; the run's time budget is spent") from last
            self.sleep(wait)
            attempt += 1

    def _once(self, method: str, url: str, accept: str, limit: int) -> Response:
        request = urllib.request.Request(url, method=method,
                                         headers={"User-Agent": self.settings.user_agent, "Accept": accept})
        self.requests += 1
        try:
            answer = self._opener.open(request, timeout=self.settings.timeout)
        except urllib.error.HTTPError as error:  # 3xx (not followed), 4xx, 5xx
            body = error.read(limit) if method != "HEAD" else b""
            return Response(error.code, url, {k.lower(): v for k, v in error.headers.items()}, body)
        with answer:
            body = answer.read(limit) if method != "HEAD" else b""
            return Response(answer.status, url, {k.lower(): v for k, v in answer.headers.items()}, body)

    # One request at a time per host, `host_interval` apart.
    def _wait_for_host(self, url: str) -> None:
        host = urllib.parse.urlsplit(url).netloc.lower()
        interval = self.settings.slow_hosts.get(host, self.settings.host_interval)
        with self._lock:
            now = self.clock()
            if now > self.deadline:
                raise Unreachable("the run's time budget is spent")
            start = max(now, self._next.get(host, now))
            self._next[host] = start + interval
        if start > now:
            self.sleep(start - now)


def _retry_after(headers: dict[str, str]) -> float | None:
    value = headers.get("retry-after", "").strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - dt.datetime.now(dt.timezone.utc)).total_seconds())


# -----------------------------------------------------------------------------
# Links
# -----------------------------------------------------------------------------


@dataclass
class LinkResult:
    url: str
    status: int | None = None
    final_url: str = ""
    chain: list[tuple[int, str]] = field(default_factory=list)  # (status, address) of each redirect
    method: str = "HEAD"
    error: str = ""

    @property
    def alive(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    # Gone for sure: the server itself says so (not a refusal to robots, not a failure to connect).
    @property
    def dead(self) -> bool:
        return self.status in (404, 410, 451)

    @property
    def permanent(self) -> bool:
        return bool(self.chain) and all(status in (301, 308) for status, _ in self.chain)


# HEAD, then GET when the server answers HEAD with anything but success (many refuse HEAD);
# redirects are followed, and recorded, by hand. A HEAD that gets no answer at all is not tried
# again as GET: the retries have already been spent on it.
def check_link(http: Http, url: str) -> LinkResult:
    result = _follow(http, "HEAD", url)
    if result.status is not None and not result.alive:
        result = _follow(http, "GET", url)
    return result


def _follow(http: Http, method: str, url: str) -> LinkResult:
    result, address = LinkResult(url, method=method), url
    for _ in range(http.settings.max_redirects + 1):
        try:
            response = http.request(method, address, limit=65536)
        except Unreachable as error:
            result.error = str(error)
            return result
        location = response.headers.get("location")
        if response.status in (301, 302, 303, 307, 308) and location:
            result.chain.append((response.status, address))
            address = urllib.parse.urljoin(address, location)
            continue
        result.status, result.final_url = response.status, address
        return result
    result.error = f"more than {http.settings.max_redirects} redirects"
    return result


# -----------------------------------------------------------------------------
# Records: what arXiv and Crossref say
# -----------------------------------------------------------------------------


@dataclass
class Record:
    title: str
    authors: list[str]          # names as the service gives them, in order
    year: str
    version: int = 0            # arXiv only
    withdrawn: str = ""         # arXiv only: the withdrawal notice
    source: str = ""


ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV_NS = "{http://arxiv.org/schemas/atom}"
WITHDRAWN = re.compile(r"\bwithdrawn\b", re.I)


class NotFound(Exception):
    pass


# The arXiv API's answer for one id (or one version, `2105.14111v1`).
def arxiv_record(http: Http, identifier: str) -> Record:
    query = urllib.parse.urlencode({"id_list": identifier, "max_results": "1"})
    response = http.request("GET", f"{http.settings.arxiv_api}?{query}", accept="application/atom+xml")
    if response.status == 400:
        raise NotFound(f"arXiv does not accept the id '{identifier}'")
    if response.status != 200:
        raise Unreachable(f"arXiv answered HTTP {response.status}")
    try:
        feed = ET.fromstring(response.body)
    except ET.ParseError as error:
        raise Unreachable(f"arXiv answered with malformed XML ({error})") from error
    for entry in feed.iter(f"{ATOM}entry"):
        entry_id = (entry.findtext(f"{ATOM}id") or "").strip()
        if "/api/errors" in entry_id or not entry.findtext(f"{ATOM}title"):
            continue
        version = re.search(r"v(\d+)$", entry_id)
        notice = " ".join(text for text in (entry.findtext(f"{ARXIV_NS}comment"), entry.findtext(f"{ATOM}summary"))
                          if text and WITHDRAWN.search(text))
        return Record(
            title=_spaces(entry.findtext(f"{ATOM}title") or ""),
            authors=[_spaces(author.findtext(f"{ATOM}name") or "") for author in entry.findall(f"{ATOM}author")],
            year=(entry.findtext(f"{ATOM}published") or "")[:4],
            version=int(version[1]) if version else 0,
            withdrawn=_spaces(notice),
            source=f"arXiv {entry_id.rsplit('/abs/', 1)[-1]}")
    raise NotFound(f"arXiv has no paper '{identifier}'")


# Crossref's record of one DOI.
def crossref_record(http: Http, doi: str) -> Record:
    url = http.settings.crossref_api + urllib.parse.quote(doi, safe="/")
    response = http.request("GET", url, accept="application/json")
    if response.status == 404:
        raise NotFound(f"Crossref has no DOI '{doi}'")
    if response.status != 200:
        raise Unreachable(f"Crossref answered HTTP {response.status}")
    try:
        message = json.loads(response.body)["message"]
    except (ValueError, KeyError, TypeError) as error:
        raise Unreachable(f"Crossref answered with malformed JSON ({error})") from error
    names = []
    for author in message.get("author", []):
        given, family = author.get("given", ""), author.get("family", "")
        names.append(f"{family}, {given}" if family and given else family or author.get("name", ""))
    year = ""
    for name in ("issued", "published-print", "published-online", "published"):
        parts = (message.get(name) or {}).get("date-parts") or [[None]]
        if parts[0] and parts[0][0]:
            year = str(parts[0][0])
            break
    titles = message.get("title") or [""]
    return Record(title=_spaces(re.sub(r"<[^>]+>", "", html.unescape(titles[0]))), authors=names, year=year,
                  source=f"Crossref {doi}")


# -----------------------------------------------------------------------------
# Comparing an entry with a record
# -----------------------------------------------------------------------------


def _spaces(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


# LaTeX to plain Unicode: accents decoded, commands and braces gone.
def _plain(latex: str) -> str:
    try:
        text = codecs.decode(latex, "ulatex")
    except Exception:  # an unusual command; keep the text and strip what is left below
        text = latex
    text = re.sub(r"\\[A-Za-z]+\*?\s*", "", text)
    return _spaces(text.replace("{", "").replace("}", "").replace("~", " "))


# Title as compared: case, braces, LaTeX, punctuation and spacing do not count.
def normal_title(title: str) -> str:
    text = unicodedata.normalize("NFKC", _plain(title)).casefold()
    return " ".join(re.findall(r"\w+", text))


def _fold(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", _plain(name))
    return "".join(char for char in decomposed if char.isalnum()).casefold()


# Family name of a name written "Given Family" or "Family, Given" (von-parts included).
def family_name(name: str) -> str:
    person = Person(name)
    return _fold(" ".join(person.prelast_names + person.last_names)) or _fold(name)


# The family names of an entry's authors, and whether it ends "and others" (more authors follow).
def _bib_families(entry) -> tuple[list[str], bool]:
    persons = entry.persons.get("author", [])
    more = bool(persons) and str(persons[-1]) == "others"
    named = persons[:-1] if more else persons
    return [_fold(" ".join(person.prelast_names + person.last_names)) for person in named], more


# Differences between an entry and a record, as (field, message, fix) triples.
def differences(entry, record: Record, year_rule: str) -> list[tuple[str, str, str]]:
    found = []
    if normal_title(entry.fields.get("title", "")) != normal_title(record.title):
        found.append(("title", f"title differs from {record.source}: the record says '{record.title}'",
                      f"title = {{{record.title}}}"))
    (mine, more), theirs = _bib_families(entry), [family_name(name) for name in record.authors]
    # "and others" stands for the authors after those named: the record must have some.
    listed = theirs[:len(mine)] if more else theirs
    if mine != listed or (more and len(theirs) <= len(mine)) or (more and not mine):
        if more and not mine:
            what = f"{len(theirs)} authors where the entry names none, only 'others'"
        elif more and len(theirs) <= len(mine):
            order = ", in another order" if sorted(mine[:len(theirs)]) == sorted(theirs) != mine[:len(theirs)] else ""
            what = f"{len(theirs)} authors{order} where the entry names {len(mine)} and others"
        elif sorted(mine) == sorted(listed):
            what = "the same authors in another order"
        elif len(mine) != len(listed):
            what = f"{len(theirs)} authors where the entry has {len(mine)}"
        else:
            pairs = [(a, b) for a, b in zip(mine, listed) if a != b]
            what = "; ".join(f"family name '{b}' where the entry has '{a}'" for a, b in pairs[:3])
        found.append(("author", f"authors differ from {record.source}: the record has {what}",
                      "author = {" + " and ".join(_bibtex_name(name) for name in record.authors) + "}"))
    year = entry.fields.get("year", "").strip()
    wrong = year != record.year if year_rule == "equal" else (year.isdigit() and year < record.year)
    if record.year and wrong:
        relation = "" if year_rule == "equal" else " (a venue's year cannot precede the preprint)"
        found.append(("year", f"year {year} differs from {record.source}: the record says {record.year}{relation}",
                      f"year = {{{record.year}}}"))
    return found


def _bibtex_name(name: str) -> str:
    if "," in name:
        return name
    person = Person(name)
    family = " ".join(person.prelast_names + person.last_names)
    given = " ".join(person.first_names + person.middle_names)
    return f"{family}, {given}" if given else f"{{{family}}}"


# -----------------------------------------------------------------------------
# Checking entries
# -----------------------------------------------------------------------------

CODES = {"title": "SRC001", "author": "SRC002", "year": "SRC003"}
ARXIV_HOSTS = {"arxiv.org", "www.arxiv.org", "export.arxiv.org"}
DOI_HOSTS = {"doi.org", "dx.doi.org", "www.doi.org"}
PREPRINT_TYPES = {"misc", "online", "unpublished", "techreport"}


@dataclass
class Outcome:
    findings: list[Finding] = field(default_factory=list)
    links: list[dict] = field(default_factory=list)


class Verifier:
    def __init__(self, settings: Settings, http: Http | None = None) -> None:
        self.settings = settings
        self.http = http or Http(settings)
        self.today = dt.date.today().isoformat()

    def check(self, sources: list[bibfiles.Source]) -> Outcome:
        outcome = Outcome()
        for source in sources:
            self._check_source(source, outcome)
        return outcome

    def _check_source(self, source: bibfiles.Source, outcome: Outcome) -> None:
        fields = source.entry.fields
        add = lambda code, line, message, fix="": outcome.findings.append(  # noqa: E731
            Finding(source.path, line, 1, code, message, source.key, fix))
        eprint = fields.get("eprint", "").strip()
        is_arxiv = eprint and fields.get("archiveprefix", "arXiv").strip().lower() == "arxiv"
        if is_arxiv:
            self._check_arxiv(source, eprint, add)
        doi = fields.get("doi", "").strip()
        if doi:
            self._check_crossref(source, doi, add)
        url = fields.get("url", "").strip()
        if url and not bibfiles.url_problem(url):
            web = not is_arxiv and not doi and urllib.parse.urlsplit(url).netloc.lower() not in ARXIV_HOSTS | DOI_HOSTS
            self._check_url(source, url, web, add, outcome)

    # --- arXiv, version-aware ---------------------------------------------------------------

    def _check_arxiv(self, source, eprint: str, add) -> None:
        entry, line = source.entry, source.place("eprint")[0]
        pinned = re.search(r"v(\d+)$", eprint)
        base = eprint[: pinned.start()] if pinned else eprint
        try:
            latest = arxiv_record(self.http, base)
        except NotFound as error:
            add("SRC006", line, f"entry '{source.key}': {error}")
            return
        except Unreachable as error:
            add("SRC010", line, f"entry '{source.key}': arXiv {base} not checked: {error}")
            return
        if latest.withdrawn:
            add("SRC005", line, f"entry '{source.key}': arXiv {base}v{latest.version} is withdrawn: "
                f"'{_shorten(latest.withdrawn)}'")
        year_rule = "equal" if entry.type.lower() in PREPRINT_TYPES else "not-before"
        if pinned:
            self._check_pinned(source, base, int(pinned[1]), latest, year_rule, add)
            return
        found = differences(entry, latest, year_rule)
        if not found:
            return
        earlier = self._matching_earlier_version(source, base, latest, year_rule)
        if earlier is not None:
            what = "; ".join(message.split(": ", 1)[-1] for _, message, _ in found)
            add("SRC004", line, f"entry '{source.key}' matches arXiv {base}v{earlier.version}, but the current "
                f"version v{latest.version} changed it: {what}",
                "\n".join(fix for _, _, fix in found) + f"\nor: eprint = {{{base}v{earlier.version}}}")
            return
        for name, message, fix in found:
            add(CODES[name], source.place(name)[0], f"entry '{source.key}': {message}", fix)

    def _check_pinned(self, source, base, version, latest, year_rule, add) -> None:
        try:
            record = latest if version == latest.version else arxiv_record(self.http, f"{base}v{version}")
        except NotFound as error:
            add("SRC006", source.place("eprint")[0], f"entry '{source.key}': {error}")
            return
        except Unreachable as error:
            add("SRC010", source.place("eprint")[0], f"entry '{source.key}': arXiv {base}v{version} not checked: "
                f"{error}")
            return
        for name, message, fix in differences(source.entry, record, year_rule):
            add(CODES[name], source.place(name)[0], f"entry '{source.key}': {message}", fix)
        if record is not latest:
            changed = [(name, message) for name, message, _ in
                       differences(_entry_like(record, source.entry), latest, year_rule) if name != "year"]
            if changed:
                what = "; ".join(message.split(": ", 1)[-1] for _, message in changed)
                add("SRC004", source.place("eprint")[0], f"entry '{source.key}' cites arXiv {base}v{version}; "
                    f"the current version v{latest.version} differs: {what}")

    # Newest earlier version whose title, authors and year all match the entry.
    def _matching_earlier_version(self, source, base, latest, year_rule) -> Record | None:
        lowest = max(1, latest.version - self.settings.max_versions)
        for version in range(latest.version - 1, lowest - 1, -1):
            try:
                record = arxiv_record(self.http, f"{base}v{version}")
            except (NotFound, Unreachable):
                return None
            if not differences(source.entry, record, year_rule):
                return record
        return None

    # --- Crossref -----------------------------------------------------------------------------

    def _check_crossref(self, source, doi: str, add) -> None:
        try:
            record = crossref_record(self.http, doi)
        except NotFound as error:
            add("SRC006", source.place("doi")[0], f"entry '{source.key}': {error}")
            return
        except Unreachable as error:
            add("SRC010", source.place("doi")[0], f"entry '{source.key}': DOI {doi} not checked: {error}")
            return
        for name, message, fix in differences(source.entry, record, "equal"):
            add(CODES[name], source.place(name)[0], f"entry '{source.key}': {message}", fix)

    # --- Links and archived copies ---------------------------------------------------------------

    def _check_url(self, source, url: str, web: bool, add, outcome: Outcome) -> None:
        line = source.place("url")[0]
        result = check_link(self.http, url)
        record = {"key": source.key, "url": url, "status": result.status, "final_url": result.final_url,
                  "redirects": [{"status": status, "url": address} for status, address in result.chain],
                  "method": result.method, "error": result.error}
        outcome.links.append(record)
        if result.alive and result.permanent:
            add("SRC009", line, f"entry '{source.key}': {url} moved permanently to {result.final_url} "
                f"({' -> '.join(str(status) for status, _ in result.chain)})", f"url = {{{result.final_url}}}")
        if result.alive:
            record["seen_alive"] = self.today
        if not web:
            if result.dead:
                add("SRC008", line, f"entry '{source.key}': {url} answers HTTP {result.status}")
            elif not result.alive:
                add("SRC010", line, f"entry '{source.key}': {url} not checked: {_why(result)}")
            return
        snapshot = self._snapshot(source, url, add)
        record["archive"] = snapshot
        if result.dead:
            if snapshot:
                add("SRC007", line, f"entry '{source.key}': {url} answers HTTP {result.status}; "
                    f"an archived copy exists: {snapshot['url']}", _archive_fix(snapshot))
            else:
                add("SRC008", line, f"entry '{source.key}': {url} answers HTTP {result.status} "
                    "and the Wayback Machine has no copy")
            return
        if not result.alive:
            add("SRC010", line, f"entry '{source.key}': {url} not checked: {_why(result)}")
            return
        fresh = self._save(source, url, add) if self.settings.save else None
        if fresh:
            snapshot = record["archive"] = {**fresh, "fresh": True}
        has_copy = bool(source.entry.fields.get("archiveurl", "").strip())
        if snapshot and (fresh or not has_copy):
            what = "made a fresh copy" if fresh else "has a copy"
            add("SRC011", line, f"entry '{source.key}': the Wayback Machine {what} of {url}",
                _archive_fix(snapshot) + f"\nurldate = {{{self.today}}}")
        elif not snapshot and not has_copy:
            add("SRC012", line, f"entry '{source.key}': the Wayback Machine has no copy of {url}")

    # The closest archived copy of a web source, or None.
    def _snapshot(self, source, url: str, add) -> dict | None:
        query = urllib.parse.urlencode({"url": url})
        try:
            response = self.http.request("GET", f"{self.settings.wayback_api}?{query}", accept="application/json")
            closest = json.loads(response.body).get("archived_snapshots", {}).get("closest") \
                if response.status == 200 else None
        except Unreachable as error:
            add("SRC010", source.place("url")[0], f"entry '{source.key}': Wayback Machine not checked: {error}")
            return None
        except (ValueError, AttributeError):
            closest = None
        if closest and closest.get("available") and str(closest.get("status", "200")).startswith("2"):
            return {"url": closest["url"].replace("http://web.archive.org/", "https://web.archive.org/", 1),
                    "date": _timestamp_date(closest.get("timestamp", ""))}
        return None

    # Ask Save Page Now (--save) for a fresh copy of a live page; it answers with the copy's address.
    def _save(self, source, url: str, add) -> dict | None:
        try:
            response = self.http.request("GET", self.settings.save_api + url)
        except Unreachable as error:
            add("SRC010", source.place("url")[0], f"entry '{source.key}': Save Page Now failed: {error}")
            return None
        place = response.headers.get("content-location") or response.headers.get("location") or ""
        stamp = re.search(r"/web/(\d{14})/", place)
        if not stamp:
            return None
        return {"url": urllib.parse.urljoin("https://web.archive.org/", place), "date": _timestamp_date(stamp[1])}


def _entry_like(record: Record, entry):
    from pybtex.database import Entry

    copy = Entry(entry.type, fields={"title": record.title, "year": record.year})
    copy.persons["author"] = [Person(name) for name in record.authors]
    return copy


def _why(result: LinkResult) -> str:
    return result.error or f"HTTP {result.status} (a refusal to automated checks, not proof the page is gone)"


def _archive_fix(snapshot: dict) -> str:
    return f"archiveurl = {{{snapshot['url']}}}\narchivedate = {{{snapshot['date']}}}"


def _timestamp_date(stamp: str) -> str:
    return f"{stamp[:4]}-{stamp[4:6]}-{stamp[6:8]}" if re.fullmatch(r"\d{8,14}", stamp) else ""


def _shorten(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# -----------------------------------------------------------------------------
# Choosing entries
# -----------------------------------------------------------------------------


# Lines changed since `base` in each .bib file, as {shown path: set of new-side line numbers}.
def changed_lines(base: str, bib_dir: Path, root: Path) -> dict[str, set[int]]:
    diff = subprocess.run(["git", "diff", "--unified=0", "--no-color", base, "--", str(bib_dir)],
                          cwd=root, capture_output=True, text=True, check=True).stdout
    changed: dict[str, set[int]] = {}
    path = None
    for line in diff.splitlines():
        if line.startswith("+++ "):
            path = None if line[4:] == "/dev/null" else line[6:]
        elif line.startswith("@@") and path:
            start, _, count = re.match(r"@@ -\S+ \+(\d+)(,(\d+))? @@", line).groups()
            count = 1 if count is None else int(count)
            # A deletion touches the entry around it: count the line after it.
            changed.setdefault(path, set()).update(range(int(start), int(start) + max(count, 1)))
    return changed


def select(bibliography: bibfiles.Bibliography, keys: list[str], changed: dict[str, set[int]] | None):
    chosen = []
    for source in bibliography.sources.values():
        last = source.line + source.text.rstrip().count("\n")
        if keys and source.key not in keys:
            continue
        if changed is not None and not changed.get(source.path, set()) & set(range(source.line, last + 1)):
            continue
        chosen.append(source)
    return chosen


# -----------------------------------------------------------------------------
# Reports
# -----------------------------------------------------------------------------


def text_report(findings: list[Finding], checked: int) -> str:
    lines = [finding.format() for finding in sorted(findings)]
    counts = {severity: sum(1 for f in findings if f.severity == severity) for severity in (ERROR, WARNING, NOTE)}
    lines.append(f"Checked {checked} source{'s' if checked != 1 else ''}: {counts[ERROR]} error(s), "
                 f"{counts[WARNING]} warning(s), {counts[NOTE]} note(s).")
    return "\n".join(lines)


def json_report(findings: list[Finding], outcome: Outcome, checked: int, settings: Settings) -> dict:
    return {
        "tool": "tools/verify_sources.py",
        "generated": dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat(),
        "sources_checked": checked,
        "services": {"arxiv": settings.arxiv_api, "crossref": settings.crossref_api,
                     "wayback": settings.wayback_api},
        "problems": [finding.as_json() for finding in sorted(findings)],
        "links": outcome.links,
    }


def markdown_report(findings: list[Finding], checked: int) -> str:
    counts = {severity: sum(1 for f in findings if f.severity == severity) for severity in (ERROR, WARNING, NOTE)}
    lines = ["## Sources check (`make verify-sources`)", "",
             f"{checked} source(s) checked: **{counts[ERROR]} error(s)**, {counts[WARNING]} warning(s), "
             f"{counts[NOTE]} note(s).", ""]
    if not findings:
        lines.append("Every checked source agrees with its record and every link answers.")
        return "\n".join(lines) + "\n"
    lines += ["| Where | Code | Entry | Problem | Fix |", "| --- | --- | --- | --- | --- |"]
    for finding in sorted(findings, key=lambda f: ({ERROR: 0, WARNING: 1, NOTE: 2}[f.severity], f)):
        fix = "<br>".join(f"`{part}`" for part in finding.fix.splitlines()) or finding.kind.fix
        lines.append(f"| `{finding.path}:{finding.line}` | {finding.code} {finding.kind.name} ({finding.severity}) "
                     f"| `{finding.key}` | {_cell(finding.message)} | {_cell(fix, code=True)} |")
    return "\n".join(lines) + "\n"


def _cell(text: str, code: bool = False) -> str:
    return text.replace("|", "\\|").replace("\n", "<br>") if not code else text.replace("|", "\\|")


# -----------------------------------------------------------------------------
# Command line
# -----------------------------------------------------------------------------


def main(argv: list[str] | None = None, settings: Settings | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bib", type=Path, default=ROOT / "bib", help="folder of .bib files (default: bib/)")
    parser.add_argument("--root", type=Path, default=ROOT, help="paths are shown relative to this folder")
    parser.add_argument("--json", type=Path, help="write the full report as JSON here")
    parser.add_argument("--markdown", type=Path, help="write a Markdown summary here ($GITHUB_STEP_SUMMARY)")
    parser.add_argument("--save", action="store_true", help="ask Save Page Now for a copy when none exists")
    parser.add_argument("--changed-since", metavar="GIT-REF", help="check only entries changed since this ref")
    parser.add_argument("--keys", nargs="+", default=[], metavar="KEY", help="check only these entries")
    parser.add_argument("--timeout", type=float, help="seconds per request (default 20)")
    parser.add_argument("--retries", type=int, help="retries after a timeout, 429 or 5xx (default 3)")
    parser.add_argument("--budget", type=float, help="seconds for the whole run (default 1800)")
    args = parser.parse_args(argv)
    settings = settings or Settings()
    settings.save = settings.save or args.save
    for name in ("timeout", "retries", "budget"):
        if getattr(args, name) is not None:
            setattr(settings, name, getattr(args, name))

    report = Report()
    bibliography = bibfiles.load(args.bib, report, args.root)
    if len(report):
        print(report.format().rsplit("\n", 1)[0], file=sys.stderr)
    changed = None
    if args.changed_since:
        try:
            changed = changed_lines(args.changed_since, args.bib, args.root)
        except (OSError, subprocess.CalledProcessError) as error:
            print(f"verify-sources: cannot read the changes since {args.changed_since}: {error}", file=sys.stderr)
            return 2
    unknown = [key for key in args.keys if key not in bibliography]
    if unknown:
        print(f"verify-sources: no entry {', '.join(unknown)} in {args.bib}", file=sys.stderr)
        return 2
    sources = select(bibliography, args.keys, changed)
    outcome = Verifier(settings).check(sources)
    findings = outcome.findings
    print(text_report(findings, len(sources)))
    if args.json:
        args.json.write_text(json.dumps(json_report(findings, outcome, len(sources), settings), indent=2) + "\n",
                             encoding="utf-8")
    if args.markdown:
        with args.markdown.open("a", encoding="utf-8") as summary:
            summary.write(markdown_report(findings, len(sources)))
    failed = any(finding.severity == ERROR for finding in findings) or len(report) > 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
