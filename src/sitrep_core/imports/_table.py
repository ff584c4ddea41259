"""A CSV table as exports write it: a header row, then one row per record.

Excel's byte order mark, CRLF line ends, quoted cells with line breaks and extra
columns are all read; missing columns, a file that is not UTF-8, or a row with more
cells than the header are errors naming the line (and column).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence

import attrs

from ..codec import InputErrors
from ..errors import ValidationError

BOM = "\ufeff"


@attrs.frozen
class Row:
    """One record of a table: the line it starts on, and its cells by column."""

    line: int
    cells: dict[str, str]

    def __getitem__(self, column: str) -> str:
        return self.cells.get(column, "").strip()


@attrs.frozen
class Table:
    """A table's columns (as the header gives them) and its rows."""

    source: str
    columns: tuple[str, ...]
    rows: tuple[Row, ...]

    def __iter__(self) -> Iterator[Row]:
        return iter(self.rows)


def cell_error(message: str, source: str, row: Row | int, column: str | None) -> ValidationError:
    """An error naming the file, the line and the column of a bad cell."""
    line = row.line if isinstance(row, Row) else row
    return ValidationError(message, source=source, line=line, field=column)


def _text(data: bytes, source: str) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ValidationError(
            f"not UTF-8 (byte {data[exc.start]:#04x}); save the file as UTF-8 (CSV UTF-8)",
            source=source,
            line=line,
        ) from None
    return text[1:] if text.startswith(BOM) else text


def read_table(data: bytes, source: str, required: Sequence[str] = ()) -> Table:
    """The table in ``data`` (UTF-8, with or without a byte order mark), checking that
    the header has every ``required`` column."""
    text = _text(data, source)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise ValidationError(f"the header row is not CSV: {exc}", source=source, line=1) from None
    if header is None or not any(h.strip() for h in header):
        raise ValidationError("the file is empty: no header row", source=source, line=1)
    columns = tuple(h.strip().lower() for h in header)
    missing = [c for c in required if c not in columns]
    if missing:
        raise ValidationError(
            f"the header lacks the column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(missing)} (it has: {', '.join(columns)})",
            source=source,
            line=1,
        )
    rows: list[Row] = []
    errors: list[ValidationError] = []
    line = reader.line_num + 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            errors.append(ValidationError(f"not CSV: {exc}", source=source, line=line))
            break
        if any(c.strip() for c in cells):
            if len(cells) > len(columns):
                errors.append(
                    ValidationError(
                        f"{len(cells)} cells, but the header names {len(columns)} columns",
                        source=source,
                        line=line,
                    )
                )
            else:
                rows.append(Row(line, dict(zip(columns, cells, strict=False))))
        line = reader.line_num + 1
    if errors:
        raise InputErrors(errors)
    return Table(source, columns, tuple(rows))
