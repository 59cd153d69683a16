"""Linting time grows linearly with the note, whatever it is made of.

A pattern that backtracks (the link and e-mail regexes once did) or a tokenizer that re-slices a
long run (spaCy's, on "!?!?!?...") makes a long note cost quadratic time: 100,000 characters of
"a-a-a-" took minutes and stalled a whole batch. Each case lints n and 8n characters of the same
stuff: linear work takes about 8 times as long, quadratic about 64 times. The bound (24) leaves room
for noise and never needs a timing constant from this machine; the best of interleaved, repeated
runs keeps a loaded machine (which only slows runs down) from failing a linear case.
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
    start = time.perf_counter()
    lint_text(text, limit=200)
    return time.perf_counter() - start


def growth(unit: str, rounds: int = 3, attempts: int = 3) -> float:
    """The smallest large/small time ratio seen: each size's best of `rounds` interleaved runs, and
    up to `attempts` tries. Load on the machine only ever slows a run down, so the minimum is the
    honest figure: a linear case soon shows about 8, a quadratic one never gets under 64.
    """
    small = (unit * (SMALL // len(unit) + 1))[:SMALL]
    large = (unit * (LARGE // len(unit) + 1))[:LARGE]
    best = float("inf")
    for _ in range(attempts):
        small_best = large_best = float("inf")
        for _ in range(rounds):
            small_best = min(small_best, seconds(small))
            large_best = min(large_best, seconds(large))
        best = min(best, large_best / max(small_best, 1e-3))
        if best < BOUND:
            break
    return best


@pytest.fixture(scope="module", autouse=True)
def warm() -> None:
    lint_text("warm the pipeline up", limit=200)


@pytest.mark.slow
@pytest.mark.parametrize("unit", ["a-", "!?", "👋", "a.", "x@", "[Name] ", "XXXX", "{a} ", "A ! ", "a_"])
def test_known_worst_cases_grow_linearly(unit: str):
    assert growth(unit) < BOUND


@pytest.mark.slow
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=RISKY, min_size=1, max_size=6))
def test_any_repeated_pattern_grows_linearly(unit: str):
    assert growth(unit) < BOUND
