"""The interactive `invite draft` session: choose, ask, render, lint, review, refine, deliver.

`composer.prompts` owns every questionary call; this module owns the order of the steps, the
panel, the action menu and the saved state. Nothing here hard-codes a relationship or a question:
relationships come from data/relationships.yaml and questions from the chosen template.
"""

from __future__ import annotations

import shlex
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from composer import clipboard
from composer.answers import SELECTOR_KEYS, AnswerSources, answer_problem, known_answers, missing_required
from composer.draft import Draft, choose_template
from composer.editor import configured_editor
from composer.errors import EXIT_INTERRUPTED, InviteError, UsageError
from composer.fileio import write_atomic
from composer.length import length_style, note_length
from composer.output import is_tty
from composer.prompts import Option, Prompter
from composer.state import DraftState, clear_state, load_state, save_state, state_path
from composer.templates import Library, Template, get_relationship, relationships

if TYPE_CHECKING:
    from rich.console import Console

#: lint(text, limit) -> findings, or None when no linter is installed.
LintFunction = Callable[[str, int], Sequence[Any] | None]

COPY, EDIT, CHANGE, TEMPLATE, SAVE, DONE = "copy", "edit", "change", "template", "save", "done"
BACK = ""
SEVERITY_STYLES = {"error": "bold red", "warning": "yellow", "info": "cyan"}


class DraftInterrupted(InviteError):
    """Ctrl-C during the session: the draft is saved and the command exits 130."""

    exit_code = EXIT_INTERRUPTED


def default_lint(text: str, limit: int) -> Sequence[Any] | None:
    """Lint with `composer.lint.lint_text`, imported lazily (it loads spaCy); None if not installed."""
    try:
        from composer.lint import lint_text
    except ImportError:
        return None
    return lint_text(text, limit=limit)


def is_terminal() -> bool:
    """Prompts need a person: stdin to read keys and stderr to draw on (stdout may be redirected)."""
    return is_tty(sys.stdin) and is_tty(sys.stderr)


def needs_prompt(library: Library, sources: AnswerSources, relationship: str | None, template_id: str | None) -> bool:
    """True when the flags leave something to ask: no template chosen, or an answer missing/invalid."""
    if not template_id:
        return True
    template = choose_template(library, relationship, template_id)
    answers = known_answers(template, sources)
    if missing_required(template, answers):
        return True
    return any(answer_problem(q, answers.get(q.name)) for q in template.all_questions())


