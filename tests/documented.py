"""The shell commands README.md and CONTRIBUTING.md give: every line of a ```sh block, and every
inline `code` span that starts with a command a contributor would type."""

from __future__ import annotations

import re
from pathlib import Path

# Inline code that is a command, by its first word.
COMMAND_WORDS = {"make", "python", "python3", ".venv/bin/python", "pre-commit", "pip", "git", "sudo",
                 "apt-get"}
FENCE = re.compile(r"^(\s*)(`{3,}|~{3,})\s*([\w-]*)")
INLINE_CODE = re.compile(r"(?<!`)`([^`\n]+)`(?!`)")


# (command, where) for each command of a Markdown file, in file order.
def commands_of(path: Path) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    fence, language = "", ""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        where = f"{path.name}:{number}"
        opening = FENCE.match(line)
        if fence:
            if opening and opening[2].startswith(fence) and not opening[3]:
                fence = ""
            elif language in {"sh", "bash", "shell", "console"} and line.strip():
                command = re.sub(r"\s+#.*$", "", line.strip())
                if command and not command.startswith("#"):
                    found.append((command, where))
            continue
        if opening:
            fence, language = opening[2], opening[3]
            continue
        for span in INLINE_CODE.findall(line):
            if span.split()[0] in COMMAND_WORDS and len(span.split()) > 1:
                found.append((span.strip(), where))
    return found
