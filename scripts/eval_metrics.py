"""The figures scripts/evaluate.py reports, as plain functions of judged notes (no spaCy, no linter).

A `Judged` note is a labeled note plus what the linter did with it: the rules that fired, the
classifier's scores as `invite lint --format json` prints them, and (for error listings) a short
description of the rules' evidence. From a list of them:

- `SetFigures`: the issue's table row (generic recall, `no-specifics` on personal notes, sales
  precision / recall, placeholder recall / false alarms), with the counts behind each figure;
- `error_kinds`: which of the six error kinds a note is (a note can be several);
- `auc` and `calibration`: how well the scores rank and how far they can be read as probabilities.

Kept apart from the linter so the arithmetic can be tested on notes whose verdicts are made up.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

#: A note counts as flagged generic when either of these fires.
GENERIC_RULES = frozenset({"generic-phrase", "no-specifics"})
#: The classifier's labels and the note label each score predicts.
SCORE_LABELS = ("generic", "sales_pitch", "personal_specific")
#: Error kinds, in the order they are listed; each with the score that matters for it.
ERROR_KINDS = (
    "missed generic",
    "no-specifics on personal",
    "missed pitch",
    "false pitch",
    "missed placeholder",
    "placeholder false alarm",
)
#: Which part of a note's evidence (`Judged.evidence`) explains each kind.
KIND_EVIDENCE = {
    "missed generic": "specifics",
    "no-specifics on personal": "specifics",
    "missed pitch": "pitch",
    "false pitch": "pitch",
}
KIND_SCORES = {
    "missed generic": ("generic", "personal_specific"),
    "no-specifics on personal": ("generic", "personal_specific"),
    "missed pitch": ("sales_pitch",),
    "false pitch": ("sales_pitch",),
    "missed placeholder": (),
    "placeholder false alarm": (),
}


@dataclass
class Judged:
    """One labeled note and the linter's verdict on it."""

    id: str
    text: str
    labels: dict[str, bool]
    fired: frozenset[str]
    scores: dict[str, float] = field(default_factory=dict)
    language: str = "en"
    #: What the rules found and what decided, in a few words, under "specifics" and "pitch"
    #: (filled in only for the notes an error listing shows).
    evidence: dict[str, str] = field(default_factory=dict)

    @property
    def flagged_generic(self) -> bool:
        return bool(self.fired & GENERIC_RULES)


def error_kinds(note: Judged) -> list[str]:
    """The error kinds this note is an instance of (none when the linter got it right)."""
    labels, fired = note.labels, note.fired
    found = []
    if labels["generic"] and not note.flagged_generic:
        found.append("missed generic")
    if labels["personal_specific"] and "no-specifics" in fired:
        found.append("no-specifics on personal")
    pitch, placeholder = "sales-pitch" in fired, "placeholder" in fired
    if labels["sales_pitch"] != pitch:
        found.append("missed pitch" if labels["sales_pitch"] else "false pitch")
    if labels["placeholder"] != placeholder:
        found.append("missed placeholder" if labels["placeholder"] else "placeholder false alarm")
    return found


def ratio(hits: int, total: int) -> float | None:
    return hits / total if total else None


