# Alignment Basics: MkDocs' link warnings (validation.links in mkdocs.yml) name the page and
# the link but not the line. This hook puts `path:line:col: ` in front of each, as the
# citation checks do, so that an editor or a terminal jumps to the link.
#
# MkDocs logs these warnings from mkdocs.structure.pages with the message already formatted:
# "Doc file 'a/b.md' contains a link 'c.md', but ...", "... contains an absolute link '/x', ..."
# and "... contains an unrecognized relative link 'x', ...". A logging filter on that logger
# finds the link in the page's file and rewrites the message; anything else passes unchanged.

from __future__ import annotations

import logging
import os
import re

from mkdocs.config.defaults import MkDocsConfig

LOGGER = "mkdocs.structure.pages"

# The page and the link, as MkDocs writes them into its link warnings.
LINK_WARNING = re.compile(
    r"^Doc file '(?P<page>[^']+)' contains (?:a|an absolute|an unrecognized relative) link '(?P<link>[^']+)'"
)


class LinkLineFilter(logging.Filter):
    """Prefixes MkDocs' link warnings with the file, line and column of the link."""

    def __init__(self, docs_dir: str, shown_docs_dir: str) -> None:
        super().__init__()
        self.docs_dir = docs_dir
        self.shown_docs_dir = shown_docs_dir

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        match = LINK_WARNING.match(message)
        if match:
            place = link_place(os.path.join(self.docs_dir, match["page"]), match["link"])
            if place:
                shown = f"{self.shown_docs_dir}/{match['page']}" if self.shown_docs_dir else match["page"]
                record.msg, record.args = f"{shown}:{place[0]}:{place[1]}: {message}", ()
        return True


# Attach a filter for this config's docs folder, in place of any left by an earlier build.
def on_config(config: MkDocsConfig) -> None:
    _detach()
    root = os.path.dirname(config.config_file_path or "") or os.getcwd()
    shown = os.path.relpath(config.docs_dir, root).replace(os.sep, "/")
    logging.getLogger(LOGGER).addFilter(LinkLineFilter(config.docs_dir, "" if shown == "." else shown))


# MkDocs checks anchors just before on_post_build; after it, another site built in the same
# process (tests, an embedder) must not have its warnings located in this one's files.
def on_post_build(config: MkDocsConfig) -> None:
    _detach()


def on_build_error(error: Exception) -> None:
    _detach()


# Remove every filter of this hook (also those of an earlier load of this module).
def _detach() -> None:
    logger = logging.getLogger(LOGGER)
    for old in [f for f in logger.filters if type(f).__name__ == LinkLineFilter.__name__]:
        logger.removeFilter(old)


# -----------------------------------------------------------------------------
# Helper functions
# -----------------------------------------------------------------------------


# Line and column (from 1) of the first place `link` is written as a link target in the file
# at `path`: after "](" or "](<", in a reference definition "]: ", or in href="..."/src="...".
def link_place(path: str, link: str) -> tuple[int, int] | None:
    try:
        with open(path, encoding="utf-8-sig") as handle:
            text = handle.read()
    except (OSError, UnicodeDecodeError):
        return None
    target = re.escape(link)
    pattern = re.compile(
        rf"(?:\]\(\s*<?|\]:[ \t]*<?|\b(?:href|src)\s*=\s*[\"']?)(?P<link>{target})(?=[\s)>\"'#]|$)"
    )
    found = pattern.search(text)
    if not found:
        return None
    start = found.start("link")
    line_start = text.rfind("\n", 0, start) + 1
    return text.count("\n", 0, start) + 1, start - line_start + 1
