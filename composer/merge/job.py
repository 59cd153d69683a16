"""One `invite merge`, start to end: read the CSV, make and check every note, deliver, record, report.

The command parses the flags into `MergeOptions` and calls `merge_csv`; everything after that is
here. The per-row work is `run`, the output's text `write` and where it goes `deliver`, what the
terminal is told `report`. A merge runs in two passes, in memory that does not grow with the CSV:
the first reads the rows one by one, makes, lints and checks each against the history, and keeps
it in the `spool` (and its skeleton for the batch rules); the second reads them back a chunk at a
time, adds the batch findings, writes the output and adds the notes to the history's run, which is
recorded with the output as one unit at the end.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from composer import output
from composer.csvtable import Table, count_records, open_table
from composer.errors import UsageError
from composer.history.log import NoteLog
from composer.merge import report
from composer.merge.columns import SELECTOR_COLUMNS, Columns
from composer.merge.deliver import open_target
from composer.merge.report import Outcome
from composer.merge.run import BatchCheck, Plan, Row, made_rows
from composer.merge.spool import Spool
from composer.merge.write import Writer
from composer.settings import Settings
from composer.templates.library import Library
from composer.templates.model import get_relationship

#: The output formats `--format` accepts.
FORMATS = ("csv", "jsonl")
#: How many rows the history checks expect when the CSV cannot be counted first (a pipe): they choose how to search by it.
ROWS_GUESS = 1000


@dataclass(frozen=True)
class MergeOptions:
    """What the flags asked for, parsed and checked: the input, the template choice, and the output."""

    csv_path: Path
    settings: Settings
    #: the rule ids to run (`composer.lint.select_rules` of the settings)
    rules: list[str]
    template: str | None = None
    relationship: str | None = None
    #: `--map`: {column: answer}
    maps: Mapping[str, str] = field(default_factory=dict)
    #: `--set`: an answer for every row whose own cell is blank
    set_answers: Mapping[str, str] = field(default_factory=dict)
    #: None: stdout
    output_path: Path | None = None
    format: str = "csv"
    force: bool = False
    #: show the first `show` notes instead of writing or recording anything
    dry_run: bool = False
    show: int = 5
    #: record the notes in the history (the history's checks run either way)
    record: bool = True


def merge_csv(options: MergeOptions, library: Library) -> bool:
    """Make, check, deliver and record a note per row, and report on stderr; True when the run failed at --fail-on."""
    if options.template:
        library.get(options.template)
    if options.relationship:
        get_relationship(options.relationship)
    settings = options.settings
    record = options.record and not options.dry_run
    log = NoteLog(settings.config, record=record, command="merge", rules=options.rules)
    outcome = Outcome(settings.fail_on, show=options.show if options.dry_run else 0)
    try:
        with open_table(options.csv_path) as table, Spool() as spool:
            batch = _make(options, library, table, log, spool, outcome)
            _finish(options, table.header, (batch.finish(rows) for rows in spool.chunks()), log, outcome)
        outcome.groups = batch.groups()
        _report(options, outcome)
        return outcome.failed
    finally:
        log.close()


def _make(options: MergeOptions, library: Library, table: Table, log: NoteLog, spool: Spool, outcome: Outcome) -> BatchCheck:
    """The first pass: every row rendered, linted and checked against the history into the spool, with a progress
    bar on a terminal; then the near-identical groups."""
    columns = Columns.build(table.header, options.maps, options.csv_path)
    if not (options.template or options.relationship or set(columns.answers.values()) & set(SELECTOR_COLUMNS)):
        raise UsageError(
            "say which template: -t ID, -r ID, or a 'template' or 'relationship' column (see `invite templates list`)"
        )
    settings = options.settings
    plan = Plan(
        library=library,
        columns=columns,
        config=settings.config,
        template_id=options.template,
        relationship=options.relationship,
        set_answers=options.set_answers,
        limit=settings.limit,
        account=settings.account,
        rules=options.rules,
    )
    # A second quick pass over a file, for the bar and for the history checks (a pipe cannot be read twice).
    total = count_records(options.csv_path) if options.csv_path.is_file() else None
    log.queries = max(1, total or ROWS_GUESS)
    batch = BatchCheck(plan, listed=report.MAX_GROUP_ROWS)
    with output.progress(total, "merging") as advance:
        for row in made_rows(plan, table.records(), log, advance):
            outcome.made(row)
            batch.add(row)
            spool.add(row)
    batch.group()
    return batch


def _finish(options: MergeOptions, header: list[str], chunks: Iterable[list[Row]], log: NoteLog, outcome: Outcome) -> None:
    """The second pass: report the rows without a note, then deliver and record every row (or, in a dry run, count them)."""
    report.show_errors(output.console(), options.csv_path, outcome)
    if options.dry_run:
        for rows in chunks:
            for row in rows:
                outcome.finished(row)
        return
    settings = options.settings
    writer = Writer(options.format, header, settings.limit, settings.fail_on)
    recording = log.new_run()
    with open_target(options.output_path, force=options.force) as target:
        target.write(writer.start())
        for rows in chunks:
            for row in rows:
                outcome.finished(row)
            target.write(writer.rows(rows))
            recording.add((row.note, row.findings, row.skel) for row in rows if row.note is not None)
        target.finish()
        # Published and recorded as one unit, whatever stops the merge (see `deliver` and `NoteLog.new_run`).
        recorded = recording.commit_with(target.publish, publish_first=target.publish_first)
    if options.output_path is not None:
        output.info(f"wrote {outcome.rows} rows to {options.output_path}")
    if recorded:
        output.info(f"recorded {recorded} note{'s' if recorded != 1 else ''} in the history")


def _report(options: MergeOptions, outcome: Outcome) -> None:
    """The preview of a dry run, the groups and the summary."""
    console = output.console()
    if options.dry_run:
        report.show_preview(console, outcome, options.settings.limit)
    report.show_groups(console, outcome)
    console.print(report.summary(outcome), markup=False, highlight=False, style="bold", soft_wrap=True)
    if options.dry_run:
        console.print("dry run: nothing was written or recorded", markup=False, style="dim", soft_wrap=True)
