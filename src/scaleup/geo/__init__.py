"""Geography that survives reorganisation: LAD code changes, vintages, areas, population.

Public data come on the LAD geography of their own year; a review is built on one named
vintage. :mod:`codes` maps old LAD codes forward, :mod:`areas` declares the shipped area
sets (LEP 2021, English regions, combined authorities), :mod:`population` puts the
mid-year estimates on the vintage, and :mod:`changes` words the "what changed" report.
The pipeline that reads the ONS tables and writes the three contract files on a vintage is
:mod:`scaleup.public_data`, beside :mod:`scaleup.pipeline` (it reads with :mod:`scaleup.ingest`).

An area need not be an official one: its code is a GSS code (E37000045) or the user's
own. :data:`AREA_CODE` is the one rule for every area code the project reads.
"""

import re

GSS_ANY = r"[EWSNK][0-9]{8}"
"""Any GSS code, unanchored: a nation's letter (E, W, S, N) or K (the UK, Great Britain,
England and Wales), then eight digits."""

GSS_PATTERN = r"^[EWSN][0-9]{8}$"
r"""The GSS code of a place within one nation, as every LAD's is: an input's ``lad_code``
(contracts.md: ``^[EWSN]\d{8}$``)."""
GSS_CODE = re.compile(GSS_PATTERN)

# A GSS code; or an own code of capital letters, digits, - and _ that does not look like
# a shortened GSS code (E, W, S, N or K followed by digits only, such as E999). Written
# without look-ahead so that the engines' regular expressions (RE2) read it too.
AREA_CODE_PATTERN = (
    rf"^({GSS_ANY}"
    r"|[0-9A-DF-JLMO-RT-VX-Z][A-Z0-9_-]{0,31}"
    r"|[EWSNK][0-9]{0,30}[A-Z_-][A-Z0-9_-]{0,30})$"
)
AREA_CODE = re.compile(AREA_CODE_PATTERN)
AREA_CODE_MEANING = (
    "an area code (a GSS code like E37000045, or your own of capital letters, digits, "
    "- and _ that is not a shortened GSS code)"
)
