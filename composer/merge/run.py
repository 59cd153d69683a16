"""One merge: every row rendered in the sandbox and linted, then the history and batch checks.

Rows stream from the CSV into the linter (`lint_results`, one `nlp.pipe`), so rendering and linting
interleave and the progress bar moves with the slow part. A row that cannot be rendered (a missing
required answer, an unknown template, a template error) keeps its reason and the others go on.
The history and batch checks need every note, so they run once the stream is done, in row order:
`already-invited` and `note-quota` also count the earlier rows of the same batch. Last, each note's
findings are set as the config says (`[lint.severity]`), and those its template's comments or its
row's `invite_ignore` cell silence are set apart (`Row.suppressed`), counted in the summary.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from composer.config import Config
from composer.csvtable import Record
from composer.draft.answers import AnswerSources, answer_problem, known_answers, missing_required
from composer.draft.resolve import choose_template
from composer.errors import InviteError
from composer.history.log import NoteLog, checked_note
from composer.history.store import Note
from composer.lint import (
    BY_ROW,
    BY_TEMPLATE,
    Batch,
    Finding,
    Policy,
    Suppressed,
    check_batch,
    in_scope,
    lint_results,
    not_judged_reason,
    reaches,
    rule_ids,
    sorted_findings,
)
from composer.merge.columns import IGNORE_COLUMN, Columns
from composer.templates.library import Library
from composer.templates.model import Template
from composer.templates.render import render


@dataclass
class Row:
    """One CSV row through the merge: its cells, the note made from it (or why not), and what was found."""

    record: Record
    name: str | None = None
    url: str | None = None
    template: Template | None = None
    text: str | None = None
    error: str | None = None
    findings: list[Finding] = field(default_factory=list)
    note: Note | None = None
    skel: str = ""
    #: the recipient's name cells as the CSV gives them ({column: value}), for `name-cleaned`
    names: dict[str, str] = field(default_factory=dict)
    #: False when the note's language is not judged for generic wording and pitches: unknown, never "ok".
    judged: bool = True
    language: str = "en"
    #: the rules its `invite_ignore` cell silences, and the findings silenced (by that cell or the template's comments)
    ignores: list[str] = field(default_factory=list)
    suppressed: list[Suppressed] = field(default_factory=list)
    #: what is worth a line on stderr but is no error (an unknown rule in `invite_ignore`)
    notices: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"row {self.record.number}"

    def status(self, fail_on: str) -> str:
        """`ok`, `findings` (one reaches --fail-on), `not judged: written in Polish` or `error: why`."""
        if self.error is not None:
            return f"error: {self.error}"
        if reaches(self.findings, fail_on):
            return "findings"
        return "ok" if self.judged else not_judged_reason(self.language)


@dataclass(frozen=True)
class Plan:
    """What is fixed for every row: templates, answers given for all, the limit, account and rules."""

    library: Library
    columns: Columns
    config: Config
    template_id: str | None
    relationship: str | None
    set_answers: Mapping[str, str]
    limit: int
    account: str
    rules: list[str]

    def prepare(self, record: Record) -> Row:
        """Choose the row's template, gather its answers and render it; a problem becomes the row's error."""
        row = Row(record)
        row.names = {c: record.cells[c] for c in self.columns.names if record.cells.get(c, "").strip()}
        cells = self.columns.cleaned_names(record.cells)
        row.name, row.url = self.columns.recipient(cells)
        if record.problem:
            row.error = record.problem
            return row
        answers = self.columns.row_answers(cells)
        row.ignores, row.notices = checked_ignores(self.columns.row_ignores(cells))
        try:
            template = self._template(answers)
            row.template = template
            # The row's own cells win over --set (they are specific to the recipient), then config, then defaults.
            known = known_answers(template, AnswerSources(flags=answers, file=self.set_answers, config=self.config))
            missing = missing_required(template, known)
            if missing:
                raise InviteError(f"missing required answer(s) for {template.id!r}: {', '.join(q.name for q in missing)}")
            for question in template.all_questions():
                problem = answer_problem(question, known.get(question.name))
                if problem:
                    raise InviteError(problem)
            row.text = render(template, known)
        except InviteError as exc:
            row.error = str(exc)
            return row
        row.note, row.skel = checked_note(row.text, row.name, row.url, template, answers, self.account, row.label)
        return row

    def _template(self, answers: dict[str, str]) -> Template:
        template_id = answers.pop("template", None) or self.template_id
        relationship = answers.pop("relationship", None) or (None if template_id else self.relationship)
        if not template_id and not relationship:
            raise InviteError("no template: the row's template/relationship cell is blank and no -t/-r was given")
        return choose_template(self.library, relationship, template_id)


@dataclass
class Outcome:
    """Every row in input order, and the batch's near-identical groups (lists of indices into `rows`)."""

    rows: list[Row]
    groups: list[list[int]]

    @property
    def notes(self) -> list[Row]:
        return [row for row in self.rows if row.text is not None]


