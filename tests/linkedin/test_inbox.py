"""`invite inbox`'s suggestions on invented received notes, and `invite inbox --sent`.

The labeled notes (`tests/linkedin/data/inbox-labeled.jsonl`) are written for these tests: real hooks
of many kinds, hooks beside canned phrases, canned notes, pitches, recruiters, no note, other
languages and short informal notes, each with the suggestion a careful reader would give
(`expected_not_looking` where `--not-looking` changes it). No real person's note.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest

from composer.history.store import Note, open_history
from composer.linkedin.inbox import ACCEPT, ASK, IGNORE, Received, decide, suggest
from composer.linkedin.settings import settings
from composer.lint import lint_results
from tests.helpers import load_script, run_cli
from tests.linkedin.exports import connections_csv, invitations_csv, write_export

REPO = Path(__file__).resolve().parents[2]
LABELED = Path(__file__).parent / "data" / "inbox-labeled.jsonl"


AGREEMENT = load_script("inbox_agreement")


@pytest.fixture(autouse=True)
def history_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "data" / "history.sqlite3"
    monkeypatch.setenv("INVITE_COMPOSER_HISTORY", str(path))
    return path


def inbox_json(*args: str) -> dict[str, dict]:
    result = run_cli("inbox", "--format", "json", *args)
    assert result.exit_code == 0, result.output
    return {item["from"]: item for item in map(json.loads, result.stdout.splitlines())}


def received_export(folder: Path, notes: dict[str, str]) -> Path:
    """An export in which each person sent you a pending invitation with the given note."""
    rows = [
        ("INCOMING", person, person.lower().replace(" ", "-"), f"2/{1 + i}/26, 10:00 AM", note)
        for i, (person, note) in enumerate(notes.items())
    ]
    return write_export(folder, invitations=invitations_csv(True, rows), connections=connections_csv(True, True, []))


# --------------------------------------------------------------------------- the labeled notes


def test_the_labeled_fixture_is_large_varied_and_well_formed():
    notes = AGREEMENT.read_labeled(LABELED)
    assert len(notes) >= 150 and len({n["id"] for n in notes}) == len(notes)
    counts = Counter(n["expected"] for n in notes)
    assert min(counts[ACCEPT], counts[ASK]) >= 40 and counts[IGNORE] >= 15
    assert sum(not n["text"].strip() for n in notes) >= 5
    assert sum("expected_not_looking" in n for n in notes) >= 10  # recruiters


@pytest.mark.slow
def test_inbox_agrees_with_the_labels_on_the_notes_laid_out_as_an_export():
    result = AGREEMENT.measure(AGREEMENT.read_labeled(LABELED))
    for mode in ("default", "not_looking"):
        assert result[mode]["agreement"] >= 0.90, result[mode]["errors"]
        assert result[mode][ACCEPT]["precision"] >= 0.90, result[mode]["errors"]


def test_the_script_prints_agreement_and_rejects_a_bad_label(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    labeled = tmp_path / "labeled.jsonl"
    labeled.write_text(
        json.dumps({"id": "a", "text": "Hi Sam, we met at the Lisbon Rust meetup on Tuesday.", "expected": "accept"})
        + "\n"
        + json.dumps({"id": "b", "text": "", "expected": "accept"})
        + "\n",
        encoding="utf-8",
    )
    assert AGREEMENT.main([str(labeled)]) == 0
    out = capsys.readouterr().out
    assert "invite inbox: agreement 0.50 (1/2)" in out and "accept" in out
    labeled.write_text(json.dumps({"id": "a", "text": "", "expected": "maybe"}) + "\n", encoding="utf-8")
    assert AGREEMENT.main([str(labeled)]) == 2
    assert "expected must be one of accept, ask, ignore" in capsys.readouterr().err


# --------------------------------------------------------------------------- the decision


def received(text: str) -> Received:
    [result] = lint_results([(0, text, None)], limit=300)
    item = Received(1, datetime(2026, 2, 1), "Kim Novak", None, text)
    item.findings, item.language, item.judged = result.findings, result.language, result.judged
    item.hook, item.scores, item.seeking = result.hook, result.scores, result.seeking
    return item


def test_no_findings_at_all_is_not_enough_to_accept(history_file: Path):
    item = received("Hi Kim, hope you're well.")
    item.findings, item.hook = [], None  # a note the linter found nothing wrong with, and nothing in
    with open_history(history_file) as history:
        action, why = decide(history, item, not_looking=False)
    assert action == ASK and "nothing in the note ties it to you" in why[0]


def test_a_canned_phrase_beside_a_hook_phrase_is_accepted(history_file: Path):
    item = received("I'd like to add you to my professional network. We met at the Leeds dbt meetup on Tuesday.")
    assert "generic-phrase" in {f.rule for f in item.findings}
    with open_history(history_file) as history:
        assert decide(history, item, not_looking=False)[0] == ACCEPT


def test_a_template_with_a_field_left_unfilled_is_never_accepted(history_file: Path):
    """It went to many people, whatever its hook phrase says."""
    item = received("Hi [Name], great meeting you at the Leeds dbt meetup on Tuesday. Would love to stay in touch.")
    assert item.hook == "stated" and "placeholder" in {f.rule for f in item.findings}
    with open_history(history_file) as history:
        assert decide(history, item, not_looking=False)[0] == ASK


@pytest.mark.parametrize(("personal", "action"), [(0.95, ACCEPT), (0.2, ASK)])
def test_names_alone_accept_only_a_note_that_reads_as_personal(history_file: Path, personal: float, action: str):
    """A name is as often the sender's company or your own employer: the classifier must agree it is personal."""
    from composer.lint.calibration import logit, parameters

    item = received("Hi Kim, loved the Lisbon PyData keynote.")
    item.findings, item.hook = [], "named"
    slope, intercept = parameters()["personal_specific"]
    raw = 1 / (1 + pow(2.718281828459045, -((logit(personal) - intercept) / slope)))  # the raw score printed as `personal`
    item.scores = {**item.scores, "personal_specific": raw}
    with open_history(history_file) as history:
        suggested, why = decide(history, item, not_looking=False)
    assert suggested == action
    needed = settings()["inbox"]["named_personal"]
    if action == ASK:  # the reason says what was found, not "no name found"
        assert why == [
            f"it names something, but not clearly something you share (reads as personal {personal:.2f}, {needed:.2f} needed)"
        ]


