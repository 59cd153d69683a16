"""`invite import`, `invite inbox [reply N]` and `invite stats`: your LinkedIn data export, on this machine.

`import` reads the export (zip or folder) into the local history; `inbox` lists the received
invitations still pending with a suggestion for each; `stats` says which of your sent invitations
were accepted, by what their notes were like. Nothing leaves the machine, and
`invite history forget --source export` removes everything an import added.
"""

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from composer import output
from composer.commands.common import FormatOption, check_format
from composer.errors import UsageError
from composer.linkedin_limits import LONGEST_NOTE

if TYPE_CHECKING:
    from rich.text import Text

    from composer.linkedin.importer import ImportSummary
    from composer.linkedin.inbox import Received
    from composer.linkedin.stats import Report

#: Received and sent notes are linted against the longest limit: the length was the sender's business.
NOTE_LIMIT = LONGEST_NOTE
NOTHING_IMPORTED = "no LinkedIn export imported yet: download yours ('Get a copy of your data') and run `invite import EXPORT`"


def import_export(
    export: Annotated[
        Path,
        typer.Argument(
            metavar="EXPORT", help="The export's zip (Basic_LinkedInDataExport_MM-DD-YYYY.zip) or its unpacked folder."
        ),
    ],
) -> None:
    """Read your LinkedIn data export into the local history: sent and received invitations, and who accepted.

    Re-importing the same or a newer export adds nothing twice; it updates what was accepted or
    answered since. A malformed row is named by file and line, and the rest still imports.
    """
    from composer.linkedin.importer import MAX_PROBLEMS, import_file

    summary = import_file(export)
    for problem in summary.problems[:MAX_PROBLEMS]:
        output.warn(output.visible(problem))
    if len(summary.problems) > MAX_PROBLEMS:
        output.warn(f"... and {len(summary.problems) - MAX_PROBLEMS} more rows not imported")
    for line in summary_lines(summary):
        output.info(line)


def summary_lines(summary: "ImportSummary") -> list[str]:
    """The import's summary: counts by direction, notes, accepted, pending, the dates covered, and how people matched."""
    span = f" from {summary.first:%Y-%m-%d} to {summary.last:%Y-%m-%d}" if summary.first and summary.last else ""
    new = f"{summary.new} new" if summary.new != summary.total else "all new"
    lines = [
        f"imported {summary.path} (export of {summary.export_date}): {summary.total} invitations{span} ({new})",
        f"  sent:     {summary.sent}, {summary.sent_notes} with a note; {summary.accepted} accepted, "
        f"{summary.sent - summary.accepted} not (yet)",
        f"  received: {summary.received}, {summary.received_notes} with a note; {summary.pending} pending",
    ]
    if summary.connections:
        lines.append(
            f"  {summary.connections} connections; invitations matched to them by profile URL: {summary.by_url}, "
            f"by name: {summary.by_name}"
        )
    return lines


# --------------------------------------------------------------------------- inbox

inbox_app = typer.Typer(
    help="Received invitations still pending, newest first, with what to do about each.", invoke_without_command=True
)

NotLookingOption = Annotated[
    bool, typer.Option("--not-looking", help="You are not looking for a job: ignore recruiters' pitches too.")
]


@inbox_app.callback()
def inbox(ctx: typer.Context, format_: FormatOption = "text", not_looking: NotLookingOption = False) -> None:
    """List the received invitations still pending (in your newest imported export), each with a suggestion.

    accept: the note names a real shared context (or you invited them before); ask: no note, or a
    generic one (`invite inbox reply N` drafts the question); ignore: a sales pitch (with
    --not-looking, a recruiter's too). The findings that decided it are listed beside it.
    """
    if ctx.invoked_subcommand is not None:
        return
    check_format(format_)
    items = _inbox(not_looking)
    if items is None:
        return
    if format_ == "json":
        for item in items:
            output.out(json.dumps(item.to_dict(), ensure_ascii=False))
        return
    _print_inbox(items)


def _inbox(not_looking: bool) -> list["Received"] | None:
    """The pending invitations with suggestions; None (and a message) when nothing was imported."""
    from composer.linkedin.inbox import inbox as pending_with_suggestions

    items = pending_with_suggestions(not_looking=not_looking, limit=NOTE_LIMIT)
    if items is None:
        output.info(NOTHING_IMPORTED)
    return items


def _print_inbox(items: list["Received"]) -> None:
    from rich.table import Table

    if not items:
        output.info("no pending invitations in your newest export")
        return
    styles = {"accept": "green", "ask": "yellow", "ignore": "red"}
    table = Table(box=None, pad_edge=False, header_style="bold")
    for column in ("#", "received", "from", "note", "suggest", "why"):
        table.add_column(column, overflow="fold")
    for item in items:
        table.add_row(
            str(item.number),
            f"{item.sent_at:%Y-%m-%d}",
            output.cell(item.person or "?"),
            output.cell(item.message or "(no note)"),
            output.cell(item.action, styles[item.action]),
            output.cell("; ".join(item.why)),
        )
    output.console(stdout=True).print(table)
    if any(item.action == "ask" for item in items):
        output.info("reply to one with `invite inbox reply N` (drafts a note asking how you know each other)")


