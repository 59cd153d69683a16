"""The lint rules through the library API: per-rule examples from the rules data, offsets, counting.

Every rule's examples run, whatever its scope: a note rule's through the linter, a history rule's
against a real history file holding its `history:` notes, a batch rule's through the merge's
duplicate grouping.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from composer.config import HistorySettings
from composer.errors import UsageError
from composer.history.checks import HistoryChecks
from composer.history.log import Recipient
from composer.history.store import now, open_history
from composer.lint import Batch, check_batch, lint_many, lint_text, load_rules, rule_ids, select_rules
from composer.lint import pipeline as pipeline_mod
from composer.lint.pipeline import load_patterns
from composer.lint.rules import registered

RULES = load_rules()
NOTE_RULES = [rule for rule in RULES.values() if rule.scope == "note"]
FIRES = [(rule.id, text) for rule in NOTE_RULES for text in rule.fires]
PASSES = [(rule.id, text) for rule in NOTE_RULES for text in rule.passes]
OTHER_RULES = [rule for rule in RULES.values() if rule.scope != "note"]
OTHER_EXAMPLES = [
    (rule.id, fires, example)
    for rule in OTHER_RULES
    for fires, examples in ((True, rule.fires), (False, rule.passes))
    for example in examples
]


def fired(text: str, rule: str, **options) -> list:
    return [f for f in lint_text(text, **options) if f.rule == rule]


def test_every_rule_has_examples_that_fire_and_pass():
    assert len(RULES) >= 10
    for rule in RULES.values():
        assert rule.fires, f"{rule.id} has no example that fires"
        assert rule.passes, f"{rule.id} has no example that passes"
        assert rule.description and rule.why and rule.hint and rule.message


@pytest.mark.parametrize(("rule", "text"), FIRES, ids=[f"{r}:{i}" for i, (r, _) in enumerate(FIRES)])
def test_rule_fires_on_its_examples(rule: str, text: str):
    assert fired(text, rule), f"{rule} should fire on {text!r}"


@pytest.mark.parametrize(("rule", "text"), PASSES, ids=[f"{r}:{i}" for i, (r, _) in enumerate(PASSES)])
def test_rule_passes_its_examples(rule: str, text: str):
    assert not fired(text, rule), f"{rule} should not fire on {text!r}"


def _checked(entry: dict[str, Any]):
    """An example note as `draft` would check it: its recipient (name, URL, company) and account."""
    recipient = Recipient(entry.get("recipient"), entry.get("profile_url"), entry.get("account", "free"))
    return recipient.checked(entry.get("text", ""), None, {"company": entry.get("company", "")})


def history_example_fires(rule: str, example: dict[str, Any], folder: Path) -> bool:
    """Record the example's `history:` notes in a new history file, then check its `note:` against it."""
    with open_history(folder / "history.sqlite3") as history:
        for entry in example["history"]:
            note, skel = _checked(entry)
            at = now() - timedelta(days=entry.get("days_ago", 0))
            history.record([(note, [], skel)] * entry.get("times", 1), command="draft", at=at)
        findings = HistoryChecks(history, HistorySettings(), [rule]).check(*_checked(example["note"]))
    assert all(f.rule == rule and f.message for f in findings)
    return bool(findings)


def batch_example_fires(rule: str, example: dict[str, Any]) -> bool:
    """Run the rule on the example's `batch:` notes as `invite merge` does."""
    checked = [_checked(entry) for entry in example["batch"]]
    names = [{k: entry[k] for k in ("first_name", "last_name") if k in entry} for entry in example["batch"]]
    batch = Batch([note.text for note, _ in checked], [skel for _, skel in checked], HistorySettings().similarity, names=names)
    findings = [f for found in check_batch(batch, [rule]) for f in found]
    assert all(f.rule == rule and f.message for f in findings)
    return bool(findings)


@pytest.mark.parametrize(
    ("rule", "fires", "example"),
    OTHER_EXAMPLES,
    ids=[f"{r}:{'fires' if f else 'passes'}:{i}" for i, (r, f, _) in enumerate(OTHER_EXAMPLES)],
)
def test_history_and_batch_rules_run_their_examples(rule: str, fires: bool, example: dict[str, Any], tmp_path: Path):
    scope = RULES[rule].scope
    result = history_example_fires(rule, example, tmp_path) if scope == "history" else batch_example_fires(rule, example)
    assert result is fires, f"{rule} should {'fire' if fires else 'pass'} on {example!r}"


