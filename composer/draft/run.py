"""`invite draft` from decision to delivery: the one function the command calls (`draft_note`).

One decision, one ending. `resolve` decides once what the flags leave open; a terminal session asks
for it (and, with nothing left to ask, still shows the note with its menu: copy, edit, try another
template), otherwise a missing answer is an error. Either way the note ends the same: delivered (stdout
or --output), then linted, checked against the history and recorded there. The saved draft is
forgotten only after the note was delivered. The command prints the count and findings (`Drafted.show`,
unless the session's panel showed them) and chooses the exit code. Findings are as the config and the
template's `{# invite: ignore=RULE #}` comments set them, here and in the panel (`panel.draft_policy`).

The history comes in as a `NoteHistory`, built by the command from `composer.history`: the two
subsystems never import each other.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from composer import output
from composer.draft.answers import AnswerSources, unknown_answer_warnings
from composer.draft.panel import draft_policy
from composer.draft.resolve import Resolution, resolve
from composer.errors import InviteError, OutputError, UsageError
from composer.exitcodes import ExitCode
from composer.fileio import write_atomic
from composer.lint import Finding, Linted, Suppressed, count_line, lint_results, lint_text, print_findings, suppressed_line
from composer.templates.library import Library
from composer.templates.model import Template

if TYPE_CHECKING:
    from composer.draft.session import Finished


class NoteHistory(Protocol):
    """What drafting needs of the history: its findings for a note, and recording the delivered one."""

    def check(self, text: str, template: Template | None, answers: Mapping[str, str]) -> list[Finding]:
        """The history's findings for a note (already sent to them? the same note to others?)."""
        ...

    def record(
        self,
        text: str,
        template: Template | None,
        answers: Mapping[str, str],
        findings: list[Finding],
        linted: Linted | None = None,
    ) -> None:
        """Record a delivered note with its findings (the linter's and the history's, as the config sets them), and
        the linter's whole verdict on it (`linted`: scores, language), kept beside it."""
        ...


@dataclass(frozen=True)
class DraftRequest:
    """What `invite draft` was asked for, with flags over config already applied."""

    library: Library
    sources: AnswerSources
    relationship: str | None
    template_id: str | None
    limit: int
    #: None: stdout
    output_path: Path | None
    force: bool
    resume: bool
    #: False with --no-input; a session also needs a terminal
    prompt: bool


@dataclass(frozen=True)
class Drafted:
    """The delivered note and every finding about it (linter and history)."""

    text: str
    findings: list[Finding]
    #: whether the session's panel already showed the findings
    shown: bool
    #: the findings the template's `{# invite: ignore=RULE #}` comments silenced
    suppressed: list[Suppressed] = field(default_factory=list)

    def show(self, limit: int) -> None:
        """The note's count and findings on stderr, unless the session's panel showed them; what was suppressed."""
        if self.shown:
            return
        console = output.console()
        console.print(count_line(self.text, limit))
        if self.findings:
            console.print()
        print_findings(console, "draft", self.text, self.findings)
        if self.suppressed:
            console.print(suppressed_line(self.suppressed), markup=False, style="dim")


def draft_note(request: DraftRequest, history: Callable[[], NoteHistory]) -> Drafted:
    """Decide, ask and review (on a terminal, unless --no-input) or render, deliver, then lint and record the note."""
    resolution = resolve(request.library, request.sources, request.relationship, request.template_id)
    notes = history()
    interactive = request.prompt and output.is_terminal()
    if request.resume and not interactive:
        from composer.draft.state import resumable

        resumable()  # nothing saved, or a damaged draft: say that first
        raise UsageError("--resume needs a terminal to continue the draft; run it without --no-input in a terminal")
    if request.resume or interactive:  # on a terminal the panel and menu show even when the flags answered everything
        finished = _session(request, resolution, notes)
        chosen_id, answers = finished.choice()
        _deliver_or_keep(finished.text, request, finished)
        finished.forget()  # only now: the note is safely delivered
        template = request.library.templates.get(chosen_id or "")
        findings, suppressed = _lint_and_record(finished.text, request, notes, template, answers)
        return Drafted(finished.text, findings, shown=True, suppressed=suppressed)
    from composer.templates.render import render

    template = resolution.require_complete()
    _warn_unknown(request.sources, template)
    text = render(template, resolution.answers)
    _deliver(text, request)
    findings, suppressed = _lint_and_record(text, request, notes, template, resolution.answers)
    return Drafted(text, findings, shown=False, suppressed=suppressed)


