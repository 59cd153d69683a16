"""`invite draft`: fill a template from flags, an answers file, config and (on a terminal) prompts."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from composer import output
from composer.answers import AnswerSources, load_answers_file, parse_set_options
from composer.commands.common import AccountOption, LimitOption, TemplatesDirOption, load_library
from composer.config import load_config, resolve_limit
from composer.draft import check_answers, choose_template, start_draft
from composer.errors import EXIT_FINDINGS
from composer.fileio import refuse_overwrite, write_atomic
from composer.lint.report import check_fail_on


def draft(
    relationship: Annotated[
        str | None, typer.Option("--relationship", "-r", help="How you know them (see `invite templates list`).")
    ] = None,
    template: Annotated[str | None, typer.Option("--template", "-t", help="Template id to use.")] = None,
    set_: Annotated[
        list[str] | None, typer.Option("--set", help="An answer as KEY=VALUE (repeatable).", show_default=False)
    ] = None,
    answers: Annotated[
        Path | None, typer.Option("--answers", help="Answers file (YAML, TOML or JSON).", show_default=False)
    ] = None,
    no_input: Annotated[bool, typer.Option("--no-input", help="Never prompt; fail if an answer is missing.")] = False,
    account: AccountOption = None,
    limit: LimitOption = None,
    output_path: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the note to this file instead of stdout.")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Allow --output to replace an existing file.")] = False,
    templates_dir: TemplatesDirOption = None,
    resume: Annotated[
        bool, typer.Option("--resume", help="Continue the draft saved by an interrupted interactive session.")
    ] = False,
    fail_on: Annotated[
        str, typer.Option("--fail-on", help="Exit 1 when linting the note finds this severity or worse: error, warning, info.")
    ] = "warning",
) -> None:
    """Draft a personal connection note from a template.

    On a terminal, anything the flags leave open is asked interactively; with --no-input or no
    terminal, missing answers are an error naming each one.
    """
    config = load_config()
    flag_answers = parse_set_options(set_ or [])
    file_answers = load_answers_file(answers) if answers else {}
    note_limit = resolve_limit(limit, account, config)  # validates --limit/--account before any work
    check_fail_on(fail_on)
    if output_path is not None:
        refuse_overwrite(output_path, force)  # fail before any prompt, not after the user's work
    library = load_library(templates_dir, config)
    sources = AnswerSources(flags=flag_answers, file=file_answers, config=config)
    from composer.interactive import draft_interactively

    prompted = draft_interactively(
        library=library,
        sources=sources,
        limit=note_limit,
        relationship=relationship or sources.selector("relationship"),
        template_id=template or sources.selector("template"),
        resume=resume,
        no_input=no_input,
    )
    if prompted is not None:
        # The session already showed the count and findings in its panel, and the user chose Done.
        _deliver(prompted, output_path, force)
        return
    chosen = choose_template(
        library,
        relationship or sources.selector("relationship"),
        template or sources.selector("template"),
    )
    current = start_draft(chosen, sources)
    check_answers(chosen, current.answers)
    text = current.render()
    _deliver(text, output_path, force)
    _lint_result(text, note_limit, fail_on)


def _deliver(text: str, output_path: Path | None, force: bool) -> None:
    """The note goes to stdout, or atomically into --output (and a confirmation to stderr)."""
    if output_path is None:
        output.out(text)
        return
    write_atomic(output_path, text + "\n", force=force)
    output.info(f"wrote the note to {output_path}")


def _lint_result(text: str, limit: int, fail_on: str) -> None:
    """Lint the delivered note: its count and findings go to stderr; exit 1 when one reaches --fail-on."""
    from composer.lint.report import lint_draft

    if lint_draft(text, limit=limit, fail_on=fail_on):
        raise typer.Exit(EXIT_FINDINGS)
