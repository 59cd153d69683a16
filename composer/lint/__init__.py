"""The linter's library API; `invite lint` and `invite draft` are thin layers over it.

    >>> from composer.lint import lint_text
    >>> [f.rule for f in lint_text("Join my network on LinkedIn")]
    ['generic-phrase', 'no-specifics', 'no-greeting']

`lint_many` streams a batch through `nlp.pipe`. spaCy is imported lazily (on the first lint), so
importing this package is cheap.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from composer.errors import UsageError
from composer.lint.findings import SEVERITIES, Finding, severity_rank

__all__ = ["Finding", "SEVERITIES", "lint_many", "lint_text", "rule_ids", "select_rules", "severity_rank"]

DEFAULT_LIMIT = 200


def rule_ids() -> list[str]:
    """Every rule id, in documentation order."""
    from composer.lint.rules import load_rules

    return list(load_rules())


def _parse_ids(value: str | Iterable[str] | None) -> list[str]:
    if value is None:
        return []
    items = value.split(",") if isinstance(value, str) else [part for item in value for part in item.split(",")]
    return [item.strip() for item in items if item.strip()]


def select_rules(select: str | Iterable[str] | None = None, ignore: str | Iterable[str] | None = None) -> list[str]:
    """The rule ids to run: all, or `select`, minus `ignore`; unknown ids are a UsageError."""
    known = rule_ids()
    chosen, dropped = _parse_ids(select), _parse_ids(ignore)
    for rule in [*chosen, *dropped]:
        if rule not in known:
            raise UsageError(f"unknown rule {rule!r}; see `invite rules` (known: {', '.join(known)})")
    base = [r for r in known if r in chosen] if chosen else known
    return [r for r in base if r not in dropped]


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
    batch_size: int = 64,
    n_process: int = 1,
    blank: bool = False,
) -> Iterator[tuple[Any, str, list[Finding]]]:
    """Lint `(id, text, name)` items lazily, streaming them through `nlp.pipe`; yields `(id, text, findings)`."""
    from composer.lint.pipeline import get_pipeline
    from composer.lint.rules import Context, run_checks

    if limit <= 0:
        raise UsageError(f"limit must be a positive number of characters, got {limit}")
    chosen = select_rules(select, ignore)
    pipeline = get_pipeline(blank)
    stream = ((text, (item_id, name)) for item_id, text, name in items)
    for doc, (item_id, name) in pipeline.nlp.pipe(stream, as_tuples=True, batch_size=batch_size, n_process=n_process):
        ctx = Context(text=doc.text, doc=doc, limit=limit, name=name, trained=pipeline.trained)
        yield item_id, doc.text, run_checks(ctx, chosen)
