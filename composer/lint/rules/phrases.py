"""The phrase rules: the words a note uses, against the patterns and word lists.

`generic-phrase` (canned phrases from `patterns.jsonl`, and LinkedIn's default invitation in any
language), `no-greeting` (does the note address the recipient by name) and `self-focus` (I, me, my
against you). The phrases and word lists are data (`composer/data/lint/`).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from composer.lint.catalog import lexicon
from composer.lint.context import Context, Hit, greeting_tokens, span_hits, trimmed
from composer.lint.language import canned_phrases, default_invitations
from composer.lint.rules.registry import register

if TYPE_CHECKING:
    from spacy.tokens import Span


def _said_by_sender(span: Span) -> bool:
    """False when the recipient is the phrase's subject ("what you'd like to connect about")."""
    return not (span.start > 0 and span.doc[span.start - 1].lower_ in lexicon().recipient_subjects)


@register("generic-phrase")
def check_generic_phrase(ctx: Context) -> list[Hit]:
    """Canned phrases from the patterns (English), LinkedIn's default text in any language, and the
    stock phrases listed for other languages."""
    if ctx.signals == "classifier":
        return []
    spans = [(s.start_char, s.end_char) for s in ctx.spans("generic-phrase") if _said_by_sender(s)]
    return span_hits(ctx, [*spans, *default_invitations(ctx.text), *canned_phrases(ctx.text)])


@register("no-greeting")
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


@register("self-focus")
def check_self_focus(ctx: Context) -> list[Hit]:
    focus = lexicon().self_focus
    words = [t.lower_ for t in ctx.doc]
    first = sum(1 for w in words if w in focus.first_person)
    second = sum(1 for w in words if w in focus.second_person)
    if first >= focus.min_first and first >= focus.ratio * max(second, 1) and first > second:
        start, end = trimmed(ctx.text)
        return [Hit(start, end, {"first": first, "second": second})]
    return []
