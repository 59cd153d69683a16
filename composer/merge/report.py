"""What a merge tells the person at the terminal (stderr): rows that failed, duplicate groups, a summary.

The notes themselves are the product (stdout or --output); this is everything else. A dry run also
shows its first notes the way `invite draft` does: the note in a panel with its count, then its
findings formatted by the linter's one formatter. `Outcome` gathers what all of it needs as the
rows go by, so a merge of any size reports from a few counters and its first rows.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console

from composer.draft.panel import show_note
from composer.lint import Suppressed, print_findings, reaches, suppressed_line
from composer.merge.run import Row
from composer.output import visible

#: Row errors listed one per line before the rest are only counted (the status column has them all).
MAX_ERROR_LINES = 20
#: Rows listed per duplicate group.
MAX_GROUP_ROWS = 12


@dataclass
class Outcome:
    """A whole merge as the report sees it: counts, the first rows without a note, the first notes, the groups."""

    fail_on: str
    #: notes a dry run shows
    show: int = 0
    rows: int = 0
    notes: int = 0
    #: the first MAX_ERROR_LINES rows without a note, and how many there are
    errors: list[Row] = field(default_factory=list)
    without: int = 0
    #: the first MAX_ERROR_LINES notices (row, what), and how many there are
    notices: list[tuple[Row, str]] = field(default_factory=list)
    noticed: int = 0
    flagged: int = 0
    counts: Counter[str] = field(default_factory=Counter)
    unjudged: int = 0
    #: findings silenced, by what silenced them (with one of each, to word the count as the linter does)
    suppressed: Counter[str] = field(default_factory=Counter)
    silencers: dict[str, Suppressed] = field(default_factory=dict)
    #: the first `show` notes
    preview: list[Row] = field(default_factory=list)
    #: each near-identical group: its size, its first rows' numbers, one of its notes
    groups: list[tuple[int, list[int], str]] = field(default_factory=list)

    def made(self, row: Row) -> None:
        """Count a row as it is made (before the batch rules): rows, and those without a note."""
        self.rows += 1
        if row.error is not None:
            self.without += 1
            if len(self.errors) < MAX_ERROR_LINES:
                self.errors.append(row)
        for notice in row.notices:
            self.noticed += 1
            if len(self.notices) < MAX_ERROR_LINES:
                self.notices.append((row, notice))

    def finished(self, row: Row) -> None:
        """Count a row once its findings are final."""
        if row.text is None:
            return
        self.notes += 1
        self.flagged += reaches(row.findings, self.fail_on)
        self.counts.update(f.rule for f in row.findings)
        self.unjudged += not row.judged
        for item in row.suppressed:
            self.suppressed[item.by] += 1
            self.silencers.setdefault(item.by, item)
        if len(self.preview) < self.show:
            self.preview.append(row)

    @property
    def failed(self) -> bool:
        """Exit 1: a row made no note, or a note has a finding at --fail-on."""
        return bool(self.without or self.flagged)


def show_errors(console: Console, path: Path, outcome: Outcome) -> None:
    """`file: row N (line L): why` for each row that made no note, then for each row with a notice (no error)."""
    for row in outcome.errors:
        where = f"{path}: {row.label} (line {row.record.line})"
        console.print(visible(f"{where}: {row.error}"), markup=False, highlight=False, style="red", soft_wrap=True)
    if outcome.without > MAX_ERROR_LINES:
        console.print(
            f"... and {outcome.without - MAX_ERROR_LINES} more rows without a note (see the status column)",
            markup=False,
            soft_wrap=True,
        )
    for row, notice in outcome.notices:
        line = f"{path}: {row.label} (line {row.record.line}): {notice}"
        console.print(visible(line), markup=False, highlight=False, style="yellow", soft_wrap=True)
    if outcome.noticed > MAX_ERROR_LINES:
        console.print(f"... and {outcome.noticed - MAX_ERROR_LINES} more of those", markup=False, soft_wrap=True)


def show_preview(console: Console, outcome: Outcome, limit: int) -> None:
    """The first notes as `invite draft` shows one: a panel, the count, the findings."""
    for row in outcome.preview:
        title = f"{row.label}: {row.name or 'recipient unknown'} ({row.template_id or '?'})"
        show_note(console, title, row.text or "", limit)
        if row.findings:
            print_findings(console, row.label, row.text or "", row.findings)
        else:
            console.print("No findings.", style="green")
        if row.suppressed:
            console.print(suppressed_line(row.suppressed), markup=False, style="dim")


def show_groups(console: Console, outcome: Outcome) -> None:
    """Each near-identical group: its size, share of the batch, rows, and one of its notes."""
    total = outcome.notes
    for number, (size, rows, example) in enumerate(outcome.groups, start=1):
        listed = ", ".join(str(row) for row in rows[:MAX_GROUP_ROWS])
        more = f" and {size - MAX_GROUP_ROWS} more" if size > MAX_GROUP_ROWS else ""
        share = round(size * 100 / total) if total else 0
        console.print(
            visible(f"near-identical group {number}: {size} notes ({share}% of the batch), rows {listed}{more}"),
            markup=False,
            highlight=False,
            style="yellow",
            soft_wrap=True,
        )
        console.print(visible(f"  e.g. {example}"), markup=False, highlight=False, soft_wrap=True)


def summary(outcome: Outcome) -> str:
    """`120 rows: 118 notes, 2 without a note; 15 with findings at warning or above (no-specifics 9, ...)`.

    Notes in a language the linter does not judge are counted at the end (`; 3 not judged: ...`), then the
    findings silenced by templates' comments or `invite_ignore` cells (`; 2 findings suppressed by ...`).
    """
    notes = outcome.notes
    line = f"{outcome.rows} row{_s(outcome.rows)}: {notes} note{_s(notes)}"
    if outcome.without:
        line += f", {outcome.without} without a note"
    line += f"; {outcome.flagged} with findings at {outcome.fail_on} or above"
    if outcome.counts:
        line += " (" + ", ".join(f"{rule} {n}" for rule, n in outcome.counts.most_common()) + ")"
    if outcome.unjudged:
        line += f"; {outcome.unjudged} not judged: not in a judged language"
    counted = (outcome.silencers[by] for by, count in outcome.suppressed.items() for _ in range(count))
    suppressed = suppressed_line(counted)  # one of each, as many times as counted: the words of `invite lint`
    return line + (f"; {suppressed}" if suppressed else "")


def _s(count: int) -> str:
    return "" if count == 1 else "s"
