"""One merge's rows: each rendered in the sandbox, linted and checked against the history; then the batch rules.

Rows stream from the CSV into the linter (`lint_results`, one `nlp.pipe`), so rendering and linting
interleave and the progress bar moves with the slow part. `made_rows` hands each row on, in input
order, as soon as its note is linted, so only the rows `nlp.pipe` is working on are in memory. A
row that cannot be rendered (a missing required answer, an unknown template, a template error)
keeps its reason and the others go on. The history checks run on each row as it comes, in row
order: `already-invited` and `note-quota` also count the earlier rows of the same batch.

The batch rules need every note, so `BatchCheck` keeps only what they need of each note as it
passes (its skeleton, `composer.similarity.Signatures`: not its text, Doc or findings), groups
them once all are seen, and then adds the batch findings to the rows a window at a time (`finish`)
as the merge reads them back (`composer.merge.spool`): a copy in row 1 and row 40,000 is one group.
Last, each note's findings are set as the config says (`[lint.severity]`), and those its
template's comments or its row's `invite_ignore` cell silence are set apart (`Row.suppressed`),
counted in the summary.
"""

from __future__ import annotations

import difflib
import re
from array import array
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import closing
from dataclasses import dataclass, field
from typing import Any

from composer.config import Config
from composer.csvtable import Record
from composer.draft.answers import AnswerSources, answer_problem, known_answers, missing_required
from composer.draft.resolve import choose_template
from composer.errors import InviteError
from composer.history.duplicates import similar_pairs
from composer.history.log import NoteLog, checked_note, with_verdict
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
from composer.similarity import Groups, Signatures
from composer.templates.library import Library
from composer.templates.model import Template
from composer.templates.render import render


@dataclass
class Row:
    """One CSV row through the merge: its cells, the note made from it (or why not), and what was found."""

    record: Record
    name: str | None = None
    url: str | None = None
    template_id: str | None = None
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
    #: the rules its template's comments silence, and those its `invite_ignore` cell does
    silenced: frozenset[str] = frozenset()
    ignores: list[str] = field(default_factory=list)
    #: the findings silenced (by its template's comments or its `invite_ignore` cell)
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
            row.template_id, row.silenced = template.id, template.silenced
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


def made_rows(plan: Plan, records: Iterable[Record], log: NoteLog, advance: Callable[[], Any] = lambda: None) -> Iterator[Row]:
    """Every row rendered, linted and checked against the history, in input order, each as soon as it is done."""
    note_rules = in_scope(plan.rules, "note")
    if not note_rules:
        for record in records:
            yield _checked(plan.prepare(record), log, advance)
        return
    waiting: deque[tuple[int, Row]] = deque()  # prepared, in order; those with a note are being linted

    def rendered() -> Iterator[tuple[int, str, str | None]]:
        for index, record in enumerate(records):
            row = plan.prepare(record)
            waiting.append((index, row))
            if row.text is not None:
                yield index, row.text, row.name

    with closing(lint_results(rendered(), limit=plan.limit, select=note_rules)) as results:
        for result in results:
            index, row = waiting.popleft()
            while row.text is None:  # a row without a note, before this one
                yield _checked(row, log, advance)
                index, row = waiting.popleft()
            assert index == result.id
            row.findings = [f for f in result.findings if not filled_by_merge(f, row.text, row.record.cells.values())]
            row.language, row.judged = result.language, result.judged
            row.note = with_verdict(row.note, result) if row.note is not None else None
            yield _checked(row, log, advance)
    while waiting:
        yield _checked(waiting.popleft()[1], log, advance)


def _checked(row: Row, log: NoteLog, advance: Callable[[], Any]) -> Row:
    """The row with its history findings, its note counted as sent for the rows after it."""
    advance()
    if row.note is not None:
        row.findings += log.check(row.note, row.skel)
        log.accept(row.note)
    return row


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


class BatchCheck:
    """The batch rules over a whole merge: every note's skeleton gathered (`add`), the groups found once (`group`),
    then the findings added to the rows a window at a time (`finish`), in input order."""

    def __init__(self, plan: Plan, listed: int) -> None:
        self.rules = plan.rules
        self.similarity = plan.config.merge.duplicate_similarity
        self.on = bool(in_scope(plan.rules, "batch"))
        self.duplicates = "batch-duplicate" in plan.rules
        self.listed = listed
        self.signatures = Signatures()
        #: note -> its row's number, for the groups' listing
        self.numbers = array("I")
        self.found: Groups | None = None
        self.policy = Policy.configured(plan.config.lint)
        #: group number -> one of its notes (its first), as the merge finishes it
        self.examples: dict[int, str] = {}
        self._finished = 0

    def add(self, row: Row) -> None:
        """Keep what the batch rules need of a row (nothing, for a row without a note)."""
        if row.text is not None and self.duplicates:
            self.signatures.add(row.skel)
            self.numbers.append(row.record.number)

    def group(self) -> None:
        """Find the near-identical groups among every note added."""
        if self.on and self.duplicates:
            self.found = self.signatures.groups(self.similarity, listed=self.listed, pairs=similar_pairs)

    def finish(self, rows: list[Row]) -> list[Row]:
        """The next rows in input order with their batch findings, and every note's findings as the config says
        (the silenced ones set apart) in reading order."""
        notes = [row for row in rows if row.text is not None]
        if self.on and notes:
            texts = [row.text or "" for row in notes]
            batch = Batch(texts, [], self.similarity, [row.names for row in notes], found=self.found, first=self._finished)
            for row, found in zip(notes, check_batch(batch, self.rules), strict=True):
                row.findings += found
            self._example(texts)
        self._finished += len(notes)
        for row in notes:
            policy = self.policy.silence(row.silenced, BY_TEMPLATE).silence(row.ignores, BY_ROW)
            findings, row.suppressed = policy.apply(row.findings)
            row.findings = sorted_findings(findings)
        return rows

    def _example(self, texts: list[str]) -> None:
        if self.found is None:
            return
        for offset, text in enumerate(texts):
            number = self.found.of(self._finished + offset)
            if number is not None and number not in self.examples:
                self.examples[number] = text

    def groups(self) -> list[tuple[int, list[int], str]]:
        """Each group, in order: its size, the numbers of its first rows, and its first note."""
        if self.found is None:
            return []
        return [
            (size, [self.numbers[i] for i in listed], self.examples.get(number, ""))
            for number, (size, listed) in enumerate(zip(self.found.sizes, self.found.listed, strict=True), start=1)
        ]
