"""The linter's library API; `invite lint` and `invite draft` are thin layers over it.

    >>> from composer.lint import lint_text
    >>> [f.rule for f in lint_text("Join my network on LinkedIn")]
    ['generic-phrase', 'no-specifics', 'no-greeting']

`lint_many` streams a batch through `nlp.pipe`; the rules run inside the pipeline (the `invite_lint`
component), so `n_process=N` lints in N worker processes and the results still come back in input
order. spaCy is imported lazily (on the first lint), so importing this package is cheap.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import nullcontext
from typing import Any

from composer.errors import UsageError
from composer.lint.findings import SEVERITIES, Finding, severity_rank

__all__ = ["Finding", "SEVERITIES", "lint_many", "lint_text", "rule_ids", "select_rules", "severity_rank"]

DEFAULT_LIMIT = 200
#: Notes per `nlp.pipe` batch: large enough for NER to batch well, small enough to stream.
DEFAULT_BATCH_SIZE = 256


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
    batch_size: int = DEFAULT_BATCH_SIZE,
    n_process: int = 1,
    blank: bool = False,
) -> Iterator[tuple[Any, str, list[Finding]]]:
    """Lint `(id, text, name)` items lazily, streaming them through `nlp.pipe`; yields `(id, text, findings)`.

    `n_process > 1` runs the pipeline, rules included, in that many forked worker processes (spaCy's
    `n_process`); the output order is still the input order.
    """
    from composer.lint.components import decode
    from composer.lint.pipeline import FINDINGS_KEY, LINT_PIPE, NAME_KEY, fast_doc_bytes, get_pipeline

    if limit <= 0:
        raise UsageError(f"limit must be a positive number of characters, got {limit}")
    if n_process < 1:
        raise UsageError(f"the number of processes must be at least 1, got {n_process}")
    chosen = select_rules(select, ignore)
    nlp = get_pipeline(blank).nlp

    def docs() -> Iterator[tuple[Any, Any]]:
        # The name rides in user_data, which Doc.to_bytes carries to a worker process and back.
        for item_id, text, name in items:
            doc = nlp.make_doc(text)
            if name is not None:
                doc.user_data[NAME_KEY] = name
            yield doc, item_id

    options = {LINT_PIPE: {"limit": limit, "rules": chosen}}
    stream = nlp.pipe(docs(), as_tuples=True, batch_size=batch_size, n_process=n_process, component_cfg=options)
    with fast_doc_bytes() if n_process > 1 else nullcontext():
        for doc, item_id in stream:
            yield item_id, doc.text, decode(doc.user_data.get(FINDINGS_KEY))
