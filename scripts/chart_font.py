"""Make the font the charts' text is measured in: DejaVu Sans, cut to the Latin script.

    pip install fonttools   # for this script only; not a dependency of the package
    python scripts/chart_font.py [/usr/share/fonts/truetype/dejavu] \
        > src/scaleup/publish/fonts/README.md

Why: vl-convert measures every label to lay a chart out, and reads a system font from its
file for each glyph it measures (it maps and unmaps the file every time): with DejaVu Sans
(760 KB) text measuring was about half of the drawing. The same faces cut to the Latin
script measure identically (the same glyphs, advances and kerning) in a fifth of the
file. Shipped with the package, they also make the layout the same on every machine,
whatever fonts it has.

Input: Debian's fonts-dejavu-core (DejaVu Sans 2.37): the book, bold, oblique and bold
oblique faces. Output, in src/scaleup/publish/fonts/: the four faces with the characters
of CHARACTERS, hinting instructions dropped (vl-convert does not hint), every layout
feature kept, and renamed "DejaVu Sans Charts" as the fonts' licence asks of a modified
font (Bitstream Vera licence; DejaVu's changes are in the public domain): the licence is
copied beside them.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

FAMILY = "DejaVu Sans Charts"
FACES = {
    "DejaVuSans.ttf": "Book",
    "DejaVuSans-Bold.ttf": "Bold",
    "DejaVuSans-Oblique.ttf": "Oblique",
    "DejaVuSans-BoldOblique.ttf": "Bold Oblique",
}
CHARACTERS = [
    (0x20, 0x7E),  # Basic Latin
    (0xA0, 0x24F),  # Latin-1 Supplement, Latin Extended-A and -B (Welsh, Irish, Romanian...)
    (0x1E00, 0x1EFF),  # Latin Extended Additional (Welsh ẁ ẃ ẅ ỳ)
    (0x2010, 0x2027),  # dashes, quotation marks, bullet, ellipsis
    (0x2030, 0x203A),  # per mille, primes, angle quotation marks
    (0x20AC, 0x20AC),  # euro
    (0x2122, 0x2122),  # trade mark
    (0x2190, 0x2193),  # arrows
    (0x2212, 0x2212),  # minus sign (Vega's negative numbers)
    (0x2264, 0x2265),  # less and greater than or equal to
]
OUT = Path(__file__).resolve().parents[1] / "src" / "scaleup" / "publish" / "fonts"
LICENCE = Path("/usr/share/doc/fonts-dejavu-core/copyright")


def cut(source: Path, style: str, out: Path) -> None:
    options = subset.Options()
    options.layout_features = ["*"]
    options.hinting = False
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 13, 14, 16, 17]
    font = TTFont(source, recalcTimestamp=False)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[c for a, b in CHARACTERS for c in range(a, b + 1)])
    subsetter.subset(font)
    postscript = FAMILY.replace(" ", "") + "-" + style.replace(" ", "")
    for record in font["name"].names:
        if record.nameID in (1, 16):
            record.string = FAMILY
        elif record.nameID == 3:
            record.string = f"{FAMILY} {style}"
        elif record.nameID == 4:
            record.string = FAMILY if style == "Book" else f"{FAMILY} {style}"
        elif record.nameID == 6:
            record.string = postscript
    font.save(out / f"{postscript}.ttf")


def main() -> None:
    source = Path(sys.argv[1] if len(sys.argv) > 1 else "/usr/share/fonts/truetype/dejavu")
    OUT.mkdir(parents=True, exist_ok=True)
    for name, style in FACES.items():
        cut(source / name, style, OUT)
    shutil.copyfile(LICENCE, OUT / "LICENSE")
    ranges = ", ".join(f"U+{a:04X}-{b:04X}" if a != b else f"U+{a:04X}" for a, b in CHARACTERS)
    print(
        f"# {FAMILY}\n\nDejaVu Sans (book, bold, oblique, bold oblique) cut to {ranges}, "
        "without hinting, renamed as its licence (LICENSE) asks of a modified font. The "
        "charts' text is measured in it (publish/drawing.py); the pages name DejaVu Sans, "
        "Verdana, sans-serif. Made by scripts/chart_font.py."
    )


if __name__ == "__main__":
    main()