@inbox_app.command("reply")
def reply(
    number: Annotated[int, typer.Argument(metavar="N", help="The invitation's number in `invite inbox`.")],
    template: Annotated[
        str | None,
        typer.Option("--template", "-t", metavar="ID", help="A reply template (see `invite templates list -r reply`)."),
    ] = None,
    no_input: Annotated[bool, typer.Option("--no-input", help="Never prompt; fail if an answer is missing.")] = False,
) -> None:
    """Start `invite draft -r reply` for the N-th pending invitation, with the inviter's first name filled in."""
    from composer.commands.draft import draft
    from composer.linkedin.inbox import pending_if_imported
    from composer.linkedin.settings import settings

    items = pending_if_imported()
    if not items:
        raise UsageError(NOTHING_IMPORTED if items is None else "no pending invitations to reply to; see `invite inbox`")
    if not 1 <= number <= len(items):
        raise UsageError(f"no invitation {number}: `invite inbox` lists 1 to {len(items)}")
    item = items[number - 1]
    draft(
        relationship=settings()["inbox"]["reply_relationship"],
        template=template,
        set_=[f"first_name={item.first_name}"] if item.first_name else None,
        no_input=no_input,
        name=item.person,
        profile_url=item.profile_url,
    )


# --------------------------------------------------------------------------- stats


def stats(
    since: Annotated[
        str | None, typer.Option("--since", metavar="DATE", help="Only invitations sent from this date (2026-01-31, or 90d).")
    ] = None,
    format_: FormatOption = "text",
) -> None:
    """Acceptance of your sent invitations: with a note or without, by length, by the linter's verdict, by template.

    Each rate has its count and a 95% (Wilson) interval; a group too small to say anything gets a
    plain sentence instead. Invitations still pending count as not (yet) accepted.
    """
    from composer.commands.history import parse_since
    from composer.linkedin.stats import stats as acceptance

    check_format(format_)
    moment = parse_since(since)
    result = acceptance(moment.astimezone().replace(tzinfo=None) if moment else None, limit=NOTE_LIMIT)
    if result is None:
        output.info(NOTHING_IMPORTED)
        return
    if format_ == "json":
        output.out(json.dumps(result.to_dict(), ensure_ascii=False))
        return
    if not result.groups[0].sent:
        output.info(NOTHING_IMPORTED if result.first is None else "no sent invitations in that period")
        return
    _print_stats(result)


#: Characters of the widest bar (100 %).
BAR_WIDTH = 30


def bar(rate: float, high: float) -> "Text":
    """`█████░░` : solid up to the rate, shaded up to the top of its 95% interval."""
    from rich.text import Text

    solid = round(rate * BAR_WIDTH)
    shaded = max(0, round(high * BAR_WIDTH) - solid)
    return Text("█" * solid, style="cyan") + Text("░" * shaded, style="dim cyan")


def _print_stats(result: "Report") -> None:
    from rich.table import Table

    console = output.console(stdout=True)
    console.print(
        f"Sent invitations from {result.first:%Y-%m-%d} to {result.last:%Y-%m-%d}: {result.groups[0].sent}, "
        f"{result.notes} with a note; {result.pending} still pending count as not (yet) accepted.",
        markup=False,
        highlight=False,
    )
    table = Table(box=None, pad_edge=False, header_style="bold")
    for column in ("group", "sent", "accepted", "rate", "95% interval", "█ rate, ░ up to the interval's top"):
        table.add_column(column, justify="left" if column == "group" or column.startswith("█") else "right")
    previous = None
    for group in result.groups:
        if previous is not None and group.dimension != previous:
            table.add_row()
        previous = group.dimension
        if not group.enough:
            enough = "too few to say anything" if group.sent else "none"
            table.add_row(output.cell(group.label), str(group.sent), str(group.accepted), "", "", enough)
            continue
        low, high = group.interval
        table.add_row(
            output.cell(group.label),
            str(group.sent),
            str(group.accepted),
            f"{group.rate:.0%}",
            f"{low:.0%}-{high:.0%}",
            bar(group.rate, high),
        )
    console.print(table)
    if result.notes and not result.matched:
        console.print(
            "No sent note matched one recorded by `invite draft`/`invite merge`, so there is no breakdown by template.",
            markup=False,
        )
    for line in result.comparisons():
        console.print(line, markup=False, highlight=False)
