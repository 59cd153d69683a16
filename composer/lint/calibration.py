"""Calibrated scores: what `invite lint --format json` prints as a note's `scores`.

The classifier was trained on the project's corpus, whose notes are cleaner than real ones, so its raw
scores are over-confident on real notes (a raw 0.95 for `generic` was right about three times in four).
A score a script can read as a probability needs a correction learned on real notes: Platt scaling, a
sigmoid of the raw score's log-odds, `p = 1 / (1 + exp(-(slope * logit(raw) + intercept)))`, one
(slope, intercept) per label. Both numbers per label are data (`composer/data/lint/calibration.yaml`),
chosen by leave-one-set-out on the real-dev sets (`scripts/choose_calibration.py`): nothing else is
fitted to real notes. The correction is monotone, so it changes no finding: the linter's own thresholds
(classifier.yaml) stay on the raw scores.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from functools import cache

from composer.resources import load_data

#: Raw scores are clipped to this distance from 0 and 1 before taking their log-odds.
EPSILON = 1e-4


@cache
def parameters() -> dict[str, tuple[float, float]]:
    """(slope, intercept) per label; a label not listed is printed as it is."""
    data = load_data("lint", "calibration.yaml") or {}
    return {label: (float(entry["slope"]), float(entry["intercept"])) for label, entry in data["labels"].items()}


def logit(score: float) -> float:
    clipped = min(max(score, EPSILON), 1 - EPSILON)
    return math.log(clipped / (1 - clipped))


def sigmoid(z: float) -> float:
    """1 / (1 + e^-z), without overflow for large |z|."""
    return 1 / (1 + math.exp(-z)) if z >= 0 else math.exp(z) / (1 + math.exp(z))


def platt(score: float, slope: float, intercept: float) -> float:
    """The sigmoid of the raw score's scaled log-odds."""
    return sigmoid(slope * logit(score) + intercept)


def calibrated(label: str, score: float) -> float:
    """One raw score through its label's correction (as it is for a label without one)."""
    known = parameters().get(label)
    return platt(score, *known) if known else score


def calibrate(scores: Mapping[str, float]) -> dict[str, float]:
    """Each raw score through its label's correction."""
    return {label: calibrated(label, score) for label, score in scores.items()}
