"""The local history: what `draft` records, the checks that read it, listing, forgetting, and a bad file.

Real SQLite files throughout; concurrency with two real processes.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import re
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from composer.history import store
from composer.history.people import profile_key, recipient_key
from composer.history.store import HistoryError, open_history, schema_version
from tests.helpers import REPO, run_cli

EVENT = ("draft", "-r", "event", "--set", "first_name=Ana", "--set", "event=PyCon US", "--set", "topic=packaging", "--no-input")
ANA = ("--name", "Ana Lima", "--profile-url", "https://www.linkedin.com/in/ana-lima-example/")


@pytest.fixture(autouse=True)
def history_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "data" / "history.sqlite3"
    monkeypatch.setenv("INVITE_COMPOSER_HISTORY", str(path))
    return path


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Write a config file and point the tool at it."""
    path = tmp_path / "config.toml"
    monkeypatch.setenv("INVITE_COMPOSER_CONFIG", str(path))

    def write(text: str) -> Path:
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return write


def rules_of(stderr: str) -> set[str]:
    found = set()
    for rule in ("already-invited", "repeated-note", "note-quota", "batch-duplicate"):
        if f"[{rule}]" in stderr:
            found.add(rule)
    return found


def listed(*args: str) -> list[dict]:
    result = run_cli("history", "--format", "json", *args)
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


# --------------------------------------------------------------------------- recording and listing


@pytest.mark.slow
def test_draft_records_the_delivered_note_and_history_lists_it(history_file: Path):
    result = run_cli(*EVENT, *ANA)
    assert result.exit_code == 0, result.output
    [note] = listed()
    assert note["text"] == result.stdout.strip()
    assert note["recipient"] == "Ana Lima" and note["profile_url"].endswith("ana-lima-example/")
    assert (note["relationship"], note["template"], note["account"], note["command"]) == ("event", "event-brief", "free", "draft")
    assert note["length"] == len(note["text"]) and note["findings"] == []
    assert history_file.stat().st_mode & 0o777 == 0o600
    table = run_cli("history")
    assert "Ana Lima" in table.stdout and "event-brief" in table.stdout
    as_csv = run_cli("history", "--format", "csv").stdout.splitlines()
    assert as_csv[0].startswith("sent_at,command,recipient") and "Ana Lima" in as_csv[1]


@pytest.mark.slow
def test_history_filters_newest_first():
    run_cli(*EVENT, *ANA)
    run_cli(
        "draft", "-t", "reconnect", "--set", "first_name=Ben", "--set", "shared_past=the Lisbon hackathon", "--name", "Ben Ortiz"
    )
    assert [n["recipient"] for n in listed()] == ["Ben Ortiz", "Ana Lima"]
    assert [n["recipient"] for n in listed("--template", "reconnect")] == ["Ben Ortiz"]
    assert [n["recipient"] for n in listed("--search", "pycon")] == ["Ana Lima"]
    assert [n["recipient"] for n in listed("--search", "LINKEDIN.COM/in/ana")] == ["Ana Lima"]
    assert listed("--search", "100%_") == []
    assert len(listed("--since", "30d")) == 2
    assert listed("--since", "2999-01-01") == []
    bad = run_cli("history", "--since", "last tuesday")
    assert bad.exit_code == 2 and "--since 'last tuesday'" in bad.stderr


def test_listing_never_creates_the_file(history_file: Path):
    result = run_cli("history")
    assert result.exit_code == 0 and "no notes recorded yet" in result.stderr
    assert not history_file.exists()
    assert run_cli("history", "path").stdout.strip() == str(history_file)


@pytest.mark.slow
def test_no_record_flag_and_config_turn_recording_off(history_file: Path, config):
    config("")
    assert run_cli(*EVENT, *ANA, "--no-record").exit_code == 0
    assert run_cli(*EVENT, *ANA, "--no-history").exit_code == 0  # the same flag, by its older name
    assert not history_file.exists()
    config("history = false\n")
    assert run_cli(*EVENT, *ANA).exit_code == 0
    assert not history_file.exists()
    config("[history]\nrecord = false\n")
    assert run_cli(*EVENT, *ANA).exit_code == 0
    assert not history_file.exists()


# --------------------------------------------------------------------------- the checks, through draft


