"""`invite stats`: differences between groups with Newcombe's interval, and replies after connecting.

Published values check the arithmetic; invented exports (tests/linkedin/exports.py), with a
messages.csv shaped like LinkedIn's, check what `import` records and what `stats` says.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from composer.linkedin.intervals import difference, newcombe, wilson
from composer.linkedin.stats import Group, compare
from tests.helpers import run_cli
from tests.linkedin.exports import ME, messages_csv, sent_export


@pytest.fixture(autouse=True)
def history_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "data" / "history.sqlite3"
    monkeypatch.setenv("INVITE_COMPOSER_HISTORY", str(path))
    return path


# --------------------------------------------------------------------------- the arithmetic


@pytest.mark.parametrize(
    ("counts", "expected"),
    # Newcombe (1998), "Interval estimation for the difference between independent proportions", Table II, method 10
    [
        ((56, 70, 48, 80), (0.2000, 0.0524, 0.3339)),
        ((9, 10, 3, 10), (0.6000, 0.1705, 0.8090)),
        ((5, 56, 0, 29), (0.0893, -0.0381, 0.1926)),
        ((0, 10, 0, 20), (0.0, -0.1611, 0.2775)),
    ],
)
def test_newcombe_against_published_values(counts: tuple[int, int, int, int], expected: tuple[float, float, float]):
    assert newcombe(*counts) == pytest.approx(expected, abs=5e-5)


def test_overlapping_intervals_can_still_differ():
    """The issue's case: 30/100 and 45/100 have overlapping Wilson intervals, yet p is about 0.03."""
    (_, high_a), (low_b, _) = wilson(30, 100), wilson(45, 100)
    assert high_a > low_b
    shown = difference(30, 100, 45, 100)
    assert shown.differs
    assert shown.versus("the others") == "15 points lower than the others, 95% interval -28 to -1"


def test_an_interval_that_includes_0_says_so():
    a, b = Group("note", "with a note", total=30, hits=12), Group("note", "without a note", total=30, hits=10)
    assert compare(a, b) == (
        "Acceptance, with a note (40% vs 33%): 7 points higher than without a note, 95% interval -17 to 30; "
        "the interval includes 0, so these invitations cannot tell them apart."
    )


def test_rounded_group_intervals_that_touch_do_not_decide():
    """44%-72% and 21%-44% look like they touch; the difference's own interval is what the words follow."""
    a, b = Group("note", "with a note", total=44, hits=26), Group("note", "without a note", total=57, hits=18)
    assert [f"{end:.0%}" for end in (*a.interval, *b.interval)] == ["44%", "72%", "21%", "44%"]
    assert compare(a, b) == "Acceptance, with a note (59% vs 32%): 28 points higher than without a note, 95% interval 7 to 45."


@pytest.mark.parametrize(
    ("counts", "words"),
    [
        ((5, 100, 0, 100), "5.0 points higher than B, 95% interval 0.3 to 11.2"),  # 0.33: whole points would print 0
        ((20, 100, 10, 100), "10.00 points higher than B, 95% interval 0.01 to 19.95"),  # 0.015: two decimals
    ],
)
def test_an_end_near_0_gets_the_decimals_that_keep_it_off_0(counts: tuple[int, int, int, int], words: str):
    shown = difference(*counts)
    assert shown.differs and shown.versus("B") == words


