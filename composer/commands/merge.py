"""`invite merge CSV`: one note per row from a template, linted, checked against the history and the batch.

Exit codes, as `invite lint`: 0 every row made a note with nothing at --fail-on; 1 a row made no note
or has a finding at --fail-on; 2 the input cannot be used (an unreadable CSV, an unknown --map
column or template). The notes are the product (stdout, or --output written atomically); row
problems, duplicate groups and the summary go to stderr, with a progress bar only on a terminal.
The work itself is `composer.merge.job.merge_csv`.
"""

from pathlib import Path
from typing import Annotated

import typer

from composer.commands.common import (
    AccountOption,
    FailOnOption,
    ForceOption,
    LimitOption,
    NoRecordOption,
    TemplatesDirOption,
    check_format,
    load_library,
    relationship_option,
    template_option,
)
from composer.commands.lint import RuleListOption
from composer.config import load_config
from composer.errors import UsageError
from composer.exitcodes import ExitCode
from composer.fileio import refuse_overwrite
from composer.settings import Settings


def merge(
    csv_path: Annotated[Path, typer.Argument(metavar="CSV", help="The recipients: one row each, a header naming the answers.")],
    template: Annotated[str | None, template_option("Template for every row.")] = None,
    relationship: Annotated[str | None, relationship_option("Relationship (its default template) for every row.")] = None,
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
    no_record: NoRecordOption = False,
    templates_dir: TemplatesDirOption = None,
) -> None:
    """Make one note per CSV row from a template, and check each one and the batch as a whole.

    Columns give answers by name, case- and space-insensitively (`First Name` is `first_name`);
    --map names the others. A `template` or `relationship` column picks the template per row.
    LinkedIn's Connections.csv works as exported. Each note is linted, checked against the local
    history (already-invited, repeated-note, note-quota) and against the rest of the batch
    (batch-duplicate), then recorded in the history.
    """
    from composer.draft.answers import parse_set_options
    from composer.lint import select_rules
    from composer.merge.columns import parse_maps
    from composer.merge.job import FORMATS, MergeOptions, merge_csv

    check_format(format_, FORMATS)
    if show < 0:
        raise UsageError(f"--show must be 0 or more, got {show}")
    settings = Settings.from_flags(load_config(), limit=limit, account=account, fail_on=fail_on, select=select, ignore=ignore)
    options = MergeOptions(
        csv_path=csv_path,
        settings=settings,
        rules=select_rules(settings.select, settings.ignore),
        template=template,
        relationship=relationship,
        maps=parse_maps(map_ or []),
        set_answers=parse_set_options(set_ or []),
        output_path=output_path,
        format=format_,
        force=force,
        dry_run=dry_run,
        show=show,
        record=not no_record,
    )
    if output_path is not None and not dry_run:
        refuse_overwrite(output_path, force)  # before any work
    if merge_csv(options, load_library(templates_dir, settings.config)):
        raise typer.Exit(ExitCode.FINDINGS)