@pytest.mark.slow
def test_already_invited_by_profile_url_in_another_spelling():
    assert run_cli(*EVENT, *ANA).exit_code == 0
    again = run_cli(*EVENT, "--profile-url", "HTTPS://de.linkedin.com/in/Ana-Lima-Example?trk=x")
    assert again.exit_code == 1
    assert "already-invited" in rules_of(again.stderr) and "same profile URL" in again.stderr
    assert again.stdout.startswith("Hi Ana")  # the note is still delivered


@pytest.mark.slow
def test_already_invited_by_full_name_but_not_by_first_name_alone():
    run_cli(*EVENT, "--name", "Ana Lima")
    assert "already-invited" in rules_of(run_cli(*EVENT, "--name", "ana  LIMA").stderr)
    run_cli(*EVENT)  # recipient recorded as "Ana" only
    assert "already-invited" not in rules_of(run_cli(*EVENT).stderr)


@pytest.mark.slow
def test_repeated_note_to_someone_else():
    run_cli(*EVENT, "--name", "Ana Lima")
    ben = run_cli(
        "draft",
        "-r",
        "event",
        "--set",
        "first_name=Ben",
        "--set",
        "event=PyCon US",
        "--set",
        "topic=packaging",
        "--name",
        "Ben Ortiz",
    )
    assert rules_of(ben.stderr) == {"repeated-note"}
    assert "100% alike" in ben.stderr and "Ana Lima" in ben.stderr
    other = run_cli(
        "draft",
        "-r",
        "event",
        "--set",
        "first_name=Cai",
        "--set",
        "event=RustConf",
        "--set",
        "topic=async traits",
        "--name",
        "Cai Wu",
    )
    assert "repeated-note" not in rules_of(other.stderr)


@pytest.mark.slow
def test_note_quota_at_the_boundary(config):
    config("[history]\nnotes_per_month = 2\n")
    people = ["Ana Lima", "Ben Ortiz", "Cai Wu"]
    results = [
        run_cli("draft", "-r", "event", "--set", f"first_name={p.split()[0]}", "--set", f"event=Meetup {i}", "--name", p)
        for i, p in enumerate(people)
    ]
    assert ["note-quota" in rules_of(r.stderr) for r in results] == [False, False, True]
    assert (
        results[2].exit_code == 1 and "this is note 3 since" in results[2].stderr and "may attach 2 a month" in results[2].stderr
    )
    premium = run_cli("draft", "-r", "event", "--set", "first_name=Dee", "--set", "event=Meetup 9", "--account", "premium")
    assert "note-quota" not in rules_of(premium.stderr)


@pytest.mark.slow  # a whole session or history round trip (~1 s)
def test_replies_are_messages_never_counted_for_the_quota_or_repeats(config):
    config("[history]\nnotes_per_month = 1\n")
    assert "note-quota" not in rules_of(run_cli(*EVENT, *ANA).stderr)
    people = ["Ben Ortiz", "Cai Wu", "Dee Park", "Eli Moss"]
    replies = [run_cli("draft", "-r", "reply", "--set", f"first_name={p.split()[0]}", "--name", p, "--no-input") for p in people]
    assert [r.exit_code for r in replies] == [0, 0, 0, 0]
    assert [rules_of(r.stderr) for r in replies] == [set()] * 4
    assert [n["kind"] for n in listed()] == ["message"] * 4 + ["invitation"]
    # the one invitation note already used the month's one: the next invitation is over, the replies did not count
    over = run_cli("draft", "-r", "event", "--set", "first_name=Fay", "--set", "event=RustConf", "--name", "Fay Li", "--no-input")
    assert "this is note 2 since" in over.stderr
    # a reply is not an invitation: inviting someone you replied to is not "already invited"
    invite = run_cli("draft", "-r", "event", "--set", "first_name=Ben", "--set", "event=FOSDEM", "--name", "Ben Ortiz")
    assert "already-invited" not in rules_of(invite.stderr)


