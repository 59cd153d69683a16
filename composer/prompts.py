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
from typing import TYPE_CHECKING, Any

from composer.answers import answer_problem
from composer.templates import Question

if TYPE_CHECKING:
    import questionary
    from prompt_toolkit.input import Input
    from prompt_toolkit.output import Output

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


def answer_validator(question: Question) -> Callable[[str], bool | str]:
    """A `validate=` callable: True, or the message shown while the prompt asks again."""

    def validate(value: str) -> bool | str:
        problem = answer_problem(question, value)
        if problem is None:
            return True
        if question.max_length is not None and len(value.strip()) > question.max_length:
            return f"Too long: {room_left(question, value)} characters; shorten it"
        return f"Required: {problem}"

    return validate


def instruction_for(question: Question) -> str | None:
    """The grey text after the prompt: the help line, marked optional when it is."""
    parts = []
    if not question.required and not (question.help or "").lower().startswith("optional"):
        parts.append("(optional)")
    if question.help:
        parts.append(question.help)
    return " ".join(parts) or None


def question_prompt(question: Question, default: str | None = None, **io: Any) -> questionary.Question:
    """Turn one template question into a questionary text prompt (help, default, validation, room)."""
    import questionary

    extra: dict[str, Any] = {}
    if question.max_length is not None:
        from prompt_toolkit.application import get_app

        extra["rprompt"] = lambda: room_left(question, get_app().current_buffer.text)
    return questionary.text(
        question.prompt,
        default=default or "",
        instruction=instruction_for(question),
        validate=answer_validator(question),
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
            from prompt_toolkit.output import create_output

            self._output = create_output(stdout=sys.stderr)
        return self._output

    def _io(self) -> dict[str, Any]:
        io: dict[str, Any] = {"output": self.output}
        if self.input is not None:
            io["input"] = self.input
        return io

    def ask(self, question: Question, default: str | None = None) -> str:
        """Ask one template question until the answer is valid; return it stripped."""
        return str(question_prompt(question, default, **self._io()).unsafe_ask()).strip()

    def select(self, message: str, options: Sequence[Option], default: str | None = None) -> str:
        """Pick one option with the arrow keys; its description shows under the list."""
        import questionary

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
        import questionary

        return bool(questionary.confirm(message, default=default, qmark=QMARK, **self._io()).unsafe_ask())

    def text(self, message: str, default: str = "", instruction: str | None = None) -> str:
        """A free-text answer that must not be blank."""
        import questionary

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
        import questionary

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
