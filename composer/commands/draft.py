"""`invite draft`: fill a template from flags, an answers file, config and (on a terminal) prompts.

One decision, one ending. `resolve` decides once what the flags leave open; a terminal session asks
for it, otherwise a missing answer is an error. Either way the note ends the same: delivered (stdout
or --output), then linted (its count and findings on stderr), exit 1 when a finding reaches
--fail-on. The saved draft is forgotten only after the note was delivered.
"""

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
    fail_on_level,
    load_library,
)
from composer.config import DEFAULT_ACCOUNT, Config, load_config, resolve_limit
from composer.errors import EXIT_BROKEN_PIPE, EXIT_FINDINGS, InviteError, OutputError, UsageError
from composer.fileio import STDOUT, refuse_overwrite, write_atomic

if TYPE_CHECKING:
    from composer.draft.answers import AnswerSources
    from composer.draft.resolve import Resolution
    from composer.draft.session import Finished
    from composer.history.log import Checked, NoteLog, Recipient
    from composer.templates.library import Library
    from composer.templates.model import Template


#: `invite draft --help`: typer keeps a docstring's line breaks, so each paragraph is one string here.
HELP = "\n\n".join(
    [
        "Draft a personal connection note from a template.",
        "On a terminal, anything the flags leave open is asked interactively; with --no-input or no terminal,"
        " missing answers are an error naming each one. Either way the note is linted, checked against the local"
        " history (already invited? the same note sent to others? the free account's monthly notes used up?)"
        " and recorded there, and the command exits 1 when a finding reaches --fail-on (the note is still delivered).",
    ]
)


def draft(
    relationship: Annotated[
        str | None,
        typer.Option("--relationship", "-r", metavar="ID", help="How you know them (see `invite templates list`)."),
    ] = None,
    template: Annotated[str | None, typer.Option("--template", "-t", metavar="ID", help="Template id to use.")] = None,
    set_: Annotated[
        list[str] | None,
        typer.Option("--set", metavar="KEY=VALUE", help="An answer (repeatable).", show_default=False),
    ] = None,
    answers: Annotated[
        Path | None,
        typer.Option("--answers", metavar="FILE", help="Answers file (YAML, TOML or JSON).", show_default=False),
    ] = None,
    no_input: Annotated[bool, typer.Option("--no-input", help="Never prompt; fail if an answer is missing.")] = False,
    account: AccountOption = None,
    limit: LimitOption = None,
    output_path: Annotated[
        Path | None,
        typer.Option("--output", "-o", metavar="FILE", help="Write the note to this file instead of stdout."),
    ] = None,
    force: ForceOption = False,
    templates_dir: TemplatesDirOption = None,
    resume: Annotated[
        bool, typer.Option("--resume", help="Continue the draft saved by an interrupted interactive session.")
    ] = False,
    fail_on: FailOnOption = None,
    name: Annotated[
        str | None,
        typer.Option("--name", metavar="NAME", help="The recipient's full name, for the history.", show_default=False),
    ] = None,
    profile_url: Annotated[
        str | None,
        typer.Option("--profile-url", metavar="URL", help="The recipient's LinkedIn profile URL, for the history."),
    ] = None,
    no_history: NoHistoryOption = False,
) -> None:
    """Draft a personal connection note from a template (the help text is HELP, one line a paragraph)."""
    from composer.draft.answers import AnswerSources, load_answers_file, parse_set_options
    from composer.draft.resolve import resolve

    config = load_config()
    flag_answers = parse_set_options(set_ or [])
    file_answers = load_answers_file(answers) if answers else {}
    note_limit = resolve_limit(limit, account, config)  # validates --limit/--account before any work
    level = fail_on_level(fail_on, config)
    if output_path == Path(STDOUT):
        output_path = None  # `-o -` is stdout, as everywhere
    if output_path is not None:
        refuse_overwrite(output_path, force)  # fail before any prompt, not after the user's work
    library = load_library(templates_dir, config)
    sources = AnswerSources(flags=flag_answers, file=file_answers, config=config)
    resolution = resolve(library, sources, relationship, template)
    from composer.history.log import NoteLog, Recipient

    recipient = Recipient(name, profile_url, account or config.account or DEFAULT_ACCOUNT)
    log = NoteLog(config, record=not no_history, command="draft")
    interactive = not no_input and output.is_terminal()
    if resume and not interactive:
        from composer.draft.session import resumable

        resumable()  # nothing saved, or a damaged draft: say that first
        raise UsageError("--resume needs a terminal to continue the draft; run it without --no-input in a terminal")
    in_session = resume or (interactive and resolution.needs_prompt)
    if in_session:
        finished = _session(library, sources, resolution, note_limit, resume, recipient, log, level)
        text = finished.text
        chosen_id, chosen_answers = finished.choice()
        _deliver_or_keep(text, output_path, force, finished)
        finished.forget()  # only now: the note is safely delivered
    else:
        from composer.templates.render import render

        chosen = resolution.require_complete()
        _warn_unknown(sources, chosen)
        text = render(chosen, resolution.answers)
        chosen_id, chosen_answers = chosen.id, resolution.answers
        _deliver(text, output_path, force)
    note = recipient.checked(text, library.templates.get(chosen_id or ""), chosen_answers)
    if _lint_and_record(text, note_limit, level, config, show=not in_session, log=log, note=note):
        raise typer.Exit(EXIT_FINDINGS)