def run(plan: Plan, records: Iterator[Record], log: NoteLog, advance: Callable[[], Any] = lambda: None) -> Outcome:
    """Render and lint every row, then run the history and batch checks; nothing is written here."""
    rows: list[Row] = []

    def rendered() -> Iterator[tuple[int, str, str | None]]:
        for record in records:
            row = plan.prepare(record)
            rows.append(row)
            if row.text is None:
                advance()
            else:
                yield len(rows) - 1, row.text, row.name

    note_rules = in_scope(plan.rules, "note")
    if note_rules:
        for result in lint_results(rendered(), limit=plan.limit, select=note_rules):
            row = rows[result.id]
            row.findings = [f for f in result.findings if not filled_by_merge(f, row.text or "", row.record.cells.values())]
            row.language, row.judged = result.language, result.judged
            advance()
    else:
        for _ in rendered():
            advance()
    notes = [row for row in rows if row.note is not None]
    log.queries = len(notes)
    for row in notes:
        assert row.note is not None
        row.findings += log.check(row.note, row.skel)
        log.accept(row.note)
    groups = _batch_rules(plan, rows) if in_scope(plan.rules, "batch") else []
    policy = Policy.configured(plan.config.lint)
    for row in notes:
        silenced = row.template.silenced if row.template else ()
        findings, row.suppressed = policy.silence(silenced, BY_TEMPLATE).silence(row.ignores, BY_ROW).apply(row.findings)
        row.findings = sorted_findings(findings)
    return Outcome(rows, groups)


def checked_ignores(named: list[str]) -> tuple[list[str], list[str]]:
    """(the rule ids an `invite_ignore` cell names that exist, a notice for each that does not)."""
    known = rule_ids()
    notices = []
    for rule in (rule for rule in named if rule not in known):
        close = difflib.get_close_matches(rule, known, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        notices.append(f"{IGNORE_COLUMN}: unknown rule {rule!r}{hint} silences nothing; see `invite rules`")
    return [rule for rule in named if rule in known], notices


#: Rules about how a template is written, whose findings are the cell's own business when a cell filled the
#: text: a company called "Crypto.com" is no link, "[Acme Corp]" from a Company cell no placeholder.
CELL_WORDING_RULES = ("link", "placeholder")
_ADDRESS = re.compile(r"://|@|/")


def filled_by_merge(finding: Finding, text: str, cells: Iterable[str]) -> bool:
    """Whether a `link` (a bare domain only: no scheme, path or e-mail) or `placeholder` finding lies
    inside text a CSV cell filled, so the template did not write it."""
    if finding.rule not in CELL_WORDING_RULES or (finding.rule == "link" and _ADDRESS.search(finding.excerpt)):
        return False
    for cell in cells:
        value = cell.strip()
        if len(value) < 2:
            continue
        start = text.find(value)
        while start != -1:
            if start <= finding.start and finding.end <= start + len(value):
                return True
            start = text.find(value, start + 1)
    return False


def _batch_rules(plan: Plan, rows: list[Row]) -> list[list[int]]:
    """Run the batch rules (`batch-duplicate`, `name-cleaned`) on the rendered notes; the near-identical groups (row indices)."""
    indices = [i for i, row in enumerate(rows) if row.text is not None]
    batch = Batch(
        [rows[i].text or "" for i in indices],
        [rows[i].skel for i in indices],
        plan.config.merge.duplicate_similarity,
        names=[rows[i].names for i in indices],
    )
    for i, found in zip(indices, check_batch(batch, plan.rules), strict=True):
        rows[i].findings += found
    if "batch-duplicate" not in plan.rules:
        return []
    return [[indices[k] for k in members] for members in batch.groups]
