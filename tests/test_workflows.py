"""GitHub files: workflows, Dependabot, issue forms and pre-commit config.

Schemas are checked with check-jsonschema's built-in (vendored, offline) schemas
and the workflows are audited with `zizmor --offline`. Each checker is also shown
a deliberately broken file, so these tests fail when a checker stops checking.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from mkdocs.utils import markdown_extensions

ROOT = Path(__file__).resolve().parent.parent
GITHUB = ROOT / ".github"
BIN = Path(sys.executable).parent
WORKFLOWS = sorted((GITHUB / "workflows").glob("*.yml"))
ISSUE_FORMS = sorted(p for p in (GITHUB / "ISSUE_TEMPLATE").glob("*.yml") if p.name != "config.yml")

# One worker runs this file, so the schema checks run once, not once per worker.
pytestmark = pytest.mark.xdist_group("workflow-schemas")

# Severities that fail the audit; "Low" and "Informational" findings do not.
FAILING_SEVERITIES = {"Medium", "High"}


# Run a tool from the venv that runs the tests; returns the finished process.
def run_tool(tool: str, *args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / tool), *map(str, args)], capture_output=True, text=True, timeout=120, check=False
    )


# Validate files against one of check-jsonschema's built-in schemas.
def check_schema(schema: str, *files: Path) -> subprocess.CompletedProcess[str]:
    return run_tool("check-jsonschema", "--builtin-schema", schema, *files)


# zizmor's findings of medium severity or above for the given files or folders.
def zizmor_findings(*paths: Path) -> list[dict]:
    result = run_tool("zizmor", "--offline", "--no-progress", "--format", "json", *paths)
    # zizmor exits 0 without findings and 10 to 14 with them; anything else is an error.
    assert result.returncode == 0 or 10 <= result.returncode <= 14, result.stderr
    findings = json.loads(result.stdout or "[]")
    return [f for f in findings if f["determinations"]["severity"] in FAILING_SEVERITIES]


# One line per finding, for assertion messages.
def describe(findings: list[dict]) -> str:
    return "\n".join(
        f"{f['ident']} ({f['determinations']['severity']}): {f['desc']}" for f in findings
    )


# The parsed YAML of a workflow; PyYAML reads the key `on` as True, so it is renamed back.
def load_workflow(path: Path) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if True in data:
        data["on"] = data.pop(True)
    return data


# Every step of every job of a workflow.
def steps_of(workflow: dict) -> list[dict]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


# ---------------------------------------------------------------------------
# Schemas
# ---------------------------------------------------------------------------


def test_the_expected_files_exist():
    names = {p.name for p in WORKFLOWS}
    assert {"check.yml", "deploy.yml"} <= names
    assert (GITHUB / "dependabot.yml").is_file()
    assert (GITHUB / "pull_request_template.md").is_file()
    assert {p.name for p in ISSUE_FORMS} == {
        "claim-wrong-or-unsourced.yml",
        "suggest-a-question.yml",
    }


BROKEN_WORKFLOW = """\
name: Broken
on:
  push:
jobs:
  build:
    # no runs-on, and a step that is neither `run` nor `uses`
    steps:
      - name: Nothing to do
        with:
          foo: bar
