"""One `invite merge`, start to end: read the CSV, make and check every note, deliver, record, report.

The command parses the flags into `MergeOptions` and calls `merge_csv`; everything after that is
here. The per-row work is `run`, the output files `write`, what the terminal is told `report`.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from composer import output
from composer.csvtable import Table, count_records, open_table
from composer.errors import UsageError
from composer.fileio import staged_write
from composer.history.log import NoteLog
from composer.merge import report
from composer.merge.columns import SELECTOR_COLUMNS, Columns
from composer.merge.run import Outcome, Plan, run
from composer.merge.write import to_csv, to_jsonl
from composer.settings import Settings
from composer.templates.library import Library
from composer.templates.model import get_relationship

#: The output formats `--format` accepts.
FORMATS = ("csv", "jsonl")


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
    try:
        with open_table(options.csv_path) as table:
            outcome = _run(options, library, table, log)
        return _finish(options, table.header, outcome, log)
    finally:
        log.close()


def _run(options: MergeOptions, library: Library, table: Table, log: NoteLog) -> Outcome:
    """Every row rendered, linted and checked, with a progress bar on a terminal."""
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
    total = count_records(options.csv_path) if output.is_tty(sys.stderr) else None  # a second quick pass, for the bar
    with output.progress(total, "merging") as advance:
        return run(plan, table.records(), log, advance)


def _deliver(options: MergeOptions, header: list[str], outcome: Outcome, log: NoteLog) -> None:
    """Write every row (stdout, or --output atomically) and record the notes in the history, as one unit.

    A Ctrl-C or SIGTERM at any moment leaves the output and the history both with every note, or
    neither with any (`NoteLog.record_with`): --output is renamed into place and the history committed
    together, as is a write to stdout redirected to a file. On a pipe or a terminal what is printed
    cannot be taken back, so the notes are recorded only once all of it is printed.
    """
    limit, fail_on = options.settings.limit, options.settings.fail_on
    if options.format == "csv":
        text = to_csv(header, outcome, limit, fail_on)
    else:
        text = "".join(line + "\n" for line in to_jsonl(outcome, limit, fail_on))
    notes = [(row.note, row.findings, row.skel) for row in outcome.notes if row.note is not None]
    if options.output_path is None:
        fd = _stdout_file()
        recorded = log.record_with(notes, lambda: _print(text, fd), publish_first=fd is None)
    else:
        with staged_write(options.output_path, text, force=options.force) as publish:
            recorded = log.record_with(notes, publish)
        output.info(f"wrote {len(outcome.rows)} rows to {options.output_path}")
    if recorded:
        output.info(f"recorded {recorded} note{'s' if recorded != 1 else ''} in the history")


def _stdout_file() -> int | None:
    """stdout's file descriptor when it is a regular file (`> notes.csv`), else None (a pipe, a terminal, a test)."""
    try:
        fd = sys.stdout.fileno()
        return fd if stat.S_ISREG(os.fstat(fd).st_mode) else None
    except (AttributeError, OSError, ValueError):  # io.UnsupportedOperation is a ValueError and an OSError
        return None


def _print(text: str, fd: int | None) -> None:
    """The whole output on stdout; into a regular file (`fd`), all of it or, on a failure, nothing."""
    size = os.fstat(fd).st_size if fd is not None else 0
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BaseException:
        if fd is not None:
            with contextlib.suppress(OSError):
                os.ftruncate(fd, size)
        raise


def _finish(options: MergeOptions, header: list[str], outcome: Outcome, log: NoteLog) -> bool:
    """Report rows without a note, deliver (or, in a dry run, preview), then the groups and summary; True at --fail-on."""
    console = output.console()
    settings = options.settings
    report.show_errors(console, options.csv_path, outcome)
    if options.dry_run:
        report.show_preview(console, outcome, options.show, settings.limit)
    else:
        _deliver(options, header, outcome, log)
    report.show_groups(console, outcome)
    console.print(report.summary(outcome, settings.fail_on), markup=False, highlight=False, style="bold", soft_wrap=True)
    if options.dry_run:
        console.print("dry run: nothing was written or recorded", markup=False, style="dim", soft_wrap=True)
    return report.failed(outcome, settings.fail_on)