def test_printed_ends_and_verdict_never_disagree():
    checked = 0
    for total_a, total_b in ((10, 12), (25, 40), (100, 100), (333, 120)):
        for hits_a in range(0, total_a + 1, max(1, total_a // 20)):
            for hits_b in range(0, total_b + 1, max(1, total_b // 20)):
                shown = difference(hits_a, total_a, hits_b, total_b)
                low, high = (float(x) for x in re.findall(r"interval (-?[\d.]+) to (-?[\d.]+)", shown.versus("B"))[0])
                _, exact_low, exact_high = newcombe(hits_a, total_a, hits_b, total_b)
                assert (low > 0 or high < 0) == shown.differs
                assert low <= 100 * exact_low + 1e-9 and high >= 100 * exact_high - 1e-9  # rounded outward
                if shown.differs != (exact_low > 0 or exact_high < 0):
                    assert min(abs(exact_low), abs(exact_high)) < 1e-4  # only within 0.01 points of 0
                checked += 1
    assert checked > 1000


# --------------------------------------------------------------------------- replies after connecting

NOTE = "Hi Person{0}, great meeting you at PyCon US in Pittsburgh and talking about packaging, topic {0}."


def _replies_export(folder: Path, *, urls: bool = True) -> Path:
    """120 sent: 60 with a specific note, 60 without; the even ones accepted (connected on 1 Feb 2026).

    Replies: with a note every fourth (15 of 30), without every eighth (60, 68, ..., 116: 8 of 30).
    Not replies: a message before connecting, one from someone who did not accept, and one from me.
    """
    rows = []
    for i in range(120):
        if (i < 60 and i % 4 == 0) or (i >= 60 and i % 8 == 4):
            rows.append((f"Person{i} Example", f"person-{i}" if urls else None, "2026-02-03 09:15:00 UTC", "Thanks!"))
    rows.append(("Person2 Example", "person-2" if urls else None, "2026-01-10 12:00:00 UTC", "before we connected"))
    rows.append(("Person1 Example", "person-1" if urls else None, "2026-02-05 12:00:00 UTC", "not connected"))
    rows.append((ME, None, "2026-02-06 12:00:00 UTC", "from me to Person6"))
    columns = None if urls else ["FROM", "DATE", "CONTENT"]
    notes = [NOTE.format(i) if i < 60 else "" for i in range(120)]
    return sent_export(folder, notes, lambda i: i % 2 == 0, inbox=messages_csv(rows, columns))


@pytest.mark.parametrize("urls", [True, False], ids=["profile-urls", "names-only-columns"])
def test_replies_after_connecting_with_and_without_a_note(tmp_path: Path, urls: bool):
    imported = run_cli("import", str(_replies_export(tmp_path, urls=urls)))
    assert imported.exit_code == 0, imported.output
    assert "messages: 23 of the 60 who accepted your invitations wrote to you after connecting" in imported.stderr
    report = json.loads(run_cli("stats", "--format", "json").stdout)
    replies = {(g["dimension"], g["group"]): (g["accepted"], g["replied"]) for g in report["replies"]}
    assert replies[("all", "all accepted invitations")] == (60, 23)
    assert replies[("note", "with a note")] == (30, 15)
    assert replies[("note", "without a note")] == (30, 8)
    assert replies[("verdict", "specific notes")] == (30, 15)
    assert {dimension for dimension, _ in replies} == {"all", "note", "verdict", "pitch"}
    # acceptance is counted as before
    groups = {(g["dimension"], g["group"]): (g["sent"], g["accepted"]) for g in report["groups"]}
    assert groups[("all", "all sent invitations")] == (120, 60)
    line = next(c for c in report["comparisons"] if c.startswith("Replies after connecting, with a note"))
    assert line.startswith("Replies after connecting, with a note (50% vs 27%): 23 points higher than without a note")
    text = run_cli("stats").stdout
    assert "Replies after connecting (from messages.csv): 23 of the 60 who accepted" in text
    assert "replied" in text and "No reply rates" not in text


def test_replies_stay_known_when_a_later_export_has_no_messages(tmp_path: Path):
    run_cli("import", str(_replies_export(tmp_path / "first")))
    again = sent_export(tmp_path / "second", [NOTE.format(i) if i < 60 else "" for i in range(120)], lambda i: i % 2 == 0)
    assert "messages:" not in run_cli("import", str(again)).stderr
    report = json.loads(run_cli("stats", "--format", "json").stdout)
    assert report["replies"][0]["replied"] == 23


def test_without_messages_there_are_no_reply_rates(tmp_path: Path):
    run_cli("import", str(sent_export(tmp_path, ["", "Hi"], lambda i: True)))
    assert json.loads(run_cli("stats", "--format", "json").stdout)["replies"] is None
    assert "No reply rates after connecting" in run_cli("stats").stdout


def test_messages_without_a_date_column_are_named_and_skipped(tmp_path: Path):
    inbox = messages_csv([("Person0 Example", "person-0", "2026-02-03 09:15:00 UTC", "Thanks!")], ["FROM", "CONTENT"])
    result = run_cli("import", str(sent_export(tmp_path, ["Hi"], lambda i: True, inbox=inbox)))
    assert result.exit_code == 0
    assert "messages.csv: no FROM or DATE column (found FROM, CONTENT); replies not counted" in result.stderr
    assert json.loads(run_cli("stats", "--format", "json").stdout)["replies"] is None
