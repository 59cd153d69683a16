"""A merge CSV's `invite_ignore` column: the rules it names are silenced for that row's note only."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from tests.helpers import run_cli

#: Two people met at events whose cells carry a link; the first row silences `link`.
PEOPLE = (
    "First Name,Event,Invite Ignore\n"
    "Ana,PyCon https://pycon.org,link\n"
    'Ben,RustConf https://rustconf.com,"no-greting, shouting"\n'
    "Cy,JSConf https://jsconf.com,\n"
)


@pytest.fixture
def people(tmp_path: Path) -> Path:
    path = tmp_path / "people.csv"
    path.write_text(PEOPLE, encoding="utf-8")
    return path


def test_the_column_silences_its_own_row_and_is_counted(people: Path):
    result = run_cli("merge", str(people), "-t", "event-brief", "--no-record")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [row["status"] for row in rows] == ["ok", "findings", "findings"]
    assert rows[0]["findings"] == "" and rows[2]["findings"].startswith("link: ")
    assert rows[0]["note"] == "Hi Ana, great meeting you at PyCon https://pycon.org. I'd enjoy staying in touch here."
    assert rows[0]["Invite Ignore"] == "link"  # the input's columns are all kept
    assert result.exit_code == 1  # the other rows' links still count
    assert result.stderr.splitlines()[-1].endswith("; 1 finding suppressed by invite_ignore")


def test_an_unknown_rule_in_the_column_is_one_line_naming_the_row(people: Path):
    result = run_cli("merge", str(people), "-t", "event-brief", "--no-record")
    named = [line for line in result.stderr.splitlines() if "no-greting" in line]
    assert named == [
        f"{people}: row 2 (line 3): invite_ignore: unknown rule 'no-greting' (did you mean 'no-greeting'?) "
        "silences nothing; see `invite rules`"
    ]
    assert "Traceback" not in result.output and len(result.stdout.splitlines()) == 4  # every row still made a note


def test_jsonl_lists_what_the_row_silenced(people: Path):
    result = run_cli("merge", str(people), "-t", "event-brief", "--no-record", "--format", "jsonl")
    first, second, _ = (json.loads(line) for line in result.stdout.splitlines())
    assert first["findings"] == []
    assert [(s["rule"], s["suppressed_by"]) for s in first["suppressed"]] == [("link", "invite_ignore")]
    assert "suppressed" not in second and second["findings"][0]["rule"] == "link"


def test_another_column_mapped_to_invite_ignore_silences_too(tmp_path: Path):
    path = tmp_path / "people.csv"
    path.write_text("first_name,event,skip\nAna,PyCon https://pycon.org,link\n", encoding="utf-8")
    assert run_cli("merge", str(path), "-t", "event-brief", "--no-record").exit_code == 1  # `skip` is just a column
    mapped = run_cli("merge", str(path), "-t", "event-brief", "--no-record", "--map", "skip=invite_ignore")
    assert mapped.exit_code == 0, mapped.output
    assert mapped.stderr.splitlines()[-1].endswith("; 1 finding suppressed by invite_ignore")


def test_configured_severity_decides_a_rows_status_and_the_exit_code(people: Path, tmp_path: Path, monkeypatch):
    config = tmp_path / "config.toml"
    config.write_text('[lint.severity]\nlink = "info"\n', encoding="utf-8")
    monkeypatch.setenv("INVITE_COMPOSER_CONFIG", str(config))
    result = run_cli("merge", str(people), "-t", "event-brief", "--no-record", "--format", "jsonl")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [row["status"] for row in rows] == ["ok", "ok", "ok"]
    assert rows[2]["findings"][0]["severity"] == "info"


def test_the_column_is_never_an_answer():
    from composer.merge.columns import Columns

    columns = Columns.build(["First Name", "Event", "Invite Ignore"], {}, "people.csv")
    assert columns.answers == {"First Name": "first_name", "Event": "event"} and columns.ignore == "Invite Ignore"
    cells = {"First Name": "Ana", "Event": "PyCon", "Invite Ignore": "link; shouting no-greeting"}
    assert columns.row_answers(cells) == {"first_name": "Ana", "event": "PyCon"}
    assert columns.row_ignores(cells) == ["link", "shouting", "no-greeting"]
