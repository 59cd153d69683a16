"""The lint checks: one small function per rule, and `run_checks`, which turns their hits into findings.

A check gets a `Context` (the note, its spaCy `Doc`, the limit, the recipient's name) and returns
`Hit`s: character offsets plus the values its message and hint need. Phrase lists, token patterns
and regexes are data (`composer/data/lint/`, typed by `catalog`), so tuning a rule is a data change.
`no-specifics`, the one check with real logic, lives in `hooks`. Nothing here imports spaCy.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from composer.length import note_length
from composer.lint.catalog import Rule, in_scope, lexicon, load_rules, thresholds
from composer.lint.combine import PHRASE, SCORE, sales_decision
from composer.lint.context import Context, Hit, greeting_tokens, merge, non_overlapping, trimmed
from composer.lint.findings import SEVERITIES, Finding
from composer.lint.hooks import check_no_specifics
from composer.lint.language import default_invitations

if TYPE_CHECKING:
    from spacy.tokens import Span

Check = Callable[[Context], list[Hit]]


def check_empty(ctx: Context) -> list[Hit]:
    return [Hit(0, len(ctx.text))] if not ctx.text.strip() else []


def check_too_long(ctx: Context) -> list[Hit]:
    length = note_length(ctx.text)
    if length <= ctx.limit:
        return []
    units = 0
    start = len(ctx.text)
    for index, char in enumerate(ctx.text):
        if char == "\r" and ctx.text[index + 1 : index + 2] == "\n":
            continue  # CRLF counts once, on its \n
        units += 2 if ord(char) > 0xFFFF else 1
        if units > ctx.limit:
            start = index
            break
    end = max(start + 1, len(ctx.text.rstrip()))
    over = length - ctx.limit
    values = {"length": length, "limit": ctx.limit, "over": over, "characters": "character" if over == 1 else "characters"}
    return [Hit(start, min(end, len(ctx.text)), values)]


def check_placeholder(ctx: Context) -> list[Hit]:
    return [Hit(s, e) for s, e in ctx.placeholders()]


def check_link(ctx: Context) -> list[Hit]:
    matches = []
    for regex in lexicon().links:
        for m in regex.finditer(ctx.text):
            end = m.end()
            while end > m.start() and ctx.text[end - 1] in ".,;:!?)]'\"":
                end -= 1
            matches.append((m.start(), end, regex.what))
    return [Hit(s, e, {"what": what}) for s, e, what in non_overlapping(matches)]


def check_invisible_character(ctx: Context) -> list[Hit]:
    hits = []
    for m in lexicon().invisible.finditer(ctx.text):
        codes = sorted(set(m.group()))
        names = ", ".join(f"U+{ord(c):04X} {unicodedata.name(c, 'control')}" for c in codes[:3]) + (
            ", ..." if len(codes) > 3 else ""
        )
        what = "an invisible character" if len(m.group()) == 1 else f"{len(m.group())} invisible characters"
        hits.append(Hit(m.start(), m.end(), {"what": what, "names": names}))
    return hits


def _span_hits(ctx: Context, spans: Iterable[tuple[int, int]]) -> list[Hit]:
    """Hits for the spans outside placeholders, overlapping ones merged."""
    return [Hit(s, e) for s, e in merge((s, e) for s, e in spans if not ctx.in_placeholder(s, e))]


def _said_by_sender(span: Span) -> bool:
    """False when the recipient is the phrase's subject ("what you'd like to connect about")."""
    return not (span.start > 0 and span.doc[span.start - 1].lower_ in lexicon().recipient_subjects)


def check_generic_phrase(ctx: Context) -> list[Hit]:
    """Canned phrases from the patterns (English) and LinkedIn's default text in any language."""
    if ctx.signals == "classifier":
        return []
    spans = [(s.start_char, s.end_char) for s in ctx.spans("generic-phrase") if _said_by_sender(s)]
    return _span_hits(ctx, [*spans, *default_invitations(ctx.text)])


def check_sales_pitch(ctx: Context) -> list[Hit]:
    """The sales phrases where the classifier agrees, or the whole note when its score alone is high (`combine`)."""
    phrases = _span_hits(ctx, ((s.start_char, s.end_char) for s in ctx.spans("sales-pitch")))
    score = ctx.score("sales_pitch")
    decision = sales_decision(bool(phrases), score, ctx.signals, thresholds())
    if decision == PHRASE:
        return phrases
    if decision == SCORE:
        start, end = trimmed(ctx.text)
        return [Hit(start, end, {"score": score}, note_level=True)]
    return []


def check_not_english(ctx: Context) -> list[Hit]:
    if ctx.english:
        return []
    start, end = trimmed(ctx.text)
    return [Hit(start, end, {"language": ctx.language})]


