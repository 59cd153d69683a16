"""A session's saved draft through its life: opened or resumed, held, saved after each step, then kept or forgotten.

`state` knows the file (its format, where it lives, its lock); this module knows when a session
touches it. Nothing is written until the user has entered something; an unwritable state folder
costs one warning and the session goes on unsaved; the file is removed only once the note was
delivered (`close(forget=True)`), so Ctrl-C or a failed delivery never loses work.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from composer.draft.prompts import Option, Prompter
from composer.draft.state import (
    DraftLock,
    DraftState,
    clear_state,
    drafts_dir,
    free_drafts,
    new_draft_path,
    resumable,
    save_state,
)
from composer.errors import InviteError
from composer.output import visible

if TYPE_CHECKING:
    from rich.console import Console


@dataclass
class SavedDraft:
    """One session's draft file and what it holds; `save` after every step, `close` at the end."""

    console: Console
    state: DraftState = field(default_factory=DraftState)
    path: Path | None = None
    #: whether the user has entered anything yet: until then there is nothing worth saving
    entered: bool = False
    #: set when the state folder cannot be written: warned about once, then the session goes on unsaved
    unsaved_reason: str | None = None
    lock: DraftLock | None = None

    def hold(self) -> None:
        """Lock the draft file, so `--resume` elsewhere leaves it alone while this session runs."""
        if self.path is not None:
            self.lock = DraftLock(self.path)
            self.lock.acquire()

    def save(self, *, force: bool = False) -> Path | None:
        """Save the draft (once the user has entered something); None when nothing was saved.

        An unwritable state folder costs one warning, then the session goes on without saving.
        """
        if self.path is None or self.unsaved_reason is not None or not (self.entered or force):
            return None
        try:
            return save_state(self.state, self.path)
        except (InviteError, OSError) as exc:
            self.unsaved_reason = f"the draft cannot be saved: {exc}"
            self.console.print(f"warning: {visible(self.unsaved_reason)}; going on without saving", style="yellow", markup=False)
            return None

    def close(self, *, forget: bool) -> None:
        """End the hold on the draft; with `forget`, remove the draft (its note was delivered)."""
        if forget and self.path is not None:
            clear_state(self.path)
        if self.lock is not None:
            self.lock.release()
            self.lock = None


def open_draft(prompter: Prompter, console: Console, *, resume: bool) -> SavedDraft:
    """The draft a session works on, held: a saved one (`resume`), or a new file (mentioning any waiting drafts)."""
    if resume:
        path, state = pick_saved_draft(prompter)
        draft = SavedDraft(console, state, path, entered=True)
    else:
        _mention_waiting_drafts(console)
        draft = SavedDraft(console, DraftState(), new_draft_path())
    draft.hold()
    return draft


def pick_saved_draft(prompter: Prompter) -> tuple[Path, DraftState]:
    """The draft `--resume` continues: the only free one, or the one the user picks (newest first)."""
    states = resumable()
    free = list(states)
    if len(free) == 1:
        return free[0], states[free[0]]
    options = [Option(str(path), visible(states[path].summary()), str(path)) for path in free]
    chosen = Path(prompter.select("Which draft?", options))
    return chosen, states[chosen]


def _mention_waiting_drafts(console: Console) -> None:
    waiting = free_drafts()
    if waiting:
        count = f"{len(waiting)} saved drafts" if len(waiting) > 1 else "a saved draft"
        console.print(
            f"You have {count} from earlier sessions (in {drafts_dir()}); this is a new one. "
            "`invite draft --resume` continues a saved draft.",
            style="dim",
            markup=False,
        )
