"""What `invite merge` produces: the input's columns plus the note and its verdict, as CSV or JSON lines.

CSV keeps every input column in order and adds `note`, `length`, `limit`, `findings` and `status`
(renamed `invite_note` and so on when the input already has such a column), RFC 4180 quoted, so a
spreadsheet opens it as it opened the input. JSON lines carry the same per row, with the findings
in the shape `invite lint --format json` uses (and `suppressed`, when a template's comment or the row's
`invite_ignore` cell silenced some), `judged` (false for a note in a language the linter
does not judge; its status then says "not judged") and the input's cells under `columns`.
Both are written a few rows at a time (`Writer`), as the merge finishes them.

A CSV cell that a spreadsheet would run as a formula (`=HYPERLINK(...)` in a recipient's name)
starts with a `'` (`composer.csvtable.spreadsheet_safe`), every cell, the note included: a note that
starts with `=`, `+`, `-` or `@` is rare, and its `'` must be removed before pasting. JSON lines are
never changed: they are read by programs, not spreadsheets.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from composer.csvtable import spreadsheet_safe
from composer.length import note_length
from composer.lint import Finding
from composer.merge.run import Row

ADDED = ("note", "length", "limit", "findings", "status")


def added_columns(header: list[str]) -> list[str]:
    """The names of the added columns, prefixed `invite_` where the input has one of that name."""
    taken = {name.casefold() for name in header}
    return [f"invite_{name}" if name in taken else name for name in ADDED]


def findings_cell(findings: list[Finding]) -> str:
    """`rule: message` per finding, `; `-separated: readable in a spreadsheet cell, greppable."""
    return "; ".join(f"{f.rule}: {f.message}" for f in findings)


def _added(row: Row, limit: int, fail_on: str) -> list[str | int]:
    if row.text is None:
        return ["", "", limit, "", row.status(fail_on)]
    return [row.text, note_length(row.text), limit, findings_cell(row.findings), row.status(fail_on)]


@dataclass(frozen=True)
class Writer:
    """The output's text in pieces: `start` (the CSV header, nothing for JSON lines), then `rows` for each few rows."""

    format: str
    header: list[str]
    limit: int
    fail_on: str

    def start(self) -> str:
        return _csv_text([_safe([*self.header, *added_columns(self.header)])]) if self.format == "csv" else ""

    def rows(self, rows: Iterable[Row]) -> str:
        if self.format == "csv":
            return _csv_text(
                _safe([*(row.record.cells.get(column, "") for column in self.header), *_added(row, self.limit, self.fail_on)])
                for row in rows
            )
        return "".join(line + "\n" for line in to_jsonl(rows, self.limit, self.fail_on))


def _csv_text(rows: Iterable[list[str | int]]) -> str:
    """Rows as RFC 4180 CSV text (CRLF line ends, quoted where needed)."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()


def _safe(cells: list[str | int]) -> list[str | int]:
    """No cell runs as a formula in a spreadsheet: the note too, whose `length` stays the note's own."""
    return [spreadsheet_safe(cell) if isinstance(cell, str) else cell for cell in cells]


def to_jsonl(rows: Iterable[Row], limit: int, fail_on: str) -> Iterator[str]:
    """One JSON object per row, in input order."""
    for row in rows:
        record = {
            "row": row.record.number,
            "line": row.record.line,
            "template": row.template_id,
            "recipient": row.name,
            "profile_url": row.url,
            "note": row.text,
            "length": note_length(row.text) if row.text is not None else None,
            "limit": limit,
            "findings": [f.to_dict() for f in row.findings],
            "status": row.status(fail_on),
            "judged": row.judged if row.text is not None else None,
            "columns": row.record.cells,
        }
        if row.suppressed:
            record["suppressed"] = [item.to_dict() for item in row.suppressed]
        yield json.dumps(record, ensure_ascii=False)
