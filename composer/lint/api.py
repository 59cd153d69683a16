"""The linter's functions: choose the rules, lint one note, lint a stream of notes.

`lint_many` streams a batch through `nlp.pipe`; the rules run inside the pipeline (the `invite_lint`
step), so `n_process=N` lints in N worker processes, each given raw notes and sending back finished
results, which still come back in input order.
spaCy is imported on the first lint (by `_pipeline`), so importing this module is cheap.
"""

from __future__ import annotations

from collections.abc import Generator, Iterable
from types import ModuleType
from typing import Any

from composer.errors import UsageError
from composer.lint.catalog import in_scope, rule_ids
from composer.lint.findings import Finding, Linted
from composer.lint.keys import DEFAULT_BATCH_SIZE, DEFAULT_LIMIT


def _pipeline() -> ModuleType:
    """`composer.lint.pipeline`, imported on first use: it imports spaCy (about half a second)."""
    import composer.lint.pipeline

    return composer.lint.pipeline


def _parse_ids(value: str | Iterable[str] | None) -> list[str]:
    if value is None:
        return []
    items = value.split(",") if isinstance(value, str) else [part for item in value for part in item.split(",")]
    return [item.strip() for item in items if item.strip()]


def select_rules(select: str | Iterable[str] | None = None, ignore: str | Iterable[str] | None = None) -> list[str]:
    """The rule ids to run: all, or `select`, minus `ignore`; unknown ids, or nothing left, are a UsageError."""
    known = rule_ids()
    chosen, dropped = _parse_ids(select), _parse_ids(ignore)
    for rule in [*chosen, *dropped]:
        if rule not in known:
            raise UsageError(f"unknown rule {rule!r}; see `invite rules` (known: {', '.join(known)})")
    base = [r for r in known if r in chosen] if chosen else known
    left = [r for r in base if r not in dropped]
    if not left:
        raise UsageError("--select and --ignore leave no rule to run; ignore fewer rules")
    return left


def lint_text(
    text: str,
    *,
    limit: int = DEFAULT_LIMIT,
    name: str | None = None,
    select: str | Iterable[str] | None = None,
    ignore: str | Iterable[str] | None = None,
    blank: bool = False,
) -> list[Finding]:
    """Lint one note; findings sorted by position."""
    [(_, _, findings)] = lint_many([(None, text, name)], limit=limit, select=select, ignore=ignore, blank=blank)
    return findings


def lint_many(
    items: Iterable[tuple[Any, str, str | None]],
    *,
    limit: int = DEFAULT_LIMIT,
    select: str | Iterable[str] | None = None,
    ignore: str | Iterable[str] | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    n_process: int = 1,
    blank: bool = False,
) -> Generator[tuple[Any, str, list[Finding]], None, None]:
    """Lint `(id, text, name)` items lazily, streaming them through `nlp.pipe`; yields `(id, text, findings)`.

    `n_process > 1` runs the pipeline, rules included, in that many forked worker processes
    (`composer.lint.workers`); the output order is still the input order. Arguments are checked before
    any note is read.
    `lint_results` yields the classifier's scores and the note's language as well.
    """
    results = lint_results(
        items, limit=limit, select=select, ignore=ignore, batch_size=batch_size, n_process=n_process, blank=blank
    )
    return ((r.id, r.text, r.findings) for r in results)


def lint_results(
    items: Iterable[tuple[Any, str, str | None]],
    *,
    limit: int = DEFAULT_LIMIT,
    select: str | Iterable[str] | None = None,
    ignore: str | Iterable[str] | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    n_process: int = 1,
    blank: bool = False,
    signals: str = "both",
) -> Generator[Linted, None, None]:
    """`lint_many`, yielding `Linted(id, text, findings, scores, language, judged, hook)`: the classifier's score per label too.

    `signals` ("both", "rules" or "classifier") is for measuring one signal alone (scripts/evaluate.py).
    """
    if limit <= 0:
        raise UsageError(f"limit must be a positive number of characters, got {limit}")
    if n_process < 1:
        raise UsageError(f"the number of processes must be at least 1, got {n_process}")
    chosen = in_scope(select_rules(select, ignore), "note")
    if not chosen:
        raise UsageError("the chosen rules need the history or a batch (`invite draft`, `invite merge`); select a note rule")
    stream: Generator[Linted, None, None] = _pipeline().lint_stream(
        items, limit=limit, rules=chosen, batch_size=batch_size, n_process=n_process, blank=blank, signals=signals
    )
    return stream