"""

# Files that break each schema, checked in the same run as the real files.
BROKEN = {
    "vendor.github-workflows": ("broken-workflow.yml", BROKEN_WORKFLOW),
    "vendor.dependabot": ("broken-dependabot.yml", "updates:\n  - package-ecosystem: pip\n"),
    "vendor.github-issue-forms": ("broken-form.yml", "name: No body\ndescription: An issue form needs a body.\n"),
}


# Each file's schema errors ("" when it passes), from one check-jsonschema run per schema over
# the real files and a planted broken one (a process each file cost a quarter of a second).
@pytest.fixture(scope="module")
def schema_errors(tmp_path_factory) -> dict[Path, str]:
    planted = tmp_path_factory.mktemp("broken")
    groups = {
        "vendor.github-workflows": WORKFLOWS,
        "vendor.dependabot": [GITHUB / "dependabot.yml"],
        "vendor.github-issue-forms": ISSUE_FORMS,
        "vendor.github-issue-config": [GITHUB / "ISSUE_TEMPLATE" / "config.yml"],
    }
    errors: dict[Path, str] = {}
    for schema, files in groups.items():
        files = list(files)
        if schema in BROKEN:
            name, text = BROKEN[schema]
            (planted / name).write_text(text, encoding="utf-8")
            files.append(planted / name)
        result = check_schema(schema, "--verbose", "--output-format", "json", *files)
        report = json.loads(result.stdout)
        assert report.get("parse_errors", []) == [], report["parse_errors"]
        for file in files:
            errors[file] = "\n".join(f"{e['path']}: {e['message']}" + _best_match(e) for e in report["errors"]
                                     if Path(e["filename"]) == file)
        assert (result.returncode == 0) == (report["status"] == "ok") == (not any(errors[f] for f in files))
    errors.update({name: errors[planted / file] for name, (file, _) in BROKEN.items()})
    return errors


# The sub-error check-jsonschema names as the likely cause, as its text report gives it.
def _best_match(error: dict) -> str:
    best = error.get("best_match")
    return f" (best match: {best['path']}: {best['message']})" if best else ""


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_matches_schema(workflow, schema_errors):
    assert schema_errors[workflow] == ""


def test_dependabot_matches_schema(schema_errors):
    assert schema_errors[GITHUB / "dependabot.yml"] == ""


@pytest.mark.parametrize("form", ISSUE_FORMS, ids=lambda p: p.name)
def test_issue_form_matches_schema(form, schema_errors):
    assert schema_errors[form] == ""


def test_issue_template_config_matches_schema(schema_errors):
    assert schema_errors[GITHUB / "ISSUE_TEMPLATE" / "config.yml"] == ""


def test_schema_check_rejects_a_broken_workflow(schema_errors):
    assert "runs-on" in schema_errors["vendor.github-workflows"]


def test_schema_check_rejects_broken_dependabot_and_issue_form(schema_errors):
    assert schema_errors["vendor.dependabot"] != ""
    assert schema_errors["vendor.github-issue-forms"] != ""


# ---------------------------------------------------------------------------
# Security audit (zizmor, offline)
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_zizmor_finds_nothing_of_medium_severity_or_above(workflow):
    findings = zizmor_findings(workflow)
    assert not findings, describe(findings)


def test_zizmor_finds_nothing_in_dependabot_config():
    findings = zizmor_findings(GITHUB / "dependabot.yml")
    assert not findings, describe(findings)


INSECURE_WORKFLOW = """\
name: Insecure
on:
  pull_request_target:
jobs:
  greet:
    runs-on: ubuntu-24.04
    steps:
      - uses: actions/checkout@v4
        with:
          ref: ${{ github.event.pull_request.head.sha }}
      - run: echo "${{ github.event.pull_request.title }}"