def test_the_quota_counts_an_imported_exports_notes_once(tmp_path: Path, history_file: Path):
    """Notes sent on LinkedIn count for their month; a note drafted here and sent there counts once."""
    from datetime import datetime

    from composer.history.store import Note
    from composer.linkedin.importer import import_export
    from tests.linkedin.exports import write_export  # Ana (note, 2026-01-29), Ben (none), Chloé (note, 2025-12-02)

    def local(*parts: int) -> datetime:
        return datetime(*parts).astimezone()

    with open_history(history_file) as history:
        import_export(history, write_export(tmp_path))
        ana = Note("Hi Ana, great meeting you at PyCon US.", "Ana Lima", "https://www.linkedin.com/in/ana-lima-0a1/")
        history.record([(ana, [], "")], command="draft", at=local(2026, 1, 28, 9))
        history.record([(Note("Hi Zed, thanks for the FOSDEM talk.", "Zed Roe"), [], "")], command="draft", at=local(2026, 1, 20))
        reply = Note("Hi Eve, thanks for the invitation.", "Eve Adams", kind="message")
        history.record([(reply, [], "")], command="draft", at=local(2026, 1, 21))
        assert history.count_since(local(2026, 1, 1)) == 2  # Ana and Zed; the reply is a message
        assert history.quota_used(local(2026, 1, 1)) == 2  # Ana's exported note is the one drafted here
        assert history.quota_used(local(2025, 12, 1)) == 3  # and Chloé's, sent on LinkedIn in December
        assert history.quota_used(local(2026, 2, 1)) == 0


@pytest.mark.slow
def test_history_rules_follow_config_ignore(config):
    config('[lint]\nignore = ["already-invited"]\n')
    run_cli(*EVENT, *ANA)
    assert run_cli(*EVENT, *ANA).exit_code == 0


@pytest.mark.slow
def test_merge_checks_rows_against_the_history_and_each_other(tmp_path: Path, config):
    config("[history]\nnotes_per_month = 3\n")
    run_cli(*EVENT, *ANA)
    source = tmp_path / "p.csv"
    source.write_text(
        "first_name,last_name,url,event\n"
        "Ana,Lima,https://www.linkedin.com/in/ana-lima-example,RustConf\n"
        "Ben,Ortiz,,FOSDEM\n"
        "Ben,Ortiz,,KubeCon\n",
        encoding="utf-8",
    )
    result = run_cli("merge", str(source), "-r", "event", "--format", "jsonl")
    rows = [{f["rule"] for f in json.loads(line)["findings"]} for line in result.stdout.splitlines()]
    assert "already-invited" in rows[0]  # invited by the earlier draft
    assert "already-invited" not in rows[1] and "already-invited" in rows[2]  # listed twice in the batch
    assert ["note-quota" in r for r in rows] == [False, False, True]  # 1 recorded + 3 rows, 3 a month
    assert len(listed()) == 4
    forgot = run_cli("history", "forget", "--last")
    assert "forgot 3 notes" in forgot.stderr and len(listed()) == 1


# --------------------------------------------------------------------------- forget


@pytest.mark.slow
def test_forget_one_recipient_by_url_or_name():
    run_cli(*EVENT, *ANA)
    run_cli(*EVENT, "--name", "Ben Ortiz")
    by_url = run_cli("history", "forget", "linkedin.com/in/ANA-LIMA-example")
    assert by_url.exit_code == 0 and "forgot 1 note" in by_url.stderr
    assert [n["recipient"] for n in listed()] == ["Ben Ortiz"]
    assert "forgot 1 note" in run_cli("history", "forget", "ben ortiz").stderr
    assert listed() == []
    assert "nothing recorded for" in run_cli("history", "forget", "Nobody Here").stderr


def test_forget_all_needs_a_yes(history_file: Path):
    run_cli(*EVENT, *ANA)
    refused = run_cli("history", "forget", "--all")
    assert refused.exit_code == 2 and "--yes" in refused.stderr and len(listed()) == 1
    done = run_cli("history", "forget", "--all", "--yes")
    assert done.exit_code == 0 and "forgot 1 note" in done.stderr and listed() == []
    assert b"PyCon US" not in history_file.read_bytes()  # secure_delete, WAL checkpointed
    assert run_cli("history", "forget").exit_code == 2
    assert run_cli("history", "forget", "Ana", "--all").exit_code == 2


# --------------------------------------------------------------------------- a bad file never blocks a draft


@pytest.mark.slow
@pytest.mark.parametrize("damage", ["garbage", "truncated"])
def test_damaged_database_warns_once_and_still_delivers(history_file: Path, damage: str):
    run_cli(*EVENT, *ANA)
    data = history_file.read_bytes()
    history_file.write_bytes(b"this is not a database at all" * 100 if damage == "garbage" else data[:100] + b"\x00" * 5000)
    result = run_cli(*EVENT, "--name", "Ben Ortiz")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Hi Ana")
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert (
        len(warnings) == 1 and str(history_file) in warnings[0] and "not checked against the history or recorded" in warnings[0]
    )
    listing = run_cli("history")
    assert listing.exit_code == 2 and listing.stderr.count("\n") == 1 and "damaged" in listing.stderr
    assert "Traceback" not in result.output + listing.output


