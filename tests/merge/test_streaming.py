"""A merge bigger than one chunk: rows made, written and recorded a chunk at a time, with the same result.

The merge keeps `spool.CHUNK_ROWS` rows in memory and the history's run keeps `RUN_ROWS` (the rest
wait in a TEMP table); here both are made tiny, so a CSV of a few dozen rows spans many chunks and
every boundary is crossed: the output, the findings (batch duplicates, people listed twice), the
report and the history must be what one chunk gives, and an interrupted merge must still leave the
output and the history with every note or with none. Timing and memory live in bench/bench.py.
"""

from __future__ import annotations

import csv
import json
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from composer.history.store import notes as note_table
from composer.merge import spool
from composer.merge.write import Writer
from tests.helpers import REPO, run_cli
from tests.merge.support import leftovers, output_rows, signal_once_published, signal_once_staged, wait_for

posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX signals")

EVENTS = ["PyCon US", "RustConf", "FOSDEM", "KubeCon EU", "SREcon", "JSConf", "GopherCon", "DjangoCon", "PgConf", "Strange Loop"]
TOPICS = ["packaging", "borrow checking", "licensing", "operators", "error budgets", "bundlers", "generics", "ORMs"]


def people(path: Path, rows: int = 23) -> Path:
    """Distinct notes, except: row 1's note again in the last row, row 2's person again in row 15, a row without
    an event (row 7: no note), a name to clean (row 9, whose `invite_ignore` cell silences that), and an unknown
    rule in row 4's `invite_ignore` cell."""
    lines = [["First Name", "Last Name", "Profile URL", "Event", "Topic", "invite_ignore"]]
    for i in range(rows):
        event = f"{EVENTS[i % 10]} {2001 + i}"
        lines.append([f"Ana{i}", f"Lima{i}", f"https://www.linkedin.com/in/ana-lima-{i}/", event, TOPICS[i % 8], ""])
    lines[-1][3:5] = lines[1][3:5]  # the same note as row 1, to someone else
    lines[15][:3] = lines[2][:3]  # row 2's person again
    lines[7][3] = ""  # no event: no note
    lines[9][0] = "DR. " + lines[9][0]
    lines[9][5], lines[4][5] = "name-cleaned", "no-such-rule"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(lines)
    return path


def merge(source: Path, *extra: str):
    return run_cli("merge", str(source), "-t", "event-brief", "--ignore", "note-quota", *extra)


def recorded(history: Path) -> list[tuple]:
    """The recorded notes, in order, without their run id and time; none when there is no history."""
    if not history.exists():
        return []
    with sqlite3.connect(history) as db:
        if db.execute("SELECT 1 FROM sqlite_master WHERE name = 'notes'").fetchone() is None:
            return []
        return db.execute("SELECT recipient, profile_url, template, text, findings, skeleton FROM notes ORDER BY id").fetchall()


def small_chunks(monkeypatch: pytest.MonkeyPatch, rows: int = 4) -> None:
    monkeypatch.setattr(spool, "CHUNK_ROWS", rows)
    monkeypatch.setattr(note_table, "RUN_ROWS", rows - 1)


