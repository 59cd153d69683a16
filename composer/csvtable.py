"""Reading CSV files as people and LinkedIn export them: RFC 4180 plus the quirks, streamed row by row.

stdlib `csv` handles quoting (commas and line breaks inside quoted fields); this module adds what
spreadsheets and LinkedIn add around it: a UTF-8 byte-order mark (dropped), LinkedIn's
`Connections.csv` preamble (`Notes:`, a quoted sentence, a blank line, then the header), blank
lines, and rows whose field count does not match the header (reported per row, never fatal).
A file opened by path is also read as Excel saves it: the separator is sniffed from the header line
(`;` where the decimal mark is a comma, a tab for "Unicode text", Excel's `sep=;` line), and a file
that is not UTF-8 is decoded in the encoding charset-normalizer finds (cp1252 "Café Müller").
A file that cannot be read at all is one `InputError` naming it. Used by `invite merge` (a file)
and `invite import` (files inside a zip or a folder), so it takes any text stream and a label.

A table read with caps (`max_cell`, `max_line`: `invite import` sets them) holds at most that much
of one row in memory: a cell longer than `max_cell` characters (above Python's own 131,072) or a
physical line longer than `max_line` makes that row unreadable (skipped, reported with its line),
and the rest of the file still reads.

One rule for the CSVs the tool writes (`invite merge`, `invite history --format csv`) lives here
too, `spreadsheet_safe`: a cell that a spreadsheet would run as a formula (it starts with `=`, `+`,
`-`, `@`, a tab or a carriage return, OWASP's list) gets a leading `'`, so it shows as text. A
recipient chooses their own name on LinkedIn, and `=HYPERLINK(...)` in a name must not become a
link, or worse, in the user's spreadsheet.
"""

from __future__ import annotations

import codecs
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
#: The field separators a header line is sniffed for, the default first.
SEPARATORS = (",", ";", "\t")
#: How much of a file its encoding and separator are guessed from.
SAMPLE_BYTES = 64 * 1024
#: Among legacy encodings that fit a sample equally well, the one Excel writes on Western Windows.
PREFERRED_LEGACY = "cp1252"
_SEPARATORS = re.compile(r"[\s\-./]+")


#: How a cell a spreadsheet would read as a formula starts (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(cell: str) -> str:
    """A cell to write: one that starts as a formula would gets a leading `'`, which spreadsheets read as text."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


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
    #: The row could not be read at all (over a cap): `cells` is empty and `problem` says why.
    unreadable: bool = False


class Unreadable(InputError):
    """A row over a table's caps (a cell or a line too long); `reason` says which, without the file and line."""

    def __init__(self, where: str, reason: str) -> None:
        super().__init__(f"{where}: {reason}")
        self.reason = reason


class LineTooLong(Exception):
    """A physical line over `BoundedLines.limit` characters; its rest was read through and dropped."""


class BoundedLines:
    """A text stream's physical lines for `csv.reader`, counted, none longer than `limit` characters.

    Iterating a file holds a whole line in memory, and a 400 MB CSV can be one line. Here a line
    over `limit` is read through in `limit`-sized pieces, dropped, and reported as `LineTooLong`.
    """

    def __init__(self, handle: TextIO, limit: int) -> None:
        self.handle = handle
        self.limit = limit
        self.line = 0

    def __iter__(self) -> BoundedLines:
        return self

    def __next__(self) -> str:
        text = self.handle.readline(self.limit)
        if not text:
            raise StopIteration
        self.line += 1
        if len(text) < self.limit or text.endswith(("\n", "\r")):
            return text
        while (rest := self.handle.readline(self.limit)) and not rest.endswith(("\n", "\r")):
            pass
        raise LineTooLong


