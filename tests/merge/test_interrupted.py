"""An interrupted `invite merge`: what is in its output is in the history, or neither has anything.

In-process tests stop the merge at chosen moments (a Ctrl-C while the notes are being recorded, a
signal that arrives while the output is being put in place, an output that cannot be put in place).
The slow tests send real SIGTERM and SIGINT to a real process at several moments of a large merge,
among them the moment its output file has been written and its notes are being recorded.
"""

from __future__ import annotations

import contextlib
import csv
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from composer import fileio
from composer.history.store.notes import NoteTable
from tests.helpers import INVITE, REPO, run_cli
from tests.merge.support import leftovers, output_rows, signal_once_published, signal_once_staged

posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX signals")


def people(path: Path, rows: int) -> Path:
    """A CSV of `rows` distinct recipients met at one event."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["First Name", "Last Name", "Profile URL", "Event"])
        for i in range(rows):
            writer.writerow([f"Ana{i}", f"Lima{i}", f"https://www.linkedin.com/in/ana-lima-{i}/", "PyCon US"])
    return path


def recorded(history: Path) -> int:
    """Notes in the history; none when a stopped merge left no history, or one stopped before its tables were made."""
    if not history.exists():
        return 0
    with sqlite3.connect(history) as db:
        if db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'notes'").fetchone() is None:
            return 0
        return int(db.execute("SELECT COUNT(*) FROM notes").fetchone()[0])


def merge(csv_path: Path, *extra: str):
    return run_cli("merge", str(csv_path), "-r", "event", "--select", "already-invited", *extra)


# ----------------------------------------------------------------------------- in process


@pytest.mark.parametrize("existing", [None, "my own notes\n"], ids=["new", "replaced"])
def test_ctrl_c_while_recording_leaves_no_output_and_no_notes(tmp_path, history, monkeypatch, existing):
    """Interrupted once the output is written and the notes are being recorded: neither is left (a file
    --force would have replaced is left as it was)."""
    source, out = people(tmp_path / "in.csv", 20), tmp_path / "out" / "notes.csv"
    out.parent.mkdir()
    if existing is not None:
        out.write_text(existing, encoding="utf-8")
    original = NoteTable.pending

    @contextlib.contextmanager
    def interrupted(self, run):
        with original(self, run):
            assert len(run.rows) == 20  # written, not committed
            raise KeyboardInterrupt
        yield

    monkeypatch.setattr(NoteTable, "pending", interrupted)
    result = merge(source, "-o", str(out), "--force")
    assert result.exit_code == 130, result.output
    assert result.stderr.endswith("interrupted\n") and "Traceback" not in result.output
    assert (out.read_text(encoding="utf-8") if out.exists() else None) == existing
    assert leftovers(out.parent) == []
    assert recorded(history) == 0


@posix_only
def test_a_signal_while_the_output_is_put_in_place_waits_for_the_history(tmp_path, history, monkeypatch):
    """A Ctrl-C that arrives between publishing the file and committing the notes is held until both are done."""
    source, out = people(tmp_path / "in.csv", 20), tmp_path / "out" / "notes.csv"
    out.parent.mkdir()
    signal_once_published(monkeypatch)  # held: the commit still happens
    result = merge(source, "-o", str(out))
    assert result.exit_code == 130, result.output
    assert output_rows(out.read_text(encoding="utf-8")) == recorded(history) == 20
    assert leftovers(out.parent) == []


def test_an_output_that_cannot_be_put_in_place_records_nothing(tmp_path, history, monkeypatch):
    """The file appeared meanwhile: refused as always, and the notes written for it are rolled back."""
    source, out = people(tmp_path / "in.csv", 5), tmp_path / "out" / "notes.csv"
    out.parent.mkdir()
    original = fileio._link_new

    def someone_wrote_it_first(tmp: Path, path: Path) -> None:
        path.write_text("mine\n", encoding="utf-8")
        original(tmp, path)

    monkeypatch.setattr(fileio, "_link_new", someone_wrote_it_first)
    result = merge(source, "-o", str(out))
    assert result.exit_code == 2 and "already exists" in result.stderr
    assert out.read_text(encoding="utf-8") == "mine\n"
    assert recorded(history) == 0 and leftovers(out.parent) == []


def test_an_unusable_history_still_delivers_with_one_warning(tmp_path, history):
    """Never fatal, as everywhere: the output is written, the warning says the notes were not recorded."""
    source, out = people(tmp_path / "in.csv", 3), tmp_path / "notes.csv"
    history.parent.mkdir()
    history.write_bytes(b"not a database at all, just bytes" * 100)
    result = merge(source, "-o", str(out))
    assert output_rows(out.read_text(encoding="utf-8")) == 3
    assert result.stderr.count("warning:") == 1 and "not checked against the history or recorded" in result.stderr


def test_a_merge_records_all_its_notes_as_one_run(tmp_path, history):
    source = people(tmp_path / "in.csv", 30)
    result = merge(source)
    assert output_rows(result.stdout) == recorded(history) == 30
    with sqlite3.connect(history) as db:
        assert db.execute("SELECT COUNT(DISTINCT run) FROM notes").fetchone()[0] == 1


# ----------------------------------------------------------------------------- real signals, a real process


def start(args: list[str], history: Path, **kwargs) -> subprocess.Popen:
    env = {**os.environ, "INVITE_COMPOSER_HISTORY": str(history), "NO_COLOR": "1"}
    return subprocess.Popen([INVITE, *args], env=env, stderr=subprocess.PIPE, cwd=REPO, **kwargs)


def check_outcome(process: subprocess.Popen, stderr: str, rows: int, history: Path) -> bool:
    """The exit code and message match what happened; True when the merge was stopped."""
    assert "Traceback" not in stderr, stderr
    if process.returncode == 0:
        assert rows == recorded(history) == 1000
        return False
    expected = {130: "interrupted\n", 143: "terminated\n"}
    assert process.returncode in expected, (process.returncode, stderr)
    assert stderr.endswith(expected[process.returncode]), stderr
    return True


@posix_only
@pytest.mark.slow
@pytest.mark.parametrize(
    ("signum", "delay"),
    [(signal.SIGTERM, 0.0), (signal.SIGTERM, 0.2), (signal.SIGINT, 0.1)],
)
def test_a_signal_while_recording_leaves_every_note_in_both_or_in_neither(tmp_path, history, signum, delay):
    """Signalled once the temporary output file exists (the notes are being recorded) and a little later."""
    source, out = people(tmp_path / "in.csv", 1000), tmp_path / "out" / "notes.csv"
    out.parent.mkdir()
    args = ["merge", str(source), "-r", "event", "--select", "already-invited", "-o", str(out)]
    process = start(args, history, stdout=subprocess.DEVNULL, text=True)
    stderr = signal_once_staged(process, out.parent, signum, delay)
    rows = output_rows(out.read_text(encoding="utf-8")) if out.exists() else 0
    assert rows == recorded(history), (rows, recorded(history), stderr)
    assert leftovers(out.parent) == []
    check_outcome(process, stderr, rows, history)


@posix_only
@pytest.mark.slow
def test_a_signal_into_a_redirected_stdout_leaves_both_or_neither(tmp_path, history):
    """`invite merge big.csv > notes.csv`, SIGTERM at several moments towards the end: all rows in both, or none."""
    source, out = people(tmp_path / "in.csv", 1000), tmp_path / "notes.csv"
    args = ["merge", str(source), "-r", "event", "--select", "already-invited"]
    began = time.monotonic()
    with out.open("w", encoding="utf-8") as handle:
        start(args, history, stdout=handle, text=True).communicate(timeout=120)
    duration = time.monotonic() - began
    assert output_rows(out.read_text(encoding="utf-8")) == recorded(history) == 1000
    stopped = 0
    for share in (0.5, 0.85):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{history}{suffix}").unlink(missing_ok=True)
        with out.open("w", encoding="utf-8") as handle:
            process = start(args, history, stdout=handle, text=True)
            time.sleep(duration * share)
            process.send_signal(signal.SIGTERM)
            _, stderr = process.communicate(timeout=60)
        rows = output_rows(out.read_text(encoding="utf-8"))
        assert rows == recorded(history), (share, rows, recorded(history), stderr)
        stopped += check_outcome(process, stderr, rows, history)
    assert stopped  # at least one run was really stopped


@posix_only
@pytest.mark.slow
def test_a_signal_while_printing_to_a_pipe_records_only_what_was_printed_whole(tmp_path, history):
    """On a pipe, printed rows cannot be taken back: nothing is recorded unless every row got through."""
    source = people(tmp_path / "in.csv", 1000)
    process = start(["merge", str(source), "-r", "event", "--select", "already-invited"], history, stdout=subprocess.PIPE)
    first = process.stdout.read(1)  # the output has started; the pipe is full and the merge waits on it
    process.send_signal(signal.SIGTERM)
    rest, stderr = process.communicate(timeout=60)  # no worker left holding the pipe open
    rows = output_rows((first + rest).decode("utf-8"))
    assert recorded(history) in (0, rows)
    assert recorded(history) == 0 or rows == 1000
    check_outcome(process, stderr.decode("utf-8"), rows, history)
    assert sys.platform != "linux" or process.returncode == 143  # 150 KB do not fit a Linux pipe's 64 KB
