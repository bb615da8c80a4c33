"""Pack a built site into one zip to read from disk: one folder named after the zip
(alignment-basics-site/), with README.txt and index.html at its top, and the whole series as
one PDF beside them when one is given (tools/make_pdf.py).

Usage: python tools/make_offline_zip.py SITE_DIR ZIP_PATH [--pdf PDF_PATH]

The zip is deterministic: entries in sorted order, one fixed timestamp and fixed
permissions, so the same site always gives the same bytes.
"""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

# -----------------------------------------------------------------------------
# Constants
# -----------------------------------------------------------------------------

# Every entry's date: the earliest a zip can hold (1980-01-01 00:00).
EPOCH = (1980, 1, 1, 0, 0, 0)

# Permissions of every entry (rw-r--r--), in the high bits of external_attr.
MODE = 0o100644 << 16

README_NAME = "README.txt"

README_TEXT = """\
Alignment Basics: the whole site, to read without an internet connection
=======================================================================

Unpack this zip, then open index.html in the folder it makes in a web
browser (double-click it).

Everything works from disk: every page, the navigation, search, and the
numbered references (hover or focus a marker to see its source). Nothing is
downloaded while you read; only links to the sources themselves go online.

To print a page, or save it as PDF, use the browser's Print command: the
navigation is left out and the references are printed in full.

The text is licensed CC BY 4.0 by the Alignment Basics contributors.
"""

# Added to README.txt when the zip carries the PDF ({name}: its file name).
README_PDF_TEXT = """
The whole series is also here as one document to print or read anywhere:
{name} (contents with page numbers, each page with its references).
"""

# -----------------------------------------------------------------------------
# Functions
# -----------------------------------------------------------------------------

# Write `site_dir`, README.txt and the PDF at `pdf_path` (if any) into the zip at `zip_path`,
# inside one folder named after the zip (so unpacking never scatters files into the current
# folder); return its size in bytes.
def make_zip(site_dir: Path, zip_path: Path, pdf_path: Path | None = None) -> int:
    site_dir, zip_path = Path(site_dir), Path(zip_path)
    folder = zip_path.stem
    if not (site_dir / "index.html").is_file():
        raise FileNotFoundError(f"{site_dir} has no index.html: build the site first")
    files = sorted(
        (path.relative_to(site_dir).as_posix(), path)
        for path in site_dir.rglob("*")
        if path.is_file()
    )
    if any(name == README_NAME for name, _ in files):
        raise FileExistsError(f"{site_dir} already has a {README_NAME}")
    readme = README_TEXT
    if pdf_path is not None:
        pdf_path = Path(pdf_path)
        if not pdf_path.is_file():
            raise FileNotFoundError(f"{pdf_path} is missing: make it first (`make pdf`)")
        if any(name == pdf_path.name for name, _ in files):
            raise FileExistsError(f"{site_dir} already has a file named {pdf_path.name}")
        readme += README_PDF_TEXT.format(name=pdf_path.name)
        files = sorted([*files, (pdf_path.name, pdf_path)])
    zip_path.parent.mkdir(parents=True, exist_ok=True)
    tmp_path = zip_path.with_name(zip_path.name + ".tmp")
    with zipfile.ZipFile(tmp_path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        _write(archive, f"{folder}/{README_NAME}", readme.encode("utf-8"))
        for name, path in files:
            _write(archive, f"{folder}/{name}", path.read_bytes())
    tmp_path.replace(zip_path)
    return zip_path.stat().st_size


# Add one entry with the fixed date and permissions.
def _write(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=EPOCH)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = MODE
    archive.writestr(info, data)


# Command line: make the zip and print its path and size.
def main(argv: list[str]) -> int:
    pdf_path = None
    if len(argv) == 4 and argv[2] == "--pdf":
        argv, pdf_path = argv[:2], Path(argv[3])
    if len(argv) != 2 or any(arg.startswith("-") for arg in argv):
        print(__doc__.strip().splitlines()[4], file=sys.stderr)
        return 2
    try:
        size = make_zip(Path(argv[0]), Path(argv[1]), pdf_path)
    except (FileNotFoundError, FileExistsError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"{argv[1]}: {size / 1_000_000:.1f} MB ({size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
