"""Rendering template bodies in Jinja's sandbox.

Templates are untrusted input (people share them), so they run in a `SandboxedEnvironment` with
`StrictUndefined`: a typo'd variable is an error, not a silent blank. Answers are passed as data
and are never compiled as Jinja, so an answer of `{{ 7*7 }}` stays literal.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from composer.errors import SandboxError, TemplateError

if TYPE_CHECKING:
    from jinja2.sandbox import SandboxedEnvironment

    from composer.templates import Template

_SPACES = re.compile(r"[ \t\u00a0]+")
_SPACE_BEFORE_PUNCT = re.compile(r" +([,.!?;:])")
_BLANK_RUNS = re.compile(r"\n{3,}")


@cache
def environment() -> SandboxedEnvironment:
    """One sandboxed environment per process; StrictUndefined and no autoescape (plain text)."""
    from jinja2 import StrictUndefined
    from jinja2.exceptions import SecurityError
    from jinja2.sandbox import SandboxedEnvironment

    from composer.sandbox import check_binop

    class NoteSandbox(SandboxedEnvironment):
        """The sandbox, plus caps on `*` and `**` so a template cannot build a gigabyte string."""

        intercepted_binops = frozenset({"*", "**"})

        def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
            problem = check_binop(operator, left, right)
            if problem:
                raise SecurityError(problem)
            return super().call_binop(context, operator, left, right)

    env = NoteSandbox(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False)
    for helper in ("lipsum", "cycler", "joiner"):  # Python objects a note never needs
        env.globals.pop(helper, None)
    return env


def parse_body(body: str, path: Path, body_line: int = 1) -> set[str]:
    """Compile-check a body and return the variables it uses; syntax errors carry the file's line."""
    from jinja2 import TemplateSyntaxError, meta

    try:
        ast = environment().parse(body)
    except TemplateSyntaxError as exc:
        line = body_line + (exc.lineno or 1) - 1
        raise TemplateError(path, f"Jinja syntax error: {exc.message}", line=line) from None
    return set(meta.find_undeclared_variables(ast))


def normalise(text: str) -> str:
    """Tidy whitespace left by optional blocks: one space between words, no trailing blanks."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    text = _BLANK_RUNS.sub("\n\n", "\n".join(lines))
    return _SPACE_BEFORE_PUNCT.sub(r"\1", text).strip()


def render_body(body: str, answers: Mapping[str, str], path: Path, body_line: int = 1) -> str:
    """Render a body with answers in the sandbox; every failure is a TemplateError, never a traceback."""
    from jinja2 import TemplateError as JinjaError
    from jinja2 import TemplateSyntaxError, UndefinedError
    from jinja2.exceptions import SecurityError

    from composer.sandbox import HINT, unsafe_uses

    try:
        ast = environment().parse(body)
        unsafe = unsafe_uses(ast, answers)
        if unsafe:
            line, message = unsafe[0]
            raise SandboxError(path, message, line=body_line + line - 1)
        compiled = environment().from_string(ast)
        rendered = _render_capped(compiled, dict(answers))
    except TemplateSyntaxError as exc:
        raise TemplateError(path, f"Jinja syntax error: {exc.message}", line=body_line + (exc.lineno or 1) - 1) from None
    except SecurityError as exc:
        raise SandboxError(path, f"refused by the sandbox: {exc} ({HINT})") from None
    except OverflowError as exc:  # e.g. range() past the sandbox's MAX_RANGE
        raise SandboxError(path, f"refused by the sandbox: {exc}") from None
    except UndefinedError as exc:
        raise TemplateError(path, f"undefined variable: {exc.message}") from None
    except (JinjaError, ArithmeticError, TypeError, ValueError, AttributeError, LookupError) as exc:
        raise TemplateError(path, f"failed to render: {exc}") from None
    return normalise(rendered)


def _render_capped(compiled: Any, context: dict[str, str]) -> str:
    """Render piece by piece and stop once the output is far longer than any note could be."""
    from jinja2.exceptions import SecurityError

    from composer.sandbox import MAX_OUTPUT

    pieces: list[str] = []
    size = 0
    for piece in compiled.generate(context):
        size += len(piece)
        if size > MAX_OUTPUT:
            raise SecurityError(f"the note grew past {MAX_OUTPUT} characters")
        pieces.append(piece)
    return "".join(pieces)


def render(template: Template, answers: Mapping[str, str]) -> str:
    """Render a template: every question it uses is in the context, optional blanks as ""."""
    context = {q.name: "" for q in template.all_questions()}
    context.update({name: value for name, value in answers.items() if value is not None})
    return render_body(template.body, context, template.path, template.body_line)
