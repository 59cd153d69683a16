"""`invite merge CSV`: one note per row from a template, linted, checked against the history and the batch.

Exit codes, as `invite lint`: 0 every row made a note with nothing at --fail-on; 1 a row made no note
or has a finding at --fail-on; 2 the input cannot be used (an unreadable CSV, an unknown --map
column or template). The notes are the product (stdout, or --output written atomically); row
problems, duplicate groups and the summary go to stderr, with a progress bar only on a terminal.
"""

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from composer import output
from composer.commands.common import (
    AccountOption,
    FailOnOption,
    ForceOption,
    LimitOption,
    NoHistoryOption,
    TemplatesDirOption,
    check_format,
    fail_on_level,
    load_library,
)
from composer.commands.lint import RuleListOption
from composer.config import DEFAULT_ACCOUNT, load_config, resolve_limit
from composer.errors import EXIT_FINDINGS, UsageError
from composer.fileio import refuse_overwrite, write_atomic

if TYPE_CHECKING:
    from composer.history.log import NoteLog
    from composer.merge.run import Outcome

FORMATS = ("csv", "jsonl")


def merge(
    csv_path: Annotated[Path, typer.Argument(metavar="CSV", help="The recipients: one row each, a header naming the answers.")],
    template: Annotated[str | None, typer.Option("--template", "-t", metavar="ID", help="Template for every row.")] = None,
    relationship: Annotated[
        str | None, typer.Option("--relationship", "-r", metavar="ID", help="Relationship (its default template) for every row.")
    ] = None,
    map_: Annotated[
        list[str] | None,
        typer.Option(
            "--map",
            metavar="COLUMN=ANSWER",
            help="Use a column as an answer (repeatable), e.g. 'Event Name=event'.",
            show_default=False,
        ),
    ] = None,
    set_: Annotated[
        list[str] | None,
        typer.Option(
            "--set", metavar="KEY=VALUE", help="An answer for every row whose own cell is blank (repeatable).", show_default=False
        ),
    ] = None,
    output_path: Annotated[
        Path | None,
        typer.Option("--output", "-o", metavar="FILE", help="Write the result here (atomically) instead of stdout."),
    ] = None,
    format_: Annotated[
        str, typer.Option("--format", metavar="FORMAT", help="csv (the input's columns plus the note) or jsonl.")
    ] = "csv",
    force: ForceOption = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show the first notes with their findings; write and record nothing.")
    ] = False,
    show: Annotated[int, typer.Option("--show", metavar="N", help="Notes a --dry-run shows.")] = 5,
    account: AccountOption = None,
    limit: LimitOption = None,
    fail_on: FailOnOption = None,
    select: RuleListOption = None,
    ignore: RuleListOption = None,
    no_history: NoHistoryOption = False,
    templates_dir: TemplatesDirOption = None,
) -> None:
    """Make one note per CSV row from a template, and check each one and the batch as a whole.

    Columns give answers by name, case- and space-insensitively (`First Name` is `first_name`);
    --map names the others. A `template` or `relationship` column picks the template per row.
    LinkedIn's Connections.csv works as exported. Each note is linted, checked against the local
    history (already-invited, repeated-note, note-quota) and against the rest of the batch
    (batch-duplicate), then recorded in the history.
    """
    from composer.csvtable import count_records, open_table
    from composer.draft.answers import parse_set_options
    from composer.history.log import NoteLog
    from composer.lint import select_rules
    from composer.merge.columns import SELECTOR_COLUMNS, Columns, parse_maps
    from composer.merge.run import Plan, run
    from composer.templates.model import get_relationship

    check_format(format_, FORMATS)
    if show < 0:
        raise UsageError(f"--show must be 0 or more, got {show}")
    config = load_config()
    level = fail_on_level(fail_on, config)
    note_limit = resolve_limit(limit, account, config)
    rules = select_rules(
        select if select is not None else config.lint.select, ignore if ignore is not None else config.lint.ignore
    )
    maps = parse_maps(map_ or [])
    set_answers = parse_set_options(set_ or [])
    if output_path is not None and not dry_run:
        refuse_overwrite(output_path, force)  # before any work
    library = load_library(templates_dir, config)
    if template:
        library.get(template)
    if relationship:
        get_relationship(relationship)
    log = NoteLog(config, record=not (no_history or dry_run), command="merge", rules=rules)
    with open_table(csv_path) as table:
        columns = Columns.build(table.header, maps, csv_path)
        if not (template or relationship or set(columns.answers.values()) & set(SELECTOR_COLUMNS)):
            raise UsageError(
                "say which template: -t ID, -r ID, or a 'template' or 'relationship' column (see `invite templates list`)"
            )
        plan = Plan(
            library=library,
            columns=columns,
            config=config,
            template_id=template,
            relationship=relationship,
            set_answers=set_answers,
            limit=note_limit,
            account=account or config.account or DEFAULT_ACCOUNT,
            rules=rules,
        )
        total = count_records(csv_path) if output.is_tty(sys.stderr) else None  # a second quick pass, for the bar
        with output.progress(total, "merging") as advance:
            outcome = run(plan, table.records(), log, advance)
        header = table.header
    try:
        _finish(outcome, header, csv_path, output_path, format_, force, dry_run, show, note_limit, level, log)
    finally:
        log.close()


def _finish(
    outcome: "Outcome",
    header: list[str],
    csv_path: Path,
    output_path: Path | None,
    format_: str,
    force: bool,
    dry_run: bool,
    show: int,
    limit: int,
    level: str,
    log: "NoteLog",
) -> None:
    """Deliver (or, in a dry run, preview), record, report, and choose the exit code."""
    from composer.merge import report
    from composer.merge.write import to_csv, to_jsonl

    console = output.console()
    report.show_errors(console, csv_path, outcome)
    if dry_run:
        report.show_preview(console, outcome, show, limit)
    else:
        if format_ == "csv":
            text = to_csv(header, outcome, limit, level)
        else:
            text = "".join(line + "\n" for line in to_jsonl(outcome, limit, level))
        if output_path is None:
            sys.stdout.write(text)
            sys.stdout.flush()
        else:
            write_atomic(output_path, text, force=force)
            output.info(f"wrote {len(outcome.rows)} rows to {output_path}")
        recorded = log.record((row.note, row.findings, row.skel) for row in outcome.notes if row.note is not None)
        if recorded:
            output.info(f"recorded {recorded} note{'s' if recorded != 1 else ''} in the history")
    report.show_groups(console, outcome)
    console.print(report.summary(outcome, level), markup=False, highlight=False, style="bold", soft_wrap=True)
    if dry_run:
        console.print("dry run: nothing was written or recorded", markup=False, style="dim", soft_wrap=True)
    if report.failed(outcome, level):
        raise typer.Exit(EXIT_FINDINGS)
