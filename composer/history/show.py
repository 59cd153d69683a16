"""What `invite history` prints: the recorded notes as a table, JSON lines or CSV, and what `forget` did.

Recipients and notes are shown through `output.cell`, so a stored note cannot send escape
sequences to the terminal. What a LinkedIn export said (the invitations `--search` lists) goes
through `output.visible` in JSON and CSV too: no escape sequences, bidi overrides or zero-width
characters from someone else's text, in any format. rich is imported when a table is printed.
"""

from __future__ import annotations

import csv
import json
import sys
from dataclasses import replace
from pathlib import Path

from composer import output
from composer.csvtable import spreadsheet_safe
from composer.history.store import Recorded, history_path, listed_names


def print_notes(notes: list[Recorded] | None, format_: str) -> None:
    """The listed notes in `format_` (text, json or csv); a sentence when there is no history yet."""
    if notes is None:
        output.info(f"no notes recorded yet (the history would be {history_path()})")
    elif format_ == "json":
        for note in notes:
            output.out(json.dumps(_safe(note).to_dict(), ensure_ascii=False))
    elif format_ == "csv":
        _write_csv([_safe(note) for note in notes])
    else:
        _print_table(notes)


def _safe(note: Recorded) -> Recorded:
    """An imported invitation's texts as a terminal shows them (`output.visible`); a note recorded here as written."""
    if not note.command.startswith("import"):
        return note
    recipient, url = (output.visible(text) if text else text for text in (note.recipient, note.profile_url))
    return replace(note, recipient=recipient, profile_url=url, text=output.visible(note.text))


def _print_table(notes: list[Recorded]) -> None:
    from rich.table import Table

    if not notes:
        output.info("no recorded notes match")
        return
    table = Table(box=None, pad_edge=False, header_style="bold")
    for column in ("sent", "recipient", "template", "length", "findings", "note"):
        table.add_column(column, overflow="fold")
    for note in notes:
        rules = ", ".join(dict.fromkeys(str(f.get("rule", "?")) for f in note.findings))
        table.add_row(
            note.sent_at.astimezone().isoformat(sep=" ", timespec="minutes")[:16],  # four-digit years, as strftime may not
            output.cell(note.recipient or note.profile_url or ""),
            output.cell(note.template or (note.command if note.command.startswith("import") else "")),
            str(note.length),
            output.cell(rules),
            output.cell(note.text),
        )
    output.console(stdout=True).print(table)


def _write_csv(notes: list[Recorded]) -> None:
    """The listed fields but the id, the note's text last (it is the long one); findings as `rule: message; ...`."""
    columns = [name for name in listed_names(Recorded) if name not in ("id", "text")] + ["text"]
    writer = csv.writer(sys.stdout, lineterminator="\r\n")
    writer.writerow(columns)
    for note in notes:
        record = note.to_dict()
        record["findings"] = "; ".join(f"{f.get('rule')}: {f.get('message')}" for f in note.findings)
        writer.writerow([_cell(record[c]) for c in columns])
    sys.stdout.flush()


def _cell(value: object) -> object:
    """A CSV cell: blank for nothing, and text that a spreadsheet would run as a formula made text (a `'` first)."""
    if value is None:
        return ""
    return spreadsheet_safe(value) if isinstance(value, str) else value


def print_forgotten(
    forgotten: tuple[int, Path] | None, *, recipient: str | None, everything: bool, last_run: bool, imported: bool
) -> None:
    """What `forget_notes` removed, said in the terms the user chose (a recipient, --last, --source, --all)."""
    if forgotten is None:
        output.info("nothing to forget: no notes recorded yet")
        return
    count, history_file = forgotten
    if everything:
        what = "every note"
    elif last_run:
        what = "the last command's notes"
    elif imported:
        what = "everything imported from LinkedIn exports"
    else:
        what = output.visible(repr(recipient))
    if count:
        noun = "invitation" if imported else "note"
        output.info(f"forgot {count} {noun}{'s' if count != 1 else ''} ({what}) from {history_file}")
    else:
        output.info(f"nothing recorded for {what}; names match exactly (any case), URLs in any spelling")
