"""Create a question page from .github/PAGE_TEMPLATE.md and add it to nav in mkdocs.yml.

Usage: make page NAME=short-name TITLE="The question?"
   or: python tools/new_page.py short-name "The question?"

The page goes to docs/questions/<short-name>.md; its nav entry goes after the last page of
that folder in nav. mkdocs.yml is edited as text at the place its parsed YAML gives, so its
comments and layout stay as they are.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "hooks"))  # the hooks' library reads mkdocs.yml as the checks do
TEMPLATE = Path(".github") / "PAGE_TEMPLATE.md"
SECTION = "questions"
NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


class PageError(Exception):
    """Why the page cannot be made, and what to do instead."""


# -----------------------------------------------------------------------------
# The page
# -----------------------------------------------------------------------------


# The template without its leading comment, with `title` as its heading.
def page_text(template: str, title: str) -> str:
    body = re.sub(r"\A\s*<!--.*?-->\s*", "", template, count=1, flags=re.S)
    body, replaced = re.subn(r"^# .*$", lambda _: f"# {title}", body, count=1, flags=re.M)
    if not replaced:
        raise PageError(f"{TEMPLATE} has no '# ' title line to replace")
    return body


# The checks on NAME and TITLE, with the fix in each message.
def check_arguments(name: str, title: str) -> None:
    if not NAME.fullmatch(name):
        raise PageError(f"NAME={name!r}: use lower-case words joined by hyphens, "
                        "for example NAME=reward-modelling")
    if not title.strip() or "\n" in title:
        raise PageError('TITLE is missing: give the question, for example TITLE="What is reward modelling?"')
    if not title.rstrip().endswith("?"):
        raise PageError(f"TITLE={title!r}: a page's title is the question it answers; end it with '?'")


# -----------------------------------------------------------------------------
# The nav entry
# -----------------------------------------------------------------------------


# mkdocs.yml's text with `page` ("questions/x.md") added after the last nav entry of its
# folder. Found through the YAML parser's node positions; written as one new line of text.
def add_to_nav(config_text: str, page: str) -> str:
    folder = page.rsplit("/", 1)[0] + "/"
    # compose() parses without constructing: tags such as !ENV need no loader of their own.
    document = yaml.compose(config_text)
    nav = _mapping_value(document, "nav")
    if nav is None or not isinstance(nav, yaml.SequenceNode):
        raise PageError("mkdocs.yml has no nav list: add the page to nav by hand")
    if any(path == page for _, path in _nav_paths(nav)):
        raise PageError(f"{page} is already in nav in mkdocs.yml")
    siblings = [item for item, path in _nav_paths(nav) if path.startswith(folder)]
    if not siblings:
        raise PageError(f"no nav section lists pages of {folder}: add the page to nav by hand")
    last = siblings[-1]
    lines = config_text.splitlines(keepends=True)
    line = lines[last.start_mark.line]
    prefix = line[: last.start_mark.column]
    if last.start_mark.line != last.end_mark.line or not re.fullmatch(r"\s*- ", prefix):
        raise PageError(f"mkdocs.yml line {last.start_mark.line + 1}: the last nav entry of {folder} is "
                        "not a plain `- path` line: add the page to nav by hand")
    newline = "\r\n" if line.endswith("\r\n") else "\n"
    if not line.endswith(("\n", "\r")):
        lines[last.start_mark.line] = line + newline
    lines.insert(last.start_mark.line + 1, f"{prefix}{page}{newline}")
    return "".join(lines)


# The value node of `key` in a mapping node, or None.
def _mapping_value(node, key: str):
    if not isinstance(node, yaml.MappingNode):
        return None
    return next((value for name, value in node.value if getattr(name, "value", None) == key), None)


# Every page entry of nav, depth first: (the node of its path, the path).
def _nav_paths(sequence: yaml.SequenceNode):
    for item in sequence.value:
        if isinstance(item, yaml.ScalarNode):
            yield item, item.value
        elif isinstance(item, yaml.MappingNode):
            for _, value in item.value:
                if isinstance(value, yaml.ScalarNode):
                    yield value, value.value
                elif isinstance(value, yaml.SequenceNode):
                    yield from _nav_paths(value)


# The pages nav lists, read back the way MkDocs reads mkdocs.yml (its !ENV tags), by a safe loader.
def nav_pages(config_text: str) -> list[str]:
    from citelib import configyaml

    def flatten(items) -> list[str]:
        found = []
        for item in items or []:
            values = item.values() if isinstance(item, dict) else [item]
            for value in values:
                found += flatten(value) if isinstance(value, list) else [value]
        return found

    return flatten(configyaml.load(config_text).get("nav"))


# -----------------------------------------------------------------------------
# Command line
# -----------------------------------------------------------------------------


# Write the page and the nav entry; return the page's path relative to `root`.
def new_page(root: Path, name: str, title: str) -> Path:
    check_arguments(name, title)
    relative = f"{SECTION}/{name}.md"
    target = root / "docs" / relative
    if target.exists():
        raise PageError(f"{target.relative_to(root)} already exists: choose another NAME or edit that page")
    config_file = root / "mkdocs.yml"
    config_text = config_file.read_text(encoding="utf-8")
    updated = add_to_nav(config_text, relative)
    if relative not in nav_pages(updated):  # the edit must read back as intended
        raise PageError("could not add the page to nav: add it by hand")
    text = page_text((root / TEMPLATE).read_text(encoding="utf-8"), title.strip())
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    config_file.write_text(updated, encoding="utf-8")
    return target.relative_to(root)


def main(argv: list[str], root: Path = ROOT) -> int:
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    try:
        page = new_page(root, argv[0].strip(), argv[1])
    except PageError as error:
        print(f"make page: {error}", file=sys.stderr)
        return 2
    print(f"Created {page.as_posix()} and added it to nav in mkdocs.yml.\n"
          f"Fill it in (replace every [@key]), then `make check FILES={page.as_posix()}` lists what is "
          "left to fix, and `make build` builds it.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
