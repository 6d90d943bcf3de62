"""The statistics, as Ibis expressions run by the configured engine (no I/O here).

scaleups -> counts per LAD and end year; areas -> sums over member LADs; disclosure ->
published counts; density, trend, compare, ratings -> everything derived from counts.
"""
