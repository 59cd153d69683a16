"""Every questionary prompt `invite draft` shows, in one place.

Questions are data (a template's metadata); `question_prompt` is the one function that turns a
`Question` into a questionary call. Prompts write to stderr (never stdout, which carries only the
final note) and take injectable prompt_toolkit `input`/`output`, so tests drive the real prompts
through a pipe. All prompts use `unsafe_ask()`: Ctrl-C raises KeyboardInterrupt for the caller
to save the draft and exit 130.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import questionary
from prompt_toolkit.application import get_app
from prompt_toolkit.formatted_text import FormattedText
from prompt_toolkit.input import Input
from prompt_toolkit.output import Output, create_output

from composer.draft.answers import answer_problem
from composer.length import note_length
from composer.output import visible
from composer.templates.model import Question

QMARK = "?"


def room_left(question: Question, value: str) -> str | None:
    """`12/40, 28 left` (shown at the right while typing) for a question with a max_length, else None."""
    if question.max_length is None:
        return None
    used = len(value.strip())
    left = question.max_length - used
    if left >= 0:
        return f"{used}/{question.max_length}, {left} left"
    return f"{used}/{question.max_length}, {-left} too many"


#: The note for a partial answer (the live count renders it on every key), or None when it cannot render.
Preview = Callable[[str], str | None]


def answer_validator(question: Question, fallback: str | None = None) -> Callable[[str], bool | str]:
    """A `validate=` callable: True, or the message shown while the prompt asks again.

    A blank answer takes the fallback (the template's or config's default) when there is one.
    """

    def validate(value: str) -> bool | str:
        problem = answer_problem(question, value if value.strip() else fallback)
        if problem is None:
            return True
        if question.max_length is not None and len(value.strip()) > question.max_length:
            return f"Too long: {room_left(question, value)} characters; shorten it"
        return problem[0].upper() + problem[1:]

    return validate


def instruction_for(question: Question, fallback: str | None = None) -> str | None:
    """The grey text after the prompt: the help line, marked optional when it is, and what Enter alone gives."""
    parts = []
    if not question.required and not (question.help or "").lower().startswith("optional"):
        parts.append("(optional)")
    if question.help:
        parts.append(question.help)
    if fallback:
        parts.append(f"Enter alone keeps {fallback!r}.")
    return " ".join(parts) or None


def live_count(preview: Preview, limit: int, partial: str) -> list[tuple[str, str]]:
    """The bottom toolbar while an answer is typed: the whole note's length against the limit, red past it."""
    note = preview(partial)
    if note is None:
        return [("", " note: -- / " + str(limit) + " ")]
    length = note_length(note)
    style = "fg:ansired bold" if length > limit else ("fg:ansiyellow" if length > limit * 0.9 else "")
    over = f", {length - limit} over" if length > limit else f", {limit - length} left"
    return [("", " note: "), (style, f"{length} / {limit}{over}"), ("", " ")]


def question_prompt(
    question: Question,
    current: str | None = None,
    *,
    fallback: str | None = None,
    preview: Preview | None = None,
    limit: int | None = None,
    **io: Any,
) -> questionary.Question:
    """Turn one template question into a questionary text prompt.

    `current` (the user's own earlier answer) is pre-filled for editing; `fallback` (a default from
    the template or config) is never typed into the box: it shows as placeholder text and in the
    instruction, and a blank answer takes it. The answer's room shows at the right; with a
    `preview`, the whole note's live count shows in the bottom toolbar, which survives wrapping.
    """
    extra: dict[str, Any] = {}
    if question.max_length is not None:
        extra["rprompt"] = lambda: room_left(question, get_app().current_buffer.text)
    if fallback:
        extra["placeholder"] = FormattedText([("fg:ansibrightblack", visible(fallback))])
    if preview is not None and limit is not None:

        def toolbar() -> FormattedText:
            typed = get_app().current_buffer.text
            return FormattedText(live_count(preview, limit, typed if typed.strip() else (fallback or "")))

        extra["bottom_toolbar"] = toolbar
    instruction = instruction_for(question, fallback)
    return questionary.text(
        visible(question.prompt),  # a template's words: shown, never obeyed as terminal escapes
        default=current or "",
        instruction=visible(instruction) if instruction else None,
        validate=answer_validator(question, fallback),
        qmark=QMARK,
        **extra,
        **io,
    )


@dataclass(frozen=True)
class Option:
    """One entry of a select: what it returns, its title and the line shown under the list."""

    value: str
    title: str
    description: str | None = None


class Prompter:
    """Asks through questionary on the given prompt_toolkit input/output (default: the terminal's stderr)."""

    def __init__(self, input: Input | None = None, output: Output | None = None) -> None:
        self.input = input
        self._output = output

    @property
    def output(self) -> Output:
        if self._output is None:
            self._output = create_output(stdout=sys.stderr)
        return self._output

    def _io(self) -> dict[str, Any]:
        io: dict[str, Any] = {"output": self.output}
        if self.input is not None:
            io["input"] = self.input
        return io

    def ask(
        self,
        question: Question,
        current: str | None = None,
        *,
        fallback: str | None = None,
        preview: Preview | None = None,
        limit: int | None = None,
    ) -> str:
        """Ask one template question until the answer is valid; return it stripped (a blank one takes the fallback)."""
        prompt = question_prompt(question, current, fallback=fallback, preview=preview, limit=limit, **self._io())
        answer = str(prompt.unsafe_ask()).strip()
        return answer or (fallback or "")

    def select(self, message: str, options: Sequence[Option], default: str | None = None) -> str:
        """Pick one option with the arrow keys; its description shows under the list."""
        choices = [questionary.Choice(title=o.title, value=o.value, description=o.description) for o in options]
        chosen = next((c for c in choices if c.value == default), None)
        return questionary.select(
            message,
            choices=choices,
            default=chosen,
            qmark=QMARK,
            instruction="(arrow keys, Enter to choose)",
            **self._io(),
        ).unsafe_ask()

    def confirm(self, message: str, default: bool = False) -> bool:
        return bool(questionary.confirm(message, default=default, qmark=QMARK, **self._io()).unsafe_ask())

    def text(self, message: str, default: str = "", instruction: str | None = None) -> str:
        """A free-text answer that must not be blank."""
        return str(
            questionary.text(
                message,
                default=default,
                instruction=instruction,
                validate=lambda value: bool(value.strip()) or "Type something, or Ctrl-C to stop",
                qmark=QMARK,
                **self._io(),
            ).unsafe_ask()
        ).strip()

    def edit(self, message: str, text: str) -> str:
        """Inline multi-line editing of the note; Esc then Enter finishes."""
        return str(
            questionary.text(
                message,
                default=text,
                multiline=True,
                instruction="(Esc then Enter to finish)",
                validate=lambda value: bool(value.strip()) or "The note cannot be empty",
                qmark=QMARK,
                **self._io(),
            ).unsafe_ask()
        )