def check_no_greeting(ctx: Context) -> list[Hit]:
    if not ctx.text.strip():
        return []
    start, _ = trimmed(ctx.text)
    first_word = re.match(r"\S+", ctx.text[start:])
    end = start + (first_word.end() if first_word else 0)
    if ctx.name:
        parts = [p for p in re.split(r"[\s.\-]+", ctx.name) if len(p) >= 2]
        if any(re.search(rf"(?<!\w){re.escape(p)}(?!\w)", ctx.text, re.IGNORECASE) for p in parts):
            return []
        return [Hit(start, end, {"problem": f"does not use their name ({ctx.name})"})]
    greet, names = greeting_tokens(ctx.doc)
    if names:
        return []
    problem = "greets without their name" if greet is not None else "does not open with their name"
    return [Hit(start, end, {"problem": problem})]


def check_self_focus(ctx: Context) -> list[Hit]:
    focus = lexicon().self_focus
    first = sum(1 for t in ctx.doc if t.lower_ in focus.first_person)
    second = sum(1 for t in ctx.doc if t.lower_ in focus.second_person)
    if first >= focus.min_first and first >= focus.ratio * max(second, 1) and first > second:
        start, end = trimmed(ctx.text)
        return [Hit(start, end, {"first": first, "second": second})]
    return []


def check_shouting(ctx: Context) -> list[Hit]:
    shout = lexicon().shouting
    caps = [
        t
        for t in ctx.doc
        if t.is_alpha
        and t.is_upper
        and len(t.text) >= 2
        and t.lower_ not in shout.acronyms
        and not ctx.in_placeholder(t.idx, t.idx + len(t.text))
    ]
    hits: list[tuple[int, int, Any]] = []
    if caps and (any(len(t.text) >= shout.min_letters for t in caps) or len(caps) >= shout.min_words):
        run = [caps[0]]
        for token in caps[1:]:
            between = ctx.doc[run[-1].i + 1 : token.i]
            if all(not t.is_alpha for t in between):
                run.append(token)
            else:
                hits.append((run[0].idx, run[-1].idx + len(run[-1].text), "all-caps words"))
                run = [token]
        hits.append((run[0].idx, run[-1].idx + len(run[-1].text), "all-caps words"))
    for m in shout.exclamations.finditer(ctx.text):
        hits.append((m.start(), m.end(), "exclamation marks"))
    for m in shout.emoji_run.finditer(ctx.text):
        end = len(ctx.text[: m.end()].rstrip())
        hits.append((m.start(), end, "emoji run"))
    return [Hit(s, e, {"what": what}) for s, e, what in sorted(hits)]


#: Rule id -> its check; every rule in rules.yaml has one (the tests check both ways).
CHECKS: dict[str, Check] = {
    "too-long": check_too_long,
    "empty": check_empty,
    "placeholder": check_placeholder,
    "generic-phrase": check_generic_phrase,
    "no-specifics": check_no_specifics,
    "sales-pitch": check_sales_pitch,
    "link": check_link,
    "invisible-character": check_invisible_character,
    "no-greeting": check_no_greeting,
    "self-focus": check_self_focus,
    "shouting": check_shouting,
    "not-english": check_not_english,
}


# --------------------------------------------------------------------------- findings


def line_and_column(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a character offset; CRLF and lone CR end a line once."""
    before = text[:offset]
    line = before.count("\n") + before.count("\r") - before.count("\r\n") + 1
    last_break = max(before.rfind("\n"), before.rfind("\r"))
    return line, offset - last_break


def make_finding(rule: Rule, text: str, hit: Hit) -> Finding:
    excerpt = text[hit.start : hit.end]
    values = {"excerpt": excerpt, **hit.values}
    line, column = line_and_column(text, hit.start)
    message = rule.note_message if hit.note_level and rule.note_message else rule.message
    return Finding(
        rule=rule.id,
        severity=rule.severity,
        message=message.format(**values),
        hint=rule.hint.format(**values),
        start=hit.start,
        end=hit.end,
        line=line,
        column=column,
        excerpt=excerpt,
    )


def run_checks(ctx: Context, rule_ids: Iterable[str]) -> list[Finding]:
    """Run the chosen rules on one note; findings sorted by position, then severity.

    A note in another language skips the English-only rules (`english_only` in rules.yaml): they
    would guess, not judge; `not-english` says so instead.
    """
    rules = load_rules()
    chosen = in_scope(list(rule_ids), "note")  # history and batch rules run in draft and merge
    if not ctx.text.strip():
        chosen = [r for r in chosen if r == "empty"]
    elif not ctx.english:
        chosen = [r for r in chosen if not rules[r].english_only]
    findings = [make_finding(rules[rule_id], ctx.text, hit) for rule_id in chosen for hit in CHECKS[rule_id](ctx)]
    findings.sort(key=lambda f: (f.start, -SEVERITIES.index(f.severity), f.rule))
    return findings
