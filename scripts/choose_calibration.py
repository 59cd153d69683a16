#!/usr/bin/env python3
"""Choose the Platt scaling of the JSON scores (composer/data/lint/calibration.yaml) by leave-one-set-out.

Real notes are for measurement, so the correction is chosen the way the linter's thresholds are: for
each set of the real-notes file, a (slope, intercept) per label is fitted on the *other* sets and the
held-out set's expected calibration error is reported, before and after. The numbers that ship are the
median over the folds, so no set's notes decide them alone; a label whose correction does not lower
the held-out error in most folds ships none (slope 1, intercept 0: the raw score is already the better
estimate). Prints the report; `--write` also writes calibration.yaml.

    python scripts/choose_calibration.py --real ../shared/data/real-dev.jsonl [--write]
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from eval_metrics import SCORE_LABELS, calibration, expected_calibration_error  # noqa: E402
from evaluate import REPO, judge, load_real  # noqa: E402

sys.path.insert(0, str(REPO))
from composer.lint.calibration import logit, platt, sigmoid  # noqa: E402

OUTPUT = REPO / "composer" / "data" / "lint" / "calibration.yaml"
HEADER = """\
# Platt scaling of the classifier's raw scores for the JSON output (composer/lint/calibration.py):
# p = sigmoid(slope * logit(raw) + intercept). Written by scripts/choose_calibration.py: fitted on two of
# the three real-dev sets at a time, and the median of the folds' numbers ships (slope 1, intercept 0 for a
# label whose correction lost on most held-out sets); each fold's held-out expected calibration error is in
# docs/linter.md.
"""


#: No correction: what ships for a label whose fitted correction lost on most held-out sets.
IDENTITY = (1.0, 0.0)


def log_loss(xs: list[float], truths: list[bool], a: float, b: float) -> float:
    eps = 1e-12
    return -sum(math.log(max(sigmoid(a * x + b) if y else 1 - sigmoid(a * x + b), eps)) for x, y in zip(xs, truths, strict=True))


def fit(scores: list[float], truths: list[bool], steps: int = 100) -> tuple[float, float]:
    """(slope, intercept) minimising log-loss: Newton's method on two parameters, each step halved until
    the loss falls (a full Newton step can overshoot when most scores sit at 0 or 1)."""
    xs = [logit(s) for s in scores]
    a, b = 1.0, 0.0
    loss = log_loss(xs, truths, a, b)
    for _ in range(steps):
        ga = gb = haa = hab = hbb = 0.0
        for x, y in zip(xs, truths, strict=True):
            p = sigmoid(a * x + b)
            d = p - float(y)
            w = max(p * (1 - p), 1e-9)
            ga, gb = ga + d * x, gb + d
            haa, hab, hbb = haa + w * x * x, hab + w * x, hbb + w
        det = haa * hbb - hab * hab
        if abs(det) < 1e-12:
            break
        da, db = (hbb * ga - hab * gb) / det, (haa * gb - hab * ga) / det
        step = 1.0
        while step > 1e-6 and log_loss(xs, truths, a - step * da, b - step * db) > loss:
            step /= 2
        if step <= 1e-6:
            break
        a, b = a - step * da, b - step * db
        new_loss = log_loss(xs, truths, a, b)
        if loss - new_loss < 1e-10:
            break
        loss = new_loss
    return a, b


def ece(scores: list[float], truths: list[bool]) -> float:
    return expected_calibration_error(calibration(scores, truths))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--real", type=Path, required=True, help="real notes, {id, text, labels, set} a line")
    parser.add_argument("--write", action="store_true", help="write the median parameters to calibration.yaml")
    args = parser.parse_args(argv)
    sets = load_real(args.real)
    if len(sets) < 2:
        raise SystemExit(f"{args.real}: leave-one-set-out needs two sets or more")
    judged = {name: judge(notes) for name, notes in sets.items()}
    chosen: dict[str, tuple[float, float]] = {}
    print("| label | held-out set | fitted on | slope | intercept | ECE raw | ECE calibrated |")
    print("|---|---|---|---:|---:|---:|---:|")
    for label in SCORE_LABELS:
        folds, helped = [], 0
        for held in judged:
            train = [n for name, notes in judged.items() if name != held for n in notes if label in n.scores]
            test = [n for n in judged[held] if label in n.scores]
            a, b = fit([n.scores[label] for n in train], [n.labels[label] for n in train])
            folds.append((a, b))
            raw = [n.scores[label] for n in test]
            truths = [n.labels[label] for n in test]
            after = [platt(s, a, b) for s in raw]
            others = "+".join(name for name in judged if name != held)
            helped += ece(after, truths) < ece(raw, truths)
            print(f"| {label} | {held} | {others} | {a:.2f} | {b:.2f} | {ece(raw, truths):.3f} | {ece(after, truths):.3f} |")
        median = (statistics.median(a for a, _ in folds), statistics.median(b for _, b in folds))
        chosen[label] = median if 2 * helped > len(folds) else IDENTITY
    shipped = "; ".join(f"{k} slope {a:.3f} intercept {b:.3f}" for k, (a, b) in chosen.items())
    print(f"\nshipped (median over folds; 1/0 where the correction lost on most held-out sets): {shipped}")
    if args.write:
        body = "labels:\n" + "".join(f"  {k}: {{slope: {a:.3f}, intercept: {b:.3f}}}\n" for k, (a, b) in chosen.items())
        OUTPUT.write_text(HEADER + body, encoding="utf-8")
        print(f"wrote {OUTPUT.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