def _deliver_or_keep(text: str, output_path: Path | None, force: bool, finished: "Finished") -> None:
    """Deliver a session's note; if that fails, show the note on the terminal and keep the draft to resume."""
    try:
        _deliver(text, output_path, force)
    except (InviteError, OSError) as exc:  # a closed pipe, a full disk, a file that appeared meanwhile
        from rich.text import Text

        kept = finished.keep()
        console = output.console()
        console.print(Text(output.visible(text)), markup=False)
        where = f"your draft is kept in {kept} - `invite draft --resume` delivers it again" if kept else "copy it from above"
        code = EXIT_BROKEN_PIPE if isinstance(exc, BrokenPipeError) else getattr(exc, "exit_code", OutputError.exit_code)
        reason = "stdout was closed" if isinstance(exc, BrokenPipeError) else str(exc)
        raise InviteError(f"the note was not delivered ({reason}); it is shown above, and {where}", exit_code=code) from None


def _warn_unknown(sources: "AnswerSources", template: "Template") -> None:
    from composer.draft.answers import unknown_answers

    unknown = unknown_answers(template, sources)
    if unknown:
        asked = ", ".join(q.name for q in template.all_questions())
        output.warn(f"--set {', '.join(unknown)}: template {template.id!r} does not ask for it (its questions: {asked})")


def _session(
    library: "Library",
    sources: "AnswerSources",
    resolution: "Resolution",
    limit: int,
    resume: bool,
    recipient: "Recipient",
    log: "NoteLog",
    fail_on: str,
) -> "Finished":
    """Run the interactive session (from a saved draft with --resume) and return the finished note.

    The panel shows the history's findings beside the linter's. A note copied or saved and then
    abandoned with Ctrl-C has still left the tool, so it is recorded before the interrupt ends the command.
    """
    from composer.draft.session import DraftInterrupted, run_session
    from composer.lint import Finding, lint_text

    config = sources.config
    delivered: list[str] = []

    def lint(text: str, limit: int) -> list[Finding]:
        findings = lint_text(text, limit=limit, select=config.lint.select, ignore=config.lint.ignore)
        return findings + log.check(*recipient.checked(text, None, sources.flags))

    try:
        return run_session(library, sources, resolution, limit, resume=resume, lint=lint, on_deliver=delivered.append)
    except DraftInterrupted as interrupted:
        if delivered:
            chosen_id, chosen_answers = interrupted.choice
            note = recipient.checked(delivered[-1], library.templates.get(chosen_id or ""), chosen_answers)
            _lint_and_record(delivered[-1], limit, fail_on, config, show=False, log=log, note=note)
        raise


def _lint_and_record(text: str, limit: int, fail_on: str, config: Config, *, show: bool, log: "NoteLog", note: "Checked") -> bool:
    """Lint the delivered note, check it against the history and record it there; show the count and findings
    on stderr unless the session's panel did. True at --fail-on."""
    from composer.lint import count_line, lint_text, print_findings, reaches

    findings = lint_text(text, limit=limit, select=config.lint.select, ignore=config.lint.ignore)
    findings += log.check(*note)
    log.record([(note[0], findings, note[1])])
    log.close()
    if show:
        console = output.console()
        console.print(count_line(text, limit))
        if findings:
            console.print()
        print_findings(console, "draft", text, findings)
    return reaches(findings, fail_on)


def _deliver(text: str, output_path: Path | None, force: bool) -> None:
    """The note goes to stdout, or atomically into --output (and a confirmation to stderr)."""
    if output_path is None:
        output.out(text)
        return
    write_atomic(output_path, text + "\n", force=force)
    output.info(f"wrote the note to {output_path}")
