"""Deciding a draft once: which template, which answers are known, and what is still missing.

Both ways of drafting start here. `resolve` computes a `Resolution` from the flags, the answers
file and config; the command then either finishes it without a terminal (`require_complete`) or
hands it to the interactive session, which asks for the rest (`needs_prompt` says whether there is
anything to ask) and shows the note with its menu. Nothing here talks to the terminal.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from composer.draft.answers import AnswerSources, answer_problem, known_answers, missing_required
from composer.errors import MissingAnswersError, UsageError
from composer.templates.library import Library
from composer.templates.model import Question, Template, get_relationship


def choose_template(library: Library, relationship: str | None, template_id: str | None) -> Template:
    """Resolve -t / -r to one template; -r alone picks the relationship's default template."""
    if template_id:
        template = library.get(template_id)
        if relationship and template.relationship != relationship:
            get_relationship(relationship)
            raise UsageError(f"template {template_id!r} is for relationship {template.relationship!r}, not {relationship!r}")
        return template
    if not relationship:
        raise UsageError("say how you know them: --relationship/-r ID or --template/-t ID (see `invite templates list`)")
    rel = get_relationship(relationship)
    default = library.templates.get(rel.default_template)
    if default is not None and default.relationship == rel.id:
        return default
    candidates = library.for_relationship(rel.id)
    if not candidates:
        raise UsageError(f"no template for relationship {rel.id!r}")
    return candidates[0]


@dataclass(frozen=True)
class Resolution:
    """What the flags, answers file and config decide before anyone is asked anything."""

    relationship: str | None
    template_id: str | None
    #: the template a non-interactive draft uses (None: neither -t nor -r was given)
    template: Template | None
    answers: dict[str, str] = field(default_factory=dict)
    missing: tuple[Question, ...] = ()
    problems: tuple[str, ...] = ()

    @property
    def needs_prompt(self) -> bool:
        """Whether a session has something to ask: no template named, or an answer missing or unusable."""
        return self.template_id is None or bool(self.missing or self.problems)

    def require_complete(self) -> Template:
        """The template, when every answer is there and usable; else one error naming what is wrong and how to fix it."""
        if self.template is None:
            raise UsageError("say how you know them: --relationship/-r ID or --template/-t ID (see `invite templates list`)")
        if self.missing:
            names = ", ".join(q.name for q in self.missing)
            how = " ".join(f"--set {q.name}=..." for q in self.missing)
            raise MissingAnswersError(
                f"missing required answer(s) for template {self.template.id!r}: {names}; "
                f"pass them with {how} or in an --answers file"
            )
        if self.problems:
            raise UsageError(self.problems[0])
        return self.template


def resolve(library: Library, sources: AnswerSources, relationship: str | None, template_id: str | None) -> Resolution:
    """Choose the template (flags first, then the answers file) and gather what is known about its answers."""
    relationship = relationship or sources.selector("relationship")
    template_id = template_id or sources.selector("template")
    if not relationship and not template_id:
        return Resolution(relationship=None, template_id=None, template=None)
    template = choose_template(library, relationship, template_id)
    answers = known_answers(template, sources)
    problems = [answer_problem(q, answers.get(q.name)) for q in template.all_questions() if q.name in answers]
    return Resolution(
        relationship=relationship,
        template_id=template_id,
        template=template,
        answers=answers,
        missing=tuple(missing_required(template, answers)),
        problems=tuple(p for p in problems if p),
    )
