# Alignment Basics: every target sets up .venv/ from the lock when it is missing or stale.
PYTHON ?= python3
# Material prints a long banner about MkDocs 2.0 on every build; we pin mkdocs<2.
export NO_MKDOCS_2_WARNING := 1
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: build check-site test test-quick check page serve offline pdf claims bench bench-preview bench-hostile verify-sources lock clean

# Build strictly, then hold the built site to the citation promise (tools/check_site.py).
build: $(STAMP)
	$(BIN)/mkdocs build --strict
	$(BIN)/python tools/check_site.py site

# Check an already built site/ (whichever builder made it).
check-site: $(STAMP)
	$(BIN)/python tools/check_site.py site

# Tests run on every core (pytest-xdist); `make test PYTEST_PARALLEL=` runs them in one process.
# loadgroup keeps each xdist_group (the printed PDF) on one worker, so it is made once.
PYTEST_PARALLEL ?= -n auto --dist loadgroup

# pytest's temporary folders (every site the tests build: about 400 MB a run) go to memory,
# /dev/shm, when it has 2 GB free: writing them to this project's 2-core machine's disk cost
# about 6 CPU seconds a run (docs/contributing/performance.md). `make test TEST_TMPDIR=` keeps
# them in the system's temporary folder. Only a failed test's folders are kept (pytest.ini).
TEST_TMPDIR ?= $(shell df -Pk /dev/shm 2>/dev/null | awk 'NR == 2 && $$4 > 2097152 { print "/dev/shm" }')
PYTEST := $(if $(TEST_TMPDIR),TMPDIR=$(TEST_TMPDIR) )$(BIN)/python -m pytest

# The whole suite, browser tests included.
test: $(STAMP)
	$(PYTEST) $(PYTEST_PARALLEL)

# The fast loop while writing a page or a hook: the suite without the browser tests and
# without the tests that run documented commands in a fresh clone.
test-quick: $(STAMP)
	$(PYTEST) -m "not browser and not clone" $(PYTEST_PARALLEL)

# Citation checks without a build: `make check` (all of docs/ and bib/) or
# `make check FILES="docs/questions/my-page.md bib/alignment.bib"` (files or folders).
check: $(STAMP)
	$(BIN)/python tools/citecheck.py $(FILES)

# A new question page from .github/PAGE_TEMPLATE.md, added to nav in mkdocs.yml
# (make passes NAME and TITLE to the script in its environment):
# make page NAME=reward-modelling TITLE="What is reward modelling?"
page: $(STAMP)
	$(BIN)/python tools/new_page.py "$$NAME" "$$TITLE"

# Live preview; another address with `make serve SERVE_ADDR=127.0.0.1:8001`. --dirty lets
# hooks/preview.py render again only what an edit changed (every output stays as a clean build's).
SERVE_ADDR ?= 127.0.0.1:8000
serve: $(STAMP)
	$(BIN)/mkdocs serve --dirty --no-strict --watch bib --watch hooks -a $(SERVE_ADDR)

# The site as one zip to read from disk (open index.html), with the series as one PDF beside it:
# dist/alignment-basics-site.zip.
offline: $(STAMP)
	$(BIN)/mkdocs build --strict
	$(BIN)/python tools/make_pdf.py site dist/alignment-basics.pdf
	$(BIN)/python tools/make_offline_zip.py site dist/alignment-basics-site.zip --pdf dist/alignment-basics.pdf

# The series as one PDF, in reading order, printed by Chromium (CHROMIUM, default
# /usr/bin/chromium): dist/alignment-basics.pdf.
pdf: $(STAMP)
	$(BIN)/mkdocs build --strict
	$(BIN)/python tools/make_pdf.py site dist/alignment-basics.pdf

# Per-page citation coverage (sentences, cited sentences, sources) from site/claims.json.
claims: $(STAMP)
	$(BIN)/mkdocs build --strict
	$(BIN)/python tools/claims_summary.py site/claims.json

# Build times against plain MkDocs at three sizes, a Sphinx peer, and the live preview after one
# edit at each size (bench/run.py; see docs/contributing/performance.md).
bench: $(STAMP)
	$(BIN)/python bench/run.py

# The live preview alone: page and .bib edits under `make serve` at 20, 200 and 1,000 pages.
bench-preview: $(STAMP)
	$(BIN)/python bench/run.py --preview-only

# Check every source against arXiv, Crossref and the live web: the one target that uses the
# network, never part of build or test. SAVE=1 asks the Wayback Machine for fresh copies;
# VERIFY_ARGS passes more options (e.g. --json report.json --markdown summary.md).
verify-sources: $(STAMP)
	$(BIN)/python tools/verify_sources.py $(if $(SAVE),--save) $(VERIFY_ARGS)

# Growth of the .bib reader with n and 4n @string macros and entries (bench/hostile_growth.py).
bench-hostile: $(STAMP)
	$(BIN)/python bench/hostile_growth.py

# Re-pin every dependency (exact versions and hashes) from requirements.in.
lock: $(STAMP)
	$(BIN)/pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe \
	  --no-emit-index-url --no-emit-find-links -o requirements.lock requirements.in

clean:
	rm -rf site dist .pytest_cache .cache .hypothesis

# The stamp is newer than the lock once the lock is installed, so set-up runs once.
$(STAMP): requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python 3.11 or newer is needed; set PYTHON=python3.x" or 0)'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	touch $(STAMP)