def test_every_rule_scope_has_a_runner():
    assert {rule.scope for rule in RULES.values()} == {"note", "history", "batch"}
    for rule in OTHER_RULES:
        for example in (*rule.fires, *rule.passes):
            assert isinstance(example, dict) and (set(example) == {"history", "note"} or set(example) == {"batch"})


@pytest.mark.parametrize("scope", ["note", "history", "batch"])
def test_every_rule_has_one_registered_check_of_its_scope(scope: str):
    assert set(registered(scope)) == {rule.id for rule in RULES.values() if rule.scope == scope}


def test_a_rule_id_registers_once():
    from composer.lint.rules.registry import register

    with pytest.raises(ValueError, match="registered twice"):
        register("too-long", "batch")(lambda ctx: [])
    with pytest.raises(ValueError, match="unknown scope"):
        register("new-rule", "inbox")


def test_history_rules_are_not_run_by_the_linter():
    assert not {f.rule for f in lint_text("Hi Ana, great meeting you at PyCon US.")} & {r.id for r in OTHER_RULES}
    with pytest.raises(UsageError, match="history or a batch"):
        lint_text("Hi Ana", select="already-invited")


@pytest.mark.parametrize(("rule", "text"), FIRES + PASSES)
def test_offsets_match_excerpts(rule: str, text: str):
    for finding in lint_text(text):
        assert finding.excerpt == text[finding.start : finding.end]
        assert 0 <= finding.start <= finding.end <= len(text)
        assert finding.line >= 1 and finding.column >= 1


def test_patterns_file_is_valid():
    labels = {p["label"] for p in load_patterns()}
    assert labels <= {"generic-phrase", "sales-pitch", "hook", "hook-lead", "not-hook-lead", "background-lead", "seeking"}
    assert all(p["id"] and p["pattern"] for p in load_patterns())


# --------------------------------------------------------------------------- generic-phrase robustness


@pytest.mark.parametrize(
    "text",
    [
        "I’d like to add you to my professional network on LinkedIn.",  # curly apostrophe
        "I would really love to add you to my network.",  # insertion
        "i WOULD LIKE TO ADD YOU TO MY PROFESSIONAL NETWORK ON LINKEDIN",  # casing
        "Hi, I'm hoping to expand our professional network.",
        "Happened upon your profile today.",
        "Hope this email finds you well.",
        "Kindly accept my request.",
        "Would love to pick your brains!",
        "Please add me to your LinkedIn network.",
    ],
)
def test_generic_phrase_variants(text: str):
    assert fired(text, "generic-phrase")


def test_generic_phrase_span_is_the_phrase():
    text = "Hi Sam! I came across your profile yesterday."
    [finding] = fired(text, "generic-phrase")
    assert finding.excerpt == "came across your profile"
    assert (finding.start, finding.line, finding.column) == (10, 1, 11)


# --------------------------------------------------------------------------- no-specifics


@pytest.mark.parametrize(
    "text",
    [
        "Hi Maria, I'd like to add you to my network - we met at the Data Council in Austin.",
        "Hi Beth, we overlapped at Globex. Would love to connect.",
        "Hi Li, we met at the gym on Saturday and talked about climbing.",
        'Hi Grace, your book "Quiet Leadership" changed how I run one-on-ones.',
        "Hi Sam, Jane suggested I reach out to you.",
    ],
)
def test_no_specifics_quiet_on_a_hook_even_with_canned_phrase(text: str):
    assert not fired(text, "no-specifics")


def test_no_specifics_ignores_addressee_signature_and_placeholders():
    assert fired("Hi Maria, I'd like to add you to my network. - Sam", "no-specifics")
    assert fired("Hi {{first_name}}, great to meet you at [Event Name]!", "no-specifics")
    assert fired("Hi Owen, would love to connect.", "no-specifics", name="Owen Price")
    assert fired("Hi Rob, can we meet next Tuesday for a quick demo?", "no-specifics")


def test_the_recipients_name_is_no_hook_though_the_classifier_read_the_note_without_it():
    """The classifier's hook feature reads each note without a recipient name; the lint step, given one,
    must not reuse that reading (the hook finder's excluded tokens are kept per name)."""
    note = "Would love to connect with Owen Price and swap notes."
    assert not fired(note, "no-specifics")
    assert fired(note, "no-specifics", name="Owen Price")
    batch = lint_many([(1, note, None), (2, note, "Owen Price")])
    assert [[f.rule for f in found if f.rule == "no-specifics"] for _, _, found in batch] == [[], ["no-specifics"]]


# --------------------------------------------------------------------------- length


