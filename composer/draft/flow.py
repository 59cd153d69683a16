"""The question flow of an interactive draft: how do you know them, which template, each missing answer, the note.

`Session.start` runs the steps in their one order; the menu's actions (`actions`) reuse the same
steps to change an answer or switch template. Nothing here hard-codes a relationship or a question:
relationships come from data/relationships.yaml and questions from the chosen template. Every step
saves the draft (`saved`), so Ctrl-C never loses what was entered.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from composer.draft.answers import SELECTOR_KEYS, AnswerSources, answer_problem, unknown_answer_warnings
from composer.draft.panel import LintFunction, default_lint
from composer.draft.prompts import Option, Prompter
from composer.draft.resolve import Resolution
from composer.draft.saved import SavedDraft
from composer.draft.state import DraftState
from composer.errors import TemplateError, UsageError
from composer.output import visible
from composer.templates.library import Library
from composer.templates.model import Question, Template, get_relationship, relationships
from composer.templates.render import render

if TYPE_CHECKING:
    from rich.console import Console

#: The value of a menu's "Back" option.
BACK = ""


@dataclass
class Session:
    """One interactive draft: what it asks with, shows on, and saves to (after every step)."""

    library: Library
    sources: AnswerSources
    limit: int
    prompter: Prompter
    console: Console
    draft: SavedDraft
    lint: LintFunction = default_lint
    #: hears of every note that leaves the session before Done (copied or saved)
    on_deliver: Callable[[str], None] | None = None
    terminal: Any = None

    @property
    def state(self) -> DraftState:
        """What the draft holds so far (saved with `save`)."""
        return self.draft.state

    def save(self) -> None:
        self.draft.save()

    def choice(self) -> tuple[str | None, dict[str, str]]:
        """The template id and the answers so far."""
        return self.state.template, dict(self.state.answers)

    def delivered(self, text: str) -> None:
        """The note left the session (copied or saved to a file) before Done."""
        if self.on_deliver is not None:
            self.on_deliver(text)

    # ------------------------------------------------------------------ the steps

    def start(self, resolution: Resolution) -> Template:
        """Steps 1-3: the relationship, the template, the missing answers, then the note (a saved edit is kept)."""
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
        return template

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
        for line in unknown_answer_warnings(template, self.sources):
            self.console.print(visible(line), style="yellow", markup=False)

    def choose_relationship(self) -> str:
        """Step 1: how do you know them? (labels and descriptions come from relationships.yaml)."""
        known = {t.relationship for t in self.library.templates.values()}
        options = [Option(r.id, r.label, r.description) for r in relationships().values() if r.id in known]
        if not options:
            raise UsageError("no templates found; see `invite templates list`")
        chosen = self.prompter.select("How do you know them?", options, default=self.state.relationship)
        self.draft.entered = True
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
        self.draft.entered = True
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
        self.draft.entered = True
        return answer

    def render(self, template: Template) -> str:
        """The note from the answers so far (it replaces any manual edit)."""
        text = render(template, dict(self.state.answers))
        self.state.text = text
        self.state.edited = False
        self.save()
        return text


def _template_title(template: Template) -> str:
    if template.tone and template.tone.lower() not in template.title.lower():
        return f"{template.title} [{template.tone}]"
    return template.title
