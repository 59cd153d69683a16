"""`invite draft`: fill a template from flags, an answers file, config and (on a terminal) prompts.

The command reads the flags, applies them over config, and calls `composer.draft.run.draft_note`,
which decides, asks or renders, delivers, lints and records. It then prints the note's count and
findings on stderr (`Drafted.show`: unless the session's panel showed them) and exits 1 when a finding reaches
--fail-on. It also joins drafting to the history (`_History`): the two subsystems never import each other.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from composer.commands.common import (
    AccountOption,
    FailOnOption,
    ForceOption,
    LimitOption,
    NoRecordOption,
    TemplatesDirOption,
    load_library,
    relationship_option,
    template_option,
)
from composer.config import load_config
from composer.exitcodes import ExitCode
from composer.fileio import STDOUT, refuse_overwrite
from composer.settings import Settings

if TYPE_CHECKING:
    from composer.history.log import NoteLog, Recipient
    from composer.lint import Finding, Linted
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
        relationship_option("How you know them (see `invite templates list`)."),
    ] = None,
    template: Annotated[str | None, template_option("Template id to use.")] = None,
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
    no_record: NoRecordOption = False,
) -> None:
    """Draft a personal connection note from a template (the help text is HELP, one line a paragraph)."""
    from composer.draft.answers import AnswerSources, load_answers_file, parse_set_options
    from composer.draft.run import DraftRequest, draft_note
    from composer.lint import reaches

    config = load_config()
    flag_answers = parse_set_options(set_ or [])
    file_answers = load_answers_file(answers) if answers else {}
    settings = Settings.from_flags(config, limit=limit, account=account, fail_on=fail_on)  # checked before any work
    note_limit, level = settings.limit, settings.fail_on
    if output_path == Path(STDOUT):
        output_path = None  # `-o -` is stdout, as everywhere
    if output_path is not None:
        refuse_overwrite(output_path, force)  # fail before any prompt, not after the user's work
    library = load_library(templates_dir, config)
    sources = AnswerSources(flags=flag_answers, file=file_answers, config=config, file_name=str(answers) if answers else None)
    request = DraftRequest(library, sources, relationship, template, note_limit, output_path, force, resume, not no_input)

    def history() -> "_History":
        from composer.history.log import NoteLog, Recipient

        recipient = Recipient(name, profile_url, settings.account)
        return _History(recipient, NoteLog(config, record=not no_record, command="draft"))

    drafted = draft_note(request, history)
    drafted.show(note_limit)
    if reaches(drafted.findings, level):
        raise typer.Exit(ExitCode.FINDINGS)


@dataclass(frozen=True)
class _History:
    """The history as drafting sees it (`composer.draft.run.NoteHistory`): this recipient's notes, checked and recorded."""

    recipient: "Recipient"
    log: "NoteLog"

    def check(self, text: str, template: "Template | None", answers: Mapping[str, str]) -> list["Finding"]:
        return self.log.check(*self.recipient.checked(text, template, answers))

    def record(
        self,
        text: str,
        template: "Template | None",
        answers: Mapping[str, str],
        findings: list["Finding"],
        linted: "Linted | None" = None,
    ) -> None:
        note, skeleton = self.recipient.checked(text, template, answers, linted)
        self.log.record([(note, findings, skeleton)])
        self.log.close()