@pytest.mark.parametrize(("pitch", "action"), [(0.1, ACCEPT), (0.38, ASK)])
def test_a_hook_that_may_be_selling_is_ask_not_accept(history_file: Path, pitch: float, action: str):
    """A real hook beside a sales score under the linter's threshold: the reader decides, with the reason said."""
    item = received("Hi Kim, thanks for liking my post on Arrow. We build tooling for Arrow pipelines.")
    item.findings, item.hook = [], "stated"
    item.scores = {**item.scores, "sales_pitch": pitch}  # sales_pitch ships uncalibrated (calibration.yaml)
    with open_history(history_file) as history:
        suggested, why = decide(history, item, not_looking=False)
    assert suggested == action
    assert ("reads a little like a pitch" in " ".join(why)) is (action == ASK)


def test_a_recruiters_company_and_city_are_not_a_shared_context(history_file: Path):
    item = received("Hi Kim, I'm hiring a Head of Data for a Series B startup in Berlin. Would love to tell you more.")
    with open_history(history_file) as history:
        assert decide(history, item, not_looking=False)[0] == ASK
        assert decide(history, item, not_looking=True)[0] == IGNORE


@pytest.mark.parametrize(
    "note",
    [
        "Hi Kim, I know you recruit for platform teams. I'm a backend developer and would like to be on your list.",
        "Hi Kim, are you currently hiring? I finish my statistics degree in June.",
        "Hi Kim, could your recruiter tell me if the data team takes interns?",
    ],
)
def test_a_recruiting_phrase_about_the_reader_is_no_recruiters_pitch(history_file: Path, note: str):
    """A recruiting phrase about the reader ("you recruit", "your recruiter") is their job: --not-looking keeps it."""
    item = received(note)
    item.findings = []
    with open_history(history_file) as history:
        assert decide(history, item, not_looking=True)[0] == ASK


def test_a_job_seeker_quoting_your_opening_is_no_recruiter(history_file: Path):
    """ "hiring for a ..." in a job seeker's note is your opening, not their offer: --not-looking keeps it."""
    item = received("Hi Kim, I saw your team is hiring for a data engineer, so I'm reaching out to see how I might fit.")
    assert item.seeking
    with open_history(history_file) as history:
        assert decide(history, item, not_looking=True)[0] == ASK
    item.seeking = False  # the same words from a recruiter's side of the table
    with open_history(history_file) as history:
        assert decide(history, item, not_looking=True)[0] == IGNORE


def test_a_job_seekers_hook_is_accepted_whatever_the_pitch_score(history_file: Path):
    """The linter never calls a job seeker's note a pitch on its score alone; the inbox does not hold back "accept" on it."""
    item = received("Hi Kim, your post about the Leeds data internship caught my eye; I'd like to hear how I might fit.")
    item.findings, item.hook = [], "stated"
    item.scores = {**item.scores, "sales_pitch": 0.38}
    assert item.seeking
    with open_history(history_file) as history:
        assert decide(history, item, not_looking=False)[0] == ACCEPT


