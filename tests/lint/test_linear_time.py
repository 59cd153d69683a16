"""Linting time grows linearly with the note, whatever it is made of.

A pattern that backtracks (the link and e-mail regexes once did; "{{" and then thousands of spaces
did in the placeholder one), a tokenizer that re-slices a long run (spaCy's, on "!?!?!?..."), or a
report that does the note's length of work for each finding (its line and column counted from the
start, its whole line printed under it: "a@b." * 3,000 took 3 s and printed 27 MB) makes a long note
cost quadratic time. Each case lints n and 8n characters of the same stuff: linear work takes about
8 times as long, quadratic about 64 times. The bound (24) leaves room for noise and never needs a
timing constant from this machine; the best of interleaved, repeated runs keeps a loaded machine
(which only slows runs down) from failing a linear case.
"""

from __future__ import annotations

import io
import re
import time
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.console import Console

from composer.lint import lint_text, print_findings
from composer.lint.catalog import lexicon
from composer.lint.hooks import QUOTED_TITLE, SENTENCE_BREAK

SMALL, LARGE = 1_500, 12_000
BOUND = 24
#: Characters that patterns and the tokenizer treat specially: punctuation runs, link and e-mail
#: parts, placeholder brackets, capitals, emoji, spaces.
RISKY = "a-.@_!?[]{}<>%$#XA é👋 \n/:'\"()"


def seconds(text: str) -> float:
    """Lint a note and print its findings as `invite lint` does (the report was where the time went)."""
    start = time.perf_counter()
    findings = lint_text(text, limit=200)
    print_findings(Console(file=io.StringIO(), width=100), "note.txt", text, findings)
    return time.perf_counter() - start


def sized(unit: str, size: int, prefix: str = "") -> str:
    """`prefix`, then `unit` repeated to `size` characters in all."""
    return prefix + (unit * (size // len(unit) + 1))[: size - len(prefix)]


def growth(
    unit: str, rounds: int = 3, attempts: int = 3, *, prefix: str = "", run: Callable[[str], float] = seconds, floor: float = 1e-3
) -> float:
    """The smallest large/small time ratio seen: each size's best of `rounds` interleaved runs, and
    up to `attempts` tries. Load on the machine only ever slows a run down, so the minimum is the
    honest figure: a linear case soon shows about 8, a quadratic one never gets under 64.
    """
    small, large = sized(unit, SMALL, prefix), sized(unit, LARGE, prefix)
    best = float("inf")
    for _ in range(attempts):
        small_best = large_best = float("inf")
        for _ in range(rounds):
            small_best = min(small_best, run(small))
            large_best = min(large_best, run(large))
        best = min(best, large_best / max(small_best, floor))
        if best < BOUND:
            break
    return best


@pytest.fixture(scope="module", autouse=True)
def warm() -> None:
    lint_text("warm the pipeline up", limit=200)


@pytest.mark.slow
@pytest.mark.parametrize("unit", ["a-", "!?", "👋", "a.", "x@", "[Name] ", "XXXX", "{a} ", "A ! ", "a_"])
def test_known_worst_cases_grow_linearly(unit: str):
    assert growth(unit) < BOUND


@pytest.mark.slow
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=RISKY, min_size=1, max_size=6))
def test_any_repeated_pattern_grows_linearly(unit: str):
    assert growth(unit) < BOUND


#: The shapes hostile notes were made of: one unit repeated, or a prefix that opens a pattern and then
#: a long run of what keeps it going ("{{" and spaces, an e-mail's "@" and a domain that never ends).
ADVERSARIAL = [
    ("", "a@b."),
    ("", "a."),
    ("", "-a"),
    ("", "1 "),
    ("", "["),
    ("", "{{"),
    ("", "a@b.-1 [{{ "),
    ("", "x.com/"),
    ("", "+1 555 "),
    ("", "{a} "),
    ("", "[Name] "),
    ("{{", " "),
    ("{{a", " "),
    ("{", " "),
    ("", "."),
    ("", ".\n"),
    ("a@", "b-"),
    ("www.", "a"),
    ("a.com/", "/"),
    ("“", "a "),
    ("(", "a/"),
]


