#!/usr/bin/env python3
"""Measure the linter against a labeled JSONL file (the format of ../shared/data/dev-notes.jsonl).

Each line: {"id", "text", "labels": {"generic", "sales_pitch", "placeholder", "personal_specific"}}.
Prints, per check, a confusion table and precision/recall as Markdown:

- generic: the `generic` label vs (`generic-phrase` or `no-specifics` fired);
- no-specifics false alarms: `personal_specific` notes on which `no-specifics` fired;
- sales-pitch: the `sales_pitch` label vs `sales-pitch` fired;
- placeholder: the `placeholder` label vs `placeholder` fired.

    python scripts/evaluate.py tests/data/dev-notes.jsonl           # trained pipeline
    python scripts/evaluate.py tests/data/dev-notes.jsonl --blank   # spacy.blank("en")
    python scripts/evaluate.py FILE --errors                        # also list each miss
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path


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


def load(path: Path) -> list[dict]:
    notes = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            try:
                notes.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise SystemExit(f"{path}:{number}: not valid JSON ({exc.msg})") from None
    return notes


def evaluate(notes: list[dict], *, blank: bool = False) -> dict[str, Confusion]:
    """Run the linter over labeled notes and fill one confusion table per check."""
    from composer.lint import lint_many

    tables = {
        "generic": Confusion("generic → generic-phrase or no-specifics"),
        "no-specifics": Confusion("personal_specific → no-specifics (false alarms)"),
        "sales-pitch": Confusion("sales_pitch → sales-pitch"),
        "placeholder": Confusion("placeholder → placeholder"),
    }
    by_id = {str(n["id"]): n for n in notes}
    items = ((str(n["id"]), n["text"], n.get("name")) for n in notes)
    for note_id, _text, findings in lint_many(items, blank=blank):
        labels = by_id[note_id]["labels"]
        fired = {f.rule for f in findings}
        tables["generic"].add(note_id, bool(labels["generic"]), bool(fired & {"generic-phrase", "no-specifics"}))
        if labels["personal_specific"]:
            # Every personal note is a negative for no-specifics: firing is a false alarm.
            tables["no-specifics"].add(note_id, False, "no-specifics" in fired)
        tables["sales-pitch"].add(note_id, bool(labels["sales_pitch"]), "sales-pitch" in fired)
        tables["placeholder"].add(note_id, bool(labels["placeholder"]), "placeholder" in fired)
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
            n = len(t.fp) + len(t.tn)
            rate = len(t.fp) / n if n else 0.0
            rows.append(f"| {t.name} | – | {len(t.fp)} | – | {len(t.tn)} | false-alarm rate {rate:.2f} | – |")
        else:
            rows.append(
                f"| {t.name} | {len(t.tp)} | {len(t.fp)} | {len(t.fn)} | {len(t.tn)} | {t.precision:.2f} | {t.recall:.2f} |"
            )
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", type=Path, help="labeled JSONL file")
    parser.add_argument("--blank", action="store_true", help='use spacy.blank("en") instead of the trained pipeline')
    parser.add_argument("--errors", action="store_true", help="list the ids of every miss and false alarm")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from composer.lint.pipeline import get_pipeline

    notes = load(args.path)
    tables = evaluate(notes, blank=args.blank)
    name = get_pipeline(args.blank).name
    print(markdown(tables, f"{args.path.name}: {len(notes)} notes, pipeline {name}"))
    if args.errors:
        for t in tables.values():
            if t.fp or t.fn:
                print(f"\n{t.name}\n  false alarms: {', '.join(t.fp) or '-'}\n  misses: {', '.join(t.fn) or '-'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
