"""Reading CSV files as people and LinkedIn export them: RFC 4180 plus the quirks, streamed row by row.

stdlib `csv` handles quoting (commas and line breaks inside quoted fields); this module adds what
spreadsheets and LinkedIn add around it: a UTF-8 byte-order mark (dropped), LinkedIn's
`Connections.csv` preamble (`Notes:`, a quoted sentence, a blank line, then the header), blank
lines, and rows whose field count does not match the header (reported per row, never fatal).
A file that cannot be read at all is one `InputError` naming it. Used by `invite merge` (a file)
and `invite import` (files inside a zip or a folder), so it takes any text stream and a label.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from composer.errors import InputError
from composer.fileio import open_input

#: The first cell of LinkedIn's Connections.csv preamble; everything up to the next blank line is skipped.
PREAMBLE_MARKER = "notes:"
_SEPARATORS = re.compile(r"[\s\-./]+")


def column_key(header: str) -> str:
    """How a header names an answer: case- and space-insensitive (`First Name` -> `first_name`)."""
    return _SEPARATORS.sub("_", header.strip().casefold()).strip("_")


@dataclass
class Record:
    """One data row: its number (1 = the first after the header), the file line it starts on, its cells by header."""

    number: int
    line: int
    cells: dict[str, str]
    problem: str | None = None


@dataclass
class Table:
    """An open CSV: its header and a stream of records. `path` labels it in messages (`export.zip:Invitations.csv`)."""

    path: Path | str
    header: list[str]
    handle: TextIO
    reader: Iterator[list[str]]

    def __enter__(self) -> Table:
        return self

    def __exit__(self, *exc: object) -> None:
        self.handle.close()

    def records(self) -> Iterator[Record]:
        """The data rows in order; blank lines are skipped, a row of the wrong width carries a problem."""
        number = 0
        width = len(self.header)
        while True:
            line = self._line() + 1
            fields = self._next()
            if fields is None:
                return
            if not any(cell.strip() for cell in fields):
                continue
            number += 1
            problem = None
            if len(fields) > width and any(cell.strip() for cell in fields[width:]):
                problem = f"{len(fields)} fields, but the header has {width}"
            elif any("\x00" in cell for cell in fields):
                problem = "a cell holds a NUL byte (binary data?)"
            cells = dict(zip(self.header, [*fields, *[""] * (width - len(fields))], strict=False))
            yield Record(number, line, cells, problem)

    def _line(self) -> int:
        return getattr(self.reader, "line_num", 0)

    def _next(self) -> list[str] | None:
        try:
            return next(self.reader)
        except StopIteration:
            return None
        except csv.Error as exc:
            raise InputError(f"{self.path}:{self._line()}: not readable as CSV: {exc}") from None
        except UnicodeDecodeError:
            raise InputError(
                f"{self.path}: not UTF-8 text (an invalid byte near line {self._line() + 1}); save it as UTF-8"
            ) from None


def open_table(path: Path) -> Table:
    """Open a CSV, skip a BOM and LinkedIn's preamble, and read its header; an unusable file is an InputError."""
    handle = io.TextIOWrapper(open_input(path), encoding="utf-8-sig", newline="")
    return read_table(handle, path)


def read_table(handle: TextIO, label: Path | str) -> Table:
    """A CSV from an open text stream (opened with newline=""); closed with the table."""
    table = Table(path=label, header=[], handle=handle, reader=csv.reader(handle))
    try:
        table.header = _header(table)
    except BaseException:
        handle.close()
        raise
    return table


def _header(table: Table) -> list[str]:
    first = _next_nonblank(table)
    if first is not None and first[0].strip().casefold() == PREAMBLE_MARKER:
        while (fields := table._next()) is not None and any(cell.strip() for cell in fields):
            pass  # LinkedIn's note about missing e-mail addresses
        first = _next_nonblank(table)
    if first is None:
        raise InputError(f"{table.path}: empty file; expected a CSV with a header row (e.g. First Name,Last Name,Company)")
    if b"\x00" in "".join(first).encode("utf-8"):
        raise InputError(f"{table.path}: looks like a binary file, not a CSV")
    header = [cell.strip() for cell in first]
    while header and not header[-1]:
        header.pop()  # a trailing comma in the header
    if not header or not all(header):
        raise InputError(f"{table.path}:{table._line()}: the header has an empty column name; name every column")
    return header


def _next_nonblank(table: Table) -> list[str] | None:
    while (fields := table._next()) is not None:
        if any(cell.strip() for cell in fields):
            return fields
    return None


def count_records(path: Path) -> int:
    """How many data rows a CSV has (for a progress bar's total); 0 when it cannot tell."""
    try:
        with open_table(path) as table:
            return sum(1 for _ in table.records())
    except InputError:
        return 0