def _regexes() -> list[re.Pattern[str]]:
    """Every regex that scans a whole note: the lexicon's (placeholders, links, shouting, dates, invisible) and the hooks'."""
    data = lexicon()
    found = [r.pattern for r in (*data.placeholders, *data.links)]
    found += [data.shouting.exclamations, data.shouting.emoji_run, data.specifics.specific_date, data.invisible]
    return [*found, QUOTED_TITLE, SENTENCE_BREAK]


def _scan_seconds(text: str) -> float:
    start = time.perf_counter()
    for pattern in _regexes():
        for _ in pattern.finditer(text):
            pass
    return time.perf_counter() - start


@pytest.mark.parametrize(("prefix", "unit"), ADVERSARIAL, ids=[f"{p!r}+{u!r}*n" for p, u in ADVERSARIAL])
def test_every_note_scanning_regex_is_linear_on_adversarial_shapes(prefix: str, unit: str):
    """The regexes alone, without spaCy: milliseconds, so it runs on every commit."""
    assert growth(unit, rounds=5, prefix=prefix, run=_scan_seconds, floor=1e-4) < BOUND


@pytest.mark.slow
@pytest.mark.parametrize(("prefix", "unit"), ADVERSARIAL, ids=[f"{p!r}+{u!r}*n" for p, u in ADVERSARIAL])
def test_linting_and_reporting_adversarial_shapes_grow_linearly(prefix: str, unit: str):
    assert growth(unit, prefix=prefix) < BOUND


def _report(text: str) -> str:
    buffer = io.StringIO()
    print_findings(Console(file=buffer, width=100), "note.txt", text, lint_text(text, limit=200))
    return buffer.getvalue()


@pytest.mark.slow
def test_the_report_of_a_long_note_grows_no_faster_than_the_note():
    """Each finding prints a bounded window of its line, and one rule's findings past 20 one line: counted, not timed."""
    small, large = _report(sized("a@b.", 2_000)), _report(sized("a@b.", 16_000))
    assert len(large) <= len(small) * 1.5  # the 21st e-mail on is a count
    assert "more [link] findings not shown (--format json lists every one)" in large
    assert max(len(line) for line in large.splitlines()) < 300
    one_line = _report("Hi Ana, " + "x" * 5_000 + " mail me at ana@example.com")
    assert "…" + "x" * 48 + " mail me at ana@example.com\n" in one_line and " " * 62 + "^" * 15 + "\n" in one_line


@pytest.mark.parametrize(
    ("note", "found"),
    [
        ("Check out my portfolio at https://example.com/portfolio.", ["https://example.com/portfolio"]),
        ("See www.example.org for more, or http://x.io/a?b=c#d", ["www.example.org", "http://x.io/a?b=c#d"]),
        ("Write to me at sam.lee+li@mail.example.co.uk.", ["sam.lee+li@mail.example.co.uk"]),
        ("Call me on +44 20 7946 0958 or (555) 123-4567.", ["+44 20 7946 0958", "(555) 123-4567"]),
        ("My site is my-site.example.io if you're curious.", ["my-site.example.io"]),
        ("Ping +14155550123, or ana@globex.com/bob@initech.io", ["+14155550123", "ana@globex.com", "bob@initech.io"]),
        ("Ruf mich an: +49 30 12345678 oder +49 1512 3456789.", ["+49 30 12345678", "+49 1512 3456789"]),
        ("Appelle-moi au +33 6 12 34 56 78, merci.", ["+33 6 12 34 56 78"]),
        ("Text me on 07700 900123 after six.", ["07700 900123"]),
        ("We grew revenue +25% in 2023 and +10 2 3 points in NPS.", []),
        ("Hi Ben, we overlapped at Globex from 2016 to 2019 (2.5 years).", []),
        ("Hi Sven, your talk on Node.js at FOSDEM was e-mail-free and great.", []),
    ],
)
def test_links_e_mails_and_phones_are_still_found_in_normal_notes(note: str, found: list[str]):
    assert [f.excerpt for f in lint_text(note, limit=300) if f.rule == "link"] == found
