"""What `invite import`, `invite inbox` and `invite stats` print: the import's summary, the inbox
table and the acceptance and reply tables (or their JSON lines), so the commands only parse flags and call here.

Everything a LinkedIn export says (names, notes, URLs) goes through `output.cell`/`output.visible`
in every format, tables and JSON alike (`terminal_safe`), so an export cannot send escape
sequences, bidi overrides or zero-width characters to the terminal. Dates print with four-digit
years (`day`). rich is imported when a table is printed.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from composer import output
from composer.linkedin.settings import NOTHING_IMPORTED

if TYPE_CHECKING:
    from rich.table import Table
    from rich.text import Text

    from composer.linkedin.importer import ImportSummary
    from composer.linkedin.inbox import Page, Withdrawals
    from composer.linkedin.stats import Group, Report

NO_REPLIES = "No reply rates after connecting: they need an export with messages.csv and invitations accepted."
#: Characters of the widest bar (100 %).
BAR_WIDTH = 30


def print_import(summary: ImportSummary) -> None:
    """The rows not imported (the first few the summary kept) on stderr, then the summary."""
    for problem in summary.problems.shown:
        output.warn(output.visible(problem))
    if summary.problems.count > len(summary.problems.shown):
        output.warn(f"... and {summary.problems.count - len(summary.problems.shown)} more rows not imported")
    for line in summary_lines(summary):
        output.info(line)


def summary_lines(summary: ImportSummary) -> list[str]:
    """The import's summary: counts by direction, notes, accepted, pending, the dates covered, and how people matched."""
    stored = summary.stored
    span = f" from {day(stored.first)} to {day(stored.last)}" if stored.first and stored.last else ""
    new = f"{stored.new} new" if stored.new != summary.total else "all new"
    lines = [
        f"imported {summary.path} (export of {summary.export_date}): {summary.total} invitations{span} ({new})",
        f"  sent:     {stored.sent}, {stored.sent_notes} with a note; {stored.accepted} accepted, "
        f"{stored.sent - stored.accepted} not (yet)",
        f"  received: {stored.received}, {stored.received_notes} with a note; {stored.pending} pending",
    ]
    if summary.connections:
        lines.append(
            f"  {summary.connections} connections; invitations matched to them by profile URL: {stored.by_url}, "
            f"by name: {stored.by_name}"
        )
    if summary.replies is not None:
        replied, accepted = summary.replies
        lines.append(f"  messages: {replied} of the {accepted} who accepted your invitations wrote to you after connecting")
    if summary.another_account:
        lines.append(
            f"  the export of {summary.another_account}, another account: `invite inbox` and `invite stats` show it"
            " with --profile"
        )
    return lines


def day(moment: datetime | date | None) -> str:
    """A date as `2026-02-08`, the year always in four digits (strftime writes the year 1 as `1` on Linux)."""
    if moment is None:
        return "?"
    return (moment.date() if isinstance(moment, datetime) else moment).isoformat()


# --------------------------------------------------------------------------- inbox


def print_inbox(shown: Page | None, format_: str) -> None:
    """A page of the pending invitations as JSON lines or a table, and what the other pages hold; a sentence when
    nothing was imported."""
    if shown is None:
        output.info(NOTHING_IMPORTED)
        return
    if format_ == "json":
        for item in shown.items:
            output.out(json.dumps(terminal_safe(item.to_dict()), ensure_ascii=False))
    else:
        _inbox_table(shown)
    _more(shown, "pending invitations", "invite inbox")


def _more(shown: Page, what: str, command: str) -> None:
    """On stderr, when the list has other pages: which part this is, and how to see the rest."""
    if shown.size is None or (shown.number == 1 and not shown.more):
        return
    first = (shown.number - 1) * shown.size + 1
    if not shown.items:
        output.info(f"no {what} on page {shown.number}: there are {shown.total}, {shown.size} a page")
        return
    line = f"showing {first}-{first + len(shown.items) - 1} of {shown.total} {what}"
    if shown.more:
        line += f"; `{command} --page {shown.number + 1}` shows the next {shown.size}, `--all` every one"
    output.info(line)


def terminal_safe(value: Any) -> Any:
    """Every string in a JSON value through `output.visible`, as the text tables show them: an export's names and
    notes cannot carry escape sequences, bidi overrides or zero-width characters to a terminal in any format."""
    if isinstance(value, str):
        return output.visible(value)
    if isinstance(value, list):
        return [terminal_safe(item) for item in value]
    if isinstance(value, dict):
        return {key: terminal_safe(item) for key, item in value.items()}
    return value


def _inbox_table(shown: Page) -> None:
    from rich.table import Table

    items = shown.items
    if not items:
        if not shown.total:
            output.info("no pending invitations in your newest export")
        return
    styles = {"accept": "green", "ask": "yellow", "ignore": "red"}
    table = Table(box=None, pad_edge=False, header_style="bold")
    for column in ("#", "received", "from", "note", "suggest", "why"):
        table.add_column(column, overflow="fold")
    for item in items:
        table.add_row(
            str(item.number),
            day(item.sent_at),
            output.cell(item.person or "?"),
            output.cell(item.message or "(no note)"),
            output.cell(item.action, styles[item.action]),
            output.cell("; ".join(item.why)),
        )
    output.console(stdout=True).print(table)
    if any(item.action == "ask" for item in items):
        output.info("reply to one with `invite inbox reply N` (drafts a note asking how you know each other)")


