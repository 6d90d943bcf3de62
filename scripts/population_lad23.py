"""Make the shipped revised population series from ONS's Explore Local Statistics file.

    python scripts/population_lad23.py SHARED/data/population > \
        src/scaleup/data/population/ons_mye_lad23_2001_2024.csv

Input (SOURCES.md s. 2.6 of the shared data): ``els/population-count.json`` (parallel
arrays ``areacd``, ``xDomainNumb`` = year, ``value``) and ``ons_mye_lad23_2021_2024.csv``
(for the LAD names, April 2023 boundaries). Output: ``lad_code, lad_name, year,
population`` for every LAD code of the JSON (361 UK LADs, April 2023 codes), mid-2001 to
mid-2024, sorted by code then year. No value is changed; only LAD rows and years from
2001 are kept (the JSON's 1991-2000 rows lack 11 LADs).
"""

from __future__ import annotations

import csv
import json
import re
import sys
from pathlib import Path

LAD = re.compile(r"^(E0[6-9]|W06|S12|N09)\d{6}$")
FIRST_YEAR = 2001


def main(folder: Path) -> None:
    raw = json.loads((folder / "els" / "population-count.json").read_text(encoding="utf-8"))
    with open(folder / "ons_mye_lad23_2021_2024.csv", encoding="utf-8-sig", newline="") as fh:
        names = {row["lad_code"]: row["lad_name"] for row in csv.DictReader(fh)}
    rows = sorted(
        (code, int(year), int(value))
        for code, year, value in zip(raw["areacd"], raw["xDomainNumb"], raw["value"], strict=True)
        if LAD.match(code) and int(year) >= FIRST_YEAR
    )
    missing = sorted({code for code, _, _ in rows} - set(names))
    if missing:
        raise SystemExit(f"no name for {', '.join(missing)}")
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["lad_code", "lad_name", "year", "population"])
    for code, year, value in rows:
        out.writerow([code, names[code], year, value])


if __name__ == "__main__":
    main(Path(sys.argv[1]))
