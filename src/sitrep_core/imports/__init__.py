"""Imports: files other tools write (ACLED, UCDP, ...) read into events.

An :class:`Importer` is a format's name and a function from a file's bytes to
events; plugins add importers through the ``sitrep_importers`` hook. Reading is all
or nothing: a file with any bad row raises one error listing every bad row, by line
and column, and gives no events. The tables are read with :func:`read_table`.
"""

from ._importer import Importer
from ._table import Row, Table, cell_error, read_table

__all__ = ["Importer", "Row", "Table", "cell_error", "read_table"]
