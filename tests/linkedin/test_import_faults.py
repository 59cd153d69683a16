"""`invite import` against hostile and faulty exports: zip bombs, huge cells and lines, dates that cannot be,
another person's export, text meant for the terminal, an import stopped midway, and memory that must stay bounded.

Real zip files, real SQLite files, invented people (`tests/linkedin/exports.py`).
"""

from __future__ import annotations

import dataclasses
import json
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from composer.history.store import open_history
from composer.history.store.merging import ImportTable
from composer.linkedin import importer
from composer.linkedin.settings import import_limits
from composer.linkedin.show import day
from composer.lint import lint_text
from tests.helpers import one_line_error, run_cli
from tests.linkedin.exports import EXPECTED, connections_csv, invitations_csv, write_export

SAM_INBOX = ["Jon Berg", "Ivy Chen", "Grace Kim", "Farid Haddad", "Eve Adams"]


@pytest.fixture(autouse=True)
def history_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "data" / "history.sqlite3"
    monkeypatch.setenv("INVITE_COMPOSER_HISTORY", str(path))
    return path


def caps(monkeypatch: pytest.MonkeyPatch, **changes: int) -> None:
    """Lower the import's caps (composer/data/linkedin_import.yaml) for one test."""
    lowered = dataclasses.replace(import_limits(), **changes)
    monkeypatch.setattr(importer, "import_limits", lambda: lowered)


def inbox(*args: str) -> list[dict]:
    result = run_cli("inbox", "--format", "json", *args)
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def counts(history_file: Path) -> tuple[int, int, int]:
    with open_history(history_file) as history:
        [(invitations,)] = history.query("SELECT COUNT(*) FROM invitations")
        [(imports,)] = history.query("SELECT COUNT(*) FROM imports")
        [(accounts,)] = history.query("SELECT COUNT(*) FROM accounts")
    return invitations, imports, accounts


# --------------------------------------------------------------------------- zip bombs and memory


def test_a_zip_that_expands_too_much_is_refused_before_extracting(tmp_path: Path, history_file: Path):
    bomb = tmp_path / "Basic_LinkedInDataExport_02-08-2026.zip"
    row = 'Sam Lee,Ana Lima,"1/29/26, 2:37 PM",,OUTGOING\n'
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("Invitations.csv", "From,To,Sent At,Message,Direction\n" + row * 60_000)  # 2.7 MB from ~10 KB
    assert bomb.stat().st_size < 50_000
    error = one_line_error(run_cli("import", str(bomb)))
    assert "refused before extracting: Invitations.csv would expand" in error and "at most 100 times" in error
    assert counts(history_file) == (0, 0, 0)


def test_a_zip_over_the_size_cap_is_refused_before_extracting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    caps(monkeypatch, max_total_bytes=1_000)
    error = one_line_error(run_cli("import", str(write_export(tmp_path))))
    assert "refused before extracting: its files would take" in error and "over the 1000 bytes an import reads" in error


@pytest.mark.slow  # thousands of rows, twice (~2 s)
def test_memory_stays_bounded_however_many_rows(tmp_path: Path, history_file: Path, monkeypatch: pytest.MonkeyPatch):
    """Every row streams through staging: four times the rows, about the same peak (it was ~3x the CSV, held)."""
    caps(monkeypatch, batch=200)

    def peak(rows: int, folder: str) -> int:
        invitations = [("OUTGOING", f"Person{i} Example", f"p-{i}", "1/29/26, 2:37 PM", f"note {i} " * 20) for i in range(rows)]
        export = write_export(tmp_path / folder, invitations=invitations_csv(True, invitations), as_zip=False)
        tracemalloc.start()
        try:
            with open_history(history_file) as history:
                importer.import_export(history, export)
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    small, large = peak(1_500, "small"), peak(6_000, "large")
    assert large < small * 1.5, (small, large)


