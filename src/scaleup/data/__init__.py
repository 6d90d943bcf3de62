"""Real public data shipped with the package (Open Government Licence; see SOURCES.md).

Each shipped file is named once here; code reads them through these paths only.
"""

from __future__ import annotations

from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent

HIGH_GROWTH_EXTRACT = DATA_DIR / "business" / "ons_high_growth_enterprises_lad_2017_2024.csv"
"""ONS Business Demography, editions 2022-2024: high-growth enterprises (Table 7.1x), tidy."""

POPULATION_LAD21 = DATA_DIR / "population" / "ons_mye_lad21_2001_2020.csv"
"""ONS mid-year population estimates 2001-2020 on April 2021 LAD geography."""

POPULATION_LAD21_VINTAGE = 2021
"""The LAD vintage of :data:`POPULATION_LAD21`."""

POPULATION_LAD23 = DATA_DIR / "population" / "ons_mye_lad23_2001_2024.csv"
"""ONS mid-year population estimates 2001-2024 on April 2023 LAD geography: the revised
series (Census 2021-based) as ONS served it in autumn 2025, one vintage for every year."""

POPULATION_LAD23_VINTAGE = 2023
"""The LAD vintage of :data:`POPULATION_LAD23`."""

LAD_CODE_CHANGES = DATA_DIR / "geography" / "lad_code_changes_2018_2025.csv"
"""ONS LAD, county and combined-authority code changes 2018-2025 (ONSvisual)."""

LAD_LEP21_LOOKUP = DATA_DIR / "geography" / "lad_to_lep21_lookup_spatial.csv"
"""English LAD -> LEP (May 2021), with the two-LEP overlaps and each code's years of use."""

LEP_CODES_HISTORY = DATA_DIR / "geography" / "lep_codes_history.csv"
"""Every LEP code, live and terminated, with indicative dates (DfE reference list)."""

LTLA_HIERARCHY = DATA_DIR / "geography" / "ltla14_hierarchy_lookup.csv"
"""UK LTLA (pre-2019 codes) -> county, combined authority, region, country (ONSvisual)."""

UK_BOUNDARIES = DATA_DIR / "geography" / "uk_admin_topo_2014_2025.json"
"""UK boundaries as TopoJSON, every LAD vintage 2014-2025 (for maps only)."""

SOURCES = DATA_DIR / "sources.toml"
"""What the shipped datasets are, as pages cite them: title, publisher, edition, release
date, tables, licence and attribution (package metadata; SOURCES.md has their origins)."""