def forget(history: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{history}{suffix}").unlink(missing_ok=True)


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_many_chunks_give_what_one_chunk_gives(tmp_path, history, monkeypatch, fmt):
    """Output, report, exit code and history: the same whether the 23 rows are one chunk or six."""
    source = people(tmp_path / "in.csv")
    whole = merge(source, "--format", fmt)
    whole_notes = recorded(history)
    forget(history)
    small_chunks(monkeypatch)
    chunked = merge(source, "--format", fmt)
    assert chunked.exit_code == whole.exit_code == 1
    assert chunked.stdout == whole.stdout and chunked.stderr == whole.stderr
    assert recorded(history) == whole_notes and len(whole_notes) == 22
    assert "recorded 22 notes in the history" in chunked.stderr


def test_a_copy_in_the_first_row_and_the_last_is_found_across_chunks(tmp_path, monkeypatch):
    source = people(tmp_path / "in.csv")
    small_chunks(monkeypatch)
    out = tmp_path / "notes.jsonl"
    result = merge(source, "--format", "jsonl", "-o", str(out))
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    duplicates = [row["row"] for row in rows if any(f["rule"] == "batch-duplicate" for f in row["findings"])]
    assert duplicates == [1, 23]
    assert "near-identical group 1: 2 notes (9% of the batch), rows 1, 23" in result.stderr
    assert f"  e.g. {rows[0]['note']}" in result.stderr
    invited = [row["row"] for row in rows if any(f["rule"] == "already-invited" for f in row["findings"])]
    assert invited == [15]  # row 2's person, 13 rows and three chunks later
    assert rows[8]["findings"] == [] and [item["rule"] for item in rows[8]["suppressed"]] == ["name-cleaned"]  # row 9
    assert rows[6]["status"].startswith("error: missing required answer(s)")  # row 7
    assert "row 4 (line 5): invite_ignore: unknown rule 'no-such-rule'" in result.stderr
    assert "23 rows: 22 notes, 1 without a note; 3 with findings at warning or above" in result.stderr
    assert result.stderr.endswith("; 1 finding suppressed by invite_ignore\n")


def test_a_dry_run_in_chunks_shows_the_first_notes_and_writes_nothing(tmp_path, history, monkeypatch):
    source = people(tmp_path / "in.csv")
    small_chunks(monkeypatch)
    result = merge(source, "--dry-run", "--show", "6")
    assert result.stdout == "" and not history.exists()
    assert "row 6: Ana5 Lima5 (event-brief)" in result.stderr and "row 7:" not in result.stderr
    assert "rows 1, 23" in result.stderr and "dry run: nothing was written or recorded" in result.stderr


# ----------------------------------------------------------------------------- interrupted between chunks


def test_ctrl_c_after_some_chunks_are_written_leaves_no_output_and_no_notes(tmp_path, history, monkeypatch):
    """Three chunks are in the temporary file and the history's run (some in its TEMP table) when Ctrl-C comes."""
    source, out = people(tmp_path / "in.csv"), tmp_path / "out" / "notes.csv"
    out.parent.mkdir()
    small_chunks(monkeypatch)
    written = []
    original = Writer.rows

    def rows_then_stop(self, rows):
        written.append(len(rows))
        if len(written) == 4:
            raise KeyboardInterrupt
        return original(self, rows)

    monkeypatch.setattr(Writer, "rows", rows_then_stop)
    result = merge(source, "-o", str(out))
    assert result.exit_code == 130 and result.stderr.endswith("interrupted\n"), result.output
    assert not out.exists() and leftovers(out.parent) == []
    assert recorded(history) == []


@posix_only
def test_a_signal_while_a_chunked_output_is_put_in_place_waits_for_the_history(tmp_path, history, monkeypatch):
    source, out = people(tmp_path / "in.csv"), tmp_path / "out" / "notes.csv"
    out.parent.mkdir()
    small_chunks(monkeypatch)
    signal_once_published(monkeypatch)  # held: the commit still happens
    result = merge(source, "-o", str(out))
    assert result.exit_code == 130, result.output
    assert output_rows(out.read_text(encoding="utf-8")) == 23 and len(recorded(history)) == 22


#: `python -m composer` with chunks of 40 rows (the history's run: 30), so a real process crosses many boundaries.
SMALL_CHUNKS = (
    "import composer.merge.spool as s, composer.history.store.notes as n; s.CHUNK_ROWS, n.RUN_ROWS = 40, 30; "
    "from composer.__main__ import main; main()"
)


def start(args: list[str], history: Path, **kwargs) -> subprocess.Popen:
    env = {**os.environ, "INVITE_COMPOSER_HISTORY": str(history), "NO_COLOR": "1", "PYTHONPATH": str(REPO)}
    return subprocess.Popen([sys.executable, "-c", SMALL_CHUNKS, *args], env=env, stderr=subprocess.PIPE, cwd=REPO, **kwargs)


@posix_only
@pytest.mark.slow
@pytest.mark.parametrize("delay", [0.0, 0.05, 0.3])
def test_sigterm_while_chunks_are_written_leaves_every_note_in_both_or_in_neither(tmp_path, history, delay):
    """A real process, 400 rows in ten chunks: SIGTERM once the output file has begun, and a little later."""
    source, out = people(tmp_path / "in.csv", 400), tmp_path / "out" / "notes.csv"
    out.parent.mkdir()
    args = ["merge", str(source), "-t", "event-brief", "--select", "already-invited", "-o", str(out)]
    process = start(args, history, stdout=subprocess.DEVNULL, text=True)
    stderr = signal_once_staged(process, out.parent, signal.SIGTERM, delay)
    assert "Traceback" not in stderr, stderr
    rows = output_rows(out.read_text(encoding="utf-8")) if out.exists() else 0
    notes = len(recorded(history))
    assert (rows, notes) in ((0, 0), (400, 399)), (rows, notes, stderr)
    assert leftovers(out.parent) == []
    expected = {1: "recorded 399 notes", 143: "terminated\n"}  # 1: it finished first (row 8 has no note)
    assert process.returncode in expected and expected[process.returncode] in stderr, (process.returncode, stderr)


@posix_only
@pytest.mark.slow
def test_sigterm_into_a_redirected_stdout_cuts_it_back(tmp_path, history):
    """`> notes.csv` that already holds something: stopped mid-merge, the file is as it was, nothing recorded."""
    source, out = people(tmp_path / "in.csv", 400), tmp_path / "notes.csv"
    out.write_text("kept\n", encoding="utf-8")
    args = ["merge", str(source), "-t", "event-brief", "--select", "already-invited"]
    with out.open("a", encoding="utf-8") as handle:
        process = start(args, history, stdout=handle, text=True)
        wait_for(lambda: out.stat().st_size > len("kept\n"), process)  # the second pass has begun writing
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=60)
    text = out.read_text(encoding="utf-8")
    if process.returncode == 1:  # it finished first: all of it in both
        assert output_rows(text.removeprefix("kept\n")) == 400 and len(recorded(history)) == 399
    else:
        assert process.returncode == 143 and stderr.endswith("terminated\n"), stderr
        assert text == "kept\n" and recorded(history) == []