@pytest.mark.slow
def test_locked_database_warns_and_still_delivers(history_file: Path, monkeypatch: pytest.MonkeyPatch):
    run_cli(*EVENT, *ANA)
    monkeypatch.setattr(store.database, "BUSY_TIMEOUT_S", 0.1)
    monkeypatch.setattr(store.database, "RETRY_PAUSE_S", 0.01)
    holder = sqlite3.connect(history_file, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process in the middle of a write
    try:
        result = run_cli(*EVENT, *ANA)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.exit_code == 1 and result.stdout.startswith("Hi Ana")
    assert "already-invited" in rules_of(result.stderr)  # WAL: the checks still read while another process writes
    assert "locked by another invite process" in result.stderr and "the note was not recorded" in result.stderr
    assert len(listed()) == 1


def test_unwritable_folder_is_one_warning(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv("INVITE_COMPOSER_HISTORY", str(blocker / "history.sqlite3"))
    result = run_cli(*EVENT)
    assert result.exit_code == 0 and result.stdout.startswith("Hi Ana")
    assert result.stderr.count("warning:") == 1 and "cannot use the history database" in result.stderr


# --------------------------------------------------------------------------- the file itself


@pytest.mark.slow
def test_two_processes_writing_at_once_lose_nothing(history_file: Path):
    script = textwrap.dedent(
        """
        import sys
        from composer.history.store import Note, open_history
        path, who = sys.argv[1], sys.argv[2]
        for i in range(150):
            with open_history(__import__("pathlib").Path(path)) as history:
                history.record([(Note(text=f"note {i} from {who}", recipient=f"{who} {i}"), [], "")], command="draft")
        """
    )
    procs = [
        subprocess.Popen([sys.executable, "-c", script, str(history_file), who], cwd=REPO, stderr=subprocess.PIPE)
        for who in ("alpha", "beta")
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err.decode()
    with open_history(history_file) as history:
        notes = history.notes()
        assert schema_version(history) == len(store.migrations())
    assert len(notes) == 300
    assert {n.text for n in notes} == {f"note {i} from {who}" for i in range(150) for who in ("alpha", "beta")}


def test_migrations_are_numbered_applied_once_and_a_newer_file_is_refused(history_file: Path):
    numbers = [m.number for m in store.migrations()]
    assert numbers == list(range(1, len(numbers) + 1))
    with open_history(history_file) as history:
        assert schema_version(history) == numbers[-1]
    with open_history(history_file) as history:  # reopening applies nothing twice
        assert history.query("SELECT COUNT(*) FROM schema_version") == [(len(numbers),)]
        history.connection.execute("INSERT INTO schema_version VALUES (99, 'future', '2099-01-01T00:00:00Z')")
    with pytest.raises(HistoryError, match="newer invite-composer"):
        open_history(history_file)


def test_statements_split_a_migration_without_committing():
    sql = "-- a comment\nCREATE TABLE a (x TEXT DEFAULT ';');\n\nCREATE INDEX i ON a (x);\n"
    assert store.statements(sql) == ["CREATE TABLE a (x TEXT DEFAULT ';');", "CREATE INDEX i ON a (x);"]


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("https://www.linkedin.com/in/Ana-Lima/", "linkedin.com/in/ana-lima"),
        ("linkedin.com/in/ana-lima?trk=public_profile", "linkedin.com/in/ana-lima"),
        ("http://de.linkedin.com/in/ana-lima#about", "linkedin.com/in/ana-lima"),
        ("https://www.linkedin.com/in/jos%C3%A9-p%C3%A9rez/", "linkedin.com/in/josé-pérez"),
        ("  ", None),
        (None, None),
    ],
)
def test_profile_keys(url, key):
    assert profile_key(url) == key


def test_recipient_keys():
    assert recipient_key("  Ana\u00a0LIMA ") == "ana lima"
    assert recipient_key("") is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('history = "yes"\n', "[history] must be a table"),
        ("[history]\nreset_day = 31\n", "reset_day must be a whole number from 1 to 28"),
        ("[history]\nnotes_per_month = 2.5\n", "notes_per_month must be a whole number"),
        ("[history]\nrecords = false\n", "unknown [history] key 'records'"),
        ("[merge]\nduplicate_similarity = 2\n", "duplicate_similarity must be a number from 0.05 to 1"),
    ],
)
def test_bad_history_settings_are_one_line_errors(config, text: str, message: str):
    path = config(text)
    result = run_cli(*EVENT)
    assert result.exit_code == 2 and message in result.stderr and str(path) in result.stderr


