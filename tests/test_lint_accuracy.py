"""The issue's accuracy targets, measured with scripts/evaluate.py on labeled notes.

dev-notes.jsonl is the shared dev set; extra-notes.jsonl holds notes written for this project
(different people, wordings and products) as a check that the patterns generalise.
holdout-notes.jsonl (157 notes: many industries, non-native and lower-case writing, every canned
default, pitch and placeholder style) was written fresh and then tuned on; holdout2-notes.jsonl
(40 notes) was written after the tuning and measured blind once (see docs/linter.md).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "evaluate.py"


def _evaluate_module():
    spec = importlib.util.spec_from_file_location("evaluate", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules["evaluate"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


EVALUATE = _evaluate_module()


@pytest.mark.parametrize("blank", [False, True], ids=["trained", "blank"])
@pytest.mark.parametrize("name", ["dev-notes.jsonl", "extra-notes.jsonl", "holdout-notes.jsonl", "holdout2-notes.jsonl"])
def test_accuracy_targets(name: str, blank: bool):
    tables = EVALUATE.evaluate(EVALUATE.load(DATA / name), blank=blank)
    generic, personal = tables["generic"], tables["no-specifics"]
    sales, placeholder = tables["sales-pitch"], tables["placeholder"]
    assert generic.recall >= 0.90, f"generic misses: {generic.fn}"
    assert len(personal.fp) <= 0.10 * (len(personal.fp) + len(personal.tn)), f"false alarms: {personal.fp}"
    assert sales.precision >= 0.90 and sales.recall >= 0.90, (sales.fp, sales.fn)
    assert placeholder.recall == 1.0 and not placeholder.fp, (placeholder.fp, placeholder.fn)


def test_evaluate_script_prints_tables(capsys):
    assert EVALUATE.main([str(DATA / "dev-notes.jsonl"), "--errors"]) == 0
    out = capsys.readouterr().out
    assert "| sales_pitch → sales-pitch |" in out and "precision" in out
