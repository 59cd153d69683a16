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
from composer.draft.state import DraftState, load_state, save_state, state_path
from composer.editor import configured_editor, editor_command, open_in_editor
from composer.errors import EXIT_INTERRUPTED, InviteError, TemplateError, UsageError
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

    exit_code = EXIT_INTERRUPTED


def saved_draft() -> DraftState:
    """The draft an interrupted session left, for --resume; a usage error when there is none."""
    saved = load_state()
    if saved is None:
        raise UsageError(f"nothing to resume: no draft is saved in {state_path()}")
    return saved


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
) -> str:
    """Start a session (or continue the saved draft with `resume`) and return the finished note.

    `on_deliver` hears of every note that left the session before Done (copied or saved), so the
    caller can keep it even when the session is then interrupted.
    """
    from composer.output import console as stderr_console

    saved = saved_draft() if resume else None
    console = console or stderr_console()
    if saved is None and state_path().exists():
        console.print(
            f"A draft from an earlier session is kept in {state_path()}; this new draft replaces it. "
            "To continue that one instead, press Ctrl-C and run `invite draft --resume`.",
            style="dim",
            markup=False,
        )
    session = Session(
        library=library,
        sources=sources,
        limit=limit,
        prompter=prompter or Prompter(),
        console=console,
        state=saved or DraftState(),
        lint=lint,
        on_deliver=on_deliver,
    )
    return session.run(resolution)


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

    # ------------------------------------------------------------------ the steps

    def run(self, resolution: Resolution) -> str:
        """Go through the whole session and return the finished note (the caller delivers it)."""
        try:
            return self._run(resolution)
        except (KeyboardInterrupt, EOFError):
            path = self.save()
            raise DraftInterrupted(
                f"interrupted; your draft is kept in {path} - continue it with `invite draft --resume`"
            ) from None

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
        return self.prompter.select("How do you know them?", options, default=self.state.relationship)

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
                self.console.print(f"{problem}: please answer again", style="yellow", markup=False)
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

        return self.prompter.ask(question, current, fallback=fallback, preview=preview, limit=self.limit)

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

    def save(self) -> Path:
        return save_state(self.state, self.state_file)

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