def test_merge_with_a_damaged_history_still_writes_its_output(history_file: Path, tmp_path: Path):
    history_file.parent.mkdir(parents=True)
    history_file.write_bytes(b"not a database" * 200)
    source = tmp_path / "p.csv"
    source.write_text("first_name,event\nAna,PyCon US\nBen,RustConf\n", encoding="utf-8")
    result = run_cli("merge", str(source), "-r", "event", "-o", str(tmp_path / "out.csv"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out.csv").read_text(encoding="utf-8").count("Hi ") == 2
    assert result.stderr.count("warning:") == 1 and "the notes were not checked against the history or recorded" in result.stderr


# --------------------------------------------------------------------------- the store's shape


@pytest.mark.slow
def test_sql_lives_only_in_the_history_store():
    """No other composer module imports sqlite3 or holds an SQL statement."""
    import ast

    statement = re.compile(r"^\s*(SELECT|INSERT|UPDATE|DELETE|CREATE|DROP|PRAGMA|BEGIN)\s", re.IGNORECASE)
    store_dir = REPO / "composer" / "history" / "store"
    offenders = []
    for path in sorted((REPO / "composer").rglob("*.py")):
        if store_dir in path.parents:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if "sqlite3" in names or (isinstance(node, ast.ImportFrom) and node.module == "sqlite3"):
                offenders.append(f"{path.name}: imports sqlite3")
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and statement.match(node.value):
                offenders.append(f"{path.name}:{node.lineno}: {node.value[:40]!r}")
    assert offenders == []


@pytest.mark.parametrize(("table", "row"), [("notes", store.Recorded), ("invitations", store.Invitation)])
def test_a_row_dataclass_names_every_column_of_its_table(history_file: Path, table: str, row: type):
    with open_history(history_file) as history:
        columns = [name for _, name, *_ in history.query(f"PRAGMA table_info({table})")]
    assert sorted(f.name for f in dataclasses.fields(row)) == sorted(columns)


def test_a_recorded_note_reads_back_field_for_field(history_file: Path):
    note = store.Note(text="Hi Ana", recipient="Ana Lima", profile_url="linkedin.com/in/ana", template="t", account="free")
    with open_history(history_file) as history:
        run, _ = history.record([(note, [{"rule": "r", "severity": "info", "message": "m"}], "hi {}")], command="draft")
        [recorded] = history.notes()
    assert (recorded.recipient_key, recorded.profile_key, recorded.skeleton, recorded.run) == (
        "ana lima",
        "linkedin.com/in/ana",
        "hi {}",
        run,
    )
    assert recorded.findings == [{"rule": "r", "severity": "info", "message": "m"}] and recorded.length == 6
    assert list(recorded.to_dict()) == store.listed_names(store.Recorded)
    assert "skeleton" not in recorded.to_dict() and recorded.to_dict()["sent_at"].endswith("Z")


@pytest.mark.parametrize("package", ["history", "history/store", "linkedin"])
def test_the_package_docstring_names_every_module(package: str):
    folder = REPO / "composer" / package
    doc = ast_docstring(folder / "__init__.py")
    modules = sorted(p.stem for p in folder.glob("*.py") if p.stem != "__init__")
    modules += sorted(p.name for p in folder.iterdir() if (p / "__init__.py").is_file())
    assert [m for m in modules if f"`{m}`" not in doc] == []


def ast_docstring(path: Path) -> str:
    import ast

    return ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""


def test_history_as_csv_writes_formula_cells_as_text():
    hostile = '=HYPERLINK("https://evil.example/","Ana")'
    assert run_cli(*EVENT, "--name", hostile).exit_code in (0, 1)
    [row] = list(csv.DictReader(io.StringIO(run_cli("history", "--format", "csv").stdout)))
    assert row["recipient"] == "'" + hostile
    assert listed()[0]["recipient"] == hostile  # JSON is for programs: unchanged
