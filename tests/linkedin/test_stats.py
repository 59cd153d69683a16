"""`invite stats`: differences between groups with Newcombe's interval, and replies after connecting.

Published values check the arithmetic; invented exports (tests/linkedin/exports.py), with a
messages.csv shaped like LinkedIn's, check what `import` records and what `stats` says.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest

from composer.history.people import is_full_name
from composer.history.store import Note, open_history
from composer.linkedin.intervals import difference, newcombe, wilson
from composer.linkedin.stats import Group, compare, match
from composer.similarity import jaccard, shingles, skeleton
from tests.helpers import run_cli
from tests.linkedin.exports import ME, connections_csv, invitations_csv, messages_csv, sent_export, url, write_export


@pytest.fixture(autouse=True)
def history_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "data" / "history.sqlite3"
    monkeypatch.setenv("INVITE_COMPOSER_HISTORY", str(path))
    return path


# --------------------------------------------------------------------------- the arithmetic


@pytest.mark.parametrize(
    ("counts", "expected"),
    # Newcombe (1998), "Interval estimation for the difference between independent proportions", Table II, method 10
    [
        ((56, 70, 48, 80), (0.2000, 0.0524, 0.3339)),
        ((9, 10, 3, 10), (0.6000, 0.1705, 0.8090)),
        ((5, 56, 0, 29), (0.0893, -0.0381, 0.1926)),
        ((0, 10, 0, 20), (0.0, -0.1611, 0.2775)),
    ],
)
def test_newcombe_against_published_values(counts: tuple[int, int, int, int], expected: tuple[float, float, float]):
    assert newcombe(*counts) == pytest.approx(expected, abs=5e-5)


def test_overlapping_intervals_can_still_differ():
    """The issue's case: 30/100 and 45/100 have overlapping Wilson intervals, yet p is about 0.03."""
    (_, high_a), (low_b, _) = wilson(30, 100), wilson(45, 100)
    assert high_a > low_b
    shown = difference(30, 100, 45, 100)
    assert shown.differs
    assert shown.versus("the others") == "15 points lower than the others, 95% interval -28 to -1"


def test_an_interval_that_includes_0_says_so():
    a, b = Group("note", "with a note", total=30, hits=12), Group("note", "without a note", total=30, hits=10)
    assert compare(a, b) == (
        "Acceptance, with a note (40% vs 33%): 7 points higher than without a note, 95% interval -17 to 30; "
        "the interval includes 0, so these invitations cannot tell them apart."
    )


def test_rounded_group_intervals_that_touch_do_not_decide():
    """44%-72% and 21%-44% look like they touch; the difference's own interval is what the words follow."""
    a, b = Group("note", "with a note", total=44, hits=26), Group("note", "without a note", total=57, hits=18)
    assert [f"{end:.0%}" for end in (*a.interval, *b.interval)] == ["44%", "72%", "21%", "44%"]
    assert compare(a, b) == "Acceptance, with a note (59% vs 32%): 28 points higher than without a note, 95% interval 7 to 45."


@pytest.mark.parametrize(
    ("counts", "words"),
    [
        ((5, 100, 0, 100), "5.0 points higher than B, 95% interval 0.3 to 11.2"),  # 0.33: whole points would print 0
        ((20, 100, 10, 100), "10.00 points higher than B, 95% interval 0.01 to 19.95"),  # 0.015: two decimals
    ],
)
def test_an_end_near_0_gets_the_decimals_that_keep_it_off_0(counts: tuple[int, int, int, int], words: str):
    shown = difference(*counts)
    assert shown.differs and shown.versus("B") == words


