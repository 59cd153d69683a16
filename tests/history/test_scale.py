"""The history at scale: band keys narrow the near-identical checks, and a file from before them keeps working.

A draft's `repeated-note` reads only the recent notes that share a band key with it, and still finds a
near-copy among thousands; a merge's `batch-duplicate`, its candidates narrowed in SQL, groups as the
in-memory LSH did;
forgetting drops the band keys with what they were of; and a history written by the schema before
verdicts and band keys (made here with its own migrations and rows) migrates and answers as before.
"""

from __future__ import annotations

import json
import random
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from composer.history.duplicates import similar_pairs
from composer.history.store import Note, migrations, now, open_history, statements, to_text
from composer.similarity import Signatures, band_keys, clusters, shingles, skeleton
from tests.helpers import EVENT, run_cli

WORDS = [f"w{n}" for n in range(2000)]


@pytest.fixture(autouse=True)
def history_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "data" / "history.sqlite3"
    monkeypatch.setenv("INVITE_COMPOSER_HISTORY", str(path))
    return path


def _unlike(rng: random.Random) -> str:
    """A note unlike any other (14 words of 2,000)."""
    return "Hi there, " + " ".join(rng.sample(WORDS, 14)) + "."


@pytest.mark.slow
def test_a_near_copy_among_thousands_of_recent_notes_is_found_reading_only_its_candidates(history_file: Path):
    rng = random.Random(5)
    copy = "Hi Ana, great meeting you at PyCon US and talking about packaging tools. I'd enjoy staying in touch here."
    notes = [(Note(_unlike(rng), f"Person{i} Example"), [], skeleton(_unlike(rng))) for i in range(3000)]
    notes.insert(1234, (Note(copy, "Zoe Quinn"), [], skeleton(copy, ["ana"])))
    with open_history(history_file) as history:
        history.record(notes, command="merge", at=now() - timedelta(days=3))
        draft_skel = skeleton(copy.replace("packaging tools", "packaging"), ["ana"])
        candidates = history.repeat_candidates(now() - timedelta(days=30), band_keys(shingles(draft_skel)))
    assert [c[0] for c in candidates] == ["Zoe Quinn"]  # the one near-copy, not the 3,000 others
    result = run_cli("draft", *EVENT, "--set", "topic=packaging", "--name", "Ana Lima")
    assert result.exit_code == 1 and "repeated-note" in result.stderr and "Zoe Quinn" in result.stderr


@pytest.mark.slow
@pytest.mark.parametrize("threshold", [0.8, 0.6])
def test_batch_groups_with_candidates_from_sql_are_the_in_memory_ones(threshold: float):
    rng = random.Random(11)
    notes = [_unlike(rng) for _ in range(400)]
    for size in (2, 5, 30):
        base = _unlike(rng)
        notes += [base] * (size - 1) + [base.replace("Hi there", "Hello there")]
    rng.shuffle(notes)
    signatures = Signatures()
    for text in notes:
        signatures.add(skeleton(text))
    found = signatures.groups(threshold, pairs=similar_pairs).members()
    assert found == clusters([shingles(skeleton(text)) for text in notes], threshold)
    assert sorted(len(group) for group in found) == [2, 5, 30]


def test_forgetting_drops_the_band_keys_of_what_went(history_file: Path):
    with open_history(history_file) as history:
        history.record(
            [(Note("Hi Ana, great meeting you at PyCon.", "Ana Lima"), [], "hi _r_ great meeting you at pycon")], command="draft"
        )
        assert history.query("SELECT COUNT(*) FROM bands")[0][0] > 0
    assert run_cli("history", "forget", "Ana Lima").exit_code == 0
    with open_history(history_file) as history:
        assert history.query("SELECT COUNT(*) FROM bands") == [(0,)]


# --------------------------------------------------------------------------- a file from the schema before


OLD_NOTE = "Hi Ana, great meeting you at PyCon US and talking about packaging. I'd enjoy staying in touch here."


def _old_history(path: Path) -> None:
    """A history as the version before verdicts and band keys wrote it: migrations 1-5, a recorded note (a week
    ago) and an import with a sent note and a pending received one, in the columns it had."""
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)")
    for migration in migrations()[:5]:
        for statement in statements(migration.sql):
            db.execute(statement)
        db.execute("INSERT INTO schema_version VALUES (?, ?, '2026-01-01T00:00:00Z')", (migration.number, migration.name))
    week_ago = to_text(now() - timedelta(days=7))
    db.execute(
        "INSERT INTO notes (sent_at, run, command, recipient, recipient_key, relationship, template, text, length, account,"
        " findings, skeleton, kind) VALUES (?, 'r1', 'draft', 'Zoe Quinn', 'zoe quinn', 'event', 'event-brief', ?, ?, 'free',"
        " '[]', ?, 'invitation')",
        (week_ago, OLD_NOTE, len(OLD_NOTE), skeleton(OLD_NOTE, ["ana"])),
    )
    db.execute("INSERT INTO accounts (name, name_key, added_at) VALUES ('Sam Lee', 'sam lee', '2026-02-08T10:00:00Z')")
    db.execute(
        "INSERT INTO imports (path, export_date, imported_at, invitations, connections, account, complete)"
        " VALUES ('export.zip', '2026-02-08', '2026-02-08T10:00:00Z', 2, 1, 1, 1)"
    )
    rows = [
        ("outgoing|2026-01-29T14:37|zoe quinn", "outgoing", "2026-01-29T14:37", "Zoe Quinn", "zoe quinn", OLD_NOTE, 1),
        ("incoming|2026-02-05T18:45|grace kim", "incoming", "2026-02-05T18:45", "Grace Kim", "grace kim",
         "Hi Sam, we met at the Berlin Rust meetup on Tuesday - I asked about your async executor.", 0),
    ]  # fmt: skip
    for identity, direction, sent_at, person, key, message, connected in rows:
        db.execute(
            "INSERT INTO invitations (identity, direction, sent_at, person, person_key, message, connected, matched_by,"
            " seen_in, account) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, 1)",
            (identity, direction, sent_at, person, key, message, connected, "name" if connected else None),
        )
    db.close()


@pytest.mark.slow
def test_a_history_from_the_schema_before_migrates_and_answers_as_before(history_file: Path):
    _old_history(history_file)
    inbox = run_cli("inbox", "--format", "json")
    assert inbox.exit_code == 0, inbox.output
    [grace] = map(json.loads, inbox.stdout.splitlines())
    assert (grace["from"], grace["action"], grace["number"]) == ("Grace Kim", "accept", 1)
    report = json.loads(run_cli("stats", "--format", "json").stdout)
    groups = {(g["dimension"], g["group"]): (g["sent"], g["accepted"]) for g in report["groups"]}
    assert groups[("all", "all sent invitations")] == (1, 1) and groups[("verdict", "specific notes")] == (1, 1)
    assert groups[("template", "template event-brief")] == (1, 1) and report["matched_to_history"] == 1
    ben = run_cli("draft", *EVENT, "--set", "topic=packaging", "--name", "Ben Ortiz")  # the week-old note gets its band keys
    assert "repeated-note" in ben.stderr and "Zoe Quinn" in ben.stderr
    with open_history(history_file) as history:
        assert history.query("SELECT MAX(version) FROM schema_version") == [(migrations()[-1].number,)]
        assert history.query("SELECT COUNT(*) FROM notes WHERE skel_hash IS NULL OR text_hash IS NULL") == [(0,)]
        assert history.query("SELECT COUNT(*) FROM invitations WHERE lint_version IS NULL") == [(0,)]
