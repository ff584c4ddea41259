"""Reading other tools' tables: header checks, byte order marks, errors by line."""

from __future__ import annotations

import pytest

from sitrep_core import ValidationError
from sitrep_core.codec import InputErrors
from sitrep_core.imports import Importer, cell_error, read_table


def test_a_table_with_a_byte_order_mark_crlf_and_a_quoted_line_break() -> None:
    data = '\ufeffID,Date,Notes\r\n1,2017-08-30,"two\r\nlines"\r\n\r\n2,2017-08-31,x\r\n'
    table = read_table(data.encode("utf-8"), "x.csv", required=("id", "date"))
    assert table.columns == ("id", "date", "notes")  # header names compared in lower case
    assert [(row.line, row["id"], row["notes"]) for row in table] == [
        (2, "1", "two\r\nlines"),
        (5, "2", "x"),  # lines counted as the file has them
    ]
    assert table.rows[0]["missing"] == ""


def test_missing_columns_are_named_at_the_header() -> None:
    with pytest.raises(ValidationError, match=r"lacks the columns latitude, longitude") as caught:
        read_table(b"id\r\n1\r\n", "x.csv", required=("id", "latitude", "longitude"))
    assert (caught.value.source, caught.value.line) == ("x.csv", 1)


def test_a_row_longer_than_the_header_and_bad_bytes_are_named_by_line() -> None:
    with pytest.raises(InputErrors) as caught:
        read_table(b"a,b\n1,2\n1,2,3\n4,5\n6,7,8\n", "x.csv")
    assert [e.line for e in caught.value.errors] == [3, 5]
    with pytest.raises(ValidationError, match="not UTF-8") as bad:
        read_table(b"a,b\n1,2\n\xff,3\n", "x.csv")
    assert bad.value.line == 3


def test_an_empty_file_is_refused() -> None:
    with pytest.raises(ValidationError, match="empty"):
        read_table(b"", "x.csv")


def test_a_cell_error_names_file_line_and_column() -> None:
    table = read_table(b"a\nx\n", "x.csv")
    error = cell_error("bad", "x.csv", table.rows[0], "a")
    assert str(error) == "x.csv, line 2, field a: bad"


def test_an_importer_is_a_format_and_a_reader() -> None:
    importer = Importer("x", lambda data, source: [])
    assert importer.read(b"", "x") == [] and importer.extension == ".csv"