@pytest.mark.slow
def test_one_line_of_any_length_is_read_in_bounded_memory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A 20 MB line is read through in pieces and skipped (naming it), not held: the rest imports."""
    caps(monkeypatch, max_cell_characters=10_000, max_line_characters=40_000)
    rows = invitations_csv(True).splitlines(keepends=True)
    huge = 'Sam Lee,Nobody,"1/29/26, 2:37 PM",' + "x," * 10_000_000 + "OUTGOING\n"
    export = write_export(tmp_path, invitations="".join([rows[0], huge, *rows[1:]]), as_zip=False)
    lint_text("Hi Ana")  # the linter's model, which the import then judges the notes with, loads once per process
    tracemalloc.start()
    try:
        result = run_cli("import", str(export))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert result.exit_code == 0, result.output
    assert f"{export / 'Invitations.csv'}:2: a line longer than 40,000 characters; row skipped" in result.stderr
    assert "10 invitations" in result.stderr and peak < 8_000_000, peak


# --------------------------------------------------------------------------- cells, dates, text


def test_a_cell_over_131072_characters_imports_and_one_over_the_cap_is_skipped(tmp_path: Path, history_file: Path):
    long_note, too_long = "a" * 200_000, "b" * (import_limits().max_cell_characters + 1)
    rows = [
        ("OUTGOING", "Ana Lima", "ana-lima-0a1", "1/29/26, 2:37 PM", long_note),
        ("OUTGOING", "Ben Ortiz", "ben-ortiz-7f2", "1/30/26, 9:05 AM", too_long),
        ("INCOMING", "Eve Adams", "eve-adams-9", "2/1/26, 10:00 AM", ""),
    ]
    export = write_export(tmp_path, invitations=invitations_csv(True, rows), as_zip=False)
    result = run_cli("import", str(export))
    assert result.exit_code == 0, result.output
    assert f"{export / 'Invitations.csv'}:3: a cell longer than 1,048,576 characters; row skipped" in result.stderr
    assert "2 invitations" in result.stderr
    with open_history(history_file) as history:
        assert history.query("SELECT person, length(message) FROM invitations ORDER BY person") == [
            ("Ana Lima", 200_000),
            ("Eve Adams", 0),
        ]


def test_rows_dated_after_tomorrow_or_before_linkedin_are_refused_naming_file_and_line(tmp_path: Path, history_file: Path):
    rows = [
        ("INCOMING", "Eve Adams", "eve-adams-9", "2/1/26, 10:00 AM", ""),
        ("INCOMING", "Future Person", "future-1", "12/31/68, 11:00 PM", ""),
        ("OUTGOING", "Ancient Person", "ancient-1", "1/1/0001, 9:00 AM", ""),
    ]
    export = write_export(tmp_path, invitations=invitations_csv(True, rows))
    result = run_cli("import", str(export))
    assert result.exit_code == 0, result.output
    assert f"{export}:Invitations.csv:3: Sent At '12/31/68, 11:00 PM' is after " in result.stderr
    assert f"{export}:Invitations.csv:4: Sent At '1/1/0001, 9:00 AM' is before 2003-01-01" in result.stderr
    assert "(export of 2026-02-08): 1 invitations from 2026-02-01 to 2026-02-01" in result.stderr
    assert "1-01-01" not in result.output
    with open_history(history_file) as history:
        assert history.query("SELECT person FROM invitations") == [("Eve Adams",)]


def test_dates_print_with_four_digit_years():
    from datetime import date, datetime

    from composer.history.store import to_minutes

    assert day(date(1, 1, 1)) == "0001-01-01" and day(datetime(999, 12, 31, 8, 5)) == "0999-12-31"
    assert to_minutes(datetime(1, 1, 1, 9, 0)) == "0001-01-01T09:00"


def test_one_future_row_never_makes_its_export_the_newest(tmp_path: Path):
    """The export's date is its name's: a 2068 row is refused, and next month's export decides what is pending."""
    poisoned = invitations_csv(True) + 'Ghost Writer,Sam Lee,"12/31/68, 11:59 PM",,INCOMING,https://www.linkedin.com/in/g,\n'
    first = write_export(tmp_path / "a", invitations=poisoned)
    assert "(export of 2026-02-08)" in run_cli("import", str(first)).stderr
    later = [("INCOMING", "Kai Nakamura", "kai-n-1", "3/2/26, 9:00 AM", "")]
    newer = write_export(tmp_path / "b", name="Basic_LinkedInDataExport_03-08-2026", invitations=invitations_csv(True, later))
    assert "(export of 2026-03-08)" in run_cli("import", str(newer)).stderr
    assert [item["from"] for item in inbox()] == ["Kai Nakamura"]


