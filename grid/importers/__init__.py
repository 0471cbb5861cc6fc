"""Bulk imports of base data from files (boundaries, household registers).

Each importer is a plain function over an iterable of already-read features or rows that
saves through `grid.services` and returns an `ImportResult`; the management commands only
read the file, draw the progress bar and print the result.
"""
