"""Near-identical notes: skeletons, the similarity, and batch groups against a known answer."""

from __future__ import annotations

import random

import pytest

from composer.similarity import (
    SIGNATURE_BANDS,
    Index,
    Signatures,
    band_keys,
    band_keys_many,
    clusters,
    jaccard,
    recipient_values,
    shingles,
    skeleton,
    skeleton_key,
)

FIRST = ["Ana", "Ben", "Mei", "Omar", "Grace", "Felix", "Priya", "Jonas", "Lena", "Tomás", "Zoë", "Kwame"]
LAST = ["Lima", "Ortiz", "Chen", "Haddad", "Okafor", "Braun", "Natarajan", "Berg", "Novak", "Ruiz"]
COMPANIES = ["Globex", "Initech", "Hooli", "Northwind", "Umbrella Health", "Contoso", "Fabrikam Labs"]


def test_skeleton_sets_the_recipient_aside():
    values = recipient_values({"first_name": "Ana", "last_name": "Lima", "company": "Globex Corp"})
    assert skeleton("Hi Ana! Loved what Globex Corp ships, Ana Lima.", values) == "hi _r_ loved what _r_ ships _r_"
    assert skeleton("Hi Anabel", values) == "hi anabel"  # whole words only


def test_similarity_of_a_changed_hook():
    base = "hi _r_ great meeting you at pycon us and talking about packaging tools i d enjoy staying in touch here"
    one_word = base.replace("packaging", "testing")
    other_event = "hi _r_ great meeting you at rustconf and talking about async traits i d enjoy staying in touch here"
    assert jaccard(shingles(base), shingles(base)) == 1.0
    assert jaccard(shingles(base), shingles(one_word)) >= 0.8
    assert jaccard(shingles(base), shingles(other_event)) < 0.7
    assert jaccard(frozenset(), frozenset()) == 1.0


def _unique_note(rng: random.Random, vocabulary: list[str]) -> str:
    return f"Hi {rng.choice(FIRST)}, " + " ".join(rng.sample(vocabulary, 14)) + "."


def known_batch(size: int = 1000, seed: int = 3) -> tuple[list[str], list[list[int]]]:
    """`size` notes: 10 groups of mail-merged copies (some with one word changed) among notes unlike any other."""
    rng = random.Random(seed)
    vocabulary = [f"w{n}" for n in range(3000)]
    group_sizes = [2, 3, 5, 8, 13, 21, 34, 40, 50, 60]
    templates = [
        "Hi {first}, I see you lead data at {company}. " + " ".join(rng.sample(vocabulary, 18)) + " Would love to connect."
        for _ in group_sizes
    ]
    slots: list[int | None] = [g for g, n in enumerate(group_sizes) for _ in range(n)]
    slots += [None] * (size - len(slots))
    rng.shuffle(slots)
    skeletons, groups = [], [[] for _ in group_sizes]
    for index, slot in enumerate(slots):
        first, last, company = rng.choice(FIRST), rng.choice(LAST), rng.choice(COMPANIES)
        if slot is None:
            text = _unique_note(rng, vocabulary)
        else:
            text = templates[slot].format(first=first, company=company)
            if rng.random() < 0.3:  # a mail-merge fallback changed one word in the middle
                words = text.split()
                words[10] = "x" + words[10]
                text = " ".join(words)
            groups[slot].append(index)
        skeletons.append(skeleton(text, recipient_values({"first_name": first, "last_name": last, "company": company})))
    return skeletons, groups


@pytest.mark.slow
def test_duplicate_groups_found_in_1000_notes_match_the_known_answer():
    skeletons, expected = known_batch()
    found = clusters([shingles(s) for s in skeletons], 0.8)
    assert sorted(found) == sorted(expected)


def test_signatures_kept_as_they_stream_find_the_groups_clusters_finds():
    """A merge keeps each distinct skeleton once and a number per note: the same groups, numbered by their first note."""
    skeletons, _ = known_batch(300, seed=5)
    skeletons += skeletons[:40]  # exact copies far from their originals
    signatures = Signatures()
    for skel in skeletons:
        signatures.add(skel)
    found = signatures.groups(0.8, listed=3)
    expected = clusters([shingles(s) for s in skeletons], 0.8)
    assert found.members() == expected and len(found.sizes) == len(expected) > 5
    assert found.sizes == [len(g) for g in expected] and found.listed == [g[:3] for g in expected]
    assert [found.of(i) for i in expected[0]] == [1] * len(expected[0])


@pytest.mark.slow  # a whole session or history round trip (~1 s)
def test_a_batch_of_unique_notes_has_no_group():
    rng = random.Random(1)
    vocabulary = [f"w{n}" for n in range(3000)]
    assert clusters([shingles(skeleton(_unique_note(rng, vocabulary))) for _ in range(300)], 0.8) == []


@pytest.mark.slow
@pytest.mark.parametrize("threshold", [0.6, 0.8, 0.95])
def test_index_scan_and_lsh_agree(threshold: float):
    skeletons, _ = known_batch(400, seed=5)
    items = [shingles(s) for s in skeletons]
    scan = Index(items, threshold, queries=1)
    lsh = Index(items, threshold, queries=10_000)
    assert lsh._lsh is not None and scan._lsh is None
    for probe in items[:60]:
        assert [k for k, _ in scan.matches(probe)] == [k for k, _ in lsh.matches(probe)]


def test_band_keys_are_fixed_values_because_the_history_stores_them():
    """A changed hash, permutation or banding would make every stored key stale: that needs a migration."""
    skel = skeleton("Hi Ana, great meeting you at PyCon US.", ["ana"])
    assert skeleton_key(skel) == -151852180208077318
    keys = band_keys(shingles(skel))
    assert len(keys) == SIGNATURE_BANDS and keys[:3] == [3232352341377973872, 6144988778365582889, 4972182607728750712]
    assert band_keys_many([shingles(skel), frozenset()])[0] == keys  # one note alone or in a batch, the same keys


def test_notes_at_the_threshold_share_a_band_key_and_unlike_ones_rarely_do():
    rng = random.Random(8)
    vocabulary = [f"w{n}" for n in range(3000)]
    shared = unlike = 0
    for _ in range(300):
        words = rng.sample(vocabulary, 30)
        near = words[:]
        near[rng.randrange(30)] = "changed"  # one word of 30: about 0.9 of word pairs shared
        shared += bool(set(band_keys(shingles(" ".join(words)))) & set(band_keys(shingles(" ".join(near)))))
        unlike += bool(set(band_keys(shingles(" ".join(words)))) & set(band_keys(shingles(" ".join(rng.sample(vocabulary, 30))))))
    assert shared == 300 and unlike == 0