def test_an_export_is_dated_by_its_files_when_its_name_has_no_date_that_can_be(tmp_path: Path):
    export = tmp_path / "Basic_LinkedInDataExport_12-31-2068.zip"
    with zipfile.ZipFile(export, "w") as archive:
        for name, text in (("Invitations.csv", invitations_csv(True)), ("Connections.csv", connections_csv(True, True))):
            archive.writestr(zipfile.ZipInfo(name, date_time=(2026, 3, 1, 12, 0, 0)), text)
    result = run_cli("import", str(export))
    assert result.exit_code == 0, result.output
    assert "the date in its name (2068-12-31) cannot be right; dated by its files" in result.stderr
    assert "(export of 2026-03-01)" in result.stderr


def test_an_export_poisoned_by_an_earlier_version_is_dated_the_day_it_was_imported(history_file: Path):
    """Migration 5: an export dated after the day it was imported (by its newest row, before) gets that day."""
    import sqlite3

    from composer.history import store

    history_file.parent.mkdir(parents=True)
    old = sqlite3.connect(history_file, isolation_level=None)
    old.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)")
    for migration in store.migrations()[:4]:
        for statement in store.statements(migration.sql):
            old.execute(statement)
        old.execute("INSERT INTO schema_version VALUES (?, ?, '2026-02-08T10:00:00Z')", (migration.number, migration.name))
    old.execute("INSERT INTO imports VALUES (1, 'x.zip', '2068-12-31', '2026-02-08T10:00:00Z', 1, 0)")
    old.close()
    with open_history(history_file) as history:
        assert history.newest_export_date() == "2026-02-08"


@pytest.mark.parametrize("fmt", ["json", "text"])
def test_bidi_zero_width_and_escapes_from_an_export_never_reach_the_terminal(tmp_path: Path, fmt: str):
    hostile = "Eve\u202eAdams\u200b\x1b[31m"
    rows = [
        ("INCOMING", hostile, "eve-adams-9", "2/1/26, 10:00 AM", "Hi \u200bSam,\u2066 we met\u2069 at \x1b]8;;x\x07PyCon\u202e"),
        ("OUTGOING", "Ben\u200dOrtiz\u202e", "ben-ortiz-7f2", "1/1/26, 9:05 AM", "Hi\u200b Ben"),
    ]
    run_cli("import", str(write_export(tmp_path, invitations=invitations_csv(True, rows))))
    results = [
        run_cli("inbox", "--format", fmt),
        run_cli("inbox", "--sent", "--format", fmt),
        run_cli("history", "--search", "e", "--format", fmt),
        run_cli("inbox", "reply", "1", "--no-input"),
    ]
    for result in results:
        assert result.exit_code == 0, result.output
        for forbidden in ("\u202e", "\u200b", "\u2066", "\u2069", "\x1b", "\x07"):
            assert forbidden not in result.stdout + result.stderr, (forbidden, result.stdout)
    assert "Eve" in results[0].stdout and "PyCon" in results[0].stdout and results[3].stdout.startswith("Hi Eve,")


# --------------------------------------------------------------------------- whose export it is


