"""The linter's verdict on each imported note: made once, stored in the history, made again only when the linter changed.

`invite import` lints the notes it brought (`judge`, one `nlp.pipe` stream in batches, each batch
stored in its own short transaction), and `inbox` and `stats` read the stored verdicts instead of
linting every note on every run. A verdict is stored with `version()`: the linter's version
(`composer.lint.lint_version`: its code, data and model) and the limit notes are linted against, so
after an upgrade the first command that needs a verdict lints again the notes it needs, and only
those, with a progress bar on a terminal. A verdict stopped midway (Ctrl-C) keeps what was stored;
the rest is made when next needed.
"""

from __future__ import annotations

from collections.abc import Callable

from composer import output
from composer.history.log import verdict_of
from composer.history.store import History, Scope, Verdict
from composer.linkedin_limits import LONGEST_NOTE
from composer.lint import Finding, Fix

#: Received and sent notes are linted against the longest limit: the length was the sender's business.
NOTE_LIMIT = LONGEST_NOTE


def version() -> str:
    """What a stored verdict must have been made by to be used: the linter's version and the limit."""
    from composer.lint import lint_version

    return f"{lint_version()} limit {NOTE_LIMIT}"


def judge(history: History, scope: Scope, what: str) -> int:
    """Lint the notes of the invitations of `scope` that have no verdict of this `version()` and store theirs; how
    many were linted. Identical notes are linted once."""
    current = version()
    missing = history.stale_count(scope, current)
    if not missing:
        return 0
    with output.progress(missing, what) as advance:
        after = 0
        while batch := history.stale(scope, current, after):
            after = batch[-1][0]
            history.store_verdicts(_verdicts(batch, current, advance))
    return missing


def _verdicts(
    batch: list[tuple[int, str, str]], current: str, advance: Callable[[], None]
) -> list[tuple[int, Verdict, str | None]]:
    """Each row's verdict (its distinct notes through one `lint_results` stream), and a sent note's plain skeleton."""
    from composer.lint import lint_results
    from composer.similarity import skeleton

    texts = list(dict.fromkeys(message for _, message, _ in batch))
    items = ((n, text, None) for n, text in enumerate(texts))
    linted = {texts[result.id]: result for result in lint_results(items, limit=NOTE_LIMIT)}
    found = []
    for id_, message, direction in batch:
        found.append((id_, verdict_of(linted[message], current), skeleton(message) if direction == "outgoing" else None))
        advance()
    return found


def findings_of(verdict: Verdict) -> list[Finding]:
    """The findings a stored verdict holds, as the linter made them."""
    findings = []
    for item in verdict.findings:
        fields = dict(item)
        fix = fields.pop("fix", None)
        findings.append(Finding(**fields, fix=Fix(**fix) if fix else None))
    return findings
