"""The history under a held lock and a full disk: a draft waits a little, retries, and says what it could not do;
a full disk is never called a damaged database, and nobody is told to delete it.

Real SQLite files: the lock is held by another connection, the full disk is SQLite's own SQLITE_FULL (a
`max_page_count` the file has reached) or a simulated one.
"""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

import pytest

from composer.history import store
from composer.history.log import NoteLog
from composer.history.store import HistoryError, open_history
from composer.history.store import database as db
from tests.helpers import one_line_error, run_cli
from tests.linkedin.exports import invitations_csv, write_export

#: A draft whose findings (a repeated note, to a second person) do not change the exit code.
EVENT = ("draft", "-r", "event", "--set", "first_name=Ana", "--set", "event=PyCon US", "--no-input", "--fail-on", "error")
FULL = "database or disk is full"


@pytest.fixture(autouse=True)
def history_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "data" / "history.sqlite3"
    monkeypatch.setenv("INVITE_COMPOSER_HISTORY", str(path))
    monkeypatch.setattr(db, "BUSY_TIMEOUT_S", 0.1)  # a second each in use; a tenth here, so the tests are quick
    monkeypatch.setattr(db, "RETRY_PAUSE_S", 0.02)
    return path


def recorded(history_file: Path) -> int:
    with open_history(history_file) as history:
        [(count,)] = history.query("SELECT COUNT(*) FROM notes")
    return int(count)


def holding_the_lock(history_file: Path) -> sqlite3.Connection:
    holder = sqlite3.connect(history_file, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")  # another process in the middle of a write (an import's batch, a merge)
    return holder


# --------------------------------------------------------------------------- a lock held by another process


@pytest.mark.slow
def test_a_draft_retries_while_another_writer_holds_the_lock_and_records(history_file: Path, monkeypatch: pytest.MonkeyPatch):
    run_cli(*EVENT, "--name", "Ben Ortiz")
    holder = holding_the_lock(history_file)
    said = NoteLog._waiting

    def release_after_the_first_try(self: NoteLog, attempt: int, attempts: int) -> None:
        said(self, attempt, attempts)
        if holder.in_transaction:  # the other writer finishes while this one waits
            holder.execute("COMMIT")

    monkeypatch.setattr(NoteLog, "_waiting", release_after_the_first_try)
    try:
        result = run_cli(*EVENT, "--name", "Ana Lima")
    finally:
        holder.close()
    assert result.exit_code == 0 and result.stdout.startswith("Hi Ana")
    assert "the history is busy (another invite command is writing it); trying again (2 of 3)" in result.stderr
    assert "not recorded" not in result.stderr and recorded(history_file) == 2


@pytest.mark.slow
def test_a_draft_that_cannot_record_says_so_after_a_few_tries(history_file: Path):
    run_cli(*EVENT, "--name", "Ben Ortiz")
    holder = holding_the_lock(history_file)
    try:
        result = run_cli(*EVENT, "--name", "Ana Lima")
    finally:
        holder.close()
    assert result.exit_code == 0 and result.stdout.startswith("Hi Ana")
    lines = result.stderr.splitlines()
    assert [line for line in lines if "trying again" in line][-1].endswith("(3 of 3)")
    [warning] = [line for line in lines if line.startswith("warning:")]
    assert "locked by another invite process" in warning and warning.endswith("the note was not recorded")
    assert recorded(history_file) == 1


def test_readers_do_not_wait_for_a_writer(history_file: Path, tmp_path: Path):
    run_cli("import", str(write_export(tmp_path)))
    holder = holding_the_lock(history_file)
    try:
        assert run_cli("inbox", "--sent", "--format", "json").exit_code == 0
        assert run_cli("history", "--search", "ana").exit_code == 0
    finally:
        holder.close()


# --------------------------------------------------------------------------- a full disk


@pytest.mark.slow
def test_a_full_disk_is_not_damage_and_the_note_is_still_delivered(history_file: Path, monkeypatch: pytest.MonkeyPatch):
    run_cli(*EVENT, "--name", "Ben Ortiz")

    def full(self):
        raise sqlite3.OperationalError(FULL)

    monkeypatch.setattr(db.Database, "_begin", full)
    result = run_cli(*EVENT, "--name", "Ana Lima")
    assert result.exit_code == 0 and result.stdout.startswith("Hi Ana")
    [warning] = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert (
        warning == f"warning: disk full: free some space; the history at {history_file} is unchanged; the note was not recorded"
    )
    forget = one_line_error(run_cli("history", "forget", "--all", "--yes"))
    assert forget == f"error: disk full: free some space; the history at {history_file} is unchanged\n"
    monkeypatch.undo()
    assert recorded(history_file) == 1


def test_an_import_into_a_full_disk_changes_nothing(history_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """SQLite's own SQLITE_FULL, midway through the merge: one line, no word of damage or deleting, nothing imported."""
    run_cli(*EVENT, "--name", "Ben Ortiz")
    with open_history(history_file) as history:
        [(pages,)] = history.query("PRAGMA page_count")
    connect = db.connect

    def at_its_limit(path: Path, *, create: bool) -> sqlite3.Connection:
        connection = connect(path, create=create)
        connection.execute(f"PRAGMA max_page_count = {pages}")  # not one page more
        return connection

    monkeypatch.setattr(store.history, "connect", at_its_limit)
    rows = [("OUTGOING", f"Person{i} Example", f"p-{i}", "1/29/26, 2:37 PM", f"note {i} " * 20) for i in range(300)]
    error = one_line_error(run_cli("import", str(write_export(tmp_path, invitations=invitations_csv(True, rows)))))
    assert error == f"error: disk full: free some space; the history at {history_file} is unchanged\n"
    monkeypatch.undo()
    with open_history(history_file) as history:
        assert history.query("SELECT COUNT(*) FROM invitations") == [(0,)]
        assert history.query("SELECT COUNT(*) FROM imports") == [(0,)]
    assert run_cli("import", str(write_export(tmp_path / "again"))).exit_code == 0


def test_no_space_for_the_file_itself_is_a_full_disk(history_file: Path, monkeypatch: pytest.MonkeyPatch):
    def no_space(path: Path) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(db, "_create_private", no_space)
    result = run_cli(*EVENT)
    assert result.exit_code == 0 and result.stdout.startswith("Hi Ana")
    assert "warning: disk full: free some space; the history at" in result.stderr and "delete" not in result.stderr


@pytest.mark.parametrize(
    ("error", "says", "never"),
    [
        (sqlite3.OperationalError(FULL), "disk full: free some space", "delete"),
        (sqlite3.OperationalError("database is locked"), "locked by another invite process", "delete"),
        (sqlite3.DatabaseError("file is not a database"), "damaged (file is not a database); move it aside or delete it", ""),
        (sqlite3.OperationalError("disk I/O error"), "a full or failing disk?", "delete"),
        (sqlite3.OperationalError("no such table: notes"), "cannot use the history database", "delete"),
    ],
)
def test_each_failure_is_called_what_it_is(error: sqlite3.Error, says: str, never: str):
    message = str(db.history_error(Path("/h.sqlite3"), error))
    assert says in message and (not never or never not in message)
    assert isinstance(db.history_error(Path("/h"), error), HistoryError)