def test_another_persons_export_is_refused_unless_asked_and_kept_apart(tmp_path: Path, history_file: Path):
    run_cli("import", str(write_export(tmp_path / "sam")))
    kims = [
        ("INCOMING", "Lena Park", "lena-park-1", "2/3/26, 9:00 AM", ""),
        ("OUTGOING", "Ana Lima", "ana-lima-0a1", "1/15/26, 9:00 AM", "Hi Ana, from Kim."),
    ]
    kim = write_export(
        tmp_path / "kim", invitations=invitations_csv(True, kims, me="Kim Park", my_slug="kim-park-42"), profile=None
    )
    before = counts(history_file)
    error = one_line_error(run_cli("import", str(kim)))
    assert "an export of Kim Park (linkedin.com/in/kim-park-42), not of Sam Lee (linkedin.com/in/sam-lee-example)" in error
    assert "--another-account" in error and counts(history_file) == before
    allowed = run_cli("import", str(kim), "--another-account")
    assert allowed.exit_code == 0 and "the export of Kim Park (linkedin.com/in/kim-park-42), another account" in allowed.stderr
    assert [i["from"] for i in inbox()] == SAM_INBOX  # yours by default
    assert [i["from"] for i in inbox("--profile", "kim park")] == ["Lena Park"]
    assert [i["from"] for i in inbox("--profile", "linkedin.com/in/KIM-PARK-42/")] == ["Lena Park"]
    assert len(inbox("--profile", "all")) == 6
    stats = json.loads(run_cli("stats", "--format", "json").stdout)
    assert stats["groups"][0]["sent"] == 4  # Sam's sent invitations only
    assert json.loads(run_cli("stats", "--format", "json", "--profile", "Kim Park").stdout)["groups"][0]["sent"] == 1
    unknown = one_line_error(run_cli("inbox", "--profile", "Zed Nobody"))
    assert "the history holds: Sam Lee (linkedin.com/in/sam-lee-example); Kim Park (linkedin.com/in/kim-park-42)" in unknown
    again = run_cli("import", str(kim))  # known now: no flag needed, nothing twice
    assert again.exit_code == 0 and "(0 new)" in again.stderr


def test_the_same_account_across_eras_and_without_a_profile_is_no_other(tmp_path: Path, history_file: Path):
    old = write_export(tmp_path / "2021", urls=False, name="Basic_LinkedInDataExport_04-01-2021", profile=None)
    assert run_cli("import", str(old)).exit_code == 0  # named by its invitations' own side: Sam Lee
    assert run_cli("import", str(write_export(tmp_path / "2026"))).exit_code == 0  # Sam Lee with a URL now
    received_only = [("INCOMING", "Zoe Quinn", "zoe-q", "2/2/26, 9:00 AM", "")]
    nameless = write_export(tmp_path / "x", urls=False, invitations=invitations_csv(False, received_only, me=""), profile=None)
    assert run_cli("import", str(nameless)).exit_code == 0  # says nothing about whose it is: yours
    assert counts(history_file)[2] == 1


def test_forgetting_the_imports_forgets_the_accounts(tmp_path: Path):
    run_cli("import", str(write_export(tmp_path / "sam")))
    assert run_cli("history", "forget", "--source", "export").exit_code == 0
    kim = write_export(tmp_path / "kim", invitations=invitations_csv(True, me="Kim Park", my_slug="kim-park-42"))
    assert run_cli("import", str(kim)).exit_code == 0


# --------------------------------------------------------------------------- stopped midway


def test_an_import_stopped_midway_changes_nothing(tmp_path: Path, history_file: Path, monkeypatch: pytest.MonkeyPatch):
    """Ctrl-C after some batches were committed: they are undone, and what readers saw never changed."""
    caps(monkeypatch, batch=2)
    run_cli("import", str(write_export(tmp_path / "a")))
    before, pending = counts(history_file), inbox()
    rows = [*[("INCOMING", f"New Person{i}", f"new-{i}", "2/20/26, 9:00 AM", "") for i in range(7)]]
    newer = invitations_csv(True) + "".join(invitations_csv(True, rows).splitlines(keepends=True)[1:])
    export = write_export(tmp_path / "b", name="Basic_LinkedInDataExport_03-08-2026", invitations=newer)
    seen: list[list[dict]] = []

    def interrupted(self, run, has_urls):
        seen.append(inbox())  # a reader while the batches are in: the import is not there yet
        raise KeyboardInterrupt

    monkeypatch.setattr(ImportTable, "_stage_changes", interrupted)
    result = run_cli("import", str(export))
    assert result.exit_code == 130 and "Traceback" not in result.output
    assert seen == [pending] and counts(history_file) == before and inbox() == pending


