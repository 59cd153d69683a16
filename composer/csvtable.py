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


def read_table(handle: TextIO, label: Path | str, separator: str = ",") -> Table:
    """A CSV from an open text stream (opened with newline=""); closed with the table."""
    table = Table(path=label, header=[], handle=handle, reader=csv.reader(handle, delimiter=separator))
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
