"""The lint rules: one module per kind of rule, one registry, and the runner of each scope.

Adding a rule means an entry in `composer/data/lint/rules.yaml` (id, scope, severity, message, hint,
examples) and one function registered with `@register(rule_id, scope)` in the module of its kind:

* `text`: format rules (`too-long`, `empty`, `placeholder`, `link`, `invisible-character`, `double-space`,
  `shouting`);
* `phrases`: the words used (`generic-phrase`, `no-greeting`, `self-focus`);
* `judgements`: the rules' evidence and a model decide together (`sales-pitch`, `no-specifics`, `not-english`);
* `history`: the note against the notes sent before (`already-invited`, `repeated-note`, `note-quota`),
  through the `NoteHistory` protocol the history package implements;
* `batch`: the notes of one merge (`batch-duplicate`);
* `registry`: `register`, the checks by id and scope, and `make_finding` (hits into findings).

Importing this package imports every rule module, so the registry is complete; the test suite checks
it against rules.yaml both ways. Nothing here imports spaCy.
"""

from __future__ import annotations

from collections.abc import Iterable

# `import ... as`: tests/cli/test_architecture.py reads `from composer.lint.rules import x` as this package importing itself.
import composer.lint.rules.batch as batch
import composer.lint.rules.history as history
import composer.lint.rules.judgements as judgements
import composer.lint.rules.phrases as phrases
import composer.lint.rules.text as text
from composer.lint.catalog import in_scope, load_rules
from composer.lint.context import Context
from composer.lint.findings import Finding
from composer.lint.rules.batch import Batch
from composer.lint.rules.history import NoteHistory
from composer.lint.rules.registry import make_finding, registered, sorted_findings

#: The rule modules, each registering the rules of its kind (imported for that).
KINDS = (text, phrases, judgements, history, batch)


def run_note_rules(ctx: Context, rule_ids: Iterable[str]) -> list[Finding]:
    """Run the chosen note rules on one note; findings sorted by position, then severity.

    A note in another language skips the rules that cannot judge it (`languages` in rules.yaml): the
    English phrase rules always, the judgements too outside the judged languages; they would guess,
    not judge, and `not-english` says so instead.
    """
    rules = load_rules()
    chosen = in_scope(list(rule_ids), "note")  # history and batch rules run in draft and merge
    if not ctx.text.strip():
        chosen = [r for r in chosen if r == "empty"]
    elif not ctx.english:
        chosen = [r for r in chosen if _runs_on(rules[r].languages, ctx)]
    checks = registered("note")
    return sorted_findings(make_finding(rules[rule_id], ctx.text, hit) for rule_id in chosen for hit in checks[rule_id](ctx))


def _runs_on(languages: str, ctx: Context) -> bool:
    """Whether a rule for these languages ("any", "judged", "english") runs on the note."""
    if languages == "english":
        return ctx.english
    return ctx.judged if languages == "judged" else True


def check_history(note: NoteHistory, rule_ids: Iterable[str]) -> list[Finding]:
    """The chosen history rules' findings for one note about to be sent, in the rules' order."""
    rules, checks = load_rules(), registered("history")
    return [make_finding(rules[r], note.text, hit) for r in in_scope(list(rule_ids), "history") for hit in checks[r](note)]


def check_batch(notes: Batch, rule_ids: Iterable[str]) -> list[list[Finding]]:
    """The chosen batch rules' findings, one list per note of the batch (in the batch's order)."""
    rules, checks = load_rules(), registered("batch")
    found: list[list[Finding]] = [[] for _ in notes.texts]
    for rule_id in in_scope(list(rule_ids), "batch"):
        for index, hit in checks[rule_id](notes):
            found[index].append(make_finding(rules[rule_id], notes.texts[index], hit))
    return found
