"""Regression floors for the linter's accuracy, measured with scripts/evaluate.py (see docs/linter.md).

The floors sit a little under the figures measured when the classifier shipped: they catch a
change that makes the linter worse, they are not targets to tune to. The corpus's test split is
never trained on and never used to choose thresholds. tests/data/*.jsonl are the project's older
labeled sets (their labels predate docs/labeling.md: a recruiter's job opening was not a pitch
there, hence the lower sales precision floor); they are evaluation sets only.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.helpers import REPO, load_script

DATA = REPO / "tests" / "data"
FIXTURE = REPO / "tests" / "fixtures" / "labeled-notes.jsonl"


EVALUATE = load_script("evaluate")

#: (generic recall, max false no-specifics rate, sales precision, sales recall, placeholder recall, max placeholder FPs)
#: Generic recall here fell from 0.84 / 0.89 when the classifier stopped overruling named hooks
#: (`generic_alone` 1.01, chosen leave-one-set-out on real notes, where it halves false no-specifics):
#: the corpus's generic notes that name things are caught on real notes by the pitch rule instead.
#: All languages 0.77 -> 0.75 with the seventh and eighth rounds of minimal pairs (0.767 measured): their
#: generic halves name the reader's school, programme or employer as a merge field, and the split's notes in
#: languages that are not judged (Hindi, Russian, Japanese, ...) can never be caught.
TEST_SPLIT_FLOORS = {
    "all": (0.75, 0.07, 0.88, 0.82, 0.97, 8),
    "english": (0.80, 0.06, 0.88, 0.88, 0.97, 8),
}
EVAL_SET_FLOORS = (0.89, 0.12, 0.6, 0.95, 1.0, 0)


def assert_floors(tables: dict, floors: tuple) -> None:
    generic_recall, false_alarms, sales_precision, sales_recall, placeholder_recall, placeholder_fps = floors
    generic, personal = tables["generic"], tables["no-specifics"]
    sales, placeholder = tables["sales-pitch"], tables["placeholder"]
    assert generic.recall >= generic_recall, f"generic misses: {generic.fn}"
    assert personal.false_alarm_rate <= false_alarms, f"no-specifics on personal notes: {personal.fp}"
    assert sales.precision >= sales_precision, f"sales false alarms: {sales.fp}"
    assert sales.recall >= sales_recall, f"sales misses: {sales.fn}"
    assert placeholder.recall >= placeholder_recall, f"placeholder misses: {placeholder.fn}"
    assert len(placeholder.fp) <= placeholder_fps, f"placeholder false alarms: {placeholder.fp}"


@pytest.fixture(scope="module")
def test_split() -> list[dict]:
    return EVALUATE.load(EVALUATE.CORPUS, "test")


@pytest.fixture(scope="module")
def fired_on_test_split(test_split: list[dict]) -> Callable[..., dict[str, set[str]]]:
    """The rules that fired on each test note, linted once per (blank, signals) for all the tests here."""
    runs: dict[tuple[bool, str], dict[str, set[str]]] = {}

    def fired(*, blank: bool = False, signals: str = "both") -> dict[str, set[str]]:
        if (blank, signals) not in runs:
            runs[(blank, signals)] = EVALUATE.fired_rules(test_split, blank=blank, signals=signals)
        return runs[(blank, signals)]

    return fired


@pytest.mark.slow
@pytest.mark.parametrize("blank", [False, True], ids=["trained", "blank"])
@pytest.mark.parametrize("subset", ["all", "english"])
def test_combination_on_the_test_split_stays_above_its_floor(
    test_split: list[dict], fired_on_test_split: Callable[..., dict[str, set[str]]], subset: str, blank: bool
):
    notes = test_split if subset == "all" else [n for n in test_split if n["lang"] == "en"]
    tables = EVALUATE.tables_for(notes, fired_on_test_split(blank=blank))
    assert_floors(tables, TEST_SPLIT_FLOORS[subset])
    if subset == "all":
        language = tables["not-english"]
        assert language.recall >= 0.95 and language.precision >= 0.95, (language.fn, language.fp)


@pytest.mark.slow
def test_the_combination_beats_the_rules_alone_on_the_test_split(
    test_split: list[dict], fired_on_test_split: Callable[..., dict[str, set[str]]]
):
    rules = EVALUATE.tables_for(test_split, fired_on_test_split(signals="rules"))
    both = EVALUATE.tables_for(test_split, fired_on_test_split(signals="both"))
    assert both["generic"].recall > rules["generic"].recall
    assert both["sales-pitch"].recall > rules["sales-pitch"].recall
    # A name the classifier reads as a merge field may now be overruled, and names in a note read as a
    # pitch are no hook (`pitch_names_veto`, which buys 3 points of generic recall here and 2-6 on
    # real-dev): at most a point and a half more false alarms.
    assert both["no-specifics"].false_alarm_rate <= rules["no-specifics"].false_alarm_rate + 0.015


@pytest.mark.slow
@pytest.mark.parametrize("name", ["dev-notes.jsonl", "extra-notes.jsonl", "holdout-notes.jsonl", "holdout2-notes.jsonl"])
def test_combination_on_the_older_labeled_sets(name: str):
    assert_floors(EVALUATE.evaluate(EVALUATE.load(DATA / name)), EVAL_SET_FLOORS)


def test_evaluate_script_prints_tables_for_each_signal(capsys):
    """On a fixture whose answers are known: one summary row per signal, tables and the error list."""
    assert EVALUATE.main([str(FIXTURE), "--tables", "--errors"]) == 0
    out = capsys.readouterr().out
    for signals in ("rules", "classifier", "both"):
        assert f"| labeled-notes.jsonl (6) | {signals} |" in out
        assert f"labeled-notes.jsonl (6), signals {signals}" in out
    assert "| placeholder → placeholder | 1 | 0 | 0 | 5 | 1.00 | 1.00 |" in out
    assert "| not English → not-english | 1 | 0 | 0 | 5 | 1.00 | 1.00 |" in out
    assert "#### errors: labeled-notes.jsonl (6), signals both" in out


def test_evaluate_script_reads_one_split(tmp_path: Path):
    corpus = tmp_path / "notes.jsonl"
    corpus.write_text(FIXTURE.read_text(encoding="utf-8"), encoding="utf-8")
    assert [n["id"] for n in EVALUATE.load(corpus, "test")] == ["f1", "f4"]