@dataclass
class Table:
    """An open CSV: its header and a stream of records. `path` labels it in messages (`export.zip:Invitations.csv`)."""

    path: Path | str
    header: list[str]
    handle: TextIO
    reader: Iterator[list[str]]
    separator: str = ","
    #: The caps (None: Python's csv defaults, and lines of any length).
    max_cell: int | None = None
    lines: BoundedLines | None = None

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
            try:
                fields = self._next()
            except Unreadable as exc:
                number += 1
                yield Record(number, line, {}, exc.reason, unreadable=True)
                continue
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
        if self.lines is not None:
            return self.lines.line
        return getattr(self.reader, "line_num", 0)

    def _next(self) -> list[str] | None:
        previous = csv.field_size_limit(self.max_cell) if self.max_cell is not None else None
        try:
            return next(self.reader)
        except StopIteration:
            return None
        except LineTooLong:
            assert self.lines is not None
            self.reader = csv.reader(self.lines, delimiter=self.separator)  # a fresh parser after the dropped line
            raise Unreadable(f"{self.path}:{self._line()}", f"a line longer than {self.lines.limit:,} characters") from None
        except csv.Error as exc:
            if self.max_cell is not None and "field larger than field limit" in str(exc):
                raise Unreadable(f"{self.path}:{self._line()}", f"a cell longer than {self.max_cell:,} characters") from None
            raise InputError(f"{self.path}:{self._line()}: not readable as CSV: {exc}") from None
        except UnicodeDecodeError:
            raise InputError(
                f"{self.path}: not UTF-8 text (an invalid byte near line {self._line() + 1}); save it as UTF-8"
            ) from None
        finally:
            if previous is not None:
                csv.field_size_limit(previous)


def open_table(path: Path) -> Table:
    """Open a CSV in its encoding and with its separator, skip a BOM and LinkedIn's preamble, and read its
    header; an unusable file is an InputError."""
    raw = open_input(path)
    encoding, separator = "utf-8-sig", ","
    if raw.seekable():
        try:
            sample = raw.read(SAMPLE_BYTES)
            raw.seek(0)
        except OSError as exc:
            raw.close()
            raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None
        encoding = detect_encoding(sample, complete=len(sample) < SAMPLE_BYTES)
        separator = sniff_separator(sample.decode(encoding, errors="replace"))
    handle = io.TextIOWrapper(raw, encoding=encoding, newline="")
    return read_table(handle, path, separator)


def detect_encoding(sample: bytes, *, complete: bool) -> str:
    """UTF-8 (a BOM dropped) when the sample is UTF-8; else what charset-normalizer finds, cp1252 among equals."""
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=complete)
        return "utf-8-sig"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    matches = list(from_bytes(sample))
    if not matches:
        return "utf-8-sig"  # not text in any encoding: reading says so, naming the line
    best = matches[0]
    equals = [m.encoding for m in matches if (m.chaos, m.coherence) == (best.chaos, best.coherence)]
    return PREFERRED_LEGACY if PREFERRED_LEGACY in equals else best.encoding


def sniff_separator(text: str) -> str:
    """The separator of the header line (after LinkedIn's preamble): the most frequent of `SEPARATORS`
    outside quotes, a comma when none is there; Excel's `sep=X` first line says it outright."""
    lines = iter(text.splitlines())
    line = next((line for line in lines if line.strip()), "")
    if line.casefold().startswith("sep=") and len(line.strip()) == 5:
        return line.strip()[4]
    if line.strip().strip('"').casefold().startswith(PREAMBLE_MARKER):
        next((line for line in lines if not line.strip()), None)  # the preamble ends at a blank line
        line = next((line for line in lines if line.strip()), "")
    outside = re.sub(r'"[^"]*"', "", line)
    counts = {separator: outside.count(separator) for separator in SEPARATORS}
    best = max(SEPARATORS, key=lambda s: counts[s])
    return best if counts[best] else ","


def read_table(
    handle: TextIO, label: Path | str, separator: str = ",", *, max_cell: int | None = None, max_line: int | None = None
) -> Table:
    """A CSV from an open text stream (opened with newline=""); closed with the table. With `max_cell` and
    `max_line`, a row over either cap is an unreadable record, and no row holds more than that in memory."""
    lines = BoundedLines(handle, max_line) if max_line is not None else None
    reader = csv.reader(lines if lines is not None else handle, delimiter=separator)
    table = Table(label, [], handle, reader, separator, max_cell, lines)
    try:
        table.header = _header(table)
    except BaseException:
        handle.close()
        raise
    return table


def _header(table: Table) -> list[str]:
    first = _next_nonblank(table)
    if first is not None and len(first) <= 2 and first[0].strip().casefold().startswith("sep="):
        first = _next_nonblank(table)  # Excel's line naming the separator
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