def test_a_note_in_a_language_not_judged_is_ask_with_the_reason(tmp_path: Path):
    run_cli("import", str(received_export(tmp_path, {"Ola Nowak": "Cześć, poznaliśmy się na konferencji w Krakowie."})))
    item = inbox_json()["Ola Nowak"]
    assert item["action"] == "ask" and item["judged"] is False and "not judged: written in Polish" in item["why"]


@pytest.mark.slow
def test_a_reply_you_drafted_does_not_make_them_someone_you_know(tmp_path: Path):
    run_cli("import", str(write_export(tmp_path)))
    assert inbox_json()["Eve Adams"]["action"] == "ask"
    assert run_cli("inbox", "reply", "5", "--no-input").exit_code == 0  # asks Eve how you know each other
    after = inbox_json()["Eve Adams"]
    assert (after["action"], after["why"]) == ("ask", ["no note"])
    # a note drafted to them (not a reply) still counts
    run_cli("draft", "-r", "event", "--set", "first_name=Eve", "--set", "event=PyCon US", "--name", "Eve Adams")
    assert inbox_json()["Eve Adams"]["action"] == "accept"


# --------------------------------------------------------------------------- inbox --sent


def sent_rows() -> list[tuple]:
    return [
        ("OUTGOING", "Old Pending", "old-pending", "12/1/25, 9:00 AM", "Hi, we met at the Oslo Go meetup."),
        ("OUTGOING", "Old Accepted", "old-accepted", "12/2/25, 9:00 AM", ""),
        ("OUTGOING", "Three Weeks", "three-weeks", "1/18/26, 9:00 AM", ""),  # the export is of 2026-02-08: 21 days
        ("OUTGOING", "Recent Pending", "recent-pending", "2/1/26, 9:00 AM", ""),
        ("OUTGOING", "Mid Pending", "mid-pending", "1/5/26, 9:00 AM", "Thanks for the talk on Kafka."),
        ("INCOMING", "Someone Else", "someone-else", "12/1/25, 9:00 AM", ""),
    ]


def test_inbox_sent_lists_pending_invitations_older_than_n_weeks_oldest_first(tmp_path: Path):
    connections = [("Old", "Accepted", "old-accepted", "Co", "Role", "03 Dec 2025")]
    export = write_export(
        tmp_path, invitations=invitations_csv(True, sent_rows()), connections=connections_csv(True, True, connections)
    )
    assert run_cli("inbox", "--sent").exit_code == 0  # before an import: a sentence, no table
    run_cli("import", str(export))
    result = run_cli("inbox", "--sent", "--format", "json")
    assert result.exit_code == 0, result.output
    items = [json.loads(line) for line in result.stdout.splitlines()]
    assert [i["to"] for i in items] == ["Old Pending", "Mid Pending", "Three Weeks"]
    assert [i["days_pending"] for i in items] == [69, 34, 21] and items[0]["note"].startswith("Hi, we met")
    assert [
        json.loads(line)["to"] for line in run_cli("inbox", "--sent", "--weeks", "6", "--format", "json").stdout.splitlines()
    ] == ["Old Pending"]
    table = run_cli("inbox", "--sent", "--weeks", "1")
    assert "Recent Pending" in table.stdout and "69 days" in table.stdout and "Someone Else" not in table.stdout
    assert "oldest first" in table.stderr
    assert "no sent invitation pending 52 weeks" in run_cli("inbox", "--sent", "--weeks", "52").stderr


def test_inbox_sent_bad_flags_are_one_line_and_exit_2():
    for args in (("--weeks", "2"), ("--sent", "--weeks", "-1")):
        result = run_cli("inbox", *args)
        assert result.exit_code == 2 and "--weeks" in result.stderr and "Traceback" not in result.output


class _Counting:
    """A history that counts what it is asked."""

    def __init__(self, history) -> None:
        self.history, self.asked = history, Counter()

    def latest_for(self, **kwargs):
        self.asked["latest_for", tuple(sorted(kwargs.items()))] += 1
        return self.history.latest_for(**kwargs)

    def invited_in_export(self, **kwargs):
        self.asked["invited_in_export", tuple(sorted(kwargs.items()))] += 1
        return self.history.invited_in_export(**kwargs)


