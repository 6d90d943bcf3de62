"""The statistics (methodology sections 1-5); no I/O here.

On the engine, as Ibis expressions over the firm panel: scaleups (counts per LAD and end
year, with the exact growth test of growth.py) and ratings. In plain Python on the small
tables that follow: cells (a count and its suppressed flag; ``any``), areas (sums over
member LADs), disclosure (published counts), density, trend and compare (exact, as
``Fraction``), and review (the four published tables, cell by cell).
"""
