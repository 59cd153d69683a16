"""The linter's spaCy pipeline: only what the rules use, the same results as the plain pipeline, and --jobs.

The speed-ups (the anchored ruler, NER only where it can change a finding, worker processes) must
never change a finding; these tests compare them with the straightforward version on every labeled
note. Timings live in bench/bench.py, not here.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from composer.lint import lint_many
from composer.lint.keys import CLASSIFIER_PIPE, FINDINGS_KEY, LINT_PIPE, NAME_KEY, SPANS_KEY
from composer.lint.pipeline import get_pipeline, load_patterns
from composer.lint.ruler import requirements
from composer.lint.step import ENTITY_RULES
from tests.helpers import REPO

DATA = REPO / "tests" / "data"
EXTRA_NOTES = [
    "",
    "   ",
    "Hi {first_name}, I came across your profile and would love to connect!",
    "HELLO!!! WE HELP TEAMS LIKE YOURS CUT COSTS BY 40%. Open to a quick 15-minute demo next week?",
    "Ana - loved your RustConf talk on async cancellation. Would be great to stay in touch.\n\nBest,\nSam",
    "I'd like to add you to my professional network on LinkedIn.",
    "since you're a person I trust, I wanted to invite you to join my network",
    "Fellow Globex alum here 👋 your answer on schema evolution saved me a day. https://example.com/x",
]


def _notes() -> list[tuple[str, str, str | None]]:
    notes = [(f"extra{i}", text, None) for i, text in enumerate(EXTRA_NOTES)]
    for path in sorted(DATA.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                record = json.loads(line)
                notes.append((f"{path.stem}:{record['id']}", record["text"], record.get("name")))
    return notes


NOTES = _notes()


def test_loads_only_ner_and_runs_it_on_demand():
    nlp = get_pipeline().nlp
    assert nlp.pipe_names == ["invite_ruler", CLASSIFIER_PIPE, LINT_PIPE]
    assert nlp.disabled == ["ner"]
    assert "tok2vec" not in nlp.component_names and "parser" not in nlp.component_names


def test_requirements_of_token_patterns():
    pattern = [
        {"LOWER": "i", "OP": "?"},
        {"LOWER": {"IN": ["came", "stumbled"]}},
        {"IS_ALPHA": True, "OP": "{0,2}"},
        {"NORM": "profile", "OP": "{1,2}"},
        {"ORTH": "!", "OP": "*"},
    ]
    assert requirements(pattern) == {("LOWER", frozenset({"came", "stumbled"})), ("NORM", frozenset({"profile"}))}
    assert requirements([{"IS_ALPHA": True}, {"LOWER": {"REGEX": "^x"}}]) == frozenset()


@pytest.mark.slow
def test_ruler_finds_what_spacys_span_ruler_finds():
    """Same spans, labels, ids and order as SpanRuler on every note; both validate the patterns."""
    import spacy

    reference = spacy.blank("en")
    reference.add_pipe("span_ruler", config={"spans_key": SPANS_KEY, "validate": True}).add_patterns(load_patterns())
    nlp = get_pipeline().nlp
    ours = nlp.create_pipe("invite_ruler", config={"validate": True})
    ours.add_patterns(load_patterns())
    for note_id, text, _ in NOTES:
        expected_doc, got_doc = reference(text), ours(nlp.make_doc(text))
        expected = [(s.start, s.end, s.label_, s.id_) for s in expected_doc.spans[SPANS_KEY]]
        got = [(s.start, s.end, s.label_, s.id_) for s in got_doc.spans[SPANS_KEY]]
        assert got == expected, note_id


@pytest.mark.slow
@pytest.mark.parametrize("blank", [False, True], ids=["trained", "blank"])
def test_ner_on_demand_gives_the_findings_of_ner_on_every_note(blank: bool):
    """NER only on the notes where an ENTITY_RULES rule fired must equal NER on all of them.

    If a rule starts reading entities in another way, this fails: add it to ENTITY_RULES.
    """
    nlp = get_pipeline(blank).nlp

    def findings(lazy: bool) -> dict[str, list]:
        docs = []
        for note_id, text, name in NOTES:
            doc = nlp.make_doc(text)
            if name is not None:
                doc.user_data[NAME_KEY] = name
            docs.append((doc, note_id))
        options = {LINT_PIPE: {"lazy_entities": lazy}}
        return {i: doc.user_data[FINDINGS_KEY] for doc, i in nlp.pipe(docs, as_tuples=True, component_cfg=options)}

    assert findings(lazy=True) == findings(lazy=False)
    assert "no-specifics" in ENTITY_RULES


def test_ner_runs_only_where_a_named_hook_could_silence_no_specifics(monkeypatch):
    """A template with an unfilled field, or a pitch whose names read as the sender's own, keeps its
    `no-specifics` whatever NER finds: only the note a named hook could clear is sent to it."""
    step = get_pipeline().nlp.get_pipe(LINT_PIPE)
    sent: list[str] = []

    class Spy:
        def pipe(self, docs, **options):
            docs = list(docs)
            sent.extend(doc.text for doc in docs)
            return ner.pipe(docs, **options)

    ner = step.ner
    monkeypatch.setattr(step, "ner", Spy())
    template = "Hi [Name], great to meet you at [Event]!"
    pitch = "Hi Dana, we help SaaS teams cut churn with our platform. Book a free demo this week."
    plain = "Hi Dana, I'd like to add you to my professional network."
    results = lint_many((note, note, None) for note in (template, pitch, plain))
    assert [[f.rule for f in found if f.rule == "no-specifics"] for _, _, found in results] == [["no-specifics"]] * 3
    assert sent == [plain]


@pytest.mark.slow
def test_lint_many_in_two_processes_matches_one_and_keeps_order():
    items = [(i, text, "Ana" if n % 3 == 0 else name) for n, (i, text, name) in enumerate(NOTES[:40])]
    one = list(lint_many(items, batch_size=8))
    two = list(lint_many(items, batch_size=8, n_process=2))
    assert [r[0] for r in two] == [i for i, _, _ in items]
    assert two == one
    # the name reaches the workers: no-greeting asks for it by name
    assert any("(Ana)" in f.message for _, _, findings in two for f in findings)


@pytest.mark.slow
@pytest.mark.parametrize("jobs", ["2", "3"])
def test_jobs_in_many_small_chunks_give_the_same_output_as_one_process(invoke, tmp_path: Path, monkeypatch, jobs):
    """Chunks of three notes, handed to whichever worker has fewest: the JSON lines and the summary of --jobs 1."""
    from composer.lint import pipeline

    monkeypatch.setattr(pipeline, "WORKER_CHUNK", 3)
    notes = NOTES[:60]
    lines = [json.dumps({"id": f"{i}-{k}", "text": t, "name": "Walt" if k % 4 else n}) for k, (i, t, n) in enumerate(notes)]
    batch = tmp_path / "batch.jsonl"
    batch.write_text("\n".join(lines) + "\n", encoding="utf-8")
    for fmt in ("text", "json"):
        one = invoke("lint", "--jsonl", str(batch), "--format", fmt)
        many = invoke("lint", "--jsonl", str(batch), "--format", fmt, "--jobs", jobs)
        assert (many.exit_code, many.stdout, many.stderr) == (one.exit_code, one.stdout, one.stderr)
    assert [json.loads(line)["id"] for line in many.stdout.splitlines()] == [f"{i}-{k}" for k, (i, _, _) in enumerate(notes)]


@pytest.mark.slow
def test_jobs_gives_the_same_json_lines_in_order(invoke, tmp_path: Path):
    batch = tmp_path / "batch.jsonl"
    lines = [json.dumps({"id": i, "text": t, "name": "Walt" if k % 2 else n}) for k, (i, t, n) in enumerate(NOTES[:30])]
    batch.write_text("\n".join(lines) + "\n", encoding="utf-8")
    one = invoke("lint", "--jsonl", str(batch), "--format", "json")
    two = invoke("lint", "--jsonl", str(batch), "--format", "json", "--jobs", "2")
    assert one.exit_code == two.exit_code == 1, two.stderr
    assert two.stdout == one.stdout
    assert [json.loads(line)["id"] for line in two.stdout.splitlines()] == [i for i, _, _ in NOTES[:30]]


def test_jobs_bring_back_findings_that_carry_a_fix(invoke, tmp_path: Path):
    """A finding with a fix (double-space) comes back from a worker whole (shipping it in a Doc once crashed the batch)."""
    batch = tmp_path / "batch.jsonl"
    texts = ["Hi Ana,  great meeting you at PyCon US.", "I'd like to add you to my professional network on LinkedIn.", "Hi Ben!"]
    batch.write_text("".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in enumerate(texts)), encoding="utf-8")
    one = invoke("lint", "--jsonl", str(batch), "--format", "json")
    two = invoke("lint", "--jsonl", str(batch), "--format", "json", "--jobs", "2")
    assert (two.exit_code, two.stdout, two.stderr) == (one.exit_code, one.stdout, one.stderr)
    fixes = [f["fix"] for line in two.stdout.splitlines() for f in json.loads(line)["findings"] if "fix" in f]
    assert fixes == [{"replacement": " ", "start": 7, "end": 9}]


@pytest.mark.parametrize(
    ("args", "message"),
    [(["--jobs", "0"], "--jobs must be at least 1, got 0"), (["--jobs", "-2"], "--jobs must be at least 1, got -2")],
)
def test_jobs_must_be_positive(invoke, tmp_path: Path, args: list[str], message: str):
    batch = tmp_path / "batch.jsonl"
    batch.write_text('{"id": 1, "text": "Hi Ana"}\n', encoding="utf-8")
    result = invoke("lint", "--jsonl", str(batch), *args)
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.strip() == f"error: {message}"


def test_jobs_needs_a_batch(invoke, tmp_path: Path):
    note = tmp_path / "note.txt"
    note.write_text("Hi Ana", encoding="utf-8")
    result = invoke("lint", str(note), "--jobs", "2")
    assert result.exit_code == 2 and "--jobs applies to a --jsonl batch" in result.stderr
    assert invoke("lint", str(note), "--jobs", "1").exit_code == 1