@dataclass
class SetFigures:
    """The table row of one set of notes, with the counts behind every figure."""

    name: str
    notes: list[Judged]

    def _count(self, label: str, predicate: Any) -> tuple[int, int]:
        """(notes with the label on which `predicate` holds, notes with the label)."""
        labeled = [n for n in self.notes if n.labels[label]]
        return sum(1 for n in labeled if predicate(n)), len(labeled)

    def counts(self) -> dict[str, dict[str, int]]:
        caught, generic = self._count("generic", lambda n: n.flagged_generic)
        nagged, personal = self._count("personal_specific", lambda n: "no-specifics" in n.fired)
        sales_tp, pitches = self._count("sales_pitch", lambda n: "sales-pitch" in n.fired)
        sales_fp = sum(1 for n in self.notes if not n.labels["sales_pitch"] and "sales-pitch" in n.fired)
        slot_tp, slots = self._count("placeholder", lambda n: "placeholder" in n.fired)
        slot_fp = sum(1 for n in self.notes if not n.labels["placeholder"] and "placeholder" in n.fired)
        return {
            "generic": {"flagged": caught, "labeled": generic},
            "no_specifics_on_personal": {"fired": nagged, "labeled": personal},
            "sales_pitch": {"tp": sales_tp, "fp": sales_fp, "fn": pitches - sales_tp},
            "placeholder": {"tp": slot_tp, "fp": slot_fp, "fn": slots - slot_tp},
        }

    def figures(self) -> dict[str, float | int | None]:
        c = self.counts()
        sales, slot = c["sales_pitch"], c["placeholder"]
        return {
            "notes": len(self.notes),
            "generic_recall": ratio(c["generic"]["flagged"], c["generic"]["labeled"]),
            "no_specifics_on_personal": ratio(c["no_specifics_on_personal"]["fired"], c["no_specifics_on_personal"]["labeled"]),
            "sales_precision": ratio(sales["tp"], sales["tp"] + sales["fp"]),
            "sales_recall": ratio(sales["tp"], sales["tp"] + sales["fn"]),
            "placeholder_recall": ratio(slot["tp"], slot["tp"] + slot["fn"]),
            "placeholder_false_alarms": slot["fp"],
        }

    def errors(self) -> dict[str, list[Judged]]:
        found: dict[str, list[Judged]] = {kind: [] for kind in ERROR_KINDS}
        for note in self.notes:
            for kind in error_kinds(note):
                found[kind].append(note)
        return found

    def auc(self) -> dict[str, float | None]:
        return {
            label: auc(
                [n.scores[label] for n in self.notes if label in n.scores],
                [n.labels[label] for n in self.notes if label in n.scores],
            )
            for label in SCORE_LABELS
        }

    def to_dict(self) -> dict[str, Any]:
        """The row for `--json`: figures, counts, AUC and the ids of every error by kind."""
        return {
            **self.figures(),
            "counts": self.counts(),
            "auc": self.auc(),
            "errors": {kind: [n.id for n in notes] for kind, notes in self.errors().items()},
        }


def fmt(value: float | None, hits: int | None = None, total: int | None = None) -> str:
    """A figure to two places, with its counts when given; "–" when there is nothing to divide by."""
    if value is None:
        return "–"
    return f"{value:.2f}" if hits is None else f"{value:.2f} ({hits}/{total})"


def table(rows: Sequence[SetFigures]) -> str:
    """The issue's table, one row per set: figures with the counts behind them."""
    lines = [
        "| notes | generic recall | no-specifics on personal | sales P / R | placeholder R / false alarms |",
        "|---|---:|---:|---:|---:|",
    ]
    for row in rows:
        c, f = row.counts(), row.figures()
        sales, slot, nagged = c["sales_pitch"], c["placeholder"], c["no_specifics_on_personal"]
        lines.append(
            f"| {row.name} ({len(row.notes)}) "
            f"| {fmt(f['generic_recall'], c['generic']['flagged'], c['generic']['labeled'])} "
            f"| {fmt(f['no_specifics_on_personal'], nagged['fired'], nagged['labeled'])} "
            f"| {fmt(f['sales_precision'])} / {fmt(f['sales_recall'])} (tp {sales['tp']}, fp {sales['fp']}, fn {sales['fn']}) "
            f"| {fmt(f['placeholder_recall'], slot['tp'], slot['tp'] + slot['fn'])} / {slot['fp']} |"
        )
    return "\n".join(lines)


def auc_table(rows: Sequence[SetFigures]) -> str:
    lines = ["| notes | " + " | ".join(f"AUC {label}" for label in SCORE_LABELS) + " |", "|---|" + "---:|" * len(SCORE_LABELS)]
    for row in rows:
        values = row.auc()
        lines.append(f"| {row.name} ({len(row.notes)}) | " + " | ".join(fmt(values[label]) for label in SCORE_LABELS) + " |")
    return "\n".join(lines)


def auc(scores: Sequence[float], truths: Sequence[bool]) -> float | None:
    """The chance that a random positive outscores a random negative (ties count half); None without both."""
    positives = [s for s, t in zip(scores, truths, strict=True) if t]
    negatives = [s for s, t in zip(scores, truths, strict=True) if not t]
    if not positives or not negatives:
        return None
    wins = sum((p > n) + 0.5 * (p == n) for p in positives for n in negatives)
    return wins / (len(positives) * len(negatives))


@dataclass(frozen=True)
class Bin:
    """One row of a reliability table: notes whose score fell in [low, high)."""

    low: float
    high: float
    count: int
    mean_predicted: float | None
    observed: float | None


def calibration(scores: Sequence[float], truths: Sequence[bool], bins: int = 10) -> list[Bin]:
    """Equal-width bins of predicted score (the last one includes 1.0): count, mean score, observed rate."""
    grouped: list[list[tuple[float, bool]]] = [[] for _ in range(bins)]
    for score, truth in zip(scores, truths, strict=True):
        grouped[min(int(score * bins), bins - 1)].append((score, truth))
    return [
        Bin(
            index / bins,
            (index + 1) / bins,
            len(members),
            statistics.fmean(s for s, _ in members) if members else None,
            sum(t for _, t in members) / len(members) if members else None,
        )
        for index, members in enumerate(grouped)
    ]


