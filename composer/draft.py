"""Drafting a note: pick a template, gather answers, render.

This module is the machinery shared by the non-interactive path (flags / answers file) and the
interactive prompt; it never talks to the terminal itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from composer.answers import AnswerSources, answer_problem, known_answers, missing_required
from composer.errors import MissingAnswersError, UsageError
from composer.render import render
from composer.templates import Library, Template, get_relationship


@dataclass
class Draft:
    """A note in progress: the template, the answers so far, and the current text."""

    template: Template
    answers: dict[str, str] = field(default_factory=dict)
    text: str = ""

    def render(self) -> str:
        """Re-render from the answers (drops manual edits, by design: the answers changed)."""
        self.text = render(self.template, self.answers)
        return self.text


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
    if rel.default_template in library.templates and library.templates[rel.default_template].relationship == rel.id:
        return library.templates[rel.default_template]
    candidates = library.for_relationship(rel.id)
    if not candidates:
        raise UsageError(f"no template for relationship {rel.id!r}")
    return candidates[0]


def start_draft(template: Template, sources: AnswerSources) -> Draft:
    """A draft with every answer already known from flags, answers file, config and defaults."""
    return Draft(template=template, answers=known_answers(template, sources))


def check_answers(template: Template, answers: Mapping[str, str]) -> None:
    """Fail with one message naming every missing or invalid answer and how to pass it."""
    missing = missing_required(template, answers)
    if missing:
        names = ", ".join(q.name for q in missing)
        how = " ".join(f"--set {q.name}=..." for q in missing)
        raise MissingAnswersError(
            f"missing required answer(s) for template {template.id!r}: {names}; pass them with {how} or in an --answers file"
        )
    for question in template.all_questions():
        problem = answer_problem(question, answers.get(question.name))
        if problem:
            raise UsageError(problem)