"""


def test_zizmor_flags_an_insecure_workflow(tmp_path):
    workflows = tmp_path / ".github" / "workflows"
    workflows.mkdir(parents=True)
    (workflows / "insecure.yml").write_text(INSECURE_WORKFLOW, encoding="utf-8")
    idents = {f["ident"] for f in zizmor_findings(workflows / "insecure.yml")}
    assert {"unpinned-uses", "template-injection"} <= idents


# ---------------------------------------------------------------------------
# What the workflows do
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_actions_are_pinned_to_commits_with_a_version_comment(workflow):
    lines = [line for line in workflow.read_text(encoding="utf-8").splitlines() if "uses:" in line]
    assert lines
    for line in lines:
        assert re.search(r"uses: [\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+(\.\d+)*$", line), line


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_checkout_keeps_no_credentials_and_fetches_history(workflow):
    checkouts = [s for s in steps_of(load_workflow(workflow)) if "actions/checkout@" in s.get("uses", "")]
    assert checkouts
    for step in checkouts:
        assert step["with"]["persist-credentials"] is False
        # The page dates come from git history: a shallow clone would date every page today.
        assert step["with"]["fetch-depth"] == 0


def test_check_workflow_builds_tests_and_keeps_artifacts():
    workflow = load_workflow(GITHUB / "workflows" / "check.yml")
    assert {"pull_request", "push"} <= set(workflow["on"])
    runs = "\n".join(s.get("run", "") for s in steps_of(workflow))
    for command in ("make build", "make test", "make offline"):
        assert command in runs
    # The browser tests run against the runner's own Chrome (they fail, not skip, when CI=true).
    assert workflow["jobs"]["check"]["env"]["CHROMIUM"] == "/usr/bin/google-chrome"
    uploads = [s["with"]["path"] for s in steps_of(workflow) if "upload-artifact@" in s.get("uses", "")]
    assert sorted(uploads) == ["dist/alignment-basics-site.zip", "dist/alignment-basics.pdf", "site/"]
    python = next(s for s in steps_of(workflow) if "setup-python@" in s.get("uses", ""))
    assert python["with"]["cache"] == "pip"
    assert python["with"]["cache-dependency-path"] == "requirements.lock"


def test_make_targets_used_by_workflows_exist():
    targets = set(re.findall(r"^([\w-]+):", (ROOT / "Makefile").read_text(encoding="utf-8"), re.M))
    for workflow in WORKFLOWS:
        for run in (s.get("run", "") for s in steps_of(load_workflow(workflow))):
            for target in re.findall(r"\bmake ([\w-]+)", run):
                assert target in targets, f"{workflow.name}: no Makefile target {target!r}"


def test_deploy_workflow_has_least_privilege():
    workflow = load_workflow(GITHUB / "workflows" / "deploy.yml")
    assert set(workflow["on"]) == {"push", "workflow_dispatch"}
    assert workflow["on"]["push"]["branches"] == ["main"]
    assert workflow["permissions"] in ({}, "read-all", {"contents": "read"})
    assert workflow["concurrency"]["group"]
    jobs = workflow["jobs"]
    for name, job in jobs.items():
        permissions = job.get("permissions", {})
        writes = {scope for scope, level in permissions.items() if level == "write"}
        uses = " ".join(s.get("uses", "") for s in job.get("steps", []))
        if "deploy-pages@" in uses:
            assert writes == {"pages", "id-token"}, name
            assert job["environment"]["name"] == "github-pages"
            assert "page_url" in job["environment"]["url"]
        else:
            assert not writes, f"job {name} needs no write permission"
    uses = " ".join(s.get("uses", "") for s in steps_of(workflow))
    for action in ("configure-pages@", "upload-pages-artifact@", "deploy-pages@"):
        assert action in uses


# ---------------------------------------------------------------------------
# pre-commit (no built-in schema exists for it: checked by hand)
# ---------------------------------------------------------------------------


def test_pre_commit_config_runs_citecheck_on_pages_and_sources():
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    hooks = {hook["id"]: (repo, hook) for repo in config["repos"] for hook in repo["hooks"]}
    assert {"citecheck", "trailing-whitespace", "end-of-file-fixer", "check-yaml",
            "check-merge-conflict"} <= set(hooks)
    repo, citecheck = hooks["citecheck"]
    assert repo["repo"] == "local"
    assert citecheck["entry"].endswith("tools/citecheck.py")
    assert citecheck.get("pass_filenames", True) is True
    files = re.compile(citecheck["files"])
    for path in ("docs/index.md", "docs/questions/rlhf.md", "bib/alignment.bib",
                 *(f"docs/page{extension}" for extension in markdown_extensions)):
        assert files.search(path), path
    for path in ("docs/assets/stylesheets/extra.css", "mkdocs.yml", "bib/README.txt"):
        assert not files.search(path), path
    for repo in config["repos"]:
        if repo["repo"] != "local":
            assert repo["repo"].startswith("https://") and repo["rev"]


# A fork publishes under its own address: the build gets it from the Pages settings (or the
# repository variable SITE_URL), and mkdocs.yml reads it from the environment.
def test_deploy_builds_with_the_address_from_the_pages_settings():
    workflow = load_workflow(GITHUB / "workflows" / "deploy.yml")
    steps = workflow["jobs"]["build"]["steps"]
    pages = next(s for s in steps if "configure-pages@" in s.get("uses", ""))
    build = next(s for s in steps if "make build" in s.get("run", ""))
    assert steps.index(pages) < steps.index(build)
    assert build["env"]["SITE_URL"] == f"${{{{ vars.SITE_URL || steps.{pages['id']}.outputs.base_url }}}}"
    assert build["env"]["REPO_URL"] == "${{ github.server_url }}/${{ github.repository }}"
    assert build["env"]["REPO_NAME"] == "${{ github.repository }}"
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    for key, variable in (("site_url", "SITE_URL"), ("repo_url", "REPO_URL"), ("repo_name", "REPO_NAME")):
        assert re.search(rf"^{key}: !ENV \[{variable}, ", config, re.M), key


# On a pull request: annotations from the checker, then a job summary against the base branch
# that links the uploaded site.
def test_check_workflow_annotates_and_summarises_pull_requests():
    workflow = load_workflow(GITHUB / "workflows" / "check.yml")
    steps = steps_of(workflow)
    runs = [s.get("run", "") for s in steps]
    check = next(i for i, run in enumerate(runs) if "make check" in run)
    build = next(i for i, run in enumerate(runs) if "make build" in run)
    assert check < build
    upload = next(s for s in steps if s.get("with", {}).get("name") == "site")
    summary = next(s for s in steps if "tools/pr_summary.py" in s.get("run", ""))
    base = next(s for s in steps if "BASE_SHA" in s.get("env", {}))
    assert steps.index(upload) < steps.index(base) < steps.index(summary)
    assert base["env"]["BASE_SHA"] == "${{ github.event.pull_request.base.sha }}"
    assert summary["if"] == base["if"] == "github.event_name == 'pull_request'"
    assert summary["env"]["ARTIFACT_URL"] == f"${{{{ steps.{upload['id']}.outputs.artifact-url }}}}"
    assert '"$RUNNER_TEMP/base" .' in summary["run"]
