"""The project's labeled corpus: well-formed, split once and for all, and free of near-duplicates."""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from pathlib import Path

import pytest

from tests.helpers import REPO, load_script

CORPUS = REPO / "corpus" / "notes.jsonl"
LABELS = {"generic", "sales_pitch", "placeholder", "personal_specific"}
#: Real notes kept beside the checkout for measurement only (../shared/data/REAL-DEV.md); never in the repository.
REAL_DEV = Path(os.environ.get("INVITE_REAL_DEV", REPO.parent / "shared" / "data" / "real-dev.jsonl"))


NEAR = load_script("near_duplicates")


@pytest.fixture(scope="module")
def notes() -> list[dict]:
    return [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_every_note_is_well_formed(notes: list[dict]):
    assert len(notes) >= 4000
    assert len({n["id"] for n in notes}) == len(notes)
    for note in notes:
        fields = ["id", "text", "labels", "lang", "writer", "split"]
        assert list(note) in (fields, [*fields, "voice", "kind", "pair"]), note["id"]
        assert set(note["labels"]) == LABELS and all(isinstance(v, bool) for v in note["labels"].values())
        assert not (note["labels"]["generic"] and note["labels"]["personal_specific"]), note["id"]
        assert note["text"].strip() and len(note["lang"]) == 2 and note["split"] in {"train", "dev", "test"}


def test_the_split_is_stratified_with_a_fifth_held_out(notes: list[dict]):
    splits = Counter(n["split"] for n in notes)
    assert splits["test"] >= 0.20 * len(notes) and splits["dev"] >= 0.12 * len(notes)
    for label in LABELS:
        share = {s: sum(n["labels"][label] for n in notes if n["split"] == s) / splits[s] for s in splits}
        assert max(share.values()) - min(share.values()) < 0.03, (label, share)
    other = {s: sum(n["lang"] != "en" for n in notes if n["split"] == s) / splits[s] for s in splits}
    assert max(other.values()) - min(other.values()) < 0.03, other


@pytest.fixture(scope="module")
def near_pairs(notes: list[dict]) -> tuple[list, dict[str, str]]:
    """The near-duplicate pairs among the corpus, the evaluation sets and (when beside the checkout) the
    real notes, found once: each pair is judged on its own two texts, so one pass serves every test."""
    evaluation = NEAR.load_notes(sorted((REPO / "tests" / "data").glob("*.jsonl")))
    real = [(f"real:{label}", text) for label, text in NEAR.load_notes([REAL_DEV])] if REAL_DEV.is_file() else []
    texts = dict([*((f"corpus:{n['id']}", n["text"]) for n in notes), *evaluation, *real])
    return NEAR.find_pairs(list(texts.items())), texts


@pytest.mark.slow
def test_no_near_duplicates_in_the_corpus_or_against_the_evaluation_sets(notes: list[dict], near_pairs):
    pairs, _ = near_pairs
    twin = {f"corpus:{n['id']}": n["pair"] for n in notes if "pair" in n}
    alike = [
        p
        for p in pairs
        if p.first.startswith("corpus:")
        and not p.second.startswith("real:")
        and not (p.first in twin and twin[p.first] == twin.get(p.second))
    ]
    assert alike == []


@pytest.mark.slow
@pytest.mark.skipif(not REAL_DEV.is_file(), reason="the real notes (../shared/data/real-dev.jsonl) are not beside this checkout")
def test_no_corpus_note_is_a_near_duplicate_of_a_real_note(near_pairs):
    """The corpus is written by the project: no real note, nor a light edit of one, may be in it.

    A note of under ten words ("Hi", "Thanks for the connection", LinkedIn's default line) is everyone's
    sentence, not a copy of someone's writing, so such pairs are not counted.
    """
    pairs, texts = near_pairs
    copied = [
        (p.first, p.second)
        for p in pairs
        if {p.first.split(":")[0], p.second.split(":")[0]} == {"corpus", "real"}
        and min(len(texts[p.first].split()), len(texts[p.second].split())) >= 10
    ]
    assert copied == []


def test_minimal_pairs_share_a_split_and_differ_in_a_label(notes: list[dict]):
    """The two notes of a minimal pair teach one difference (a hook, a pitch), so both sit in one split."""
    pairs: dict[str, list[dict]] = {}
    for note in notes:
        if "pair" in note:
            pairs.setdefault(note["pair"], []).append(note)
    assert len(pairs) >= 600
    for key, twins in pairs.items():
        assert len(twins) == 2 and twins[0]["split"] == twins[1]["split"], key
        assert twins[0]["labels"] != twins[1]["labels"], key


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (
            "مرحبا أحمد، كنا زملاء في الجامعة الأمريكية في بيروت دفعة 2016. اشتقنا!",
            "مرحبا سارة، كنا زملاء في الجامعة الأمريكية في بيروت دفعة 2016. اشتقنا!",
        ),
        (
            "您好，我是深圳一家跨境电商公司的运营，希望多认识朋友，互相交流！",
            "您好，我是广州一家跨境电商公司的运营，希望多认识朋友，互相交流！",
        ),
        (
            "Hi Ana, we help B2B teams book 30 meetings a month. Open to a call?",
            "Hi Raj, we help B2B teams book 40 meetings a month! Open to a call?",
        ),
    ],
)
def test_near_duplicates_are_found_in_any_script(first: str, second: str):
    [pair] = NEAR.find_pairs([("a", first), ("b", second)])
    assert (pair.first, pair.second) == ("a", "b")


