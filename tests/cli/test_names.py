"""`composer.names`: one name cleaner for greetings, merges and matching. Invented names only."""

from __future__ import annotations

import time

import pytest

from composer.names import clean_name, describe, greeting_name, name_key


@pytest.mark.parametrize(
    ("raw", "cleaned", "changes"),
    [
        ("Dr. Ana", "Ana", ("title",)),
        ("Prof. Dr. Ana Lima", "Ana Lima", ("title",)),
        ("Eng. Ben Ortiz", "Ben Ortiz", ("title",)),
        ("Ana Lima, PhD, MBA", "Ana Lima", ("credentials",)),
        ("Ana Lima CPA PMP", "Ana Lima", ("credentials",)),
        ("ANA LIMA, PHD", "Ana Lima", ("credentials", "capitals")),
        ("Ana Lima (she/her)", "Ana Lima", ("pronouns",)),
        ("he/him Ben Ortiz", "Ben Ortiz", ("pronouns",)),
        ("Ana 🚀", "Ana", ("decorations",)),
        ("✨ Ana ✨ Lima", "Ana Lima", ("decorations",)),
        ("Lima | Helping SaaS teams grow", "Lima", ("decorations",)),
        ("MARIA DE SOUZA", "Maria de Souza", ("capitals",)),
        ("SEAN O'NEIL", "Sean O'Neil", ("capitals",)),
        ("MARY-JANE MCDONALD", "Mary-Jane McDonald", ("capitals",)),
        ("ANGUS MACLEOD", "Angus MacLeod", ("capitals",)),
        ("JOAO MACHADO", "Joao Machado", ("capitals",)),
        ("JP MORGAN", "JP Morgan", ("capitals",)),
    ],
)
def test_clean_name_strips_and_recases(raw: str, cleaned: str, changes: tuple[str, ...]):
    result = clean_name(raw)
    assert (result.text, result.changes) == (cleaned, changes)


@pytest.mark.parametrize("raw", ["Ana Lima", "Chloé Dubois", "Zoë Ødegaard", "Ana Ma", "Md Rahman", "Seán O'Neil-McDonald", "JP"])
def test_names_written_plainly_are_left_alone(raw: str):
    assert clean_name(raw) == clean_name(raw).__class__(raw, ())


@pytest.mark.parametrize(
    ("first", "greeting"),
    [("DR. ANA", "Ana"), ("Ana (she/her)", "Ana"), ("Ana Lima", "Ana"), ("K", None), ("K.", None), ("K.J.", None),
     ("Dr.", None), ("", None), (None, None), ("🚀", None), ("Jo", "Jo")],
)  # fmt: skip
def test_greeting_name_refuses_initials_and_titles(first: str | None, greeting: str | None):
    assert greeting_name(first) == greeting


def test_name_key_matches_across_decorations():
    assert name_key("Dr. ANA LIMA, PhD (she/her) 🚀") == name_key("Ana Lima") == "ana lima"
    assert name_key("Ana Lima") != name_key("Ana Lime")


def test_describe_says_what_was_read_as_what():
    raw = "DR. ANA 🚀"
    assert describe(raw, clean_name(raw)) == "'DR. ANA 🚀' read as 'Ana' (decorations, title, capitals)"


@pytest.mark.parametrize(
    ("prefix", "filler"), [("A", " "), ("(", " "), ("Ana", " /"), ("", " | "), ("", "she/"), ("", "\t"), ("Ana", "\u00a0")]
)
def test_cleaning_a_hostile_name_grows_linearly(prefix: str, filler: str):
    """A name cell is text from an export or a CSV: a pattern that rescans a run of spaces from each of its positions
    made 40,000 of them take a minute. 8 times the text must take well under 64 times as long."""

    def best(size: int) -> float:
        text = prefix + filler * (size // len(filler)) + "x"
        times = []
        for _ in range(5):
            start = time.perf_counter()
            clean_name(text)
            times.append(time.perf_counter() - start)
        return min(times)

    assert best(24_000) / max(best(3_000), 1e-4) < 24
