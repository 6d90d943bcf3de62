"""Geography that survives reorganisation: LAD code changes, vintages, areas, population.

Public data come on the LAD geography of their own year; a review is built on one named
vintage. :mod:`codes` maps old LAD codes forward, :mod:`areas` declares the shipped area
sets (LEP 2021, English regions, combined authorities), :mod:`population` puts the
mid-year estimates on the vintage, and :mod:`public_data` writes the three contract files
with a "what changed" report (:mod:`changes`).
"""