@pytest.mark.slow
def test_different_notes_in_the_same_script_are_not_near_duplicates():
    arabic = [
        ("a", "مرحبا أحمد، كنا زملاء في الجامعة الأمريكية في بيروت."),
        ("b", "السلام عليكم، لدينا مشروع سكني جديد في دبي هيلز."),
    ]
    assert NEAR.find_pairs(arabic) == []
    assert NEAR.main([str(CORPUS)]) == 0


#: Where the project's own writing lives (the corpus has its own near-duplicate check above).
WRITTEN = ["README.md", "composer", "docs", "message_templates", "samples", "scripts", "bench", "tests"]
#: Eight words in a row: shorter runs are everyone's phrases ("great meeting you at the ...").
RUN = 8


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower().replace("\u2019", "'"))


def _runs(text: str) -> set[tuple[str, ...]]:
    words = _words(text)
    return {tuple(words[i : i + RUN]) for i in range(len(words) - RUN + 1)}


@pytest.mark.slow
@pytest.mark.skipif(not REAL_DEV.is_file(), reason="the real notes (../shared/data/real-dev.jsonl) are not beside this checkout")
def test_no_file_in_the_repository_repeats_a_real_notes_wording(notes: list[dict]):
    """REAL-DEV.md: no note or phrase of a real note goes into code, tests, fixtures or docs.

    Error analysis reads real notes; a test example written just after can echo one. A run of eight
    words that one real note has counts, unless two real notes share it (LinkedIn's own lines, "I'd
    like to connect with you on LinkedIn") or the project's notes already had it (the corpus and the
    older labeled sets in tests/data, which predate the real notes).
    """
    per_note = [_runs(json.loads(line)["text"]) for line in REAL_DEV.read_text(encoding="utf-8").splitlines() if line.strip()]
    seen = Counter(run for runs in per_note for run in runs)
    ours = set().union(*(_runs(n["text"]) for n in notes))
    for path in (REPO / "tests" / "data").glob("*.jsonl"):
        ours |= set().union(
            *(_runs(json.loads(line)["text"]) for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
        )
    copied = {run for run, count in seen.items() if count == 1} - ours
    files = [REPO / name for name in WRITTEN if (REPO / name).is_file()]
    files += [p for name in WRITTEN if (REPO / name).is_dir() for p in (REPO / name).rglob("*") if p.is_file()]
    echoes = []
    for path in files:
        if path.suffix not in {".py", ".md", ".yaml", ".jsonl", ".json", ".txt", ".toml", ".csv", ".jinja", ".cfg"}:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), start=1):
            found = _runs(line) & copied
            if found:
                echoes.append(f"{path.relative_to(REPO)}:{number}: {' '.join(min(found))}")
    assert echoes == []
