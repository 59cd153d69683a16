"""How long a template's notes can get, in UTF-16 units as LinkedIn counts them.

Three figures, all from real renders in the sandbox:

- the note its example answers produce;
- the worst case: every answer as long as its `max_length`, each optional answer both given and
  left out (an `{% else %}` fallback can be longer than the text it replaces);
- the room per answer on each tier: how long one answer may be, with the others at their examples,
  before the note passes the limit. A template's body is linear in one answer's length (it is
  printed a fixed number of times), so two renders per answer give it exactly.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from composer.errors import TemplateError
from composer.length import note_length
from composer.linkedin_limits import ACCOUNT_LIMITS
from composer.templates.model import Question, Template
from composer.templates.render import render, render_body, template_context

ERROR, WARNING, INFO = "error", "warning", "info"
#: Beyond this many optional answers, the worst case tries "all given" and "all left out" only.
MAX_OPTIONAL_COMBINATIONS = 10
#: The character a worst-case answer is made of: one UTF-16 unit, untouched by normalisation.
FILLER = "x"


@dataclass
class Budget:
    """A template's note lengths."""

    examples: int | None = None
    worst_case: int | None = None
    #: the question(s) without max_length that make the worst case unbounded
    unbounded: list[str] = field(default_factory=list)
    #: answers contributing most to the worst case, longest first
    longest: list[str] = field(default_factory=list)
    #: the optional answers left out in the worst case
    worst_case_omits: list[str] = field(default_factory=list)
    #: answer -> tier -> characters that answer may take with the others at their examples (None: not shown)
    room: dict[str, dict[str, int | None]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, object]:
        return {
            "examples": self.examples,
            "worst_case": self.worst_case,
            "worst_case_bounded": not self.unbounded,
            "unbounded_by": self.unbounded,
            "longest_answers": self.longest,
            "worst_case_omits": self.worst_case_omits,
            "room": self.room,
            "limits": dict(ACCOUNT_LIMITS),
        }


@dataclass
class Examination:
    """What `templates check` learns by running a template: its example note and its budget."""

    example: str
    budget: Budget
    #: why the worst case could not be measured (it did not render), if so
    worst_case_failure: str | None = None


def examine(template: Template) -> Examination:
    """Render the examples, then measure; runs as one task in the worker (one time budget per file).

    Raises TemplateError when the examples do not render; a worst case that does not render is
    reported in the result instead (the examples work, so it is a warning, not an error).
    """
    example = render(template, template.examples())
    try:
        return Examination(example, measure(template, example))
    except TemplateError as exc:
        budget = Budget(examples=note_length(example))
        return Examination(example, budget, worst_case_failure=exc.detail)


def measure(template: Template, example: str | None = None) -> Budget:
    """Every figure for a template; raises TemplateError when its examples do not render."""
    budget = Budget()
    example = render(template, template.examples()) if example is None else example
    budget.examples = note_length(example)
    budget.room = answer_room(template)
    questions = template.all_questions()
    budget.unbounded = [q.name for q in questions if q.max_length is None]
    if not budget.unbounded:
        worst_case(budget, template, questions)
    return budget


def _length(template: Template, answers: dict[str, str]) -> int:
    context = template_context(template, answers)
    return note_length(render_body(template.body, context, template.path, template.body_line))


def answer_room(template: Template) -> dict[str, dict[str, int | None]]:
    """For each answer and tier, the longest it can be with the other answers at their examples."""
    examples = {q.name: q.example or "" for q in template.all_questions()}
    room: dict[str, dict[str, int | None]] = {}
    for name in examples:
        one = _length(template, examples | {name: FILLER})
        per_char = _length(template, examples | {name: FILLER * 2}) - one
        rest = one - per_char  # the note's length without this answer's characters
        room[name] = {
            tier: (max(0, (limit - rest) // per_char) if per_char > 0 else None) for tier, limit in ACCOUNT_LIMITS.items()
        }
    return room


def worst_case(budget: Budget, template: Template, questions: list[Question]) -> None:
    """Fill in the worst case, the optional answers it leaves out, and the answers that weigh most."""
    optional = [q.name for q in questions if not q.required]
    if len(optional) <= MAX_OPTIONAL_COMBINATIONS:
        omissions = [set(c) for r in range(len(optional) + 1) for c in itertools.combinations(optional, r)]
    else:
        omissions = [set(), set(optional)]
    full = {q.name: FILLER * (q.max_length or 0) for q in questions}
    examples = {q.name: q.example or "" for q in questions}
    worst, worst_omits = -1, set[str]()
    for omit in omissions:
        length = _length(template, {name: "" if name in omit else value for name, value in full.items()})
        if length > worst:
            worst, worst_omits = length, omit
    budget.worst_case = worst
    budget.worst_case_omits = sorted(worst_omits)
    savings: list[tuple[int, str]] = []
    for name in full:
        if name in worst_omits:
            continue
        answers = {n: "" if n in worst_omits else v for n, v in full.items()} | {name: examples[name]}
        saved = worst - _length(template, answers)
        if saved > 0:
            savings.append((saved, name))
    budget.longest = [name for _saved, name in sorted(savings, key=lambda s: (-s[0], s[1]))[:2]]


def budget_message(budget: Budget, account: str = "free") -> tuple[str, str]:
    """(severity, message), e.g. `fits free with examples (143); worst case 231 > 200: lower max_length of topic or event`."""
    limit = ACCOUNT_LIMITS[account]
    examples = budget.examples or 0
    if examples > limit:
        over = [f"{examples} > {lim} ({tier})" for tier, lim in ACCOUNT_LIMITS.items() if examples > lim]
        fits = [tier for tier, lim in ACCOUNT_LIMITS.items() if examples <= lim]
        also = f"; fits {fits[0]}" if fits else ""
        return ERROR, f"too long with examples: {', '.join(over)}{also}; shorten the body or the example answers"
    head = f"fits {account} with examples ({examples})"
    if budget.unbounded:
        names = " and ".join(budget.unbounded)
        return WARNING, f"{head}; worst case cannot be bounded: give {names} a max_length"
    worst = budget.worst_case or 0
    if worst <= limit:
        return INFO, f"{head}; worst case {worst} fits {account}"
    tiers = [f"{worst} > {lim}" for _tier, lim in ACCOUNT_LIMITS.items() if lim >= limit and worst > lim]
    premium = [tier for tier, lim in ACCOUNT_LIMITS.items() if worst <= lim]
    fix = f": lower max_length of {' or '.join(budget.longest)}" if budget.longest else ""
    still = f" (fits {premium[0]})" if premium else ""
    return WARNING, f"{head}; worst case {' and '.join(tiers)}{fix}{still}"


def room_message(budget: Budget) -> str | None:
    """`room per answer with the others at their examples: event 57 free / 157 premium, ...`."""
    parts = []
    for name, tiers in budget.room.items():
        shown = [f"{n} {tier}" for tier, n in tiers.items() if n is not None]
        if shown:
            parts.append(f"{name} {' / '.join(shown)}")
    return f"room per answer with the others at their examples: {', '.join(parts)}" if parts else None