def expected_calibration_error(table_bins: Iterable[Bin]) -> float:
    """Mean |predicted − observed| over bins, weighted by their notes."""
    rows = [b for b in table_bins if b.count]
    total = sum(b.count for b in rows)
    return sum(b.count * abs((b.mean_predicted or 0.0) - (b.observed or 0.0)) for b in rows) / total if total else 0.0


def calibration_tables(notes: Sequence[Judged], title: str, printed: Callable[[str, float], float] | None = None) -> str:
    """One reliability table per classifier label, over `notes` pooled.

    `printed(label, raw)` is the score as the JSON output prints it (calibrated); the table is of those,
    and the heading gives the raw scores' error beside theirs.
    """
    parts = []
    for label in SCORE_LABELS:
        scored = [n for n in notes if label in n.scores]
        truths = [n.labels[label] for n in scored]
        raw_bins = calibration([n.scores[label] for n in scored], truths)
        shown = [printed(label, n.scores[label]) if printed else n.scores[label] for n in scored]
        bins = calibration(shown, truths)
        error = f"expected calibration error {expected_calibration_error(bins):.3f}"
        if printed:
            error = f"scores as printed (calibrated); {error}, raw scores {expected_calibration_error(raw_bins):.3f}"
        lines = [
            f"#### reliability of `{label}`: {title} ({len(scored)} notes; {error})",
            "",
            "| predicted score | notes | mean predicted | observed rate |",
            "|---|---:|---:|---:|",
        ]
        close = lambda b: "]" if b.high >= 1.0 else ")"  # noqa: E731
        lines += [
            f"| [{b.low:.1f}, {b.high:.1f}{close(b)} | {b.count} | {fmt(b.mean_predicted)} | {fmt(b.observed)} |" for b in bins
        ]
        parts.append("\n".join(lines))
    return "\n\n".join(parts)


def calibration_dict(
    notes: Sequence[Judged], printed: Callable[[str, float], float] | None = None
) -> dict[str, list[dict[str, Any]]]:
    found = {}
    for label in SCORE_LABELS:
        scored = [n for n in notes if label in n.scores]
        shown = [printed(label, n.scores[label]) if printed else n.scores[label] for n in scored]
        found[label] = [vars(b) for b in calibration(shown, [n.labels[label] for n in scored])]
    return found


def error_summary(rows: Sequence[SetFigures]) -> str:
    """Per error kind and set: how many, the range of the scores that matter, and the rules' evidence."""
    lines = []
    for kind in ERROR_KINDS:
        lines.append(f"- {kind}:")
        for row in rows:
            notes = row.errors()[kind]
            detail = ""
            if notes:
                ranges = [score_range(label, [n.scores.get(label) for n in notes]) for label in KIND_SCORES[kind]]
                key = KIND_EVIDENCE.get(kind, "")
                evidence = Counter(n.evidence[key] for n in notes if key in n.evidence)
                said = ", ".join(f"{what}: {count}" for what, count in evidence.most_common())
                detail = "; ".join(part for part in [*ranges, said] if part)
            lines.append(f"  - {row.name}: {len(notes)}" + (f" ({detail})" if detail else ""))
    return "\n".join(lines)


def score_range(label: str, values: Iterable[float | None]) -> str:
    known = sorted(v for v in values if v is not None)
    if not known:
        return ""
    return f"{label} {known[0]:.2f}–{known[-1]:.2f}, median {statistics.median(known):.2f}"


def error_listing(rows: Sequence[SetFigures]) -> str:
    """Every error with its id, scores, evidence and text (for the terminal; never written to the repository)."""
    lines = []
    for kind in ERROR_KINDS:
        lines.append(f"#### {kind}")
        for row in rows:
            for note in row.errors()[kind]:
                scores = " ".join(f"{label[0]}={note.scores[label]:.2f}" for label in SCORE_LABELS if label in note.scores)
                text = " ".join(note.text.split())
                key = KIND_EVIDENCE.get(kind, "")
                evidence = f"; {note.evidence[key]}" if key in note.evidence else ""
                lines.append(f"- [{row.name}] {note.id} ({scores}; {note.language}{evidence}): {text}")
        lines.append("")
    return "\n".join(lines).rstrip()