def test_the_inbox_asks_the_history_once_per_person(history_file: Path):
    """Pending invitations from people who share a name walk that name's notes once, not once each."""
    with open_history(history_file) as history:
        history.record([(Note("Hi Ana, great meeting you at PyCon.", "Ana Lima"), [], "")], command="draft")
        items = [Received(n, datetime(2026, 2, 1), "Ana Lima", None, "") for n in range(1, 6)]
        items.append(Received(6, datetime(2026, 2, 1), "Ana Lima", "https://www.linkedin.com/in/other-ana", ""))
        counting = _Counting(history)
        suggest(counting, items, not_looking=False, limit=300)  # type: ignore[arg-type]
    assert [item.action for item in items] == [ACCEPT] * 6  # a note to Ana Lima without a URL: any Ana Lima
    assert max(counting.asked.values()) == 1 and len(counting.asked) == 3  # by name, by URL, by name without a URL


# --------------------------------------------------------------------------- a page at a time


def _many_pending(folder: Path, count: int) -> Path:
    """`count` pending received invitations, one a minute (the last the newest), every other one with a note."""
    rows = [
        (
            "INCOMING",
            f"Person{i} Example",
            f"person-{i}",
            f"2/1/26, 10:{i:02d} AM",
            "Hi Sam, we met at the Oslo Go meetup." * (i % 2),
        )
        for i in range(count)
    ]
    return write_export(folder, invitations=invitations_csv(True, rows), connections=connections_csv(True, True, []))


@pytest.mark.slow  # a draft of a reply too (~1 s)
def test_inbox_shows_a_page_at_a_time_numbered_as_the_whole_list(tmp_path: Path):
    assert run_cli("import", str(_many_pending(tmp_path, 45))).exit_code == 0
    first = run_cli("inbox", "--format", "json")
    items = [json.loads(line) for line in first.stdout.splitlines()]
    assert [i["number"] for i in items] == list(range(1, 21)) and items[0]["from"] == "Person44 Example"
    assert "showing 1-20 of 45 pending invitations; `invite inbox --page 2` shows the next 20, `--all` every one" in first.stderr
    last = run_cli("inbox", "--page", "3")
    assert "Person0 Example" in last.stdout and "Person5 Example" not in last.stdout
    assert "showing 41-45 of 45 pending invitations" in last.stderr and "--page 4" not in last.stderr
    assert len(run_cli("inbox", "--all", "--format", "json").stdout.splitlines()) == 45
    assert "no pending invitations on page 4: there are 45, 20 a page" in run_cli("inbox", "--page", "4").stderr
    for bad in (("--page", "0"), ("--page", "2", "--all")):
        result = run_cli("inbox", *bad)
        assert result.exit_code == 2 and "--page" in result.stderr and "Traceback" not in result.output
    oldest = run_cli("inbox", "reply", "45", "--no-input", "--no-record")
    assert oldest.exit_code == 0 and oldest.stdout.startswith("Hi Person0,")
    beyond = run_cli("inbox", "reply", "46", "--no-input")
    assert beyond.exit_code == 2 and "no invitation 46: `invite inbox` lists 1 to 45" in beyond.stderr


def test_inbox_sent_pages_too(tmp_path: Path):
    rows = [("OUTGOING", f"Person{i} Example", f"person-{i}", f"1/1/26, 10:{i:02d} AM", "") for i in range(25)]
    export = write_export(tmp_path, invitations=invitations_csv(True, rows), connections=connections_csv(True, True, []))
    run_cli("import", str(export))
    result = run_cli("inbox", "--sent", "--page", "2")
    assert "Person24 Example" in result.stdout and "Person4 Example" not in result.stdout
    assert "25 sent invitations still pending 3 weeks or more" in result.stderr
    assert "showing 21-25 of 25 sent invitations still pending" in result.stderr


@pytest.mark.slow
def test_a_page_judges_only_its_own_notes_after_the_linter_changed(tmp_path: Path, history_file: Path, monkeypatch):
    """Verdicts are stored at import; after an upgrade, a page lints again only the notes it shows."""
    from composer.linkedin import verdicts

    assert run_cli("import", str(_many_pending(tmp_path, 45))).exit_code == 0
    monkeypatch.setattr(verdicts, "version", lambda: "a newer linter")
    assert run_cli("inbox", "--format", "json").exit_code == 0
    with open_history(history_file) as history:
        sql = "SELECT lint_version = 'a newer linter', COUNT(*) FROM invitations WHERE message != '' GROUP BY 1"
        versions = history.query(sql)
    assert versions == [(0, 12), (1, 10)]  # the 20 newest: 10 with a note, judged again; the other 12 notes untouched
