"""Area ratings from the LAD flags (methodology section 4).

Density share = LADs above the median density, summed over the rated measures available
(employment, turnover), divided by the number of published flags behind it; trend share
likewise. A flag that is withheld (its value suppressed) or not available is neither above
nor at/below the median, so it is in neither the numerator nor the denominator. A share
with no published flag at all is not available, and so is the count of LADs above on a
measure none of whose flags is published (never 0).
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from scaleup.tables import RATED_MEASURES

BANDS = ((0.75, "Strong"), (0.60, "Good"), (0.45, "Moderate"))
LOWEST = "Needs Improvement"


def band(share: ir.FloatingValue) -> ir.StringValue:
    cases = [(share >= cut, name) for cut, name in BANDS]
    return ibis.ifelse(share.isnull(), ibis.null("string"), ibis.cases(*cases, else_=LOWEST))


def ratings(flags: ir.Table, members: ir.Table, rated: tuple[str, ...]) -> ir.Table:
    """Per area: n_lads, counts of LADs above per measure, shares and ratings.

    ``flags`` has ``lad_code, measure, density_above_median, trend_above_median``;
    ``rated`` are the measures of RATED_MEASURES the inputs provide.
    """
    j = members.join(flags, "lad_code")
    aggs: dict[str, ir.Value] = {"n_lads": j.lad_code.nunique()}
    known = {}
    for kind in ("density", "trend"):
        flag = j[f"{kind}_above_median"]
        for m in RATED_MEASURES:
            name = f"{kind}_above_{m}"
            if m in rated:
                # A count of LADs above is only known where some LAD's flag is known.
                above = flag.cast("int64").sum(where=(j.measure == m) & flag.notnull())
                seen = flag.notnull().cast("int64").sum(where=j.measure == m)
                aggs[name] = ibis.ifelse(seen > 0, above.fill_null(0), ibis.null("int64"))
            else:
                aggs[name] = ibis.null("int64")
        known[kind] = flag.notnull().cast("int64").sum(where=j.measure.isin(rated))
        aggs[f"{kind}_known"] = known[kind]
    per_area = j.group_by("area_code").aggregate(**aggs)
    out = per_area
    for kind in ("density", "trend"):
        num = sum(
            (out[f"{kind}_above_{m}"].fill_null(0) for m in RATED_MEASURES if m in rated),
            ibis.literal(0, "int64"),
        )
        share = num.cast("float64") / out[f"{kind}_known"].cast("float64")
        share = ibis.ifelse(out[f"{kind}_known"] > 0, share, ibis.null("float64"))
        out = out.mutate(**{f"{kind}_share": share})
    out = out.mutate(density_rating=band(out.density_share), trend_rating=band(out.trend_share))
    return out.drop("density_known", "trend_known")
