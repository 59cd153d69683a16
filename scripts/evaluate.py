#!/usr/bin/env python3
"""Measure the linter on labeled notes: rules alone, classifier alone, and the two combined.

Each labeled note: {"id", "text", "labels": {"generic", "sales_pitch", "placeholder",
"personal_specific"}[, "lang", "split"]}. Per file (the corpus's test split and every
tests/data/*.jsonl by default) and per signal, a Markdown table of precision and recall:

- generic: the `generic` label vs (`generic-phrase` or `no-specifics` fired);
- no-specifics false alarms: `personal_specific` notes on which `no-specifics` fired;
- sales-pitch: the `sales_pitch` label vs `sales-pitch` fired;
- placeholder: the `placeholder` label vs `placeholder` fired (exact rules in every mode);
- not English (files with `lang`): `lang` other than "en" vs `not-english` fired.

Signals: `rules` is the linter with the classifier's scores ignored; `classifier` lets the scores
alone decide the note-level rules (at `classifier_alone` in classifier.yaml; no canned-phrase
spans); `both` is the linter as it ships. The test split is for reporting only: thresholds are
chosen on the dev split (scripts/choose_thresholds.py).

    python scripts/evaluate.py                                   # corpus test split + tests/data, all signals
    python scripts/evaluate.py tests/data/dev-notes.jsonl --signals both --errors
    python scripts/evaluate.py corpus/notes.jsonl --split dev --blank
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus" / "notes.jsonl"
EVAL_SETS = sorted((REPO / "tests" / "data").glob("*.jsonl"))
SIGNALS = ("rules", "classifier", "both")


@dataclass
class Confusion:
    name: str
    tp: list[str] = field(default_factory=list)
    fp: list[str] = field(default_factory=list)
    fn: list[str] = field(default_factory=list)
    tn: list[str] = field(default_factory=list)

    def add(self, note_id: str, truth: bool, predicted: bool) -> None:
        {(True, True): self.tp, (False, True): self.fp, (True, False): self.fn, (False, False): self.tn}[
            (truth, predicted)
        ].append(note_id)

    @property
    def precision(self) -> float:
        fired = len(self.tp) + len(self.fp)
        return len(self.tp) / fired if fired else 1.0

    @property
    def recall(self) -> float:
        positives = len(self.tp) + len(self.fn)
        return len(self.tp) / positives if positives else 1.0

    @property
    def false_alarm_rate(self) -> float:
        negatives = len(self.fp) + len(self.tn)
        return len(self.fp) / negatives if negatives else 0.0


def load(path: Path, split: str | None = None) -> list[dict]:
    """The labeled notes of a JSONL file (only those of `split`, when given)."""
    notes = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            try:
                note = json.loads(line)
            except json.JSONDecodeError as exc:
                raise SystemExit(f"{path}:{number}: not valid JSON ({exc.msg})") from None
            if split is None or note.get("split") == split:
                notes.append(note)
    return notes


def evaluate(notes: list[dict], *, blank: bool = False, signals: str = "both") -> dict[str, Confusion]:
    """Run the linter over labeled notes and fill one confusion table per check."""
    from composer.lint import lint_results

    tables = {
        "generic": Confusion("generic → generic-phrase or no-specifics"),
        "no-specifics": Confusion("personal_specific → no-specifics (false alarms)"),
        "sales-pitch": Confusion("sales_pitch → sales-pitch"),
        "placeholder": Confusion("placeholder → placeholder"),
    }
    if any("lang" in n for n in notes):
        tables["not-english"] = Confusion("not English → not-english")
    by_id = {str(n["id"]): n for n in notes}
    items = ((str(n["id"]), n["text"], n.get("name")) for n in notes)
    for result in lint_results(items, blank=blank, signals=signals):
        note = by_id[result.id]
        labels = note["labels"]
        fired = {f.rule for f in result.findings}
        tables["generic"].add(result.id, bool(labels["generic"]), bool(fired & {"generic-phrase", "no-specifics"}))
        if labels["personal_specific"]:
            # Every personal note is a negative for no-specifics: firing is a false alarm.
            tables["no-specifics"].add(result.id, False, "no-specifics" in fired)
        tables["sales-pitch"].add(result.id, bool(labels["sales_pitch"]), "sales-pitch" in fired)
        tables["placeholder"].add(result.id, bool(labels["placeholder"]), "placeholder" in fired)
        if "not-english" in tables:
            tables["not-english"].add(result.id, note.get("lang", "en") != "en", "not-english" in fired)
    return tables


def markdown(tables: dict[str, Confusion], title: str) -> str:
    rows = [
        f"#### {title}",
        "",
        "| check | TP | FP | FN | TN | precision | recall |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for key, t in tables.items():
        if key == "no-specifics":
            rows.append(f"| {t.name} | – | {len(t.fp)} | – | {len(t.tn)} | false-alarm rate {t.false_alarm_rate:.2f} | – |")
        else:
            rows.append(
                f"| {t.name} | {len(t.tp)} | {len(t.fp)} | {len(t.fn)} | {len(t.tn)} | {t.precision:.2f} | {t.recall:.2f} |"
            )
    return "\n".join(rows)


def summary(results: dict[tuple[str, str], dict[str, Confusion]]) -> str:
    """One row per file and signal: the figures the issue's targets are stated in."""
    rows = [
        "| notes | signals | generic R | false no-specifics | sales P / R | placeholder R / FP |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for (name, signals), t in results.items():
        sales, placeholder = t["sales-pitch"], t["placeholder"]
        rows.append(
            f"| {name} | {signals} | {t['generic'].recall:.2f} | {t['no-specifics'].false_alarm_rate:.3f} | "
            f"{sales.precision:.2f} / {sales.recall:.2f} | {placeholder.recall:.2f} / {len(placeholder.fp)} |"
        )
    return "\n".join(rows)


def errors(tables: dict[str, Confusion], notes: list[dict]) -> str:
    """Every miss and false alarm, with the note's text."""
    text = {str(n["id"]): " ".join(n["text"].split()) for n in notes}
    lines = []
    for t in tables.values():
        for kind, ids in (("false alarm", t.fp), ("miss", t.fn)):
            lines += [f"- {t.name}: {kind} {note_id}: {text[note_id][:160]}" for note_id in ids]
    return "\n".join(lines)


def subsets(path: Path, notes: list[dict], split: str | None) -> list[tuple[str, list[dict]]]:
    """The notes to report on: all of them, and, when they carry a language, the English ones alone.

    The English-only judgements are skipped for notes in other languages (`not-english`), so a
    generic Spanish note is a miss in the first row; the second shows the judgements themselves.
    """
    where = f"{split}, " if split else ""
    found = [(f"{path.name} ({where}{len(notes)})", notes)]
    if any(n.get("lang", "en") != "en" for n in notes):
        english = [n for n in notes if n.get("lang", "en") == "en"]
        found.append((f"{path.name} ({where}English, {len(english)})", english))
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "paths", type=Path, nargs="*", help="labeled JSONL files (default: the corpus's test split and tests/data)"
    )
    parser.add_argument("--split", help="only the notes of this split (files with a split field); default test for the corpus")
    parser.add_argument("--signals", default=",".join(SIGNALS), help="comma-separated: rules, classifier, both")
    parser.add_argument("--blank", action="store_true", help='use spacy.blank("en") instead of the trained pipeline')
    parser.add_argument("--errors", action="store_true", help="list every miss and false alarm of the last signal")
    parser.add_argument("--tables", action="store_true", help="the full confusion table per file and signal")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(REPO))
    from composer.lint.pipeline import get_pipeline

    chosen = [s.strip() for s in args.signals.split(",") if s.strip()]
    if not chosen or any(s not in SIGNALS for s in chosen):
        parser.error(f"--signals: choose from {', '.join(SIGNALS)}")
    paths = args.paths or [CORPUS, *EVAL_SETS]
    pipeline_name = get_pipeline(args.blank).name
    results: dict[tuple[str, str], dict[str, Confusion]] = {}
    listings = []
    for path in paths:
        split = args.split or ("test" if path.resolve() == CORPUS else None)
        for name, notes in subsets(path, load(path, split), split):
            for signals in chosen:
                tables = evaluate(notes, blank=args.blank, signals=signals)
                results[(name, signals)] = tables
                if args.tables:
                    listings.append(markdown(tables, f"{name}, signals {signals}, pipeline {pipeline_name}"))
            if args.errors:
                listings.append(f"#### errors: {name}, signals {chosen[-1]}\n\n{errors(results[(name, chosen[-1])], notes)}")
    print(f"pipeline {pipeline_name}\n\n{summary(results)}")
    for listing in listings:
        print(f"\n{listing}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