def test_too_long_counts_utf16_units_for_emoji():
    assert not fired("👋" * 100, "too-long")  # 200 units
    [finding] = fired("👋" * 101, "too-long")
    assert "202" in finding.message and "cut 2" in finding.message
    assert finding.start == 100 and finding.excerpt == "👋"


def test_too_long_counts_crlf_once_and_reports_line_and_column():
    text = "a" * 99 + "\r\n" + "b" * 100  # 200 units in the browser
    assert not fired(text, "too-long")
    [finding] = fired(text + "c", "too-long")
    assert finding.excerpt == "c" and finding.line == 2 and finding.column == 101


def test_limit_option():
    text = "Hi Ana, " + "x" * 250
    assert fired(text, "too-long")
    assert not fired(text, "too-long", limit=300)


def test_empty_note_only_reports_empty():
    assert [f.rule for f in lint_text(" \n ")] == ["empty"]


# --------------------------------------------------------------------------- other rules


def test_link_kinds():
    messages = [f.message for f in lint_text("Mail jo@example.com, call +1 415 555 0100 or see https://x.io/a.")]
    assert any("e-mail" in m for m in messages)
    assert any("phone" in m for m in messages)
    assert any("https://x.io/a" in m for m in messages)


def test_no_greeting_with_name():
    assert not fired("Hey Ana - loved the talk.", "no-greeting", name="Ana Lima")
    assert fired("Hey there - loved the talk.", "no-greeting", name="Ana Lima")
    assert not fired("Thanks for the talk, Ana.", "no-greeting", name="Ana Lima")


def test_placeholder_in_shouting_is_not_a_field():
    assert not fired("HI DEREK, WHAT A GREAT EVENT", "placeholder")
    assert fired("Hi NAME, what a great event", "placeholder")


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("Hi [[first_name]], good to meet you at the fair.", "[[first_name]]"),
        ("Hi <<First Name>>, good to meet you at the fair.", "<<First Name>>"),
        ("Hi ((name)), good to meet you at the fair.", "((name))"),
        ("Hi {!Contact.FirstName}, good to meet you at the fair.", "{!Contact.FirstName}"),
        ("Hi !FirstName!, good to meet you at the fair.", "!FirstName!"),
        ("Hi $FirstName, good to meet you at the fair.", "$FirstName"),
        ("Hi @FirstName, good to meet you at the fair.", "@FirstName"),
        ("Good to meet you at the fair (see [Event]).", "[Event]"),
    ],
)
def test_a_placeholder_is_reported_whole(text: str, field: str):
    """The excerpt is everything the user must replace: doubled delimiters and a merge syntax's sigils
    included, a parenthesis around the field not."""
    assert [f.excerpt for f in lint_text(text) if f.rule == "placeholder"] == [field]


def test_findings_are_sorted_by_position():
    findings = lint_text("Hi {{x}}, I came across your profile!!! Visit www.example.com")
    assert [f.start for f in findings] == sorted(f.start for f in findings)


# --------------------------------------------------------------------------- API


def test_select_and_ignore():
    text = "Join my network on LinkedIn!!!"
    assert {f.rule for f in lint_text(text, select="shouting")} == {"shouting"}
    assert "shouting" not in {f.rule for f in lint_text(text, ignore=["shouting", "no-greeting"])}
    assert select_rules("link,empty") == ["empty", "link"]
    with pytest.raises(UsageError, match="unknown rule 'nope'"):
        lint_text(text, select="nope")
    assert rule_ids() == list(RULES)


def test_lint_many_streams_in_order():
    items = [(i, text, None) for i, text in enumerate(["Let's connect!", "", "Hi Ana, we met at PyCon."])]
    results = list(lint_many(iter(items), batch_size=2))
    assert [r[0] for r in results] == [0, 1, 2]
    assert [f.rule for f in results[1][2]] == ["empty"]


def test_blank_pipeline_fallback_warns_once_and_still_lints(monkeypatch, capsys):
    monkeypatch.setattr(pipeline_mod, "_load_trained", lambda name: None)
    loaded = pipeline_mod._load_pipeline.__wrapped__(False)  # uncached: the real cache stays intact
    err = capsys.readouterr().err
    assert err.count("warning:") == 1 and "no-specifics" in err and "spacy.blank" in err
    assert not loaded.trained and loaded.name == "blank:en"
    blank_findings = {f.rule for f in lint_text("I came across your profile, let's connect!", blank=True)}
    assert {"generic-phrase", "no-specifics"} <= blank_findings
    assert not [f for f in lint_text("Hi Walt, we met at the Harborview mixer.", blank=True) if f.rule == "no-specifics"]
