"""The one registry of rule checks, by rule id and scope, and how a check's hits become findings.

A rule is a data entry in `composer/data/lint/rules.yaml` (its id, scope, severity, message, hint and
examples) plus one function registered here with `@register(rule_id, scope)`. What the function gets
depends on the scope (`catalog.SCOPES`):

* `note`: a `Context` (the note, its spaCy `Doc`, the limit, the classifier's scores);
* `history`: a `NoteHistory` (`rules.history`), what the history knows about the note's recipient;
* `batch`: a `Batch` (`rules.batch`), every note of one merge.

Every check returns `Hit`s (offsets plus the values its message and hint need); `make_finding` words
them the same way for every scope. This module is a leaf of the rules package: the rule modules import
it, and `composer.lint.rules` imports them all, so asking the package for a scope's checks finds every rule.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any, NamedTuple, TypeVar

from composer.lint.catalog import SCOPES, Rule
from composer.lint.context import Hit, trimmed
from composer.lint.findings import Finding, severity_rank
from composer.lint.fixes import fix_for

#: A registered check: it takes the scope's input (see above) and returns hits; a batch check,
#: `(index in the batch, hit)` pairs.
Check = Callable[[Any], list[Any]]
F = TypeVar("F", bound=Check)

_CHECKS: dict[str, dict[str, Check]] = {scope: {} for scope in SCOPES}


def register(rule_id: str, scope: str = "note") -> Callable[[F], F]:
    """Register a function as the check of `rule_id` (a rule of rules.yaml with this scope)."""
    if scope not in SCOPES:
        raise ValueError(f"unknown scope {scope!r}; use one of {', '.join(SCOPES)}")

    def add(check: F) -> F:
        if any(rule_id in checks for checks in _CHECKS.values()):
            raise ValueError(f"rule {rule_id!r} is registered twice")
        _CHECKS[scope][rule_id] = check
        return check

    return add


def registered(scope: str) -> dict[str, Check]:
    """The checks of one scope, by rule id (the rule modules must be imported: ask `composer.lint.rules`)."""
    return dict(_CHECKS[scope])


def whole_note(text: str, values: dict[str, Any]) -> Hit:
    """A hit on the whole note (its trimmed text), for the rules that judge a note rather than its words."""
    start, end = trimmed(text)
    return Hit(start, end, values)


class _Breaks(NamedTuple):
    """Where a text's line breaks are: every LF, every CR, and the CR of every CRLF."""

    lf: list[int]
    cr: list[int]
    crlf: list[int]


@lru_cache(maxsize=8)
def _breaks(text: str) -> _Breaks:
    """One pass over a note, shared by all its findings: counting from the start for each was quadratic."""
    lf = [m.start() for m in re.finditer("\n", text)]
    cr = [m.start() for m in re.finditer("\r", text)]
    return _Breaks(lf, cr, [m.start() for m in re.finditer("\r\n", text)])


def line_and_column(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a character offset; CRLF and lone CR end a line once."""
    breaks = _breaks(text)
    lf, cr = bisect_left(breaks.lf, offset), bisect_left(breaks.cr, offset)
    line = lf + cr - bisect_left(breaks.crlf, offset - 1) + 1  # a CRLF wholly before the offset counts once
    last_break = max(breaks.lf[lf - 1] if lf else -1, breaks.cr[cr - 1] if cr else -1)
    return line, offset - last_break


def make_finding(rule: Rule, text: str, hit: Hit) -> Finding:
    """A hit worded by its rule's message and hint (the hit's values fill their {placeholders})."""
    excerpt = text[hit.start : hit.end]
    values = {"excerpt": excerpt, **hit.values}
    line, column = line_and_column(text, hit.start)
    message = rule.note_message if hit.note_level and rule.note_message else rule.message
    return Finding(
        rule=rule.id,
        severity=rule.severity,
        message=message.format(**values),
        hint=rule.hint.format(**values),
        start=hit.start,
        end=hit.end,
        line=line,
        column=column,
        excerpt=excerpt,
        fix=fix_for(rule, text, hit.start, hit.end),
    )


def sorted_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Findings in reading order: by position, the most severe first at one position, then by rule id."""
    return sorted(findings, key=lambda f: (f.start, -severity_rank(f.severity), f.rule))
