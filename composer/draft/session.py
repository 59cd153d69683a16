"""The interactive `invite draft` session: choose, ask, render, review, refine; the command delivers.

`prompts` owns every questionary call and `panel` the note's display; this module owns the order of
the steps, the action menu and the saved state. Nothing here hard-codes a relationship or a question:
relationships come from data/relationships.yaml and questions from the chosen template. The session
returns the finished note; delivering it (and only then forgetting the saved draft) is the
command's job, the same for a session as without one.
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from composer.draft import clipboard
from composer.draft.answers import SELECTOR_KEYS, AnswerSources, answer_problem, unknown_answers
from composer.draft.panel import LintFunction, default_lint, show_findings, show_note
from composer.draft.prompts import Option, Prompter
from composer.draft.resolve import Resolution
from composer.draft.state import (
    DraftLock,
    DraftState,
    clear_state,
    drafts_dir,
    free_drafts,
    load_state,
    new_draft_path,
    save_state,
    saved_drafts,
)
from composer.editor import configured_editor, editor_command, open_in_editor
from composer.errors import InviteError, TemplateError, UsageError
from composer.exitcodes import ExitCode
from composer.fileio import write_atomic
from composer.length import note_length
from composer.output import is_tty, visible
from composer.templates.library import Library
from composer.templates.model import Question, Template, get_relationship, relationships
from composer.templates.render import render

if TYPE_CHECKING:
    from rich.console import Console

COPY, EDIT, CHANGE, TEMPLATE, RELATIONSHIP, SAVE, DONE = "copy", "edit", "change", "template", "relationship", "save", "done"
BACK = ""


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
        self.session.close(forget=True)

    def keep(self) -> Path | None:
        """The note could not be delivered: make sure the draft (with this note) is saved; return where."""
        path = self.session.save(force=True)
        self.session.close(forget=False)
        return path


def resumable() -> dict[Path, DraftState]:
    """The saved drafts `--resume` may continue (none open in another session), newest first.

    Nothing to resume, or a damaged draft, is a usage or input error naming the file.
    """
    free = free_drafts()
    if not free:
        held = saved_drafts()
        if held:
            raise UsageError(f"nothing to resume: the saved draft in {held[0]} is open in another `invite draft` session")
        raise UsageError(f"nothing to resume: no draft is saved in {drafts_dir()}")
    return {path: load_state(path) for path in free}


def pick_saved_draft(prompter: Prompter) -> tuple[Path, DraftState]:
    """The draft `--resume` continues: the only free one, or the one the user picks (newest first)."""
    states = resumable()
    free = list(states)
    if len(free) == 1:
        return free[0], states[free[0]]
    options = [Option(str(path), visible(states[path].summary()), str(path)) for path in free]
    chosen = Path(prompter.select("Which draft?", options))
    return chosen, states[chosen]


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
    if resume:
        path, state = pick_saved_draft(prompter)
    else:
        path, state = new_draft_path(), DraftState()
        waiting = free_drafts()
        if waiting:
            count = f"{len(waiting)} saved drafts" if len(waiting) > 1 else "a saved draft"
            console.print(
                f"You have {count} from earlier sessions (in {drafts_dir()}); this is a new one. "
                "`invite draft --resume` continues a saved draft.",
                style="dim",
                markup=False,
            )
    session = Session(
        library=library,
        sources=sources,
        limit=limit,
        prompter=prompter,
        console=console,
        state=state,
        lint=lint,
        state_file=path,
        entered=resume,
        on_deliver=on_deliver,
    )
    session.hold()
    return Finished(session.run(resolution), session)


@dataclass
class Session:
    """One interactive draft. `state` is saved after every step, so Ctrl-C never loses work."""

    library: Library
    sources: AnswerSources
    limit: int
    prompter: Prompter
    console: Console
    state: DraftState = field(default_factory=DraftState)
    lint: LintFunction = default_lint
    on_deliver: Callable[[str], None] | None = None
    state_file: Path | None = None
    terminal: Any = None
    #: whether the user has entered anything yet: until then there is nothing worth saving
    entered: bool = False
    #: set when the state folder cannot be written: warned about once, then the session goes on unsaved
    unsaved_reason: str | None = None
    lock: DraftLock | None = None

    # ------------------------------------------------------------------ the steps

    def run(self, resolution: Resolution) -> str:
        """Go through the whole session and return the finished note (the caller delivers it)."""
        try:
            return self._run(resolution)
        except (KeyboardInterrupt, EOFError):
            path = self.save()
            self.close(forget=False)
            if path is None:
                reason = "nothing was entered yet" if self.unsaved_reason is None else self.unsaved_reason
                interrupted = DraftInterrupted(f"interrupted; no draft was kept ({reason})")
            else:
                interrupted = DraftInterrupted(
                    f"interrupted; your draft is kept in {path} - continue it with `invite draft --resume`"
                )
            interrupted.choice = self.choice()
            raise interrupted from None

    def _run(self, resolution: Resolution) -> str:
        given = {k: v for k, v in {**self.sources.file, **self.sources.flags}.items() if k not in SELECTOR_KEYS}
        self.state.answers.update(given)
        template = self._initial_template(resolution)
        if template is None:
            if self.state.relationship is None:
                self.state.relationship = self.choose_relationship()
                self.save()
            template = self.choose_template(self.state.relationship)
            assert template is not None  # only "Back" returns None, and it is not offered here
        self.use_template(template)
        keep_edit = bool(self.state.edited and self.state.text)
        self.ask_missing(template)
        if not (keep_edit and self.state.text):
            self.render(template)
        return self.review(template)

    def _initial_template(self, resolution: Resolution) -> Template | None:
        if resolution.template_id:
            return resolution.template
        if resolution.relationship:
            if self.state.relationship != resolution.relationship:
                self.state.template = None
            self.state.relationship = resolution.relationship
        saved = self.state.template
        if saved:
            if saved not in self.library.templates:
                self.console.print(
                    f"The saved draft used template {saved!r}, which no longer exists.", style="yellow", markup=False
                )
                return None
            return self.library.templates[saved]
        return None

    def use_template(self, template: Template) -> None:
        self.state.relationship = template.relationship
        self.state.template = template.id
        self.save()
        unknown = unknown_answers(template, self.sources)
        if unknown:
            asked = ", ".join(q.name for q in template.all_questions())
            self.console.print(
                f"--set {', '.join(unknown)}: template {template.id!r} does not ask for it (its questions: {asked})",
                style="yellow",
                markup=False,
            )

    def choose_relationship(self) -> str:
        """Step 1: how do you know them? (labels and descriptions come from relationships.yaml)."""
        known = {t.relationship for t in self.library.templates.values()}
        options = [Option(r.id, r.label, r.description) for r in relationships().values() if r.id in known]
        if not options:
            raise UsageError("no templates found; see `invite templates list`")
        chosen = self.prompter.select("How do you know them?", options, default=self.state.relationship)
        self.entered = True
        return chosen

    def choose_template(self, relationship: str, *, exclude: str | None = None, back: bool = False) -> Template | None:
        """Step 2: one of the relationship's templates (skipped when there is only one)."""
        candidates = [t for t in self.library.for_relationship(relationship) if t.id != exclude]
        if not candidates:
            raise UsageError(f"no template for relationship {relationship!r}")
        if len(candidates) == 1 and not back:
            return candidates[0]
        options = [Option(t.id, visible(_template_title(t)), visible(t.description)) for t in candidates]
        if back:
            options.append(Option(BACK, "Back"))
        default = get_relationship(relationship).default_template
        chosen = self.prompter.select("Which kind of note?", options, default=default)
        self.entered = True
        return self.library.templates[chosen] if chosen else None

    def ask_missing(self, template: Template) -> None:
        """Step 3: ask each question not answered yet (or whose answer does not fit this template)."""
        answers = self.state.answers
        for question in template.all_questions():
            current = answers.get(question.name)
            if current is not None:
                problem = answer_problem(question, current)
                if problem is None:
                    continue
                self.console.print(visible(f"{problem}: please answer again"), style="yellow", markup=False)
            answers[question.name] = self.ask(template, question, current)
            self.save()

    def ask(self, template: Template, question: Question, current: str | None) -> str:
        """Ask one question with the live count of the whole note; defaults show as placeholders."""
        fallback = None if current else self.sources.value_for(question)

        def preview(partial: str) -> str | None:
            try:
                return render(template, {**self.state.answers, question.name: partial.strip()})
            except TemplateError:
                return None

        answer = self.prompter.ask(question, current, fallback=fallback, preview=preview, limit=self.limit)
        self.entered = True
        return answer

    def render(self, template: Template) -> str:
        text = render(template, dict(self.state.answers))
        self.state.text = text
        self.state.edited = False
        self.save()
        return text

    # ------------------------------------------------------------------ review loop

    def review(self, template: Template) -> str:
        """Steps 4-5: show the panel and loop on the action menu until Done."""
        show = True
        while True:
            text = self.state.text or ""
            if show:
                self.show(template, text)
            show = False
            action = self.prompter.select("What next?", self.actions(template))
            if action == COPY:
                self.copy(text)
            elif action == EDIT:
                show = self.edit(text)
            elif action == CHANGE:
                show = self.change_answer(template)
            elif action in (TEMPLATE, RELATIONSHIP):
                chosen = self.another_template(template) if action == TEMPLATE else self.another_relationship(template)
                if chosen is not None:
                    template, show = chosen, True
            elif action == SAVE:
                self.save_to_file(text)
            elif action == DONE and self.finish_ok(text):
                return text

    def actions(self, template: Template) -> list[Option]:
        options = [
            Option(COPY, "Copy to clipboard"),
            Option(EDIT, "Edit the text", self._edit_description()),
            Option(CHANGE, "Change an answer", "Pick one question, answer it again and re-render."),
        ]
        if len(self.library.for_relationship(template.relationship)) > 1:
            options.append(Option(TEMPLATE, "Try another template", "Same relationship; your answers are kept."))
        options.append(
            Option(RELATIONSHIP, "Change how you know them", "Another relationship and its template; answers are kept.")
        )
        options.append(Option(SAVE, "Save to file"))
        options.append(Option(DONE, "Done", "Print the note and exit."))
        return options

    def show(self, template: Template, text: str) -> None:
        """The note in its panel, then the lint findings and their hints."""
        title = template.title + (" (edited)" if self.state.edited else "")
        show_note(self.console, title, text, self.limit)
        show_findings(self.console, text, self.limit, self.lint)

    def delivered(self, text: str) -> None:
        if self.on_deliver is not None:
            self.on_deliver(text)

    def copy(self, text: str) -> None:
        self.delivered(text)  # copied, or printed below for the user to copy: either way it left the session
        result = clipboard.copy(text, self.terminal)
        style = "green" if result.certain else "yellow"
        self.console.print(result.message, style=style, markup=False)
        if not result.copied:
            self.console.print(visible(text), markup=False, highlight=False)

    def edit(self, text: str) -> bool:
        """Edit in $VISUAL/$EDITOR when set, else inline; return whether the text changed."""
        editor = configured_editor()
        new: str | None = None
        if editor:
            new = self.edit_in_editor(text, editor)
        if new is None:
            new = self.prompter.edit("Edit the note:", text)
        self.entered = True
        new = new.strip()
        if not new or new == text:
            self.console.print("The note is unchanged.", style="dim")
            return False
        self.state.text = new
        self.state.edited = True
        self.save()
        return True

    def edit_in_editor(self, text: str, editor: str) -> str | None:
        """Run the editor on a temporary file and read it back; None (with a reason) if it failed."""
        with tempfile.TemporaryDirectory(prefix="invite-") as folder:
            path = Path(folder) / "note.txt"
            path.write_text(text + "\n", encoding="utf-8")
            try:
                # stdout may be redirected to the note's file: an editor must draw on the terminal.
                status = open_in_editor(editor_command(editor), path, stdout=_editor_stdout())
            except UsageError as exc:
                self.console.print(f"{exc}; editing inline instead.", style="yellow", markup=False)
                return None
            if status != 0:
                self.console.print(f"The editor exited with {status}; the note is unchanged.", style="yellow")
                return text
            try:
                return path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                reason = "it is not UTF-8 text" if isinstance(exc, UnicodeDecodeError) else exc.strerror or str(exc)
                self.console.print(
                    f"Could not read the edited note ({reason}); the note is unchanged.", style="yellow", markup=False
                )
                return text

    def change_answer(self, template: Template) -> bool:
        questions = template.all_questions()
        options = [
            Option(q.name, visible(f"{q.prompt}  [{self.state.answers.get(q.name) or '(blank)'}]"), visible(q.help or "") or None)
            for q in questions
        ]
        options.append(Option(BACK, "Back"))
        name = self.prompter.select("Which answer?", options)
        if not name or not self._drop_edits_ok():
            return False
        question = next(q for q in questions if q.name == name)
        self.state.answers[name] = self.ask(template, question, self.state.answers.get(name))
        self.save()
        self.render(template)
        return True

    def another_template(self, template: Template) -> Template | None:
        chosen = self.choose_template(template.relationship, exclude=template.id, back=True)
        return self._switch(chosen)

    def another_relationship(self, template: Template) -> Template | None:
        relationship = self.choose_relationship()
        if relationship == template.relationship:
            return None
        return self._switch(self.choose_template(relationship))

    def _switch(self, chosen: Template | None) -> Template | None:
        if chosen is None or not self._drop_edits_ok():
            return None
        self.use_template(chosen)
        self.ask_missing(chosen)
        self.render(chosen)
        return chosen

    def save_to_file(self, text: str) -> None:
        """Save to a file the user names; an existing file is replaced only after a yes."""
        name = self.prompter.text("Save to which file?", default="note.txt")
        path = Path(name).expanduser()
        force = False
        if path.exists() and not path.is_dir():
            if not self.prompter.confirm(f"{visible(str(path))} already exists. Replace it?", default=False):
                self.console.print(f"Not saved; {visible(str(path))} is unchanged.", style="yellow", markup=False)
                return
            force = True
        try:
            write_atomic(path, text + "\n", force=force)
        except InviteError as exc:
            self.console.print(f"Not saved: {visible(str(exc))}", style="red", markup=False)
            return
        self.delivered(text)
        self.console.print(f"Saved to {visible(str(path))}", style="green", markup=False)

    def finish_ok(self, text: str) -> bool:
        length = note_length(text)
        if length <= self.limit:
            return True
        return self.prompter.confirm(
            f"The note is {length} / {self.limit} characters; LinkedIn will refuse it. Finish anyway?", default=False
        )

    # ------------------------------------------------------------------ helpers

    def choice(self) -> tuple[str | None, dict[str, str]]:
        """The template id and the answers so far."""
        return self.state.template, dict(self.state.answers)

    def hold(self) -> None:
        """Lock this session's draft file, so `--resume` elsewhere leaves it alone while the session runs."""
        if self.state_file is not None:
            self.lock = DraftLock(self.state_file)
            self.lock.acquire()

    def close(self, *, forget: bool) -> None:
        """End the session's hold on its draft; with `forget`, remove the draft (its note was delivered)."""
        if forget and self.state_file is not None:
            clear_state(self.state_file)
        if self.lock is not None:
            self.lock.release()
            self.lock = None

    def save(self, *, force: bool = False) -> Path | None:
        """Save the draft (once the user has entered something); None when nothing was saved.

        An unwritable state folder costs one warning, then the session goes on without saving.
        """
        if self.state_file is None or self.unsaved_reason is not None or not (self.entered or force):
            return None
        try:
            return save_state(self.state, self.state_file)
        except (InviteError, OSError) as exc:
            self.unsaved_reason = f"the draft cannot be saved: {exc}"
            self.console.print(f"warning: {visible(self.unsaved_reason)}; going on without saving", style="yellow", markup=False)
            return None

    def _drop_edits_ok(self) -> bool:
        if not self.state.edited:
            return True
        return self.prompter.confirm("This re-renders the note and drops your manual edits. Go on?", default=False)

    def _edit_description(self) -> str:
        editor = configured_editor()
        return f"Opens {visible(editor)}." if editor else "Inline; set $EDITOR to use your editor."


def _template_title(template: Template) -> str:
    if template.tone and template.tone.lower() not in template.title.lower():
        return f"{template.title} [{template.tone}]"
    return template.title


def _editor_stdout() -> Any:
    if is_tty(sys.stdout):
        return None
    try:
        sys.stderr.fileno()
    except (AttributeError, ValueError, OSError):
        return None
    return sys.stderr