def draft_interactively(
    *,
    library: Library,
    sources: AnswerSources,
    limit: int,
    relationship: str | None,
    template_id: str | None,
    resume: bool = False,
    no_input: bool = False,
    interactive: bool | None = None,
    prompter: Prompter | None = None,
    console: Console | None = None,
    lint: LintFunction | None = None,
) -> str | None:
    """Run the session when it applies and return the finished note; None means "no prompting"."""
    if interactive is None:
        interactive = is_terminal()
    saved: DraftState | None = None
    if resume:
        saved = load_state()
        if saved is None:
            raise UsageError(f"nothing to resume: no draft is saved in {state_path()}")
        if no_input or not interactive:
            raise UsageError("--resume needs a terminal to continue the draft; run it without --no-input in a terminal")
    elif no_input or not interactive or not needs_prompt(library, sources, relationship, template_id):
        return None
    if console is None:
        from composer.output import console as stderr_console

        console = stderr_console()
    if saved is None and state_path().exists():
        console.print(
            f"[dim]A draft from an earlier session is kept in {state_path()}; this new draft replaces it. "
            "To continue that one instead, press Ctrl-C and run `invite draft --resume`.[/]"
        )
    session = Session(
        library=library,
        sources=sources,
        limit=limit,
        prompter=prompter or Prompter(),
        console=console,
        state=saved or DraftState(),
        lint=lint or default_lint,
    )
    return session.run(relationship, template_id)


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
    state_file: Path | None = None
    terminal: TextIO | None = None

    # ------------------------------------------------------------------ the steps

    def run(self, relationship: str | None = None, template_id: str | None = None) -> str:
        """Go through the whole session and return the finished note (the caller prints it)."""
        try:
            return self._run(relationship, template_id)
        except (KeyboardInterrupt, EOFError):
            path = self.save()
            raise DraftInterrupted(
                f"interrupted; your draft is kept in {path} - continue it with `invite draft --resume`"
            ) from None

    def _run(self, relationship: str | None, template_id: str | None) -> str:
        given = {k: v for k, v in {**self.sources.file, **self.sources.flags}.items() if k not in SELECTOR_KEYS}
        self.state.answers.update(given)
        template = self._initial_template(relationship, template_id)
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

    def _initial_template(self, relationship: str | None, template_id: str | None) -> Template | None:
        if template_id:
            return choose_template(self.library, relationship, template_id)
        if relationship:
            get_relationship(relationship)
            if self.state.relationship != relationship:
                self.state.template = None
            self.state.relationship = relationship
        saved = self.state.template
        if saved:
            if saved not in self.library.templates:
                self.console.print(f"[yellow]The saved draft used template {saved!r}, which no longer exists.[/]")
                return None
            return self.library.templates[saved]
        return None

    def use_template(self, template: Template) -> None:
        self.state.relationship = template.relationship
        self.state.template = template.id
        self.save()

    def choose_relationship(self) -> str:
        """Step 1: how do you know them? (labels and descriptions come from relationships.yaml)."""
        known = {t.relationship for t in self.library.templates.values()}
        options = [Option(r.id, r.label, r.description) for r in relationships().values() if r.id in known]
        if not options:
            raise UsageError("no templates found; see `invite templates list`")
        return self.prompter.select("How do you know them?", options)

    def choose_template(self, relationship: str, *, exclude: str | None = None, back: bool = False) -> Template | None:
        """Step 2: one of the relationship's templates (skipped when there is only one)."""
        candidates = [t for t in self.library.for_relationship(relationship) if t.id != exclude]
        if not candidates:
            raise UsageError(f"no template for relationship {relationship!r}")
        if len(candidates) == 1 and not back:
            return candidates[0]
        options = [Option(t.id, _template_title(t), t.description) for t in candidates]
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
                self.console.print(f"[yellow]{problem}[/]: please answer again")
                default: str | None = current
            else:
                default = self.sources.value_for(question)
            answers[question.name] = self.prompter.ask(question, default)
            self.save()

    def render(self, template: Template) -> str:
        text = Draft(template=template, answers=dict(self.state.answers)).render()
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
            elif action == TEMPLATE:
                chosen = self.another_template(template)
                if chosen is not None:
                    template, show = chosen, True
            elif action == SAVE:
                self.save_to_file(text)
            elif action == DONE and self.finish_ok(text):
                clear_state(self.state_file)
                return text

    def actions(self, template: Template) -> list[Option]:
        options = [
            Option(COPY, "Copy to clipboard"),
            Option(EDIT, "Edit the text", self._edit_description()),
            Option(CHANGE, "Change an answer", "Pick one question, answer it again and re-render."),
        ]
        if len(self.library.for_relationship(template.relationship)) > 1:
            options.append(Option(TEMPLATE, "Try another template", "Same relationship; your answers are kept."))
        options.append(Option(SAVE, "Save to file"))
        options.append(Option(DONE, "Done", "Print the note and exit."))
        return options

    def show(self, template: Template, text: str) -> None:
        """The note in a panel with `143 / 200` coloured by room left, then the findings and hints."""
        from rich.markup import escape
        from rich.panel import Panel
        from rich.text import Text

        length = note_length(text)
        count = Text(f" {length} / {self.limit} ", style=f"bold {length_style(length, self.limit)}")
        title = f"{template.title}" + (" (edited)" if self.state.edited else "")
        width = min(self.console.width, 80)
        self.console.print(Panel(Text(text), title=escape(title), subtitle=count, subtitle_align="right", width=width))
        try:
            findings = self.lint(text, self.limit)
        except Exception as exc:  # a broken linter must not cost the user their draft
            self.console.print(f"[red]The linter failed ({type(exc).__name__}: {escape(str(exc))}); the note is unchecked.[/]")
            return
        if findings is None:
            self.console.print("[dim]Lint: the linter is not installed; only the length is checked.[/]")
        elif not findings:
            self.console.print("[green]No lint findings.[/]")
        for finding in findings or ():
            style = SEVERITY_STYLES.get(finding.severity, "")
            quoted = finding.excerpt and finding.excerpt not in finding.message
            self.console.print(
                f"[{style}]{finding.severity}[/] {escape(finding.rule)}: {escape(finding.message)}"
                + (f' [dim]("{escape(finding.excerpt)}")[/]' if quoted else "")
            )
            if finding.hint:
                self.console.print(f"  [dim]hint:[/] {escape(finding.hint)}")

    def copy(self, text: str) -> None:
        result = clipboard.copy(text, self.terminal)
        style = "green" if result.method not in (None, "osc52") else "yellow"
        self.console.print(f"[{style}]{result.message}[/]")
        if not result.copied:
            self.console.print(text, markup=False, highlight=False)

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
            self.console.print("[dim]The note is unchanged.[/]")
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
                command = [*shlex.split(editor), str(path)]
                # stdout may be redirected to the note's file: an editor must draw on the terminal.
                completed = subprocess.run(command, stdout=_editor_stdout(), check=False)
            except (OSError, ValueError) as exc:
                self.console.print(f"[yellow]Could not run the editor {editor!r}: {exc}; editing inline instead.[/]")
                return None
            if completed.returncode != 0:
                self.console.print(f"[yellow]The editor exited with {completed.returncode}; the note is unchanged.[/]")
                return text
            try:
                return path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                reason = "it is not UTF-8 text" if isinstance(exc, UnicodeDecodeError) else exc.strerror or str(exc)
                self.console.print(f"[yellow]Could not read the edited note ({reason}); the note is unchanged.[/]")
                return text

    def change_answer(self, template: Template) -> bool:
        questions = template.all_questions()
        options = [Option(q.name, f"{q.prompt}  [{self.state.answers.get(q.name) or '(blank)'}]", q.help) for q in questions]
        options.append(Option(BACK, "Back"))
        name = self.prompter.select("Which answer?", options)
        if not name or not self._drop_edits_ok():
            return False
        question = next(q for q in questions if q.name == name)
        default = self.state.answers.get(name) or self.sources.value_for(question)
        self.state.answers[name] = self.prompter.ask(question, default)
        self.save()
        self.render(template)
        return True

    def another_template(self, template: Template) -> Template | None:
        chosen = self.choose_template(template.relationship, exclude=template.id, back=True)
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
            if not self.prompter.confirm(f"{path} already exists. Replace it?", default=False):
                self.console.print(f"[yellow]Not saved; {path} is unchanged.[/]")
                return
            force = True
        try:
            write_atomic(path, text + "\n", force=force)
        except InviteError as exc:
            self.console.print(f"[red]Not saved: {exc}[/]")
            return
        self.console.print(f"[green]Saved to {path}[/]")

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
        return f"Opens {editor}." if editor else "Inline; set $EDITOR to use your editor."


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
