"""`invite import`, `invite inbox` and `invite stats` on LinkedIn data exports written for the tests.

The fixtures (`tests/linkedin/exports.py`) cover every header era: with and without the URL columns, with
and without the Connections preamble, BOM, CRLF, zip and folder, non-ASCII and duplicate names,
hidden members. No real person's data.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from composer.history.store import open_history
from composer.linkedin.importer import import_export, parse_sent_at
from composer.linkedin.stats import wilson
from tests.helpers import SAMPLES, run_cli
from tests.linkedin.exports import EXPECTED, connections_csv, invitations_csv, sent_export, write_export


@pytest.fixture(autouse=True)
def history_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "data" / "history.sqlite3"
    monkeypatch.setenv("INVITE_COMPOSER_HISTORY", str(path))
    return path


def states(history_file: Path) -> dict[str, set[str]]:
    with open_history(history_file) as history:
        rows = history.query("SELECT direction, person, connected FROM invitations")
    return {
        "accepted": {p for d, p, c in rows if d == "outgoing" and c},
        "pending": {p for d, p, c in rows if d == "incoming" and not c},
    }


ERAS = [
    pytest.param({"urls": True, "preamble": True}, id="2024-urls-preamble-zip"),
    pytest.param({"urls": True, "preamble": True, "as_zip": False}, id="2024-folder"),
    pytest.param({"urls": False, "preamble": True}, id="2021-no-urls-preamble"),
    pytest.param({"urls": False, "preamble": False, "as_zip": False}, id="2020-no-urls-no-preamble-folder"),
    pytest.param({"urls": True, "preamble": True, "crlf": True, "bom": True}, id="crlf-bom-zip"),
    pytest.param({"urls": False, "preamble": False, "crlf": True, "bom": True, "as_zip": False}, id="crlf-bom-folder"),
]


@pytest.mark.parametrize("era", ERAS)
def test_every_era_imports_with_the_known_accepted_and_pending(tmp_path: Path, history_file: Path, era: dict):
    export = write_export(tmp_path, **era)
    result = run_cli("import", str(export))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert states(history_file) == EXPECTED
    summary = result.stderr
    assert "10 invitations from 2025-11-18 to 2026-02-07 (all new)" in summary
    assert "sent:     4, 2 with a note; 3 accepted, 1 not (yet)" in summary
    assert "received: 6, 4 with a note; 5 pending" in summary
    by_name = "by name: 1" if era["urls"] else "by name: 4"  # Dan Wu has no URL; without URL columns, everyone is by name
    assert by_name in summary


def test_matching_says_how_and_keeps_names_and_flattened_notes(tmp_path: Path, history_file: Path):
    run_cli("import", str(write_export(tmp_path)))
    with open_history(history_file) as history:
        rows = {p: (m, msg) for p, m, msg in history.query("SELECT person, matched_by, message FROM invitations")}
    assert rows["Ana Lima"][0] == "profile URL"
    assert rows["Dan Wu"][0] == "name"  # two connections share the name; the invitation has no URL
    assert rows["Ben Ortiz"][0] is None
    assert rows["Chloé Dubois"][1].startswith("Bonjour Chloé,    we met")  # kept as exported


def test_quoted_multiline_notes_and_a_malformed_row(tmp_path: Path, history_file: Path):
    invitations = invitations_csv(
        True,
        [
            (
                "INCOMING",
                "Zoë Ødegaard",
                "zoe-o",
                "2/2/26, 8:00 AM",
                "Hi Sam,\nwe met at FOSDEM, in the SQLite devroom.\nLet's connect!",
            ),
            ("INCOMING", "Bad Date", "bad-date", "yesterday", "x"),
            ("SIDEWAYS", "Bad Direction", "bad-dir", "2/2/26, 8:00 AM", ""),
            ("OUTGOING", "Ana Lima", "ana-lima-0a1", "1/29/2026, 14:37", ""),
        ],
    )
    export = write_export(tmp_path, invitations=invitations)
    result = run_cli("import", str(export))
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 2
    assert f"{export}:Invitations.csv:5: Sent At 'yesterday'" in warnings[0]  # the note above spans lines 2-4
    assert f"{export}:Invitations.csv:6: Direction 'SIDEWAYS'" in warnings[1]
    with open_history(history_file) as history:
        [(message,)] = history.query("SELECT message FROM invitations WHERE person = 'Zoë Ødegaard'")
        assert history.query("SELECT sent_at, connected FROM invitations WHERE person = 'Ana Lima'") == [("2026-01-29T14:37", 1)]
    assert message.count("\n") == 2


def test_reimport_is_idempotent_and_a_newer_export_updates_states(tmp_path: Path, history_file: Path):
    first = write_export(tmp_path / "a", name="Basic_LinkedInDataExport_02-08-2026")
    assert run_cli("import", str(first)).exit_code == 0
    again = run_cli("import", str(first))
    assert "(0 new)" in again.stderr
    with open_history(history_file) as history:
        assert history.query("SELECT COUNT(*) FROM invitations") == [(10,)]
    # A month later: Ben accepted, Eve's invitation was accepted (and dropped from the export's list).
    newer_connections = (
        connections_csv(True, True) + "Ben,Ortiz,https://www.linkedin.com/in/ben-ortiz-7f2,,Initech,PM,01 Mar 2026\n"
    )
    newer_connections += "Eve,Adams,https://www.linkedin.com/in/eve-adams-9,,Hooli,Eng,02 Mar 2026\n"
    newer_invitations = "\n".join(line for line in invitations_csv(True).splitlines() if "Eve Adams" not in line) + "\n"
    newer = write_export(
        tmp_path / "b",
        name="Complete_LinkedInDataExport_03-08-2026",
        connections=newer_connections,
        invitations=newer_invitations,
    )
    result = run_cli("import", str(newer))
    assert "(0 new)" in result.stderr and "4 accepted" in result.stderr
    assert states(history_file) == {
        "accepted": EXPECTED["accepted"] | {"Ben Ortiz"},
        "pending": EXPECTED["pending"] - {"Eve Adams"},
    }
    # The older export again changes nothing back: accepted stays accepted.
    run_cli("import", str(first))
    assert "Ben Ortiz" in states(history_file)["accepted"]
    inbox = [json.loads(line)["from"] for line in run_cli("inbox", "--format", "json").stdout.splitlines()]
    assert "Eve Adams" not in inbox and inbox[0] == "Jon Berg"  # the newest export decides what is pending


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda folder: folder / "missing.zip", "no such file or folder"),
        (lambda folder: _write(folder / "notes.txt", b"hello"), "not a zip file or a folder"),
        (lambda folder: _zip(folder / "other.zip", {"Profile.csv": b"First Name\nSam\n"}), "no Invitations.csv in it"),
        (lambda folder: _mkdir(folder / "empty-folder"), "no Invitations.csv in it"),
        (lambda folder: _zip(folder / "x.zip", {"Invitations.csv": b"Name,When\nA,B\n"}), "missing From, To, Sent At, Direction"),
    ],
)
def test_not_an_export_is_one_line_naming_what_was_expected(tmp_path: Path, make, message: str):
    target = make(tmp_path)
    result = run_cli("import", str(target))
    assert result.exit_code == 2, result.output
    assert message in result.stderr and "Get a copy of your data" in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.output


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _zip(path: Path, files: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return path


def _mkdir(path: Path) -> Path:
    path.mkdir()
    return path


def test_files_are_found_by_name_in_any_case_and_subfolder(tmp_path: Path, history_file: Path):
    export = _zip(
        tmp_path / "export.zip",
        {"data/INVITATIONS.csv": invitations_csv(True).encode(), "data/connections .csv": connections_csv(True, True).encode()},
    )
    assert run_cli("import", str(export)).exit_code == 0
    assert states(history_file) == EXPECTED


def test_export_without_connections_imports_with_a_warning(tmp_path: Path, history_file: Path):
    export = _zip(tmp_path / "e.zip", {"Invitations.csv": invitations_csv(False).encode()})
    result = run_cli("import", str(export))
    assert result.exit_code == 0 and "no Connections.csv" in result.stderr
    assert states(history_file)["accepted"] == set()


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("1/29/26, 2:37 PM", "2026-01-29T14:37"),
        ("12/2/25, 11:15\u202fPM", "2025-12-02T23:15"),
        ("1/29/2026, 2:37 AM", "2026-01-29T02:37"),
        ("2021-03-04 05:06:07 UTC", "2021-03-04T05:06"),
    ],
)
def test_sent_at_formats(text: str, iso: str):
    moment = parse_sent_at(text)
    assert moment is not None and moment.isoformat(timespec="minutes") == iso
    assert parse_sent_at("last Tuesday") is None


# --------------------------------------------------------------------------- inbox


def test_inbox_suggests_for_each_kind_of_note(tmp_path: Path):
    run_cli("import", str(write_export(tmp_path)))
    result = run_cli("inbox", "--format", "json")
    assert result.exit_code == 0, result.output
    items = {item["from"]: item for item in map(json.loads, result.stdout.splitlines())}
    assert [item["number"] for item in items.values()] == [1, 2, 3, 4, 5]  # newest first
    assert items["Eve Adams"]["action"] == "ask" and items["Eve Adams"]["why"] == ["no note"]
    assert items["Jon Berg"]["action"] == "ask" and "generic-phrase" in items["Jon Berg"]["findings"]
    assert items["Farid Haddad"]["action"] == "ignore" and "sales-pitch" in items["Farid Haddad"]["findings"]
    assert items["Grace Kim"]["action"] == "accept"
    # A recruiter, and you did not say you are not looking: not ignored (the linter judges the note generic: ask).
    assert items["Ivy Chen"]["action"] == "ask"
    not_looking = {
        i["from"]: i for i in map(json.loads, run_cli("inbox", "--format", "json", "--not-looking").stdout.splitlines())
    }
    assert not_looking["Ivy Chen"]["action"] == "ignore" and "recruiter" in not_looking["Ivy Chen"]["why"][0]
    table = run_cli("inbox")
    assert "Grace Kim" in table.stdout and "(no note)" in table.stdout and "invite inbox reply N" in table.stderr


def test_inbox_accepts_someone_the_history_knows(tmp_path: Path):
    run_cli("draft", "-r", "event", "--set", "first_name=Eve", "--set", "event=PyCon US", "--name", "Eve Adams")
    run_cli("import", str(write_export(tmp_path)))
    items = {i["from"]: i for i in map(json.loads, run_cli("inbox", "--format", "json").stdout.splitlines())}
    assert items["Eve Adams"]["action"] == "accept" and items["Eve Adams"]["why"][0].startswith("you drafted a note to them on ")


@pytest.mark.slow
def test_inbox_reply_drafts_for_the_inviter(tmp_path: Path):
    run_cli("import", str(write_export(tmp_path)))
    result = run_cli("inbox", "reply", "5", "--no-input")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Hi Eve, thanks for the invitation")
    [note] = [json.loads(line) for line in run_cli("history", "--format", "json").stdout.splitlines()]
    assert (note["recipient"], note["relationship"]) == ("Eve Adams", "reply")
    assert note["profile_url"] == "https://www.linkedin.com/in/eve-adams-9"
    policy = run_cli("inbox", "reply", "1", "-t", "reply-policy", "--no-input")
    assert policy.stdout.startswith("Thanks for the invite, Jon.")
    assert run_cli("inbox", "reply", "9").exit_code == 2


def test_inbox_and_stats_before_any_import():
    for args in (("inbox",), ("stats",)):
        result = run_cli(*args)
        assert result.exit_code == 0 and "invite import EXPORT" in result.stderr and result.stdout == ""
    assert run_cli("inbox", "reply", "1").exit_code == 2


# --------------------------------------------------------------------------- stats


@pytest.mark.parametrize(
    ("accepted", "sent", "low", "high"),
    # Newcombe (1998), "Two-sided confidence intervals for the single proportion", method 3 (score, no correction)
    [(81, 263, 0.2553, 0.3662), (15, 148, 0.0624, 0.1605), (0, 20, 0.0, 0.1611), (1, 29, 0.0061, 0.1718), (29, 29, 0.8830, 1.0)],
)
def test_wilson_intervals_against_published_values(accepted: int, sent: int, low: float, high: float):
    got_low, got_high = wilson(accepted, sent)
    assert got_low == pytest.approx(low, abs=5e-5) and got_high == pytest.approx(high, abs=5e-5)


def _stats_export(folder: Path) -> Path:
    """60 sent: 30 with a specific note (20 accepted), 30 without (6 accepted); and 3 with a generic note."""
    specific = "Hi Person{0}, great meeting you at PyCon US in Pittsburgh and talking about packaging, topic {0}."
    default = "I'd like to add you to my professional network on LinkedIn."
    messages = [specific.format(i) if i < 30 else "" if i < 60 else default for i in range(63)]
    return sent_export(folder, messages, lambda i: i < 20 or 30 <= i < 36)


def test_stats_rates_counts_intervals_and_small_groups(tmp_path: Path):
    run_cli("import", str(_stats_export(tmp_path)))
    result = run_cli("stats", "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    groups = {(g["dimension"], g["group"]): g for g in report["groups"]}
    assert report["pending_count_as_not_accepted"] == 63 - 26
    note = groups[("note", "with a note")]
    assert (note["sent"], note["accepted"]) == (33, 20)
    assert (note["low"], note["high"]) == pytest.approx(wilson(20, 33), abs=1e-4)
    assert (groups[("note", "without a note")]["sent"], groups[("note", "without a note")]["accepted"]) == (30, 6)
    assert groups[("verdict", "generic notes")] == {
        **groups[("verdict", "generic notes")],
        "sent": 3,
        "accepted": 0,
        "enough": False,
    }
    assert (
        groups[("length", "notes under 100 characters")]["sent"] + groups[("length", "notes of 100-200 characters")]["sent"] == 33
    )
    assert (
        "Acceptance, with a note (61% vs 20%): 41 points higher than without a note, 95% interval 16 to 59."
        in (report["comparisons"])
    )
    text = run_cli("stats")
    assert "too few to say anything" in text.stdout and "█" in text.stdout
    assert "count as not (yet) accepted" in text.stdout
    assert json.loads(run_cli("stats", "--since", "2026-01-15", "--format", "json").stdout)["groups"][0]["sent"] < 63


@pytest.mark.slow
def test_stats_by_template_for_notes_the_history_recorded(tmp_path: Path):
    csv_path = tmp_path / "people.csv"
    lines = ["first_name,last_name,url,event,topic"]
    lines += [
        f'Person{i},Example,https://www.linkedin.com/in/person-{i},PyCon US in Pittsburgh,"packaging, topic {i}"'
        for i in range(30)
    ]
    csv_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    run_cli("merge", str(csv_path), "-t", "event-brief", "-o", str(tmp_path / "out.csv"), "--account", "premium")
    sent = [json.loads(line) for line in run_cli("history", "--format", "json").stdout.splitlines()]
    rows = [
        ("OUTGOING", f"Person{i} Example", f"person-{i}", "2/1/26, 9:00 AM", n["text"].replace(" ", "  ", 2))
        for i, n in enumerate(reversed(sent))
    ]
    people = [(f"Person{i}", "Example", f"person-{i}", "Co", "Role", "02 Feb 2026") for i in range(12)]
    export = write_export(
        tmp_path / "x", invitations=invitations_csv(True, rows), connections=connections_csv(True, True, people)
    )
    run_cli("import", str(export))
    report = json.loads(run_cli("stats", "--format", "json").stdout)
    groups = {(g["dimension"], g["group"]): g for g in report["groups"]}
    assert report["matched_to_history"] == 30
    assert (groups[("template", "template event-brief")]["sent"], groups[("template", "template event-brief")]["accepted"]) == (
        30,
        12,
    )
    assert groups[("relationship", "relationship event")]["sent"] == 30


# --------------------------------------------------------------------------- privacy and the history's checks


def test_forget_source_export_removes_what_the_import_added(tmp_path: Path, history_file: Path):
    run_cli("draft", "-r", "event", "--set", "first_name=Ana", "--set", "event=PyCon US")
    run_cli("import", str(write_export(tmp_path)))
    result = run_cli("history", "forget", "--source", "export")
    assert result.exit_code == 0 and "forgot 10 invitations" in result.stderr
    with open_history(history_file) as history:
        assert history.query("SELECT COUNT(*) FROM invitations") == [(0,)]
        assert history.query("SELECT COUNT(*) FROM imports") == [(0,)]
        assert history.query("SELECT COUNT(*) FROM notes") == [(1,)]
    assert b"Farid" not in history_file.read_bytes()
    assert "invite import EXPORT" in run_cli("inbox").stderr or run_cli("inbox").stdout == ""
    assert run_cli("history", "forget", "--source", "drafts").exit_code == 2


def test_already_invited_reads_the_imported_export(tmp_path: Path):
    run_cli("import", str(write_export(tmp_path)))
    result = run_cli(
        "draft",
        "-r",
        "event",
        "--set",
        "first_name=Ben",
        "--set",
        "event=RustConf",
        "--profile-url",
        "linkedin.com/in/BEN-ORTIZ-7f2/",
    )
    assert result.exit_code == 1
    assert "[already-invited]" in result.stderr and "from your LinkedIn export" in result.stderr and "2026-01-30" in result.stderr


def test_import_api_summary(tmp_path: Path, history_file: Path):
    with open_history(history_file) as history:
        summary = import_export(history, write_export(tmp_path))
    stored = summary.stored
    assert (stored.sent, stored.received, stored.accepted, stored.pending, stored.new) == (4, 6, 3, 5, 10)
    assert summary.export_date == "2026-02-08" and summary.connections == 5


def test_the_sample_export_imports_as_the_readme_says(history_file: Path):
    result = run_cli("import", str(SAMPLES / "export" / "Basic_LinkedInDataExport_02-08-2026"))
    assert result.exit_code == 0 and "invitations matched to them by profile URL: 3, by name: 1" in result.stderr
    assert states(history_file) == EXPECTED


# --------------------------------------------------------------------------- names as people write them


def test_pre_2023_exports_match_people_despite_pronouns_and_credentials(tmp_path: Path, history_file: Path):
    """Without URLs people match by name: "Ana Lima" invited, "Ana" "Lima, PhD (she/her)" connected."""
    invitations = invitations_csv(
        False,
        [("OUTGOING", "Ana Lima", None, "3/4/21, 9:00 AM", ""), ("OUTGOING", "Ben Ortiz", None, "3/5/21, 9:00 AM", "")],
    )
    connections = connections_csv(
        False,
        False,
        [("Ana", "Lima, PhD (she/her)", None, "Globex", "CTO", "05 Mar 2021"), ("BEN 🚀", "ORTIZ", None, "", "", "")],
    )
    export = write_export(
        tmp_path, urls=False, invitations=invitations, connections=connections, name="Basic_LinkedInDataExport_04-01-2021"
    )
    assert run_cli("import", str(export)).exit_code == 0
    assert states(history_file)["accepted"] == {"Ana Lima", "Ben Ortiz"}


@pytest.mark.slow
def test_inbox_reply_greets_with_a_cleaned_first_name_or_none(tmp_path: Path):
    rows = [
        ("INCOMING", "DR. MEI CHEN (she/her)", "mei-chen-3", "2/1/26, 10:00 AM", ""),
        ("INCOMING", "K. Berg", "k-berg-1", "2/2/26, 10:00 AM", ""),
    ]
    run_cli("import", str(write_export(tmp_path, invitations=invitations_csv(True, rows))))
    initial = run_cli("inbox", "reply", "1", "--no-input")
    assert initial.exit_code == 0, initial.output
    assert initial.stdout.startswith("Hi, thanks for the invitation")
    titled = run_cli("inbox", "reply", "2", "--no-input")
    assert titled.stdout.startswith("Hi Mei, thanks for the invitation")
    assert run_cli("inbox", "reply", "2", "-t", "reply-policy", "--no-input").stdout.startswith("Thanks for the invite, Mei.")


@pytest.mark.slow  # a whole session or history round trip (~1 s)
def test_a_reply_you_drafted_never_changes_a_suggestion_or_spends_the_quota(tmp_path: Path):
    run_cli("import", str(write_export(tmp_path)))
    before = {i["from"]: i["action"] for i in map(json.loads, run_cli("inbox", "--format", "json").stdout.splitlines())}
    for _ in range(7):  # more replies than the month's notes: none is an invitation's note
        reply = run_cli("inbox", "reply", "5", "--no-input")
        assert reply.exit_code == 0 and "[note-quota]" not in reply.stderr and "[repeated-note]" not in reply.stderr
    after = {i["from"]: i["action"] for i in map(json.loads, run_cli("inbox", "--format", "json").stdout.splitlines())}
    assert after == before and after["Eve Adams"] == "ask"
    assert run_cli("inbox", "reply", "4", "--no-input", "--no-record").exit_code == 0
    assert len(run_cli("history", "--format", "json").stdout.splitlines()) == 7


def test_already_invited_says_connected_and_history_search_finds_the_export(tmp_path: Path):
    run_cli("import", str(write_export(tmp_path)))
    base = ("draft", "-r", "event", "--set", "event=RustConf", "--no-record")
    accepted = run_cli(*base, "--set", "first_name=Ana", "--profile-url", "https://www.linkedin.com/in/ana-lima-0a1")
    assert "you are already connected" in accepted.stderr and "withdraw" not in accepted.stderr
    pending = run_cli(*base, "--set", "first_name=Ben", "--profile-url", "https://www.linkedin.com/in/ben-ortiz-7f2")
    assert "withdraw a pending invitation" in pending.stderr and "already connected" not in pending.stderr
    found = [json.loads(line) for line in run_cli("history", "--search", "ortiz", "--format", "json").stdout.splitlines()]
    assert [(f["recipient"], f["command"]) for f in found] == [("Ben Ortiz", "import (sent)")]
    assert "Ben Ortiz" in run_cli("history", "--search", "ortiz").stdout
    assert run_cli("history", "--format", "json").stdout == ""  # without --search: the notes recorded here only
