"""The format rules: what the note's characters show, before any word is read.

`too-long` (LinkedIn's limit, counted as the browser counts), `empty`, `placeholder` (an unfilled
template field), `link`, `invisible-character`, `double-space` and `shouting`. The regexes and word lists are data
(`composer/data/lint/lexicon.yaml`, typed by `catalog`), so tuning a rule is a data change.
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING, Any

from composer.length import note_length
from composer.lint.catalog import lexicon
from composer.lint.context import Context, Hit, non_overlapping
from composer.lint.rules.registry import register

if TYPE_CHECKING:
    from spacy.tokens import Token


@register("too-long")
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


@register("empty")
def check_empty(ctx: Context) -> list[Hit]:
    return [Hit(0, len(ctx.text))] if not ctx.text.strip() else []


@register("placeholder")
def check_placeholder(ctx: Context) -> list[Hit]:
    return [Hit(s, e) for s, e in ctx.placeholders()]


@register("link")
def check_link(ctx: Context) -> list[Hit]:
    matches = []
    for regex in lexicon().links:
        for m in regex.finditer(ctx.text):
            end = m.end()
            while end > m.start() and ctx.text[end - 1] in ".,;:!?)]'\"":
                end -= 1
            matches.append((m.start(), end, regex.what))
    return [Hit(s, e, {"what": what}) for s, e, what in non_overlapping(matches)]


@register("invisible-character")
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


@register("double-space")
def check_double_space(ctx: Context) -> list[Hit]:
    return [Hit(m.start(), m.end(), {"count": len(m.group())}) for m in lexicon().double_space.finditer(ctx.text)]


#: Two letters in a row, neither an ASCII lower-case one: every all-caps word has such a pair, so a note
#: without one (most notes) skips the walk over its tokens. Other letters only cost that walk.
CAPS_PAIR = re.compile(r"[^\W\d_a-z]{2}")


@register("shouting")
def check_shouting(ctx: Context) -> list[Hit]:
    shout = lexicon().shouting
    tokens = ctx.doc if CAPS_PAIR.search(ctx.text) else ()
    caps = [
        t
        for t in tokens
        if t.is_alpha
        and t.is_upper
        and len(t.text) >= 2
        and t.lower_ not in shout.acronyms
        and not ctx.in_placeholder(t.idx, t.idx + len(t.text))
    ]
    hits: list[tuple[int, int, Any]] = []
    long_word = any(len(t.text) >= shout.min_letters and not _name_position(ctx, t, shout.name_before) for t in caps)
    if caps and (long_word or len(caps) >= shout.min_words):
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


def _name_position(ctx: Context, token: Token, name_before: frozenset[str]) -> bool:
    """Whether an all-caps word stands where a name goes, alone: right after "of", "at", "the"..., with no all-caps
    word beside it ("members of KWBNX" names a group; "JOIN THE WEBINAR" shouts)."""
    before = ctx.doc[token.i - 1] if token.i > 0 else None
    after = ctx.doc[token.i + 1] if token.i + 1 < len(ctx.doc) else None
    beside_caps = any(t is not None and t.is_upper and t.is_alpha for t in (before, after))
    return before is not None and before.lower_ in name_before and not beside_caps
