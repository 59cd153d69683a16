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
TOO_DEEP = "the template nests too deeply (expressions, macros or calls)"


@cache
def environment() -> SandboxedEnvironment:
    """One sandboxed environment per process; StrictUndefined and no autoescape (plain text)."""
    from jinja2 import StrictUndefined
    from jinja2.exceptions import SecurityError
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    from composer import sandbox

    def refuse(problem: str | None) -> None:
        if problem:
            raise SecurityError(problem)

    class NoteSandbox(ImmutableSandboxedEnvironment):
        """The sandbox (lists and dicts immutable), plus a step/time budget and size caps on every step."""

        intercepted_binops = frozenset({"*", "**", "%", "+"})

        def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
            refuse(sandbox.check_binop(operator, left, right))
            result = super().call_binop(context, operator, left, right)
            refuse(sandbox.check_size(result))
            return result

        def call(self, context: Any, obj: Any, /, *args: Any, **kwargs: Any) -> Any:
            sandbox.step()
            if getattr(obj, "__name__", "") == "join" and args and not isinstance(args[0], list):
                args = (list(args[0]), *args[1:])  # so the size check sees what str.join will join
            refuse(sandbox.check_call(obj, args, kwargs))
            result = super().call(context, obj, *args, **kwargs)
            refuse(sandbox.check_size(result))
            return result

        def wrap_str_format(self, value: Any) -> Any:
            wrapped = super().wrap_str_format(value)
            if wrapped is not None:
                refuse(sandbox.check_format_spec(value.__self__))
            return wrapped

    env = NoteSandbox(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False)
    for helper in ("lipsum", "cycler", "joiner"):  # Python objects a note never needs
        env.globals.pop(helper, None)
    env.globals[sandbox.LOOP_GUARD] = sandbox.guarded_loop
    env.globals[sandbox.SIZE_GUARD] = sandbox.sized
    env.filters = {name: sandbox.guard_filter(name, func) for name, func in env.filters.items()}
    return env


def parse_body(body: str, path: Path, body_line: int = 1) -> set[str]:
    """Compile-check a body and return the variables it uses; syntax errors carry the file's line."""
    from jinja2 import TemplateSyntaxError, meta

    try:
        ast = environment().parse(body)
        return set(meta.find_undeclared_variables(ast))
    except TemplateSyntaxError as exc:
        line = body_line + (exc.lineno or 1) - 1
        raise TemplateError(path, f"Jinja syntax error: {exc.message}", line=line) from None
    except RecursionError:
        raise TemplateError(path, TOO_DEEP) from None


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

    from composer.sandbox import HINT, budget, instrument, unsafe_uses

    try:
        ast = environment().parse(body)
        unsafe = unsafe_uses(ast, answers)
        if unsafe:
            line, message = unsafe[0]
            raise SandboxError(path, message, line=body_line + line - 1)
        compiled = environment().from_string(instrument(ast, environment()))
        with budget():
            rendered = _render_capped(compiled, dict(answers))
    except TemplateSyntaxError as exc:
        raise TemplateError(path, f"Jinja syntax error: {exc.message}", line=body_line + (exc.lineno or 1) - 1) from None
    except SecurityError as exc:
        raise SandboxError(path, f"refused by the sandbox: {exc} ({HINT})") from None
    except OverflowError as exc:  # e.g. range() past the sandbox's MAX_RANGE
        raise SandboxError(path, f"refused by the sandbox: {exc}") from None
    except RecursionError:
        raise SandboxError(path, f"refused by the sandbox: {TOO_DEEP}") from None
    except MemoryError:
        raise SandboxError(path, "refused by the sandbox: the template ran out of memory") from None
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