def print_unanswered(result: Withdrawals | None, format_: str) -> None:
    """`invite inbox --sent`: the sent invitations pending for weeks, oldest first, as JSON lines or a table."""
    if result is None:
        output.info(NOTHING_IMPORTED)
        return
    if format_ == "json":
        for item in result.items:
            output.out(json.dumps(terminal_safe(item.to_dict()), ensure_ascii=False))
    elif not result.page.total:
        output.info(f"no sent invitation pending {result.weeks} weeks or more in your newest export ({result.export_date})")
    elif result.items:
        _unanswered_table(result)
    _more(result.page, "sent invitations still pending", "invite inbox --sent")


def _unanswered_table(result: Withdrawals) -> None:
    from rich.table import Table

    table = Table(box=None, pad_edge=False, header_style="bold")
    for column in ("#", "sent", "to", "note", "pending"):
        table.add_column(column, overflow="fold", justify="right" if column == "pending" else "left")
    for item in result.items:
        table.add_row(
            str(item.number),
            day(item.sent_at),
            output.cell(item.person or "?"),
            output.cell(item.message or "(no note)"),
            f"{item.days} days",
        )
    output.console(stdout=True).print(table)
    count, weeks = result.page.total, result.weeks
    output.info(
        f"{count} sent invitation{'s' * (count != 1)} still pending {weeks} week{'s' * (weeks != 1)} or more in your newest "
        f"export ({result.export_date}), oldest first: candidates to withdraw on LinkedIn"
    )


# --------------------------------------------------------------------------- stats


def print_stats(result: Report | None, format_: str) -> None:
    """Acceptance as one JSON line or a table with bars; a sentence when there is nothing to count."""
    if result is None:
        output.info(NOTHING_IMPORTED)
    elif format_ == "json":
        output.out(json.dumps(result.to_dict(), ensure_ascii=False))
    elif not result.groups[0].total:
        output.info(NOTHING_IMPORTED if result.first is None else "no sent invitations in that period")
    else:
        _stats_table(result)


def bar(rate: float, high: float) -> Text:
    """`█████░░` : solid up to the rate, shaded up to the top of its 95% interval."""
    from rich.text import Text

    solid = round(rate * BAR_WIDTH)
    shaded = max(0, round(high * BAR_WIDTH) - solid)
    return Text("█" * solid, style="cyan") + Text("░" * shaded, style="dim cyan")


def _stats_table(result: Report) -> None:
    """Acceptance by group, then replies after connecting when the export had messages; each with its comparisons."""
    from composer.linkedin.stats import comparisons

    console = output.console(stdout=True)
    console.print(
        f"Sent invitations from {day(result.first)} to {day(result.last)}: {result.groups[0].total}, "
        f"{result.notes} with a note; {result.pending} still pending count as not (yet) accepted.",
        markup=False,
        highlight=False,
    )
    console.print(_groups_table(result.groups))
    if result.notes and not result.matched:
        console.print(
            "No sent note matched one recorded by `invite draft`/`invite merge`, so there is no breakdown by template.",
            markup=False,
        )
    for line in comparisons(result.groups):
        console.print(line, markup=False, highlight=False)
    if not result.replies:
        console.print(NO_REPLIES, markup=False, highlight=False)
        return
    console.print(
        f"\nReplies after connecting (from messages.csv): {result.replies[0].hits} of the {result.replies[0].total} "
        "who accepted wrote to you on or after the day you connected.",
        markup=False,
        highlight=False,
    )
    console.print(_groups_table(result.replies))
    for line in comparisons(result.replies):
        console.print(line, markup=False, highlight=False)


def _groups_table(groups: list[Group]) -> Table:
    """One row a group (a blank row between dimensions): counts, rate, interval and bar, or why there is none."""
    from rich.table import Table

    measure = groups[0].measure
    table = Table(box=None, pad_edge=False, header_style="bold")
    for column in ("group", measure.total, measure.hits, "rate", "95% interval", "█ rate, ░ up to the interval's top"):
        table.add_column(column, justify="left" if column == "group" or column.startswith("█") else "right")
    previous = None
    for group in groups:
        if previous is not None and group.dimension != previous:
            table.add_row()
        previous = group.dimension
        if not group.enough:
            enough = "too few to say anything" if group.total else "none"
            table.add_row(output.cell(group.label), str(group.total), str(group.hits), "", "", enough)
            continue
        low, high = group.interval
        table.add_row(
            output.cell(group.label),
            str(group.total),
            str(group.hits),
            f"{group.rate:.0%}",
            f"{low:.0%}-{high:.0%}",
            bar(group.rate, high),
        )
    return table