def test_printed_ends_and_verdict_never_disagree():
    checked = 0
    for total_a, total_b in ((10, 12), (25, 40), (100, 100), (333, 120)):
        for hits_a in range(0, total_a + 1, max(1, total_a // 20)):
            for hits_b in range(0, total_b + 1, max(1, total_b // 20)):
                shown = difference(hits_a, total_a, hits_b, total_b)
                low, high = (float(x) for x in re.findall(r"interval (-?[\d.]+) to (-?[\d.]+)", shown.versus("B"))[0])
                _, exact_low, exact_high = newcombe(hits_a, total_a, hits_b, total_b)
                assert (low > 0 or high < 0) == shown.differs
                assert low <= 100 * exact_low + 1e-9 and high >= 100 * exact_high - 1e-9  # rounded outward
                if shown.differs != (exact_low > 0 or exact_high < 0):
                    assert min(abs(exact_low), abs(exact_high)) < 1e-4  # only within 0.01 points of 0
                checked += 1
    assert checked > 1000


# --------------------------------------------------------------------------- replies after connecting

NOTE = "Hi Person{0}, great meeting you at PyCon US in Pittsburgh and talking about packaging, topic {0}."


def _replies_export(folder: Path, *, urls: bool = True) -> Path:
    """120 sent: 60 with a specific note, 60 without; the even ones accepted (connected on 1 Feb 2026).

    Replies: with a note every fourth (15 of 30), without every eighth (60, 68, ..., 116: 8 of 30).
    Not replies: a message before connecting, one from someone who did not accept, and one from me.
    """
    rows = []
    for i in range(120):
        if (i < 60 and i % 4 == 0) or (i >= 60 and i % 8 == 4):
            rows.append((f"Person{i} Example", f"person-{i}" if urls else None, "2026-02-03 09:15:00 UTC", "Thanks!"))
    rows.append(("Person2 Example", "person-2" if urls else None, "2026-01-10 12:00:00 UTC", "before we connected"))
    rows.append(("Person1 Example", "person-1" if urls else None, "2026-02-05 12:00:00 UTC", "not connected"))
    rows.append((ME, None, "2026-02-06 12:00:00 UTC", "from me to Person6"))
    columns = None if urls else ["FROM", "DATE", "CONTENT"]
    notes = [NOTE.format(i) if i < 60 else "" for i in range(120)]
    return sent_export(folder, notes, lambda i: i % 2 == 0, inbox=messages_csv(rows, columns))


@pytest.mark.parametrize("urls", [True, False], ids=["profile-urls", "names-only-columns"])
def test_replies_after_connecting_with_and_without_a_note(tmp_path: Path, urls: bool):
    imported = run_cli("import", str(_replies_export(tmp_path, urls=urls)))
    assert imported.exit_code == 0, imported.output
    assert "messages: 23 of the 60 who accepted your invitations wrote to you after connecting" in imported.stderr
    report = json.loads(run_cli("stats", "--format", "json").stdout)
    replies = {(g["dimension"], g["group"]): (g["accepted"], g["replied"]) for g in report["replies"]}
    assert replies[("all", "all accepted invitations")] == (60, 23)
    assert replies[("note", "with a note")] == (30, 15)
    assert replies[("note", "without a note")] == (30, 8)
    assert replies[("verdict", "specific notes")] == (30, 15)
    assert {dimension for dimension, _ in replies} == {"all", "note", "verdict", "pitch"}
    # acceptance is counted as before
    groups = {(g["dimension"], g["group"]): (g["sent"], g["accepted"]) for g in report["groups"]}
    assert groups[("all", "all sent invitations")] == (120, 60)
    line = next(c for c in report["comparisons"] if c.startswith("Replies after connecting, with a note"))
    assert line.startswith("Replies after connecting, with a note (50% vs 27%): 23 points higher than without a note")
    text = run_cli("stats").stdout
    assert "Replies after connecting (from messages.csv): 23 of the 60 who accepted" in text
    assert "replied" in text and "No reply rates" not in text


def test_replies_stay_known_when_a_later_export_has_no_messages(tmp_path: Path):
    run_cli("import", str(_replies_export(tmp_path / "first")))
    again = sent_export(tmp_path / "second", [NOTE.format(i) if i < 60 else "" for i in range(120)], lambda i: i % 2 == 0)
    assert "messages:" not in run_cli("import", str(again)).stderr
    report = json.loads(run_cli("stats", "--format", "json").stdout)
    assert report["replies"][0]["replied"] == 23


def test_without_messages_there_are_no_reply_rates(tmp_path: Path):
    run_cli("import", str(sent_export(tmp_path, ["", "Hi"], lambda i: True)))
    assert json.loads(run_cli("stats", "--format", "json").stdout)["replies"] is None
    assert "No reply rates after connecting" in run_cli("stats").stdout


def test_messages_without_a_date_column_are_named_and_skipped(tmp_path: Path):
    inbox = messages_csv([("Person0 Example", "person-0", "2026-02-03 09:15:00 UTC", "Thanks!")], ["FROM", "CONTENT"])
    result = run_cli("import", str(sent_export(tmp_path, ["Hi"], lambda i: True, inbox=inbox)))
    assert result.exit_code == 0
    assert "messages.csv: no FROM or DATE column (found FROM, CONTENT); replies not counted" in result.stderr
    assert json.loads(run_cli("stats", "--format", "json").stdout)["replies"] is None


# --------------------------------------------------------------------------- reading only what is shown

TWO_NOTES = [
    "Hi Person0, great meeting you at PyCon US and talking about packaging in Pittsburgh.",
    "Hi Person1, your talk on boring Postgres at FOSDEM was the best of the day.",
]


def _recorded_history(history_file: Path, others: int) -> None:
    """The two sent notes recorded: one to person-0's profile, one to a first name only (no key to rule them out);
    and the first note's text again to `others` other people, by profile or full name, from another template."""
    with open_history(history_file) as history:
        history.record(
            [
                (Note(TWO_NOTES[0], "Person0 Example", url("person-0"), "event", "event-brief"), [], ""),
                (Note(TWO_NOTES[1], "Person1", None, "content", "content-brief"), [], ""),
                *(
                    (Note(TWO_NOTES[0], f"Other{i} Person", url(f"other-{i}") if i % 2 else None, "event", "mass"), [], "")
                    for i in range(others)
                ),
            ],
            command="merge",
        )


def test_stats_reads_only_the_recorded_notes_that_could_be_the_sent_ones(tmp_path: Path, history_file: Path):
    _recorded_history(history_file, others=300)
    run_cli("import", str(sent_export(tmp_path, TWO_NOTES, lambda i: i == 0)))
    report = json.loads(run_cli("stats", "--format", "json").stdout)
    groups = {(g["dimension"], g["group"]): (g["sent"], g["accepted"]) for g in report["groups"]}
    assert report["matched_to_history"] == 2
    assert groups[("template", "template event-brief")] == (1, 1)
    assert groups[("template", "template content-brief")] == (1, 0)
    assert not any(label == "template mass" for _, label in groups)  # the same text to others is not theirs
    with open_history(history_file) as history:
        pairs = history.match_candidates(history.sent_scope(None, None), "another matching", None)
    assert sorted({row[2] for row in pairs}) == [1, 2]  # the two notes recorded first: never one of the 300 others


def _same_person(item: tuple, profile: str | None, name: str | None) -> bool:
    """The rule: not known to be someone else (profiles equal when both have one, else full names when both have one)."""
    person_key, profile_key_ = item
    if profile_key_ and profile:
        return profile_key_ == profile
    if is_full_name(person_key) and is_full_name(name):
        return person_key == name
    return True


def _matched_as_before(history, sent: dict[int, tuple[str, str | None, str | None]]) -> dict[int, str]:
    """The templates `_records_as_before` gives."""
    return {n: record.template for n, record in _records_as_before(history, sent).items()}


def _records_as_before(history, sent: dict[int, tuple[str, str | None, str | None]]) -> dict:
    """What `invite stats` matched before it narrowed: every recorded note, newest first, the best same-person one."""
    records = [r for r in history.notes() if r.template]
    found = {}
    for n, (message, person_key, profile_key_) in sent.items():
        note = shingles(skeleton(message))
        scored = [(jaccard(note, shingles(skeleton(r.text))), -k, r) for k, r in enumerate(records)]
        same = [
            m for m in scored if m[0] >= 0.8 and _same_person((person_key, profile_key_), m[2].profile_key, m[2].recipient_key)
        ]
        if same:
            found[n] = max(same, key=lambda m: m[:2])[2]
    return found


@pytest.mark.parametrize("seed", range(6))
def test_narrowed_matching_picks_what_matching_against_everything_picked(tmp_path: Path, history_file: Path, seed: int):
    """Candidates come from SQL (the same person's notes, the others' by band key): the same answer as comparing the
    sent notes with every recorded note."""
    rng = random.Random(seed)
    texts = [
        f"Hi {{}}, great meeting you at {event} and talking about {topic}."
        for event in ("PyCon", "FOSDEM")
        for topic in ("packaging", "SQLite", "Rust")
    ]
    people = [
        ("Ana Lima", "ana"),
        ("Ana Lima", None),
        ("Ben Ortiz", "ben"),
        ("Ben", None),
        ("Someone", None),
        ("Chloé Dubois", "chloe"),
    ]
    recorded = []
    for i in range(60):
        name, slug = rng.choice(people)
        text = rng.choice(texts).format(rng.choice(["Ana", "Ben", "there"])) + rng.choice(["", " Thanks!"])
        recorded.append((Note(text, None if name == "Someone" else name, url(slug) or None, "event", f"t{i}"), [], ""))
    with open_history(history_file) as history:
        history.record(recorded, command="merge")
    rows = []
    for i in range(12):
        name, slug = rng.choice([*people, ("Dan Wu", "dan"), ("Dan Wu", None)])
        source = rng.choice(recorded)[0].text
        rows.append(("OUTGOING", name, slug, f"1/{1 + i}/26, 10:00 AM", source.replace(" ", "  ", 1)))
    export = write_export(tmp_path, invitations=invitations_csv(True, rows), connections=connections_csv(True, True, []))
    assert run_cli("import", str(export)).exit_code == 0
    with open_history(history_file) as history:
        assert _matched(history) == _matched_as_before(history, _sent(history)) != {}


def _sent(history) -> dict[int, tuple[str, str | None, str | None]]:
    return {i.id: (i.message, i.person_key, i.profile_key) for i in history.sent_invitations() if i.message.strip()}


def _matched(history) -> dict[int, str]:
    """The template of each sent note's match, brought up to date as `invite stats` does."""
    match(history, history.sent_scope(None, None))
    return dict(history.query("SELECT i.id, n.template FROM invitations i JOIN notes n ON n.id = i.match_note"))


def test_matches_follow_the_notes_recorded_and_forgotten_since(tmp_path: Path, history_file: Path):
    """A sent note matched once is compared only with the notes recorded since, and matched again when its note goes."""
    _recorded_history(history_file, others=20)
    run_cli("import", str(sent_export(tmp_path, TWO_NOTES, lambda i: i == 0)))
    with open_history(history_file) as history:
        assert _matched(history) == _matched_as_before(history, _sent(history))
        history.record([(Note(TWO_NOTES[0], "Person0 Example", url("person-0"), "event", "newer"), [], "")], command="draft")
        assert _matched(history) == _matched_as_before(history, _sent(history))
        assert sorted(_matched(history).values()) == ["content-brief", "newer"]  # the newest of two equal matches
    assert run_cli("history", "forget", "--last").exit_code == 0
    with open_history(history_file) as history:
        assert sorted(_matched(history).values()) == ["content-brief", "event-brief"]
    report = json.loads(run_cli("stats", "--format", "json").stdout)
    templates = [g["group"] for g in report["groups"] if g["dimension"] == "template"]
    assert templates == ["template event-brief", "template content-brief"]


# --------------------------------------------------------------------------- stored verdicts, counted in SQL

KINDS = [
    "I'd like to add you to my professional network on LinkedIn.",
    "Hi {n}, great meeting you at PyCon US in Pittsburgh and talking about packaging, topic {i}.",
    "Hi {n}, we help B2B SaaS teams book 30 qualified meetings a month. Open to a quick call next week?",
    "Cześć {n}, poznaliśmy się na konferencji w Krakowie. Chętnie zostanę w kontakcie.",
    "Hi {n}, your talk on boring Postgres at FOSDEM was the best of the day. " * 4,
    "Hi {n},\r\nwe met at the Lyon data meetup; your talk on dbt tests was great.",
    " \u00a0 ",  # only whitespace: no note
    "",
]


def _generated_export(folder: Path, count: int = 90) -> Path:
    """Sent notes of every kind the groups tell apart; every third accepted; replies from some who accepted."""
    notes = [KINDS[i % len(KINDS)].format(n=f"Person{i}", i=i) for i in range(count)]
    replies = [(f"Person{i} Example", f"person-{i}", "2026-02-03 09:15:00 UTC", "Thanks!") for i in range(0, count, 6)]
    return sent_export(folder, notes, lambda i: i % 3 == 0, inbox=messages_csv(replies))


def _groups_as_before(history) -> list[tuple[str, str, int, int]]:
    """What `invite stats` counted before verdicts were stored: every sent note linted, grouped in Python, in the order
    the groups were made (template rows by first sent)."""
    from composer.length import note_length
    from composer.linkedin.settings import settings
    from composer.lint import lint_results

    data = settings()
    short, long_ = data["stats"]["length_bands"]
    sent = history.sent_invitations()
    noted = [s for s in sent if s.message.strip()]
    linted = {noted[r.id].id: r for r in lint_results(((k, s.message, None) for k, s in enumerate(noted)), limit=300)}
    matched = _records_as_before(history, {s.id: (s.message, s.person_key, s.profile_key) for s in noted})
    groups: dict[tuple[str, str], list[int]] = {}
    for s in sent:
        labels = [("all", "all sent invitations"), ("note", "with a note" if s.message.strip() else "without a note")]
        if s.message.strip():
            length = note_length(s.message)
            band = "under 100" if length < short else "of 100-200" if length <= long_ else "over 200"
            labels.append(("length", f"notes {band} characters"))
            result, rules = linted[s.id], {f.rule for f in linted[s.id].findings}
            if not result.judged:
                labels += [("verdict", "notes not judged (other languages)"), ("pitch", "notes not judged (other languages)")]
            else:
                labels.append(("verdict", "generic notes" if rules & set(data["inbox"]["generic_rules"]) else "specific notes"))
                labels.append(
                    ("pitch", "sales pitches" if rules & set(data["inbox"]["pitch_rules"]) else "notes without a pitch")
                )
            if s.id in matched:
                record = matched[s.id]
                labels += [("template", f"template {record.template}"), ("relationship", f"relationship {record.relationship}")]
        for label in labels:
            counts = groups.setdefault(label, [0, 0])
            counts[0] += 1
            counts[1] += s.connected
    return [(dimension, group, total, hits) for (dimension, group), (total, hits) in groups.items()]


@pytest.mark.slow
def test_stats_from_stored_verdicts_count_what_linting_every_note_counted(tmp_path: Path, history_file: Path):
    export = _generated_export(tmp_path)
    with open_history(history_file) as history:
        history.record(
            [
                (Note(KINDS[1].format(n="Person1", i=1), "Person1 Example", url("person-1"), "event", "event-brief"), [], ""),
                (Note(KINDS[2].format(n="Person2", i=2), "Person2", None, "event", "pitchy"), [], ""),
                (Note(KINDS[5].format(n="Person13", i=13), None, None, "event", "meetup"), [], ""),
                (Note(KINDS[1].format(n="Person9", i=9), "Other Person", url("other"), "event", "mass"), [], ""),
            ],
            command="merge",
        )
    assert run_cli("import", str(export)).exit_code == 0
    report = json.loads(run_cli("stats", "--format", "json").stdout)
    with open_history(history_file) as history:
        expected = _groups_as_before(history)
    got = [(g["dimension"], g["group"], g["sent"], g["accepted"]) for g in report["groups"]]
    assert sorted(got) == sorted(expected + [(d, g, 0, 0) for d, g in _empty_seeds(expected)])
    for dimension in ("template", "relationship"):  # in the order their first invitation was sent
        assert [row for row in got if row[0] == dimension] == [row for row in expected if row[0] == dimension]
    totals = {(dimension, group): total for dimension, group, total, _ in expected}
    assert report["matched_to_history"] == sum(t for (d, _), t in totals.items() if d == "template") > 3
    assert report["notes"] == totals[("note", "with a note")]
    assert run_cli("stats").stdout.startswith("Sent invitations from 2026-01-01 to 2026-01-28: 90,")


def _empty_seeds(expected: list[tuple[str, str, int, int]]) -> list[tuple[str, str]]:
    """The fixed rows shown even when empty, that the counted invitations did not fill."""
    seeds = [
        ("note", "with a note"), ("note", "without a note"), ("length", "notes under 100 characters"),
        ("length", "notes of 100-200 characters"), ("length", "notes over 200 characters"), ("verdict", "specific notes"),
        ("verdict", "generic notes"), ("pitch", "notes without a pitch"), ("pitch", "sales pitches"),
    ]  # fmt: skip
    return [seed for seed in seeds if seed not in {(d, g) for d, g, _, _ in expected}]


def test_stats_lints_nothing_once_the_import_stored_the_verdicts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    import composer.lint

    assert run_cli("import", str(_generated_export(tmp_path, 24))).exit_code == 0
    before = run_cli("stats", "--format", "json").stdout

    def no_lint(*args, **kwargs):
        raise AssertionError("stats linted a note")

    monkeypatch.setattr(composer.lint, "lint_results", no_lint)
    assert run_cli("stats", "--format", "json").stdout == before


def test_a_new_linter_version_lints_again_only_the_notes_a_command_needs(
    tmp_path: Path, history_file: Path, monkeypatch: pytest.MonkeyPatch
):
    from composer.linkedin import verdicts

    assert run_cli("import", str(_generated_export(tmp_path, 24))).exit_code == 0
    before = run_cli("stats", "--format", "json").stdout
    with open_history(history_file) as history:
        [(old,)] = history.query("SELECT DISTINCT lint_version FROM invitations WHERE lint_version IS NOT NULL")
    monkeypatch.setattr(verdicts, "version", lambda: "a newer linter")
    assert run_cli("inbox", "--format", "json").exit_code == 0  # no received invitation: nothing of the sent ones
    with open_history(history_file) as history:
        assert history.query("SELECT DISTINCT lint_version FROM invitations WHERE lint_version IS NOT NULL") == [(old,)]
    assert run_cli("stats", "--format", "json").stdout == before  # judged again, the same verdicts
    with open_history(history_file) as history:
        versions = history.query("SELECT lint_version, COUNT(*) FROM invitations WHERE message != '' GROUP BY 1")
    assert versions == [("a newer linter", 18)]  # every note (3 of the 24 have none)