def test_a_killed_import_stays_hidden_and_the_next_one_undoes_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    caps(monkeypatch, batch=3)
    run_cli("import", str(write_export(tmp_path / "a")))
    pending = inbox()
    extra = [("INCOMING", "Half Imported", "half-1", "2/20/26, 9:00 AM", "")]
    newer = write_export(tmp_path / "b", name="Basic_LinkedInDataExport_03-08-2026", invitations=invitations_csv(True, extra))

    def killed(self, *args):
        raise SystemExit(137)  # as if the process died: no undo

    with monkeypatch.context() as patched:
        patched.setattr(ImportTable, "_complete", killed)
        patched.setattr(ImportTable, "_undo", lambda self, run, batch: None)
        with open_history() as history, pytest.raises(SystemExit):
            importer.import_export(history, newer)
    assert inbox() == pending and "Half" not in run_cli("history", "--search", "half").stdout
    result = run_cli("import", str(newer))
    assert result.exit_code == 0 and "1 invitations from 2026-02-20 to 2026-02-20 (all new)" in result.stderr
    assert [i["from"] for i in inbox()] == ["Half Imported"]


def test_an_interrupt_just_after_the_last_commit_keeps_the_import_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    completed = ImportTable._complete

    def then_interrupted(self, run):
        completed(self, run)
        raise KeyboardInterrupt

    monkeypatch.setattr(ImportTable, "_complete", then_interrupted)
    assert run_cli("import", str(write_export(tmp_path))).exit_code == 130
    assert [i["from"] for i in inbox()] == SAM_INBOX


def test_one_import_at_a_time(tmp_path: Path, history_file: Path):
    from composer.history.store.database import import_lock

    export = write_export(tmp_path)
    history_file.parent.mkdir(parents=True)
    with import_lock(history_file):
        error = one_line_error(run_cli("import", str(export)))
        assert "another `invite import` is reading an export into this history" in error
    assert run_cli("import", str(export)).exit_code == 0


def test_states_survive_the_batched_merge(tmp_path: Path, history_file: Path, monkeypatch: pytest.MonkeyPatch):
    """Batches of one row: the same accepted and pending as one transaction gave."""
    caps(monkeypatch, batch=1)
    assert run_cli("import", str(write_export(tmp_path))).exit_code == 0
    with open_history(history_file) as history:
        rows = history.query("SELECT direction, person, connected FROM invitations")
    assert {p for d, p, c in rows if d == "outgoing" and c} == EXPECTED["accepted"]
    assert {p for d, p, c in rows if d == "incoming" and not c} == EXPECTED["pending"]


@pytest.mark.slow  # a real import of 20,000 invitations in another process (~5 s)
def test_a_draft_during_a_big_import_records_and_no_write_waits_long(tmp_path: Path, history_file: Path):
    import os
    import sqlite3
    import subprocess
    import sys
    import time

    from tests.helpers import REPO

    rows = [("OUTGOING", f"Person{i} Example", f"p-{i}", f"1/{1 + i % 28}/26, 9:{i % 60:02d} AM", "") for i in range(20_000)]
    export = write_export(tmp_path, invitations=invitations_csv(True, rows), as_zip=False)
    run_cli("draft", "-r", "event", "--set", "first_name=Ana", "--set", "event=PyCon US", "--no-input")  # the file exists
    env = {**os.environ, "PYTHONPATH": str(REPO), "INVITE_COMPOSER_HISTORY": str(history_file)}
    process = subprocess.Popen([sys.executable, "-m", "composer", "import", str(export)], env=env, stderr=subprocess.PIPE)
    longest, blocked_since, drafts = 0.0, None, []
    while process.poll() is None:
        probe = sqlite3.connect(history_file, timeout=0, isolation_level=None)
        try:
            probe.execute("BEGIN IMMEDIATE")
            probe.execute("ROLLBACK")
            if blocked_since is not None:
                longest, blocked_since = max(longest, time.monotonic() - blocked_since), None
        except sqlite3.OperationalError:
            blocked_since = blocked_since or time.monotonic()
        finally:
            probe.close()
        if not drafts:
            drafts.append(run_cli("draft", "-r", "event", "--set", "first_name=Ben", "--set", "event=RustConf", "--no-input"))
        time.sleep(0.01)
    if blocked_since is not None:
        longest = max(longest, time.monotonic() - blocked_since)
    assert process.wait() == 0, process.stderr.read() if process.stderr else ""
    assert drafts and "not recorded" not in drafts[0].stderr
    with open_history(history_file) as history:
        assert history.query("SELECT COUNT(*) FROM notes") == [(2,)]
        assert history.query("SELECT COUNT(*) FROM invitations") == [(20_000,)]
    assert longest < 1.0, longest
