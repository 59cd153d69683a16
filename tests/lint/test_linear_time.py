"""Linting time grows linearly with the note, whatever it is made of.

A pattern that backtracks (the link and e-mail regexes once did) or a tokenizer that re-slices a
long run (spaCy's, on "!?!?!?...") makes a long note cost quadratic time: 100,000 characters of
"a-a-a-" took minutes and stalled a whole batch. Each case lints n and 8n characters of the same
stuff: linear work takes about 8 times as long, quadratic about 64 times. The bound (24) leaves room
for noise and never needs a timing constant from this machine.
"""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from composer.lint import lint_text

SMALL, LARGE = 1_500, 12_000
BOUND = 24
#: Characters that patterns and the tokenizer treat specially: punctuation runs, link and e-mail
#: parts, placeholder brackets, capitals, emoji, spaces.
RISKY = "a-.@_!?[]{}<>%$#XA é👋 \n/:'\"()"


def seconds(text: str) -> float:
    best = float("inf")
    for _ in range(2):
        start = time.perf_counter()
        lint_text(text, limit=200)
        best = min(best, time.perf_counter() - start)
    return best


def growth(unit: str) -> float:
    small = (unit * (SMALL // len(unit) + 1))[:SMALL]
    large = (unit * (LARGE // len(unit) + 1))[:LARGE]
    return seconds(large) / max(seconds(small), 1e-3)


@pytest.fixture(scope="module", autouse=True)
def warm() -> None:
    lint_text("warm the pipeline up", limit=200)


@pytest.mark.parametrize("unit", ["a-", "!?", "👋", "a.", "x@", "[Name] ", "XXXX", "{a} ", "A ! ", "a_"])
def test_known_worst_cases_grow_linearly(unit: str):
    assert growth(unit) < BOUND


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=RISKY, min_size=1, max_size=6))
def test_any_repeated_pattern_grows_linearly(unit: str):
    assert growth(unit) < BOUND