def _session(request: DraftRequest, resolution: Resolution, notes: NoteHistory) -> Finished:
    """Run the interactive session (from a saved draft with --resume) and return the finished note.

    The panel shows the history's findings beside the linter's. A note copied or saved and then
    abandoned with Ctrl-C has still left the tool, so it is recorded before the interrupt ends the command.
    """
    from composer.draft.session import DraftInterrupted, run_session

    sources = request.sources
    delivered: list[str] = []

    def lint(text: str, limit: int) -> list[Finding]:
        return _lint(text, limit, sources) + notes.check(text, None, sources.flags)

    try:
        return run_session(
            request.library, sources, resolution, request.limit, resume=request.resume, lint=lint, on_deliver=delivered.append
        )
    except DraftInterrupted as interrupted:
        if delivered:
            chosen_id, answers = interrupted.choice
            _lint_and_record(delivered[-1], request, notes, request.library.templates.get(chosen_id or ""), answers)
        raise


def _lint(text: str, limit: int, sources: AnswerSources) -> list[Finding]:
    lint = sources.config.lint
    return lint_text(text, limit=limit, select=lint.select, ignore=lint.ignored)


def _lint_and_record(
    text: str, request: DraftRequest, notes: NoteHistory, template: Template | None, answers: Mapping[str, str]
) -> tuple[list[Finding], list[Suppressed]]:
    """Lint the delivered note, check it against the history and record it there with its findings and the linter's
    verdict.

    The findings are as the config and the template's comments set them (`draft_policy`): every one
    kept, at its configured severity, and those the template silences apart, recorded in neither.
    """
    lint = request.sources.config.lint
    [linted] = lint_results([(None, text, None)], limit=request.limit, select=lint.select, ignore=lint.ignored)
    found = linted.findings + notes.check(text, template, answers)
    findings, suppressed = draft_policy(request.sources.config, template).apply(found)
    notes.record(text, template, answers, findings, linted)
    return findings, suppressed


def _warn_unknown(sources: AnswerSources, template: Template) -> None:
    for line in unknown_answer_warnings(template, sources):
        output.warn(line)


def _deliver_or_keep(text: str, request: DraftRequest, finished: Finished) -> None:
    """Deliver a session's note; if that fails, show the note on the terminal and keep the draft to resume."""
    try:
        _deliver(text, request)
    except (InviteError, OSError) as exc:  # a closed pipe, a full disk, a file that appeared meanwhile
        from rich.text import Text

        kept = finished.keep()
        console = output.console()
        console.print(Text(output.visible(text)), markup=False)
        where = f"your draft is kept in {kept} - `invite draft --resume` delivers it again" if kept else "copy it from above"
        code = ExitCode.BROKEN_PIPE if isinstance(exc, BrokenPipeError) else getattr(exc, "exit_code", OutputError.exit_code)
        reason = "stdout was closed" if isinstance(exc, BrokenPipeError) else str(exc)
        raise InviteError(f"the note was not delivered ({reason}); it is shown above, and {where}", exit_code=code) from None


def _deliver(text: str, request: DraftRequest) -> None:
    """The note goes to stdout, or atomically into --output (and a confirmation to stderr)."""
    if request.output_path is None:
        output.out(text)
        return
    write_atomic(request.output_path, text + "\n", force=request.force)
    output.info(f"wrote the note to {request.output_path}")
