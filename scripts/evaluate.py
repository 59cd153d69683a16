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

Real notes (`--real FILE`, lines of {"id", "text", "labels", "set"}) get the report the issue's
targets are stated in: per set, beside the corpus's test split, the linter as `invite lint --jsonl
FILE --format json` runs it (default settings); the errors by kind with the classifier's scores
and the rules' evidence (`--errors` lists each note's id and text, on the terminal only); AUC per
set and label; and the reliability of the scores, pooled over the file. `--leave-one-writer-out`
adds the same figures for each writer kind of the corpus with the classifier trained, and its
thresholds chosen, without that writer (one to two minutes a writer on 2 cores). `--json` prints
the figures only, as JSON.

    python scripts/evaluate.py --real ../shared/data/real-dev.jsonl --errors
    python scripts/evaluate.py --leave-one-writer-out --json
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the helper module next to this script

from eval_metrics import (  # noqa: E402
    Judged,
    SetFigures,
    auc_table,
    calibration_dict,
    calibration_tables,
    error_kinds,
    error_listing,
    error_summary,
    table,
)

if TYPE_CHECKING:
    from choose_thresholds import Evidence

    from composer.lint.catalog import Thresholds

REPO = Path(__file__).resolve().parent.parent
LABELS = ("generic", "sales_pitch", "placeholder", "personal_specific")
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
    return tables_for(notes, fired_rules(notes, blank=blank, signals=signals))


def fired_rules(notes: list[dict], *, blank: bool = False, signals: str = "both") -> dict[str, set[str]]:
    """The rules that fired on each note, by id: one linter run that tables for any subset can share."""
    from composer.lint import lint_results

    items = ((str(n["id"]), n["text"], n.get("name")) for n in notes)
    return {str(result.id): {f.rule for f in result.findings} for result in lint_results(items, blank=blank, signals=signals)}


def tables_for(notes: list[dict], fired_by_id: dict[str, set[str]]) -> dict[str, Confusion]:
    """One confusion table per check, for these notes, from the rules that fired on each (`fired_rules`)."""
    tables = {
        "generic": Confusion("generic → generic-phrase or no-specifics"),
        "no-specifics": Confusion("personal_specific → no-specifics (false alarms)"),
        "sales-pitch": Confusion("sales_pitch → sales-pitch"),
        "placeholder": Confusion("placeholder → placeholder"),
    }
    if any("lang" in n for n in notes):
        tables["not-english"] = Confusion("not English → not-english")
    for note in notes:
        note_id, labels = str(note["id"]), note["labels"]
        fired = fired_by_id[note_id]
        tables["generic"].add(note_id, bool(labels["generic"]), bool(fired & {"generic-phrase", "no-specifics"}))
        if labels["personal_specific"]:
            # Every personal note is a negative for no-specifics: firing is a false alarm.
            tables["no-specifics"].add(note_id, False, "no-specifics" in fired)
        tables["sales-pitch"].add(note_id, bool(labels["sales_pitch"]), "sales-pitch" in fired)
        tables["placeholder"].add(note_id, bool(labels["placeholder"]), "placeholder" in fired)
        if "not-english" in tables:
            tables["not-english"].add(note_id, note.get("lang", "en") != "en", "not-english" in fired)
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


# --------------------------------------------------------------------------- real notes, by set


def judge(notes: list[dict], *, blank: bool = False, signals: str = "both") -> list[Judged]:
    """Lint the notes as `invite lint --jsonl FILE --format json` does (default settings), one `Judged` each.

    Scores are the raw ones rounded to 3 places (the JSON output prints them calibrated).
    """
    from composer.lint import lint_results

    items = ((str(n["id"]), n["text"], n.get("name")) for n in notes)
    return [
        Judged(
            id=str(note["id"]),
            text=note["text"],
            labels={label: bool(note["labels"][label]) for label in LABELS},
            fired=frozenset(f.rule for f in result.findings),
            scores={label: round(score, 3) for label, score in result.scores.items()},
            language=result.language,
        )
        for note, result in zip(notes, lint_results(items, blank=blank, signals=signals), strict=True)
    ]


def load_real(path: Path) -> dict[str, list[dict]]:
    """The notes of a real-format file by their `set` (the file's name when a note has none), checked."""
    try:
        notes = load(path)
    except OSError as exc:
        raise SystemExit(f"{path}: cannot read ({exc.strerror})") from None
    sets: dict[str, list[dict]] = {}
    for number, note in enumerate(notes, start=1):
        labels = note.get("labels") if isinstance(note, dict) else None
        if not isinstance(labels, dict) or not isinstance(note.get("text"), str) or "id" not in note:
            raise SystemExit(f"{path}: note {number} needs an id, a text and labels")
        missing = [label for label in LABELS if label not in labels]
        if missing:
            raise SystemExit(f"{path}: note {number} ({note['id']}) has no label {', '.join(missing)}")
        sets.setdefault(str(note.get("set", path.stem)), []).append(note)
    return sets


def describe(found: Evidence, limits: Thresholds, signals: str) -> dict[str, str]:
    """The rules' evidence in a note and what decided each note-level judgement, in a few words."""
    from composer.lint.combine import english_decisions

    scores = None if signals == "rules" else found.scores
    hook = "slot" if found.slot else f"{found.hook or 'no'} hook"
    canned = ", canned phrase" if found.canned else ""
    pitch, decision = english_decisions(found.phrase, found.slot, found.hook, scores, signals, limits, found.words, found.seeking)
    return {
        "specifics": f"{hook}{canned} -> no-specifics {DECIDED[decision]}",
        "pitch": f"{'a' if found.phrase else 'no'} sales phrase -> sales-pitch {DECIDED[pitch]}",
    }


#: How each decision of composer/lint/combine.py reads in an error listing (None: the rule stays quiet).
DECIDED = {None: "quiet", "phrase": "on the phrase", "score": "by score", "no hook": "by no hook", "slot": "by slot"}


def add_evidence(judged: list[Judged], signals: str) -> None:
    """Fill in `evidence` for the notes with an error (the rules re-run on them, NER on every one)."""
    from composer.lint.catalog import thresholds
    from composer.lint.language import is_judged

    wrong = [j for j in judged if error_kinds(j)]
    limits = thresholds()
    for note, found in zip(wrong, gather_evidence(wrong), strict=True):
        if note.language != "en":  # the rules read English: the classifier alone judged it, or nothing did
            how = "classifier alone" if is_judged(note.language) else "not judged"
            note.evidence = {key: f"{how} ({note.language})" for key in ("specifics", "pitch")}
        else:
            note.evidence = describe(found, limits, signals)


def gather_evidence(judged: list[Judged]) -> list[Evidence]:
    """What the rules find in each note, with the classifier's scores (choose_thresholds.gather)."""
    from choose_thresholds import gather

    return gather([{"text": j.text, "labels": j.labels} for j in judged])


def corpus_rows(signals: str, blank: bool) -> list[SetFigures]:
    """The corpus's test split, all of it and its English notes (the other languages are not judged)."""
    test = judge(load(CORPUS, "test"), blank=blank, signals=signals)
    english = [j for j, n in zip(test, load(CORPUS, "test"), strict=True) if n["lang"] == "en"]
    return [SetFigures("corpus test", test), SetFigures("corpus test, English", english)]


# --------------------------------------------------------------------------- leave one writer out

#: Writer kinds never held out: `unknown` is no kind (notes whose writer was not recorded); they always train.
NOT_HELD_OUT = frozenset({"unknown"})


def rejudge(note: Judged, found: Evidence, limits: Thresholds) -> Judged:
    """The verdict with another classifier's scores and thresholds; the classifier-free rules stay as linted.

    A note the linter judged not English keeps its verdict: the classifier is never asked about it.
    """
    from composer.lint.combine import english_decisions

    if note.language != "en":
        return note
    fired = set(note.fired - {"no-specifics", "sales-pitch"})
    scores = found.scores
    pitch, specifics = english_decisions(found.phrase, found.slot, found.hook, scores, "both", limits, found.words, found.seeking)
    if specifics:
        fired.add("no-specifics")
    if pitch:
        fired.add("sales-pitch")
    rounded = {label: round(score, 3) for label, score in scores.items()}
    return Judged(note.id, note.text, note.labels, frozenset(fired), rounded, note.language)


def leave_one_writer_out(workdir: Path) -> dict[str, Any]:
    """Per writer kind: train without its notes, choose thresholds on the dev split without them, judge them.

    Training is scripts/train_classifier.py (fixed seed, so reruns agree) and the thresholds are
    scripts/choose_thresholds.py's choice; the verdicts come from the same decision functions the
    linter uses (`rejudge`), checked first to reproduce the shipped linter note for note. Held-out
    notes are the writer's English notes of every split (the classifier sees only English notes).
    """
    import train_classifier
    from choose_thresholds import choose, gather

    from composer.lint.catalog import thresholds
    from composer.lint.classifier import CLASSIFIER_DIR, TRAINED_NAME
    from composer.lint.keys import CLASSIFIER_PIPE
    from composer.lint.pipeline import get_pipeline

    notes = load(CORPUS)
    english = [n for n in notes if n["lang"] == "en" and n["writer"] not in NOT_HELD_OUT]
    shipped = judge(english)
    found = gather(english)
    agree = sum(rejudge(j, e, thresholds()).fired == j.fired for j, e in zip(shipped, found, strict=True))
    result: dict[str, Any] = {"reproduced": [agree, len(english)], "rows": [], "reference": [], "thresholds": {}}
    pipe: Any = get_pipeline().nlp.get_pipe(CLASSIFIER_PIPE)  # a trained TextCategorizer (from_disk), typed as a callable
    try:
        for writer in sorted({n["writer"] for n in english}):
            folder = workdir / writer
            folder.mkdir(parents=True, exist_ok=True)
            corpus = folder / "corpus.jsonl"
            corpus.write_text("".join(json.dumps(n) + "\n" for n in notes if n["writer"] != writer), encoding="utf-8")
            print(f"leave-one-writer-out: training without {writer}", file=sys.stderr)
            with contextlib.redirect_stdout(sys.stderr):
                train_classifier.train(train_classifier.DEFAULT_CONFIG, corpus, folder, folder / "classifier", {})
            pipe.from_disk(folder / "classifier" / TRAINED_NAME, exclude=["vocab"])
            limits = choose(
                gather([n for n in notes if n["split"] == "dev" and n["lang"] == "en" and n["writer"] != writer]), thresholds()
            )
            held = [(j, n) for j, n in zip(shipped, english, strict=True) if n["writer"] == writer]
            rejudged = [rejudge(j, e, limits) for (j, _), e in zip(held, gather([n for _, n in held]), strict=True)]
            result["rows"].append(SetFigures(f"{writer} held out", rejudged))
            result["reference"].append(SetFigures(f"{writer}, test split, shipped", [j for j, n in held if n["split"] == "test"]))
            result["thresholds"][writer] = vars(limits)
    finally:
        pipe.from_disk(CLASSIFIER_DIR / TRAINED_NAME, exclude=["vocab"])
    return result


# --------------------------------------------------------------------------- the report


def real_report(args: argparse.Namespace) -> int:
    """The per-set report (`--real`, `--leave-one-writer-out`): text, or JSON with `--json`."""
    from composer.lint.catalog import thresholds
    from composer.lint.pipeline import get_pipeline

    signals = args.signals or "both"
    if signals not in SIGNALS:
        raise SystemExit(f"--signals: with --real choose one of {', '.join(SIGNALS)}")
    real_notes: list[Judged] = []
    rows = []
    pooled_over = "corpus test"
    if args.real:
        sets = load_real(args.real)
        real_notes = judge([n for notes in sets.values() for n in notes], blank=args.blank, signals=signals)
        start = 0
        for name, notes in sets.items():
            rows.append(SetFigures(name, real_notes[start : start + len(notes)]))
            start += len(notes)
        pooled_over = ", ".join(sets)
    if not args.no_corpus:
        rows += corpus_rows(signals, args.blank)
    add_evidence([j for row in rows for j in row.notes], signals)
    pooled = real_notes or (rows[0].notes if rows else [])
    lowo = None
    if args.leave_one_writer_out:
        with tempfile.TemporaryDirectory(prefix="invite-lowo-") as tmp:
            lowo = leave_one_writer_out(Path(tmp))
    header = f"pipeline {get_pipeline(args.blank).name}, signals {signals}, thresholds {vars(thresholds())}"
    if args.json:
        print(json.dumps(json_report(header, rows, pooled, pooled_over, lowo), indent=2))
        return 0
    print(text_report(header, rows, pooled, pooled_over, lowo))
    if args.errors:
        print(f"\n### every error (id, scores g/s/p, language, rules' evidence, text)\n\n{error_listing(rows)}")
    return 0


def text_report(header: str, rows: list[SetFigures], pooled: list[Judged], pooled_over: str, lowo: dict | None) -> str:
    from composer.lint.calibration import calibrated  # the scores as the JSON output prints them

    parts = [
        header,
        f"### note-level judgements per set\n\n{table(rows)}",
        f"### AUC of the classifier's scores per set\n\n{auc_table(rows)}",
        f"### errors by kind (count; score range; the rules' evidence -> what decided)\n\n{error_summary(rows)}",
        f"### reliability of the scores, pooled over {pooled_over}\n\n{calibration_tables(pooled, pooled_over, calibrated)}",
    ]
    if lowo is not None:
        agree, total = lowo["reproduced"]
        parts.append(
            "### leave one writer out (corpus; English notes; `unknown` writers always train)\n\n"
            f"The decision functions reproduce the shipped linter on {agree} of {total} notes.\n\n"
            f"{table(lowo['rows'])}\n\nThe shipped classifier (trained with these writers) on their test-split notes:\n\n"
            f"{table(lowo['reference'])}\n\n{auc_table(lowo['rows'])}\n\n"
            f"#### errors by kind, held-out writers\n\n{error_summary(lowo['rows'])}\n\n"
            "thresholds chosen per held-out writer: " + "; ".join(f"{w}: {t}" for w, t in lowo["thresholds"].items())
        )
    return "\n\n".join(parts)


def json_report(header: str, rows: list[SetFigures], pooled: list[Judged], pooled_over: str, lowo: dict | None) -> dict:
    from composer.lint.calibration import calibrated  # the scores as the JSON output prints them

    report: dict[str, Any] = {
        "settings": header,
        "sets": {row.name: row.to_dict() for row in rows},
        "calibration": {"pooled_over": pooled_over, **calibration_dict(pooled, calibrated)},
    }
    if lowo is not None:
        report["leave_one_writer_out"] = {
            "reproduced": lowo["reproduced"],
            "held_out": {row.name: row.to_dict() for row in lowo["rows"]},
            "shipped_on_test_split": {row.name: row.to_dict() for row in lowo["reference"]},
            "thresholds": lowo["thresholds"],
        }
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "paths", type=Path, nargs="*", help="labeled JSONL files (default: the corpus's test split and tests/data)"
    )
    parser.add_argument("--split", help="only the notes of this split (files with a split field); default test for the corpus")
    parser.add_argument(
        "--signals", help="comma-separated: rules, classifier, both (default all; with --real one of them, default both)"
    )
    parser.add_argument("--blank", action="store_true", help='use spacy.blank("en") instead of the trained pipeline')
    parser.add_argument(
        "--errors", action="store_true", help="list every miss and false alarm (of the last signal), with its text"
    )
    parser.add_argument("--real", type=Path, help='real notes, {"id", "text", "labels", "set"} a line: the report per set')
    parser.add_argument("--no-corpus", action="store_true", help="with --real: leave out the corpus's test split")
    parser.add_argument(
        "--leave-one-writer-out", action="store_true", help="train without each writer kind of the corpus and judge its notes"
    )
    parser.add_argument("--json", action="store_true", help="with --real or --leave-one-writer-out: the figures as JSON")
    parser.add_argument("--tables", action="store_true", help="the full confusion table per file and signal")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(REPO))
    if args.real or args.leave_one_writer_out:
        if args.paths or args.split or args.tables:
            parser.error("--real and --leave-one-writer-out take no FILE, --split or --tables")
        return real_report(args)
    if args.json or args.no_corpus:
        parser.error("--json and --no-corpus go with --real or --leave-one-writer-out")
    from composer.lint.pipeline import get_pipeline

    chosen = [s.strip() for s in (args.signals or ",".join(SIGNALS)).split(",") if s.strip()]
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
