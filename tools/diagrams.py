"""Write the dark-palette copy of every diagram in docs/assets/diagrams/.

A diagram is drawn once per layout, in the light palette: `name.svg` (wide, for screens from
45em) and `name.narrow.svg` (stacked, for phones). This script writes `name.dark.svg` and
`name.narrow.dark.svg` beside them by swapping each colour of the light palette for its dark
counterpart (the table below). Pages show the light copy with Material's `#only-light` fragment
and the dark one with `#only-dark`, so a diagram follows the reader's palette toggle, which an
SVG inside an `<img>` cannot see by itself.

Colours live in presentation attributes only (fill, stroke, stop-color): a colour this script does
not know, a `style` attribute or a `<style>` element stops it with the file and the fix.

    .venv/bin/python tools/diagrams.py          write the dark copies
    .venv/bin/python tools/diagrams.py --check  exit 1 if a dark copy is missing or stale (the tests do this)
"""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DIAGRAMS = ROOT / "docs" / "assets" / "diagrams"
SVG_NS = "http://www.w3.org/2000/svg"

# Attributes that carry a colour (`color` is what "currentColor" paints with).
COLOUR_ATTRIBUTES = ("fill", "stroke", "stop-color", "flood-color", "lighting-color", "color")

# Values that are not colours and stay as they are.
KEEP = {"none", "currentcolor", "transparent", "inherit"}

# Light colour -> dark colour. The panel takes the slate background of Material's dark palette
# (hsl(232, 15%, 14%)); inks turn light, pale fills turn to deep tints of the same hue, so text
# keeps at least 4.5:1 against the fill it sits on.
DARK = {
    "#ffffff": "#1e2129",  # panel and plain boxes
    "#fafafa": "#fafafa",  # light ink on dark shapes (eyes, a label on the ground)
    "#212121": "#e3e5ea",  # ink
    "#424242": "#c5c8d0",  # arrows, quiet text
    "#616161": "#aeb2ba",  # grey lines and text
    "#9e9e9e": "#5f6470",  # panel border
    "#f5f5f5": "#2a2e38",  # grey fill
    "#e8eaf6": "#272c47",  # indigo fill
    "#3949ab": "#8c9eff",  # indigo border
    "#e3f2fd": "#1b2a3d",  # blue fill
    "#1565c0": "#64b5f6",  # blue line
    "#0d47a1": "#90caf9",  # blue text
    "#f3e5f5": "#33243d",  # purple fill
    "#7b1fa2": "#ce93d8",  # purple line
    "#4a148c": "#e1bee7",  # purple text
    "#6a1b9a": "#ab47bc",  # purple shape
    "#e8f5e9": "#1f3323",  # green fill
    "#2e7d32": "#81c784",  # green line
    "#1b5e20": "#a5d6a7",  # green text
    "#fff3e0": "#3d2e1c",  # orange fill
    "#e65100": "#ffb74d",  # orange line
    "#bf360c": "#ffab91",  # orange text and line
    "#ffebee": "#3d2226",  # red fill
    "#fdecea": "#3d2226",  # red fill
    "#c62828": "#ef9a9a",  # red line
    "#b71c1c": "#ffcdd2",  # red text
    "#5d4037": "#5d4037",  # ground: already dark
    "#78909c": "#78909c",  # sky border
    "#fbc02d": "#fbc02d",  # coin
    "#6d4c00": "#6d4c00",  # coin border and its "$"
}


class DiagramError(Exception):
    pass


# The light drawings: every .svg that is not itself a dark copy.
def light_sources(folder: Path = DIAGRAMS) -> list[Path]:
    return sorted(p for p in folder.glob("*.svg") if not p.name.endswith(".dark.svg"))


# Where the dark copy of `source` goes: name.svg -> name.dark.svg.
def dark_path(source: Path) -> Path:
    return source.with_name(source.name.removesuffix(".svg") + ".dark.svg")


# The dark copy of one light SVG, as text; DiagramError names the file and the fix.
def dark_svg(source: Path) -> str:
    shown = _shown(source)
    parser = ET.XMLParser(target=ET.TreeBuilder(insert_comments=True))
    try:
        root = ET.fromstring(source.read_text(encoding="utf-8"), parser=parser)
    except (ET.ParseError, UnicodeDecodeError) as error:
        raise DiagramError(f"{shown}: not well-formed SVG ({error}); fix the markup") from None
    for element in root.iter():
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag == f"{{{SVG_NS}}}style":
            raise DiagramError(f"{shown}: a <style> element; put colours in fill/stroke attributes instead")
        if "style" in element.attrib:
            raise DiagramError(f"{shown}: a style attribute on <{tag.split('}')[-1]}>; "
                               "use fill/stroke/font-* attributes instead")
        for name in COLOUR_ATTRIBUTES:
            value = element.get(name)
            if value is None or value.strip().lower() in KEEP or value.startswith("url("):
                continue
            colour = value.strip().lower()
            if colour not in DARK:
                raise DiagramError(f"{shown}: {name}=\"{value}\" is not in the palette of tools/diagrams.py; "
                                   "use one of its colours or add its dark counterpart to DARK")
            element.set(name, DARK[colour])
    ET.register_namespace("", SVG_NS)
    body = ET.tostring(root, encoding="unicode")
    note = f"<!-- Generated by tools/diagrams.py from {source.name}; edit that file and run the script. -->\n"
    return note + body + "\n"


# Write (or, with check=True, compare) every dark copy; returns the problems, one per line.
def run(check: bool, folder: Path = DIAGRAMS) -> list[str]:
    problems = []
    sources = light_sources(folder)
    for source in sources:
        try:
            wanted = dark_svg(source)
        except DiagramError as error:
            problems.append(str(error))
            continue
        target = dark_path(source)
        current = target.read_text(encoding="utf-8") if target.exists() else None
        if current == wanted:
            continue
        if check:
            problems.append(f"{_shown(target)}: missing or stale; run `.venv/bin/python tools/diagrams.py`")
        else:
            target.write_text(wanted, encoding="utf-8")
    expected = {dark_path(source) for source in sources}
    for orphan in sorted(set(folder.glob("*.dark.svg")) - expected):
        problems.append(f"{_shown(orphan)}: a dark copy without its light drawing; delete it")
    return problems


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


def main(argv: list[str]) -> int:
    problems = run(check="--check" in argv)
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
