"""The linter's data, typed: the rule catalog (`rules.yaml`) and the lexicon (`lexicon.yaml`).

Rules and word lists are data, as in Vale and proselint: tuning a rule means editing
`composer/data/lint/`, not code. This module turns those files into frozen dataclasses once per
process, so the checks read `lexicon().greeting.words` rather than dictionary keys, and a missing
or misspelt key fails loudly when the data is loaded (the test suite loads it), not mid-lint.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any, get_type_hints

from composer.lint.findings import SEVERITIES
from composer.resources import data_path, load_yaml

DATA_DIR = data_path("lint")


# --------------------------------------------------------------------------- rules

#: What a rule judges: one note's text (the linter's checks), a note against the history
#: (`composer.history`), or the notes of one merge (`composer.merge`).
SCOPES = ("note", "history", "batch")
#: Which notes a note rule runs on, by their language: any; the judged languages (`judged` in
#: languages.yaml); or English only (rules made of English phrases).
LANGUAGES = ("any", "judged", "english")


#: The kinds of fix a rule may declare (`fix: kind:` in rules.yaml); composer/lint/fixes.py works each out.
FIX_KINDS = ("delete", "replace", "drop-sentence")


@dataclass(frozen=True)
class FixSpec:
    """A rule's safe, mechanical fix, as rules.yaml declares it: its kind, what applying it did, its settings.

    `examples` are (before, after) pairs; `after` is None when the rule fires but offers no fix.
    """

    kind: str
    says: str
    settings: dict[str, Any]
    examples: tuple[tuple[str, str | None], ...] = ()


def _fix_spec(rule_id: str, entry: dict[str, Any] | None) -> FixSpec | None:
    if entry is None:
        return None
    settings = {k: v for k, v in entry.items() if k not in ("kind", "says", "examples")}
    spec = FixSpec(entry["kind"], entry["says"], settings, tuple((b, a) for b, a in entry.get("examples", ())))
    if spec.kind not in FIX_KINDS:  # a data bug caught by the tests
        raise ValueError(f"rule {rule_id}: unknown fix kind {spec.kind!r}")
    return spec


@dataclass(frozen=True)
class Rule:
    """One rule's metadata, as `invite rules` shows it.

    Examples of a `note` rule are note texts; those of a `history` or `batch` rule are mappings
    (earlier notes and the note, or a batch) that the rule tests run through the real checks.
    """

    id: str
    severity: str
    message: str
    hint: str
    description: str
    why: str
    fires: tuple[Any, ...]
    passes: tuple[Any, ...]
    scope: str = "note"
    #: The message of a note-level finding decided by the classifier's score ({score}), when the rule has one.
    note_message: str | None = None
    #: The notes it runs on (LANGUAGES): skipped, not guessed, on a note in another language.
    languages: str = "any"
    #: The advice without {placeholders}, for the whole catalog (SARIF's rule help); `hint` when rules.yaml has none.
    help: str = ""
    #: The safe, mechanical fix its findings carry, if any.
    fix: FixSpec | None = None


@cache
def load_rules() -> dict[str, Rule]:
    """Every rule by id, in the order of rules.yaml."""
    rules: dict[str, Rule] = {}
    for entry in load_yaml(DATA_DIR / "rules.yaml"):
        rule = Rule(
            id=entry["id"],
            severity=entry["severity"],
            message=entry["message"],
            hint=entry["hint"],
            description=" ".join(entry["description"].split()),
            why=" ".join(entry["why"].split()),
            fires=tuple(entry.get("fires", ())),
            passes=tuple(entry.get("passes", ())),
            scope=entry.get("scope", "note"),
            note_message=entry.get("note_message"),
            languages=entry.get("languages", "any"),
            help=" ".join(entry.get("help", entry["hint"]).split()),
            fix=_fix_spec(entry["id"], entry.get("fix")),
        )
        if rule.severity not in SEVERITIES:  # a data bug caught by the tests
            raise ValueError(f"rule {rule.id}: unknown severity {rule.severity!r}")
        if rule.scope not in SCOPES:
            raise ValueError(f"rule {rule.id}: unknown scope {rule.scope!r}")
        if rule.languages not in LANGUAGES:
            raise ValueError(f"rule {rule.id}: unknown languages {rule.languages!r}")
        rules[rule.id] = rule
    return rules


def rule_ids() -> list[str]:
    """Every rule id, in documentation order."""
    return list(load_rules())


def in_scope(ids: list[str], scope: str) -> list[str]:
    """The ids among `ids` whose rules have this scope (`note` ones run in the linter's pipeline)."""
    rules = load_rules()
    return [rule_id for rule_id in ids if rules[rule_id].scope == scope]


# --------------------------------------------------------------------------- classifier thresholds

#: Which signals decide the note-level judgements: both (the linter), or one alone (for scripts/evaluate.py).
SIGNALS = ("both", "rules", "classifier")


@dataclass(frozen=True)
class Thresholds:
    """Where the classifier's scores tip the note-level rules (classifier.yaml, chosen on the dev split).

    `sales-pitch`: a sales phrase from the patterns is reported when the note's `sales_pitch` score
    reaches `sales_phrase`; without a phrase, the score alone reports the note from `sales_alone`.
    `no-specifics`: with no hook found, the note is still quiet when `personal_specific` reaches
    `personal_veto`; with a hook, it fires anyway when `generic` reaches `generic_alone`; in a note
    reported as a sales pitch, names alone count as no hook below `pitch_names_veto`; a note of fewer
    than `sales_alone_min_words` words is reported as a pitch only on a sales phrase.
    `classifier_alone` is the one threshold of the classifier-only mode that scripts/evaluate.py reports.
    A note in a judged language other than English has only the classifier's scores: `no-specifics`
    fires from `other_generic`, `sales-pitch` from `other_sales` (0.5 when classifier.yaml has none).
    """

    sales_phrase: float
    sales_alone: float
    personal_veto: float
    generic_alone: float
    classifier_alone: float
    other_generic: float = 0.5
    other_sales: float = 0.5
    pitch_names_veto: float = 0.0
    #: A note of fewer words than this is never a pitch on its score alone ("Hi dear", "gm ☀️").
    sales_alone_min_words: int = 0


@cache
def thresholds() -> Thresholds:
    """The thresholds in composer/data/lint/classifier.yaml."""
    raw = load_yaml(DATA_DIR / "classifier.yaml")
    types = get_type_hints(Thresholds)  # int or float, whatever YAML made of the number
    values: dict[str, Any] = {name: types[name](raw[name]) for name in types if name in raw}
    return Thresholds(**values)


# --------------------------------------------------------------------------- lexicon


@dataclass(frozen=True)
class Regex:
    """A compiled lexicon regex: what it finds (for messages) and whether it stands alone (see placeholders)."""

    pattern: re.Pattern[str]
    what: str = ""
    standalone: bool = False
    #: a string the text must contain for the pattern to be worth running (a cheap pre-check)
    needs: str = ""

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        return self.pattern.finditer(text) if self.needs in text else iter(())


@dataclass(frozen=True)
class Shouting:
    exclamations: re.Pattern[str]
    emoji_run: re.Pattern[str]
    min_letters: int
    min_words: int
    acronyms: frozenset[str]
    #: A long all-caps word right after one of these is a name (an acronym nobody listed), not shouting.
    name_before: frozenset[str]


@dataclass(frozen=True)
class SelfFocus:
    first_person: frozenset[str]
    second_person: frozenset[str]
    min_first: int
    ratio: float


@dataclass(frozen=True)
class Greeting:
    words: frozenset[str]
    not_names: frozenset[str]
    honorifics: frozenset[str]


@dataclass(frozen=True)
class Specifics:
    """What `no-specifics` counts as a hook, and what it does not."""

    entity_labels: frozenset[str]
    specific_date: re.Pattern[str]
    not_hooks: frozenset[str]
    vague: frozenset[str]
    #: What they made ("your post about ..."): after these, a field word is the topic ("ai", "hiring").
    content_nouns: frozenset[str]
    lead_window: int
    clause_end: frozenset[str]
    shared_markers: frozenset[str]
    #: What makes the recipient's employer or role shared with the sender ("you also worked at Globex").
    merge_shared_markers: frozenset[str]
    #: People a name after a comma can stand beside ("our mutual friend, Ana Ruiz."): a name, not the addressee.
    appositive_people: frozenset[str]


@dataclass(frozen=True)
class Lexicon:
    placeholders: tuple[Regex, ...]
    links: tuple[Regex, ...]
    shouting: Shouting
    self_focus: SelfFocus
    greeting: Greeting
    recipient_subjects: frozenset[str]
    sign_off: frozenset[str]
    specifics: Specifics
    invisible: re.Pattern[str]
    double_space: re.Pattern[str]


def _regexes(entries: list[dict[str, Any]]) -> tuple[Regex, ...]:
    return tuple(
        Regex(
            re.compile(e["regex"], 0 if e.get("case") else re.IGNORECASE),
            e.get("what", ""),
            bool(e.get("standalone")),
            e.get("needs", ""),
        )
        for e in entries
    )


def _lower(words: list[str]) -> frozenset[str]:
    return frozenset(w.lower() for w in words)


@cache
def lexicon() -> Lexicon:
    """Word lists and regexes from lexicon.yaml, compiled once."""
    raw = load_yaml(DATA_DIR / "lexicon.yaml")
    shout, focus, greet, spec = raw["shouting"], raw["self_focus"], raw["greeting"], raw["no_specifics"]
    return Lexicon(
        placeholders=_regexes(raw["placeholder"]),
        links=_regexes(raw["link"]),
        shouting=Shouting(
            exclamations=re.compile(shout["exclamations"]),
            emoji_run=re.compile(shout["emoji_run"]),
            min_letters=shout["min_letters"],
            min_words=shout["min_words"],
            acronyms=_lower(shout["acronyms"]),
            name_before=_lower(shout["name_before"]),
        ),
        self_focus=SelfFocus(
            first_person=frozenset(focus["first_person"]),
            second_person=frozenset(focus["second_person"]),
            min_first=focus["min_first"],
            ratio=focus["ratio"],
        ),
        greeting=Greeting(
            words=frozenset(greet["words"]), not_names=frozenset(greet["not_names"]), honorifics=frozenset(greet["honorifics"])
        ),
        recipient_subjects=frozenset(raw["generic_phrase"]["recipient_subjects"]),
        sign_off=frozenset(raw["sign_off"]),
        invisible=re.compile(raw["invisible"]["regex"]),
        double_space=re.compile(raw["double_space"]["regex"]),
        specifics=Specifics(
            entity_labels=frozenset(spec["entity_labels"]),
            specific_date=re.compile(spec["specific_date"], re.IGNORECASE),
            not_hooks=_lower(spec["not_hooks"]),
            vague=_lower(spec["vague"]),
            content_nouns=_lower(spec["content_nouns"]),
            lead_window=spec["lead_window"],
            clause_end=frozenset(spec["clause_end"]),
            shared_markers=frozenset(spec["shared_markers"]),
            merge_shared_markers=frozenset(spec["merge_shared_markers"]),
            appositive_people=_lower(spec["appositive_people"]),
        ),
    )
