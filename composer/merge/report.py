"""What a merge tells the person at the terminal (stderr): rows that failed, duplicate groups, a summary.

The notes themselves are the product (stdout or --output); this is everything else. A dry run also
shows its first notes the way `invite draft` does: the note in a panel with its count, then its
findings formatted by the linter's one formatter.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from rich.console import Console

from composer.draft.panel import show_note
from composer.lint import print_findings, reaches, suppressed_line
from composer.merge.run import Outcome
from composer.output import visible

#: Row errors listed one per line before the rest are only counted (the status column has them all).
MAX_ERROR_LINES = 20
#: Rows listed per duplicate group.
MAX_GROUP_ROWS = 12


def show_errors(console: Console, path: Path, outcome: Outcome) -> None:
    """`file: row N (line L): why` for each row that made no note, then for each row with a notice (no error)."""
    failed = [row for row in outcome.rows if row.error is not None]
    for row in failed[:MAX_ERROR_LINES]:
        where = f"{path}: {row.label} (line {row.record.line})"
        console.print(visible(f"{where}: {row.error}"), markup=False, highlight=False, style="red", soft_wrap=True)
    if len(failed) > MAX_ERROR_LINES:
        console.print(
            f"... and {len(failed) - MAX_ERROR_LINES} more rows without a note (see the status column)",
            markup=False,
            soft_wrap=True,
        )
    noticed = [(row, notice) for row in outcome.rows for notice in row.notices]
    for row, notice in noticed[:MAX_ERROR_LINES]:
        line = f"{path}: {row.label} (line {row.record.line}): {notice}"
        console.print(visible(line), markup=False, highlight=False, style="yellow", soft_wrap=True)
    if len(noticed) > MAX_ERROR_LINES:
        console.print(f"... and {len(noticed) - MAX_ERROR_LINES} more of those", markup=False, soft_wrap=True)


def show_preview(console: Console, outcome: Outcome, count: int, limit: int) -> None:
    """The first `count` notes as `invite draft` shows one: a panel, the count, the findings."""
    for row in outcome.notes[:count]:
        title = f"{row.label}: {row.name or 'recipient unknown'} ({row.template.id if row.template else '?'})"
        show_note(console, title, row.text or "", limit)
        if row.findings:
            print_findings(console, row.label, row.text or "", row.findings)
        else:
            console.print("No findings.", style="green")
        if row.suppressed:
            console.print(suppressed_line(row.suppressed), markup=False, style="dim")


def show_groups(console: Console, outcome: Outcome) -> None:
    """Each near-identical group: its size, share of the batch, rows, and one of its notes."""
    total = len(outcome.notes)
    for number, members in enumerate(outcome.groups, start=1):
        rows = [outcome.rows[i] for i in members]
        listed = ", ".join(str(row.record.number) for row in rows[:MAX_GROUP_ROWS])
        more = f" and {len(rows) - MAX_GROUP_ROWS} more" if len(rows) > MAX_GROUP_ROWS else ""
        share = round(len(rows) * 100 / total) if total else 0
        console.print(
            visible(f"near-identical group {number}: {len(rows)} notes ({share}% of the batch), rows {listed}{more}"),
            markup=False,
            highlight=False,
            style="yellow",
            soft_wrap=True,
        )
        console.print(visible(f"  e.g. {rows[0].text}"), markup=False, highlight=False, soft_wrap=True)


def summary(outcome: Outcome, fail_on: str) -> str:
    """`120 rows: 118 notes, 2 without a note; 15 with findings at warning or above (no-specifics 9, ...)`.

    Notes in a language the linter does not judge are counted at the end (`; 3 not judged: ...`), then the
    findings silenced by templates' comments or `invite_ignore` cells (`; 2 findings suppressed by ...`).
    """
    notes = outcome.notes
    failed = len(outcome.rows) - len(notes)
    flagged = [row for row in notes if reaches(row.findings, fail_on)]
    line = f"{len(outcome.rows)} row{_s(len(outcome.rows))}: {len(notes)} note{_s(len(notes))}"
    if failed:
        line += f", {failed} without a note"
    line += f"; {len(flagged)} with findings at {fail_on} or above"
    counts = Counter(f.rule for row in notes for f in row.findings)
    if counts:
        line += " (" + ", ".join(f"{rule} {n}" for rule, n in counts.most_common()) + ")"
    unjudged = sum(not row.judged for row in notes)
    if unjudged:
        line += f"; {unjudged} not judged: not in a judged language"
    suppressed = suppressed_line(item for row in notes for item in row.suppressed)
    return line + (f"; {suppressed}" if suppressed else "")


def failed(outcome: Outcome, fail_on: str) -> bool:
    """Exit 1: a row made no note, or a note has a finding at --fail-on."""
    return any(row.error is not None or reaches(row.findings, fail_on) for row in outcome.rows)


def _s(count: int) -> str:
    return "" if count == 1 else "s"
