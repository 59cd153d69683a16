"""`invite history [forget|path]`: what the local history holds, and removing it.

The history is a SQLite file on this machine (`invite history path` prints where); nothing in it is
ever sent anywhere. Listing never creates it. `forget` removes one recipient's notes (by profile
URL or exact name), the last command's (`--last`), or everything (`--all`, after a yes).
"""

import csv
import json
import re
import sys
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Annotated

import typer

from composer import output
from composer.commands.common import FormatOption, check_format
from composer.errors import UsageError
from composer.exitcodes import ExitCode

if TYPE_CHECKING:
    from composer.history.store import Recorded

app = typer.Typer(
    help="List the notes recorded in the local history, or forget them.",
    invoke_without_command=True,
    no_args_is_help=False,
)

_DAYS = re.compile(r"^(\d+)\s*d(?:ays?)?$", re.IGNORECASE)


def parse_since(value: str | None) -> datetime | None:
    """`--since`: a date (`2026-01-31`, local midnight), a date and time, or `30d` (days ago)."""
    if value is None:
        return None
    text = value.strip()
    days = _DAYS.match(text)
    if days:
        return datetime.now(UTC) - timedelta(days=int(days.group(1)))
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise UsageError(f"--since {value!r}: give a date (2026-01-31), a date and time, or days back (30d)") from None
    return moment if moment.tzinfo else moment.astimezone()


@app.callback()
def history(
    ctx: typer.Context,
    since: Annotated[
        str | None, typer.Option("--since", metavar="DATE", help="Only notes from this date (2026-01-31) or days back (30d).")
    ] = None,
    template: Annotated[str | None, typer.Option("--template", "-t", metavar="ID", help="Only notes from this template.")] = None,
    search: Annotated[
        str | None, typer.Option("--search", metavar="TEXT", help="Only notes whose text, recipient or URL contains TEXT.")
    ] = None,
    format_: FormatOption = "text",
) -> None:
    """List the notes `invite draft` and `invite merge` recorded, newest first."""
    if ctx.invoked_subcommand is not None:
        return
    from composer.history.store import list_notes

    check_format(format_, ("text", "json", "csv"))
    notes = list_notes(since=parse_since(since), template=template, search=search)
    if notes is None:
        output.info(f"no notes recorded yet (the history would be {_path()})")
        return
    if format_ == "json":
        for note in notes:
            output.out(json.dumps(note.to_dict(), ensure_ascii=False))
    elif format_ == "csv":
        _write_csv(notes)
    else:
        _print_table(notes)


def _path() -> str:
    from composer.history.store import history_path

    return str(history_path())


def _print_table(notes: list["Recorded"]) -> None:
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
            note.sent_at.astimezone().strftime("%Y-%m-%d %H:%M"),
            output.cell(note.recipient or note.profile_url or ""),
            output.cell(note.template or ""),
            str(note.length),
            output.cell(rules),
            output.cell(note.text),
        )
    output.console(stdout=True).print(table)


def _write_csv(notes: list["Recorded"]) -> None:
    """The listed fields but the id, the note's text last (it is the long one); findings as `rule: message; ...`."""
    from composer.history.store import Recorded, listed_names

    columns = [name for name in listed_names(Recorded) if name not in ("id", "text")] + ["text"]
    writer = csv.writer(sys.stdout, lineterminator="\r\n")
    writer.writerow(columns)
    for note in notes:
        record = note.to_dict()
        record["findings"] = "; ".join(f"{f.get('rule')}: {f.get('message')}" for f in note.findings)
        writer.writerow([record[c] if record[c] is not None else "" for c in columns])
    sys.stdout.flush()


@app.command("forget")
def forget(
    recipient: Annotated[
        str | None,
        typer.Argument(metavar="[RECIPIENT]", help="A profile URL, or a name as recorded (any case).", show_default=False),
    ] = None,
    last: Annotated[bool, typer.Option("--last", help="Forget the notes of the last draft or merge.")] = False,
    all_: Annotated[bool, typer.Option("--all", help="Forget every recorded note and everything imported.")] = False,
    source: Annotated[
        str | None,
        typer.Option("--source", metavar="SOURCE", help="Forget what came from there: export (what `invite import` added)."),
    ] = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask before --all.")] = False,
) -> None:
    """Remove one recipient's notes (and their imported invitations), the last command's notes, an import, or everything."""
    from composer.history.store import forget_notes

    chosen = [bool(recipient), last, all_, source is not None]
    if sum(chosen) != 1:
        raise UsageError("say what to forget: a RECIPIENT (profile URL or name), --last, --source export, or --all")
    if source is not None and source != "export":
        raise UsageError(f"unknown --source {source!r}; use export (what `invite import` added)")
    if all_ and not yes:
        _confirm_all()
    forgotten = forget_notes(recipient=recipient, everything=all_, last_run=last, imported=source is not None)
    if forgotten is None:
        output.info("nothing to forget: no notes recorded yet")
        return
    count, history_file = forgotten
    if all_:
        what = "every note"
    elif last:
        what = "the last command's notes"
    elif source:
        what = "everything imported from LinkedIn exports"
    else:
        what = output.visible(repr(recipient))
    if count:
        noun = "invitation" if source else "note"
        output.info(f"forgot {count} {noun}{'s' if count != 1 else ''} ({what}) from {history_file}")
    else:
        output.info(f"nothing recorded for {what}; names match exactly (any case), URLs in any spelling")


def _confirm_all() -> None:
    if not output.is_terminal():
        raise UsageError("--all forgets every recorded note; confirm on a terminal, or add --yes")
    if not typer.confirm(f"Forget every note recorded in {_path()}?", default=False, err=True):
        output.info("nothing forgotten")
        raise typer.Exit(ExitCode.DECLINED)


@app.command("path")
def path() -> None:
    """Print where the history is kept (delete that file, or `invite history forget --all`, to remove it)."""
    output.out(_path())
