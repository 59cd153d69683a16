"""`{# invite: ignore=RULE[, RULE...] #}`: the comments in a template body that silence lint rules for its notes.

A Jinja comment is never rendered, so a directive costs the note nothing. It covers every note made
from the template, wherever it stands in the body (a note's lines are not the template's, so it
cannot aim at one line), in `invite draft`, `invite merge` and `templates check`'s example note.
Comments are found with Jinja's own lexer, so `{# ... #}` inside a string or a raw block is none.
Any other comment is the author's own; one that starts `invite:` but does not read as a directive
is a problem with its line. Which rule ids exist is the linter's business: `templates check`
reports an unknown one (this package never imports the linter).
"""

from __future__ import annotations

import re

from composer.templates.sandbox import environment

#: The one directive, as the docs and the problems spell it.
SYNTAX = "{# invite: ignore=RULE[, RULE...] #}"
_DIRECTIVE = re.compile(r"\s*invite\s*:(?P<rest>.*)", re.S)
_IGNORE = re.compile(r"\s*ignore\s*=\s*(?P<rules>[\w-]+(?:\s*,\s*[\w-]+)*)\s*,?\s*")

#: (rule id, the file's line of the comment naming it)
Silences = tuple[tuple[str, int], ...]


def directives(body: str, body_line: int = 1) -> tuple[Silences, list[tuple[int, str]]]:
    """The rules the body's directives silence, and (line, message) for each comment that is not a directive."""
    silences: list[tuple[str, int]] = []
    problems: list[tuple[int, str]] = []
    for lineno, token, value in environment().lex(body):
        directive = _DIRECTIVE.fullmatch(value) if token == "comment" else None
        if directive is None:
            continue
        line = body_line + lineno - 1 + value[: directive.start("rest")].count("\n")
        ignore = _IGNORE.fullmatch(directive["rest"])
        if ignore is None:
            shown = " ".join(directive["rest"].split())[:60]
            problems.append((line, f"template comment 'invite: {shown}' is not a directive; write {SYNTAX}"))
            continue
        silences += [(rule.strip(), line) for rule in ignore["rules"].split(",")]
    return tuple(silences), problems
