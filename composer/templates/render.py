"""Rendering template bodies in the sandbox (`composer.templates.sandbox`), in the worker process.

Templates are untrusted input (people share them), so they run in a sandboxed environment with
`StrictUndefined` (a typo'd variable is an error, not a silent blank), inside the worker process
whose time and memory the OS limits (`composer.templates.isolation`). Answers are passed as data
and are never compiled as Jinja, so an answer of `{{ 7*7 }}` stays literal. Every failure is a
`TemplateError` (or `SandboxError`) naming the file and, where Jinja knows it, the line.
"""

from __future__ import annotations

import re
import traceback
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import TemplateError as JinjaError
from jinja2 import TemplateSyntaxError, UndefinedError
from jinja2.exceptions import SecurityError

from composer.errors import SandboxError, TemplateError
from composer.output import unicode_safe
from composer.templates import isolation
from composer.templates.model import Template
from composer.templates.sandbox import HINT, MAX_OUTPUT, TOO_DEEP, budget, environment, instrument, unsafe_uses

_SPACES = re.compile(r"[ \t\u00a0]+")
_SPACE_BEFORE_PUNCT = re.compile(r" +([,.!?;:])")
_BLANK_RUNS = re.compile(r"\n{3,}")


def normalise(text: str) -> str:
    """Tidy whitespace left by optional blocks: one space between words, no trailing blanks."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    text = _BLANK_RUNS.sub("\n\n", "\n".join(lines))
    return _SPACE_BEFORE_PUNCT.sub(r"\1", text).strip()


def render_body(body: str, answers: Mapping[str, str], path: Path, body_line: int = 1) -> str:
    """Render a body with answers in the sandbox, in the worker; every failure is a TemplateError, never a traceback."""
    return isolation.call(render_here, body, dict(answers), path, body_line, path=path)


def render_here(body: str, answers: Mapping[str, str], path: Path, body_line: int = 1) -> str:
    """Render in this process (the worker runs this): the sandbox's checks and step budget, no OS limits."""
    try:
        unsafe, compiled = _prepared(body, frozenset(answers))
        if unsafe:
            line, message = unsafe[0]
            raise SandboxError(path, message, line=body_line + line - 1)
        with budget():
            rendered = _render_capped(compiled, dict(answers))
    except TemplateError:
        raise  # already ours, with its line (the static refusals above)
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
        raise TemplateError(path, f"undefined variable: {exc.message}", line=_line_of(exc, body_line)) from None
    except (JinjaError, ArithmeticError, TypeError, ValueError, AttributeError, LookupError, AssertionError) as exc:
        raise TemplateError(path, f"failed to render: {exc}", line=_line_of(exc, body_line)) from None
    except Exception as exc:  # anything else a template can provoke in a filter or method is still its error
        raise TemplateError(path, f"failed to render: {type(exc).__name__}: {exc}", line=_line_of(exc, body_line)) from None
    return normalise(unicode_safe(rendered))


def _line_of(exc: BaseException, body_line: int) -> int | None:
    """The file's line where a render failed: Jinja rewrites its traceback to the template's own lines."""
    lines = [frame.lineno for frame in traceback.extract_tb(exc.__traceback__) if frame.filename == "<template>"]
    return body_line + lines[-1] - 1 if lines and lines[-1] else None


@lru_cache(maxsize=64)
def _prepared(body: str, names: frozenset[str]) -> tuple[list[tuple[int, str]], Any]:
    """A body's static refusals and its compiled, instrumented form, kept for the next render of it.

    `merge` renders one template for every row and `templates check` up to ~1,000 times: parsing and
    compiling once per body (and set of answer names, which decide what is refused) is most of the saving.
    """
    ast = environment().parse(body)
    unsafe = unsafe_uses(ast, names)
    if unsafe:
        return unsafe, None
    return [], environment().from_string(instrument(ast, environment()))


def _render_capped(compiled: Any, context: dict[str, str]) -> str:
    """Render piece by piece and stop once the output is far longer than any note could be."""
    pieces: list[str] = []
    size = 0
    for piece in compiled.generate(context):
        size += len(piece)
        if size > MAX_OUTPUT:
            raise SecurityError(f"the note grew past {MAX_OUTPUT} characters")
        pieces.append(piece)
    return "".join(pieces)


def template_context(template: Template, answers: Mapping[str, str]) -> dict[str, str]:
    """Every question the template uses is in the context (optional blanks as ""), then the answers."""
    context = {q.name: "" for q in template.all_questions()}
    context.update({name: value for name, value in answers.items() if value is not None})
    return context


def render(template: Template, answers: Mapping[str, str]) -> str:
    """Render a template with its answers."""
    return render_body(template.body, template_context(template, answers), template.path, template.body_line)
