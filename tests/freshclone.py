"""A throw-away copy of the project, as a contributor's fresh clone would be, for tests that
run documented commands or add pages without touching the real tree."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# A fixed identity, so that commits work on a machine without a git user.
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.org",
    "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.org",
}


# Run git in `repo`; raises with git's message when it fails.
def git(repo: Path, *args: str) -> str:
    result = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True,
                            env={**os.environ, **GIT_ENV}, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"git {' '.join(args)}: {result.stderr.strip()}")
    return result.stdout


# Copy the working tree's files that git would clone (tracked or new, not ignored) into `target`,
# commit them there as one commit, and link the project's .venv so that no install runs.
def fresh_clone(target: Path) -> Path:
    listed = git(ROOT, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    target.mkdir(parents=True)
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if not source.is_file():
            continue  # deleted in the working tree but not yet in git
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target / name)  # keeps mtimes: the venv's stamp stays newer than the lock
    git(target, "init", "--quiet", "--initial-branch=main")
    git(target, "add", "--all")
    git(target, "commit", "--quiet", "--message", "Fresh clone")
    venv = ROOT / ".venv"
    if venv.is_dir():
        (target / ".venv").symlink_to(venv, target_is_directory=True)
        # .gitignore's ".venv/" matches folders only, not this link.
        with open(target / ".git" / "info" / "exclude", "a", encoding="utf-8") as exclude:
            exclude.write("/.venv\n")
    return target
