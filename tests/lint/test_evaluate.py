"""scripts/evaluate.py --real: the per-set table, the errors by kind, AUC and reliability, on invented notes.

The notes below are written for this test (none comes from a real set); several carry a wrong label
on purpose, so that each error kind has one known instance. Their verdicts rest on the exact rules
(canned phrases, hook phrases such as "we met at", sales phrases, placeholder syntax), not on a
score near a threshold. The arithmetic itself is checked on made-up verdicts, without the linter.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from tests.helpers import load_script

EVALUATE = load_script("evaluate")
METRICS = sys.modules["eval_metrics"]


def _note(note_id: str, group: str, text: str, **labels: bool) -> dict:
    names = ("generic", "sales_pitch", "placeholder", "personal_specific")
    return {"id": note_id, "set": group, "text": text, "labels": {name: labels.get(name, False) for name in names}}


NOTES = [
    _note("a1", "alpha", "Hi, I'd like to join your professional network on LinkedIn.", generic=True),
    _note("a2", "alpha", "Hi [First Name], I'd like to add you to my professional network.", generic=True, placeholder=True),
    _note(
        "a3",
        "alpha",
        "Hi Tomasz, we met at the Rust meetup in Lisbon last Thursday and talked about borrow checker errors. "
        "Let's stay in touch!",
        personal_specific=True,
    ),
    # Mislabeled on purpose: a canned note marked personal (no-specifics on a personal note).
    _note("a4", "alpha", "Hello, I would like to connect with you.", personal_specific=True),
    # Mislabeled on purpose: a stated hook marked generic (missed generic).
    _note("a5", "alpha", "Hi Mia, we were classmates at Hillside High and I remember your robotics project.", generic=True),
    _note(
        "b1",
        "beta",
        "Hi Dana, we offer lead generation services for SaaS companies. Can I book 15 minutes for a quick demo next week?",
        generic=True,
        sales_pitch=True,
    ),
    # Mislabeled on purpose: a friendly note marked a pitch (missed pitch).
    _note(
        "b2",
        "beta",
        "Hi Lee, we met at the board games club on Friday. See you next week!",
        sales_pitch=True,
        personal_specific=True,
    ),
    # Mislabeled on purpose: a pitch marked not one (false pitch).
    _note("b3", "beta", "We offer bookkeeping services for startups. Book a free demo call today!", generic=True),
    # Mislabeled on purpose: an unfilled field marked filled (placeholder false alarm).
    _note(
        "b4",
        "beta",
        "Hi {{first_name}}, we met at the Rust meetup in Lisbon and talked about borrow checker errors.",
        personal_specific=True,
    ),
    # Mislabeled on purpose: a filled note marked as holding a field (missed placeholder).
    _note(
        "b5",
        "beta",
        "Hi Mia, we were classmates at Hillside High and I remember your robotics project.",
        placeholder=True,
        personal_specific=True,
    ),
]


@pytest.fixture(scope="module")
def real_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("real") / "invented.jsonl"
    path.write_text("".join(json.dumps(n) + "\n" for n in NOTES), encoding="utf-8")
    return path


def test_the_table_per_set_counts_every_figure(real_file: Path, capsys: pytest.CaptureFixture[str]):
    assert EVALUATE.main(["--real", str(real_file), "--no-corpus"]) == 0
    out = capsys.readouterr().out
    assert "| alpha (5) | 0.67 (2/3) | 0.50 (1/2) | – / – (tp 0, fp 0, fn 0) | 1.00 (1/1) / 0 |" in out
    assert "| beta (5) | 1.00 (2/2) | 0.00 (0/3) | 0.50 / 0.50 (tp 1, fp 1, fn 1) | 0.00 (0/1) / 1 |" in out
    assert "corpus test" not in out
    assert "  - alpha: 1 (generic " in out and "  - beta: 0" in out  # missed generic, per set
    assert "reliability of `sales_pitch`: alpha, beta (10 notes" in out
    assert "Hello, I would like" not in out  # texts only with --errors


def test_errors_are_listed_by_kind_with_id_and_text(real_file: Path, capsys: pytest.CaptureFixture[str]):
    assert EVALUATE.main(["--real", str(real_file), "--no-corpus", "--errors"]) == 0
    listing = capsys.readouterr().out.split("### every error", 1)[1]
    expected = {
        "missed generic": ["a5"],
        "no-specifics on personal": ["a4"],
        "missed pitch": ["b2"],
        "false pitch": ["b3"],
        "missed placeholder": ["b5"],
        "placeholder false alarm": ["b4"],
    }
    sections = dict(part.split("\n", 1) for part in listing.split("#### ")[1:])
    for kind, ids in expected.items():
        found = [line.split("] ", 1)[1].split(" ", 1)[0] for line in sections[kind].splitlines() if line.startswith("- [")]
        assert found == ids, kind
    assert "a4 (g=" in listing and "Hello, I would like to connect with you." in listing


def test_json_has_the_figures_counts_and_error_ids(real_file: Path, capsys: pytest.CaptureFixture[str]):
    assert EVALUATE.main(["--real", str(real_file), "--no-corpus", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    beta = report["sets"]["beta"]
    assert beta["notes"] == 5 and beta["sales_precision"] == 0.5 and beta["placeholder_false_alarms"] == 1
    assert beta["counts"]["no_specifics_on_personal"] == {"fired": 0, "labeled": 3}
    assert report["sets"]["alpha"]["errors"]["no-specifics on personal"] == ["a4"]
    assert report["sets"]["alpha"]["auc"]["sales_pitch"] is None  # no pitch in alpha
    assert sum(b["count"] for b in report["calibration"]["generic"]) == 10


def test_a_bad_real_file_is_one_line(tmp_path: Path):
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps({"id": "x", "text": "Hi", "labels": {"generic": True}}) + "\n", encoding="utf-8")
    with pytest.raises(SystemExit, match=r"note 1 \(x\) has no label sales_pitch, placeholder, personal_specific"):
        EVALUATE.main(["--real", str(path), "--no-corpus"])


def _judged(note_id: str, fired: set[str], **labels: bool) -> object:
    names = ("generic", "sales_pitch", "placeholder", "personal_specific")
    return METRICS.Judged(note_id, "", {n: labels.get(n, False) for n in names}, frozenset(fired))


def test_figures_and_error_kinds_on_made_up_verdicts():
    notes = [
        _judged("1", {"generic-phrase"}, generic=True),
        _judged("2", set(), generic=True, sales_pitch=True),
        _judged("3", {"no-specifics", "sales-pitch"}, personal_specific=True),
        _judged("4", {"sales-pitch", "placeholder"}, sales_pitch=True, placeholder=True),
    ]
    row = METRICS.SetFigures("made up", notes)
    figures = row.figures()
    assert figures["generic_recall"] == 0.5 and figures["no_specifics_on_personal"] == 1.0
    assert (figures["sales_precision"], figures["sales_recall"]) == (0.5, 0.5)
    assert (figures["placeholder_recall"], figures["placeholder_false_alarms"]) == (1.0, 0)
    assert METRICS.error_kinds(notes[1]) == ["missed generic", "missed pitch"]
    assert METRICS.error_kinds(notes[2]) == ["no-specifics on personal", "false pitch"]


def test_auc_and_reliability_bins():
    assert METRICS.auc([0.9, 0.8, 0.3, 0.1], [True, True, False, False]) == 1.0
    assert METRICS.auc([0.5, 0.5], [True, False]) == 0.5
    assert METRICS.auc([0.2], [True]) is None
    bins = METRICS.calibration([0.05, 0.15, 0.95, 1.0], [False, True, True, True])
    assert [b.count for b in bins] == [1, 1, 0, 0, 0, 0, 0, 0, 0, 2]
    assert bins[9].observed == 1.0 and bins[0].observed == 0.0 and bins[2].mean_predicted is None
    assert METRICS.expected_calibration_error(bins) == pytest.approx((0.05 + 0.85 + 2 * 0.025) / 4)
