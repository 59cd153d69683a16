"""One interactive `invite draft` session, start to end: the draft opened, the questions, the menu, and Ctrl-C.

The parts live beside it: `saved` (the draft file's life), `flow` (the questions), `actions` (the
menu), `prompts` (every questionary call) and `panel` (the note's display). This module joins them
and turns an interrupt into `DraftInterrupted`, naming where the draft was kept. It returns the
finished note; delivering it (and only then forgetting the saved draft) is `run`'s job, the same
for a session as without one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from composer.draft.actions import review
from composer.draft.answers import AnswerSources
from composer.draft.flow import Session
from composer.draft.panel import LintFunction, default_lint
from composer.draft.prompts import Prompter
from composer.draft.resolve import Resolution
from composer.draft.saved import open_draft
from composer.errors import InviteError
from composer.exitcodes import ExitCode
from composer.templates.library import Library

if TYPE_CHECKING:
    from rich.console import Console


class DraftInterrupted(InviteError):
    """Ctrl-C during the session: the draft is saved and the command exits 130."""

    exit_code = ExitCode.INTERRUPTED
    #: the template id and answers the session had reached (for the history, when a note had left already)
    choice: tuple[str | None, dict[str, str]] = (None, {})


@dataclass
class Finished:
    """A finished session's note, and its saved draft: kept until the note is delivered, then forgotten."""

    text: str
    session: Session

    def choice(self) -> tuple[str | None, dict[str, str]]:
        """The template id and the answers the session ended with."""
        return self.session.choice()

    def forget(self) -> None:
        """The note was delivered: remove the draft and let go of it."""
        self.session.draft.close(forget=True)

    def keep(self) -> Path | None:
        """The note could not be delivered: make sure the draft (with this note) is saved; return where."""
        path = self.session.draft.save(force=True)
        self.session.draft.close(forget=False)
        return path


def run_session(
    library: Library,
    sources: AnswerSources,
    resolution: Resolution,
    limit: int,
    *,
    resume: bool = False,
    prompter: Prompter | None = None,
    console: Console | None = None,
    lint: LintFunction = default_lint,
    on_deliver: Callable[[str], None] | None = None,
) -> Finished:
    """Start a session (or continue a saved draft with `resume`) and return the finished note.

    `on_deliver` hears of every note that left the session before Done (copied or saved), so the
    caller can keep it even when the session is then interrupted.
    """
    from composer.output import console as stderr_console

    prompter = prompter or Prompter()
    console = console or stderr_console()
    draft = open_draft(prompter, console, resume=resume)
    session = Session(library, sources, limit, prompter, console, draft, lint=lint, on_deliver=on_deliver)
    return Finished(_questions_then_menu(session, resolution), session)


def _questions_then_menu(session: Session, resolution: Resolution) -> str:
    """The whole session; Ctrl-C (or end of input) saves the draft and raises DraftInterrupted."""
    try:
        return review(session, session.start(resolution))
    except (KeyboardInterrupt, EOFError):
        draft = session.draft
        path = draft.save()
        draft.close(forget=False)
        if path is None:
            reason = "nothing was entered yet" if draft.unsaved_reason is None else draft.unsaved_reason
            interrupted = DraftInterrupted(f"interrupted; no draft was kept ({reason})")
        else:
            interrupted = DraftInterrupted(
                f"interrupted; your draft is kept in {path} - continue it with `invite draft --resume`"
            )
        interrupted.choice = session.choice()
        raise interrupted from None
