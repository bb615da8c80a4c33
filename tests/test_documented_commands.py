"""Every command README.md and CONTRIBUTING.md give works as written, on a fresh clone.

Each command runs in its own throw-away copy of the project (tests/freshclone.py: the files git
would clone, committed, with the project's .venv linked in), never in the real tree. Commands
that need the network are listed with the reason they are not run; `make test` and
`make test-quick` are this suite, so only their command lines are checked (`make -n`).
A command added to the documents without a place here fails test_every_documented_command_is_known.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

from documented import commands_of
from freshclone import fresh_clone, git

ROOT = Path(__file__).resolve().parent.parent

# Builds in fresh clones, through `make`: left out of `make test-quick`.
pytestmark = pytest.mark.clone
DOCUMENTS = [ROOT / "README.md", ROOT / "CONTRIBUTING.md"]

# Run as written in a fresh clone: each must exit 0 without a traceback.
RUN = {
    "make build",
    "make check",
    'make check FILES="docs/questions/rlhf.md bib/alignment.bib"',
    "python3 tools/citecheck.py --help",
    'make page NAME=short-name TITLE="The question?"',
    "make claims",
    "make clean",
    "git switch -c my-change",
}
# Run once a session in a fresh clone (conftest.py's offline_clone): the PDF it prints is the one
# tests/test_pdf.py reads, so the series is printed once, by the command readers are told to run.
PRINTED = {"make offline"}
# Started, watched until it serves, then stopped (see the test).
SERVE = {"make serve"}
# The CONTRIBUTING walk-through, in order, with its file edits between (see the test).
WALKTHROUGH = [
    'make page NAME=safety-gridworlds TITLE="What are AI safety gridworlds?"',
    'make check FILES="docs/questions/safety-gridworlds.md bib/alignment.bib"',
    "make build",
]
# Names of a target in prose, not commands to run: run bare, each must fail with a clear message.
MENTIONED = {"make page": "NAME="}
# Checked with `make -n` only, for the reason given.
DRY_RUN = {
    # The venv exists, so PYTHON is not used; the real build runs above.
    "make build PYTHON=python3.12": "the same build as make build",
    "make test": "this suite itself",
    "make test PYTEST_PARALLEL=": "this suite itself, in one process",
    "make test TEST_TMPDIR=": "this suite itself, its temporary folders on disk",
    "make test-quick": "this suite without its browser and fresh-clone tests",
    "make bench": "minutes of timed builds (bench/run.py)",
    "make bench-preview": "minutes of timed builds (bench/run.py --preview-only)",
    "make bench-hostile": "minutes of timed builds (bench/hostile_growth.py)",
    "make check-site": "needs a built site/; make build, run above, ends with the same check",
    "make pdf": "the same build and PDF as make offline, run above (which also checks the PDF is made)",
}
# Not run, for the reason given.
SKIPPED = {
    "git clone https://github.com/YOUR-NAME/alignment-basics.git": "network (fresh_clone stands for it)",
    "cd alignment-basics": "the shell's own; the clone is the working folder",
    "make lock": "network (PyPI)",
    "make verify-sources": "network (arXiv, Crossref, the web); tests/test_verify_sources.py runs it on recorded answers",
    'make verify-sources VERIFY_ARGS="--keys irving2018ai"': "network, as make verify-sources",
    "make verify-sources SAVE=1": "network, as make verify-sources",
    "pip install pre-commit": "network (PyPI)",
    "pre-commit install": "needs pre-commit, which is not a project dependency",
    "pre-commit run --all-files": "network (fetches the hooks' repositories)",
    "apt-get install chromium": "network and root",
    "sudo apt-get install chromium": "network and root",
}


def documented() -> dict[str, str]:
    return {command: where for path in DOCUMENTS for command, where in commands_of(path)}


# The environment of a contributor's shell: none of what `make test` (MAKELEVEL, MAKEFLAGS: a
# sub-make prints "Entering directory" lines), pytest or GitHub Actions set for this run.
def shell_env() -> dict[str, str]:
    return {key: value for key, value in os.environ.items()
            if not key.startswith(("PYTEST", "GITHUB_", "MAKE", "MFLAGS"))}


# Run one documented command line in `clone` through the shell; returns the finished process.
def run(clone: Path, command: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", "-c", command], cwd=clone, capture_output=True, text=True,
                          timeout=timeout, env=shell_env(), check=False)


def assert_clean_success(result: subprocess.CompletedProcess[str], command: str) -> None:
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"{command}: exit {result.returncode}\n{output[-3000:]}"
    assert "Traceback" not in output, output[-3000:]
    assert not re.search(r"^(?:ERROR|WARNING)\s+-\s*$", output, re.M), output[-3000:]


@pytest.fixture
def clone(tmp_path) -> Path:
    return fresh_clone(tmp_path / "questions")


# One clone for the commands that change nothing in it (a target's dry run, a target run without
# its arguments): each test proves the clone still equal to its commit afterwards.
@pytest.fixture(scope="module")
def read_only_clone(tmp_path_factory) -> Path:
    return fresh_clone(tmp_path_factory.mktemp("read-only") / "questions")


def assert_unchanged(clone: Path) -> None:
    assert git(clone, "status", "--porcelain", "--untracked-files=all") == "", "the command changed the clone"


def test_every_documented_command_is_known():
    known = RUN | PRINTED | SERVE | set(WALKTHROUGH) | set(MENTIONED) | set(DRY_RUN) | set(SKIPPED)
    commands = documented()
    unknown = {command: where for command, where in commands.items() if command not in known}
    assert not unknown, f"documented commands this test does not run: {unknown}"
    stale = known - set(commands)
    assert not stale, f"commands no longer documented: {stale}"


@pytest.mark.parametrize("command", sorted(RUN))
def test_documented_command_runs_on_a_fresh_clone(clone, command):
    assert_clean_success(run(clone, command), command)
    if command.startswith("make page"):
        assert (clone / "docs/questions/short-name.md").is_file()


# On the worker that prints the series (the PDF tests' xdist group), so the clone is made once.
@pytest.mark.xdist_group("pdf")
def test_make_offline_makes_the_zip_and_the_pdf_on_a_fresh_clone(offline_clone):
    clone, result = offline_clone
    assert_clean_success(result, "make offline")
    assert (clone / "dist/alignment-basics-site.zip").is_file()
    assert (clone / "dist/alignment-basics.pdf").is_file()


@pytest.mark.parametrize("command", sorted(MENTIONED))
def test_a_target_named_without_its_arguments_fails_with_a_clear_message(read_only_clone, command):
    result = run(read_only_clone, command)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert MENTIONED[command] in result.stderr
    assert_unchanged(read_only_clone)


@pytest.mark.parametrize("command", sorted(DRY_RUN))
def test_documented_command_is_a_valid_make_target(read_only_clone, command):
    result = run(read_only_clone, command.replace("make ", "make -n ", 1))
    assert_clean_success(result, command)
    assert ".venv/bin/" in result.stdout  # the recipe runs the project's tools
    assert_unchanged(read_only_clone)


# The walk-through of CONTRIBUTING.md, section 3: new page, new source, check, build. Its source
# must be new to bib/ (or copying it would give BIB002), and the page must cite it (or BIB008).
def test_contributing_walkthrough_adds_a_new_source_and_its_page(clone):
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    section = text.split("## 3. Add a page and the sources it cites")[1].split("\n## 4.")[0]
    bibtex = re.search(r"```bibtex\n(.*?)```", section, re.S)[1]
    page = re.search(r"```markdown\n(.*?)```", section, re.S)[1]
    key = re.search(r"@\w+\{([^,]+),", bibtex)[1]
    bib = clone / "bib" / "alignment.bib"
    assert not re.search(rf"@\w+\{{{re.escape(key)},", bib.read_text(encoding="utf-8")), \
        f"CONTRIBUTING's example source {key} is already in bib/: choose another"
    # Nor the same work under another key: a copy would cite one paper twice on the site.
    eprint = re.search(r"eprint\s*=\s*\{([^}]+)\}", bibtex)[1]
    assert eprint not in bib.read_text(encoding="utf-8"), f"arXiv {eprint} is already in bib/ under another key"
    assert f"[@{key}]" in page

    assert_clean_success(run(clone, WALKTHROUGH[0]), WALKTHROUGH[0])
    with open(bib, "a", encoding="utf-8") as handle:
        handle.write("\n" + bibtex)
    (clone / "docs/questions/safety-gridworlds.md").write_text(page, encoding="utf-8")
    check = run(clone, WALKTHROUGH[1])
    assert_clean_success(check, WALKTHROUGH[1])
    assert check.stdout.splitlines()[-1].endswith(": no citation problems."), check.stdout
    assert_clean_success(run(clone, WALKTHROUGH[2]), WALKTHROUGH[2])
    assert "safety-gridworlds.md" in git(clone, "status", "--porcelain")  # built before any commit
    assert (clone / "site/questions/safety-gridworlds.html").is_file()


# Half of the walk-through (the source alone) fails with BIB008, as CONTRIBUTING says.
def test_a_source_alone_fails_with_bib008_as_contributing_says(clone):
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    bibtex = re.search(r"```bibtex\n(.*?)```", text.split("## 3. ")[1], re.S)[1]
    with open(clone / "bib" / "alignment.bib", "a", encoding="utf-8") as handle:
        handle.write("\n" + bibtex)
    key = re.search(r"@\w+\{([^,]+),", bibtex)[1]
    result = run(clone, "make check")
    assert result.returncode != 0 and f"BIB008 no page cites '{key}'" in result.stdout
    assert "BIB008" in text and "uncited_sources" in text


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# A terminal hands a command Ctrl-C's default action. A test run started in the background of a
# script (`make test &`, or `(make test &)`) ignores SIGINT instead, and every command it starts
# inherits that: Python then installs no KeyboardInterrupt, and MkDocs' server ignored both Ctrl-C,
# was killed and left its temporary site (the suite's occasional failure, reproduced that way).
def _as_from_a_terminal() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


# Ctrl-C, and a second one if the first leaves it hanging, as a contributor would press it.
# MkDocs removes its temporary site on its way out whichever Ctrl-C stops it.
def _interrupt(process: subprocess.Popen) -> None:
    for stop in (signal.SIGINT, signal.SIGINT, signal.SIGKILL):
        os.killpg(process.pid, stop)
        try:
            process.wait(timeout=10)
            return
        except subprocess.TimeoutExpired:
            continue
    process.wait(timeout=30)


# `make serve` serves, and a citation problem is logged without an empty `ERROR -` line.
# Stopped with Ctrl-C, as a contributor stops it, it leaves no temporary site behind.
def test_make_serve_serves_and_logs_problems_without_an_empty_error_line(clone, tmp_path):
    page = clone / "docs" / "questions" / "rlhf.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nA planted claim.[@nosuchkey2020]\n", encoding="utf-8")
    address = f"127.0.0.1:{_free_port()}"
    temporary = tmp_path / "serve-tmp"
    temporary.mkdir()
    process = subprocess.Popen(["bash", "-c", "make serve"], cwd=clone,
                               env={**shell_env(), "SERVE_ADDR": address, "TMPDIR": str(temporary)},
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               start_new_session=True, preexec_fn=_as_from_a_terminal)
    lines: list[str] = []
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            lines.append(line)
            if "Serving on" in line:
                break
    finally:
        _interrupt(process)
    output = "".join(lines)
    assert list(temporary.iterdir()) == [], "make serve left its temporary site behind"
    assert f"Serving on http://{address}/alignment-basics/" in output, output
    assert "CIT001 unknown citation key 'nosuchkey2020'" in output
    assert re.search(r"^ERROR\s+-\s+\S", output, re.M), output
    assert not re.search(r"^(?:ERROR|WARNING)\s+-\s*$", output, re.M), output
    assert "Traceback" not in output


# `make test` hands pytest the folder TEST_TMPDIR names (memory when /dev/shm has room), and
# none when it is empty.
def test_make_test_puts_temporary_folders_where_test_tmpdir_says(read_only_clone, tmp_path):
    given = run(read_only_clone, f"make -n test-quick TEST_TMPDIR={tmp_path}")
    assert f"TMPDIR={tmp_path} .venv/bin/python -m pytest" in given.stdout, given.stdout
    assert "TMPDIR=" not in run(read_only_clone, "make -n test TEST_TMPDIR=").stdout
    assert_unchanged(read_only_clone)


# `make test` (--dist loadgroup) runs each xdist_group on one worker, so that the module fixtures
# a group shares (the printed PDF, the hostile corpus, ...) are made once. pytest-xdist marks a
# grouped test by its node id; pytest 9.2 ignores that mark and the groups silently split
# (pytest-xdist#1386): requirements.in keeps pytest below 9.2 until it is fixed.
@pytest.mark.xdist_group("this-test-alone")
def test_make_test_keeps_each_xdist_group_on_one_worker(request):
    if not request.config.getoption("loadgroup", False):
        pytest.skip("runs under `make test` (pytest-xdist --dist loadgroup) only")
    assert request.node.nodeid.endswith("@this-test-alone"), (
        f"pytest {pytest.__version__} drops pytest-xdist's group mark: {request.node.nodeid}")
