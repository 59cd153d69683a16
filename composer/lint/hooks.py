"""The hook finder behind `no-specifics`: does the note name anything tied to this recipient?

A *hook* is what makes a note personal: a name (Globex, PyCon, Jane), a named entity, a date that
pins a moment down, a quoted title, or a hook phrase from the patterns ("we met at ...", "your talk
on ..."). `find_hooks` asks each hook source in turn (one function per source, listed in
`HOOK_SOURCES`). The rule itself (`composer.lint.rules.judgements`) fires when none finds anything,
or when an unfilled template field still stands where the specifics should be (`template_slot`); the
classifier's scores may overrule either (`composer.lint.combine`).

What never counts: the addressee's own name, a signature, the sender's self-introduction or the
clients they name-drop, words in placeholders, and capitalised job titles or filler (`not_hooks`).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, cast

from composer.lint.catalog import lexicon
from composer.lint.combine import NAMED, NO_HOOK, SLOT, STATED
from composer.lint.context import Context, greeting_tokens, is_capitalised, is_word
from composer.lint.keys import EXCLUDED_KEY, HOOK_FEATURE_KEY

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

#: A quoted title: "Boring Postgres", «Datos abiertos», 'the buddy rotation'.
QUOTED_TITLE = re.compile(r"""(?:(?<=\s)|^|(?<=\())(["“‘']|«)(?=\S)([^"“”‘’'\n]{3,80}?)(?<=\S)(["”’']|»)(?=[\s.,;:!?)]|$)""")
ABBREVIATIONS = {"st", "mt", "jr", "sr", "inc", "co", "ltd", "vs", "e.g", "i.e", "no", "dept", "univ"}
SENTENCE_END = (".", "!", "?", "…")
#: Words before a date that make it an appointment being proposed ("next Tuesday"), not a shared moment.
FUTURE = {"next", "this", "coming", "every", "each"}
#: Starts only where a run of stops starts: tried inside the run too, "." * n + "a" was quadratic.
SENTENCE_BREAK = re.compile(r"(?<![.!?…\n])[.!?…\n]+(?:\s|$)")
_WORD = re.compile(r"[^\W\d_]+")

Hook = tuple[int, int, str]


@dataclass
class Scan:
    """One note being scanned for hooks: the tokens that cannot be hooks, and the pitching sentences."""

    ctx: Context
    excluded: set[int] = field(default_factory=set)
    pitched: list[tuple[int, int]] = field(default_factory=list)

    def usable(self, token: Token) -> bool:
        return token.i not in self.excluded and token.lower_.rstrip(".") not in lexicon().specifics.not_hooks

    def appointment(self, start: int) -> bool:
        """A date in a sentence that pitches ("a webinar on Thursday") is not a shared moment."""
        return any(s <= start < e for s, e in self.pitched)

    #: A name in a sentence that pitches ("we help teams like Globex's") is the offer, not a hook.
    in_pitch = appointment


# --------------------------------------------------------------------------- hook sources


def name_hooks(scan: Scan) -> list[Hook]:
    """Proper-noun-like words that do not open a sentence: Globex, McGill, PyCon, Jane."""
    doc = scan.ctx.doc
    date = lexicon().specifics.specific_date
    hooks = []
    for token in doc:
        if token.is_stop and not token.is_upper:
            continue  # "Hello, My name is", "Hi, We are": function words, not names
        if not (scan.usable(token) and is_capitalised(token) and token.lower_ != "i") or sentence_start(doc, token.i):
            continue
        if scan.in_pitch(token.idx):
            continue
        if date.fullmatch(token.text) and ((token.i > 0 and doc[token.i - 1].lower_ in FUTURE) or scan.appointment(token.idx)):
            continue  # "next Tuesday" is an appointment being pitched, not a shared moment
        if token.is_upper and (len(token.text) == 1 or _in_caps_run(doc, token.i)):
            continue  # "I", or shouting ("LET'S CONNECT ALWAYS"), not a name like BKWN
        hooks.append((token.idx, token.idx + len(token.text), "name"))
    return hooks


def entity_hooks(scan: Scan) -> list[Hook]:
    """Named entities of the trained pipeline (dates are `date_hooks`' job)."""
    ctx = scan.ctx
    if not ctx.trained:
        return []
    labels = lexicon().specifics.entity_labels
    cased = any(ch.isupper() for ch in ctx.text)
    hooks = []
    for ent in ctx.doc.ents:
        if ent.label_ not in labels or ent.label_ == "DATE":
            continue
        if cased and not any(is_capitalised(t) or t.like_num for t in ent):
            continue  # a lower-case "entity" in a normally cased note is noise ("a brief intro")
        if scan.in_pitch(ent.start_char):
            continue
        if any(scan.usable(t) and not t.is_stop and (is_word(t) or t.like_num) and not t.like_url for t in ent):
            hooks.append((ent.start_char, ent.end_char, ent.label_))
    return hooks


def date_hooks(scan: Scan) -> list[Hook]:
    """Dates that pin a shared moment down: "on Tuesday", "in 2019", "last night"."""
    ctx = scan.ctx
    hooks = []
    for m in lexicon().specifics.specific_date.finditer(ctx.text):
        previous = ctx.text[max(0, m.start() - 40) : m.start()].split()[-1:]
        if (previous and previous[0].lower() in FUTURE) or scan.appointment(m.start()):
            continue
        span = ctx.doc.char_span(m.start(), m.end(), alignment_mode="expand")
        if span is not None and any(t.i in scan.excluded for t in span):
            continue  # "Hi Jun," or "- April": the addressee's or the sender's name, not a month
        if not ctx.in_placeholder(m.start(), m.end()):
            hooks.append((m.start(), m.end(), "date"))
    return hooks


def title_hooks(scan: Scan) -> list[Hook]:
    """A quoted title of something of theirs: "Boring Postgres"."""
    ctx = scan.ctx
    return [
        (m.start(), m.end(), "title")
        for m in QUOTED_TITLE.finditer(ctx.text)
        if not ctx.in_placeholder(m.start(), m.end()) and re.search(r"[A-Za-z]{2}", m.group(2))
    ]


def phrase_hooks(scan: Scan) -> list[Hook]:
    """Hook phrases that are specific on their own ("we were classmates")."""
    ctx = scan.ctx
    return [
        (span.start_char, span.end_char, "hook phrase")
        for span in ctx.spans("hook")
        if not ctx.in_placeholder(span.start_char, span.end_char)
    ]


def lead_hooks(scan: Scan) -> list[Hook]:
    """A hook lead ("we met at", "your post on") followed, within a few words, by something specific."""
    ctx = scan.ctx
    doc = ctx.doc
    spec = lexicon().specifics
    hooks = []
    for span in ctx.spans("hook-lead"):
        made = any(token.lower_ in spec.content_nouns for token in span)  # "your post about ..."
        if made and any(_names_their_work(scan, t) for t in span[1:]):  # "saw your Rust Platform job post"
            hooks.append((span.start_char, span.end_char, "hook phrase"))
            continue
        for token in doc[span.end : span.end + spec.lead_window]:
            clause_ends = token.lower_ in spec.clause_end and (token.is_alpha or token.text == ";")
            if token.text in SENTENCE_END or "\n" in token.text or clause_ends:
                break  # "saw you on LinkedIn and wanted to connect": what follows the clause is not the hook
            if ctx.in_placeholder(token.idx, token.idx + len(token.text)):
                break  # the slot is an unfilled field: "we met at [Event]"
            if token.i in scan.excluded or token.is_punct or token.is_space or token.is_stop:
                continue
            if token.lower_ in spec.vague or (token.lower_ in spec.not_hooks and not made):
                continue  # "your post about ai" names a topic; "your work in ai" reads the profile
            if is_word(token) or token.like_num:
                hooks.append((span.start_char, token.idx + len(token.text), "hook phrase"))
                break
    return hooks


def _names_their_work(scan: Scan, token: Token) -> bool:
    """Whether a word inside a lead about their work names it: capitalised, not vague, not the sender's."""
    spec = lexicon().specifics
    vague = token.lower_ in spec.vague or token.lower_ in spec.not_hooks or token.is_stop
    return is_capitalised(token) and is_word(token) and not vague and token.i not in scan.excluded


HOOK_SOURCES: tuple[Callable[[Scan], list[Hook]], ...] = (
    name_hooks,
    entity_hooks,
    date_hooks,
    title_hooks,
    phrase_hooks,
    lead_hooks,
)


def find_hooks(ctx: Context) -> list[Hook]:
    """Everything in the note that ties it to this recipient: (start, end, kind), in order."""
    scan = Scan(ctx, excluded=excluded_tokens(ctx), pitched=pitch_sentences(ctx))
    return sorted(hook for source in HOOK_SOURCES for hook in source(scan))


def sales_phrase_spans(ctx: Context) -> list[tuple[int, int]]:
    """The sales phrases that can count as a pitch: outside placeholders and stated hooks, not a seeker's ask.

    A phrase inside a hook phrase names where you met, not an offer ("thanks for the question at my
    webinar on X"); the classifier's score alone (`sales_alone`) can still call such a note a pitch. A
    phrase that overlaps a `seeking` one is the sender's own fit ("to see how I might fit"), not a
    vendor's ("to see how we could fit").
    """
    spans = ctx.said("sales-pitch")
    if not spans:
        return []  # most notes: no need to look for hooks
    asks = ctx.said("seeking")
    spans = [(s, e) for s, e in spans if not any(s < end and start < e for start, end in asks)]
    scan = Scan(ctx, excluded=excluded_tokens(ctx))
    stated = [(start, end) for start, end, _ in phrase_hooks(scan) + lead_hooks(scan)]
    return [(s, e) for s, e in spans if not any(start <= s and e <= end for start, end in stated)]


def job_seeking(ctx: Context) -> bool:
    """Whether the sender asks for a job ("I applied for"): `seeking` spans (see `combine.sales_decision`)."""
    return bool(ctx.said("seeking"))


# --------------------------------------------------------------------------- what cannot be a hook


def excluded_tokens(ctx: Context) -> set[int]:
    """Tokens that cannot be a hook: the addressee, a signature, placeholders, the --name, self-intros.

    Found once per Doc and recipient name (`EXCLUDED_KEY`, a list: `user_data` travels as msgpack): the
    classifier's hook feature, the hook finder and the sales phrases all ask; it reads no entity or score."""
    key = f"{EXCLUDED_KEY}:{ctx.name or ''}"
    if key not in ctx.doc.user_data:
        ctx.doc.user_data[key] = sorted(_excluded_tokens(ctx))
    return set(ctx.doc.user_data[key])


def _excluded_tokens(ctx: Context) -> set[int]:
    doc = ctx.doc
    _, names = greeting_tokens(doc)
    excluded = set(names) | vocative_tokens(doc, names) | signature_tokens(doc) | not_hook_tokens(ctx)
    name_parts = {p.lower() for p in re.split(r"[\s.\-]+", ctx.name or "") if len(p) >= 2}
    for token in doc:
        if token.lower_ in name_parts or ctx.in_placeholder(token.idx, token.idx + len(token.text)):
            excluded.add(token.i)
        if token.like_url or token.like_email:
            excluded.add(token.i)
    return excluded


def vocative_tokens(doc: Doc, addressee: list[int]) -> set[int]:
    """The addressee named again inside the note: "Congrats on the new role, Sam!", "Great to meet you, Sam."

    The greeting's name wherever it recurs, and one or two capitalised words set off by a comma that
    close a sentence: a name spoken to, not a thing named ("Congrats on the new role, Sam" names only
    the role from the profile). A place after a comma ("in Porto, Portugal") loses only its last part;
    an acronym ("Grad student, NLP.") is no name spoken to, nor is a name beside a person it says who
    that is ("our mutual friend, Ana Ruiz.").
    """
    greeted = {doc[i].lower_ for i in addressee}
    tokens: set[int] = set()
    commas: list[int] = []
    for token in doc:  # one pass: iterating a Doc builds every Token anew
        if token.text == ",":
            commas.append(token.i)
        elif greeted and token.lower_ in greeted and is_capitalised(token):
            tokens.add(token.i)
    people = lexicon().specifics.appositive_people
    for comma in commas:
        words = list(itertools.takewhile(_name_like, doc[comma + 1 : comma + 3]))
        if not words or (comma > 0 and doc[comma - 1].lower_ in people):
            continue  # no name, or one that says who a person is: "our mutual friend, Ana Ruiz."
        after = doc[words[-1].i + 1] if words[-1].i + 1 < len(doc) else None
        closes = after is None or after.text in SENTENCE_END or after.is_space or "\n" in words[-1].whitespace_
        if closes:
            tokens.update(t.i for t in words)
    return tokens


def _name_like(token: Token) -> bool:
    return token.is_alpha and is_capitalised(token) and not token.is_upper


def signature_tokens(doc: Doc) -> set[int]:
    """A signature at the end: "- Sam", "Best, Sam Lee", "Thanks,\\nSam"."""
    sign_off = lexicon().sign_off
    end = len(doc) - 1
    while end >= 0 and (doc[end].is_space or doc[end].is_punct):
        end -= 1
    tail: list[int] = []
    k = end
    while k >= 0 and len(tail) < 3 and doc[k].is_alpha and is_capitalised(doc[k]):
        tail.append(k)
        k -= 1
    if not tail or k < 0:
        return set()
    before = doc[k]
    newline_before = "\n" in before.whitespace_ or before.is_space
    comma = before.text in {",", "."}  # "Best, Sam", "Thank you. Sam Lee" (a flattened line break)
    signed = (
        before.lower_ in sign_off
        or (comma and k > 0 and doc[k - 1].lower_ in sign_off)
        or (comma and k > 1 and doc[k - 1].lower_ == "you" and doc[k - 2].lower_ in sign_off)  # "Thank you, Sam"
    )
    return set(tail) if before.text in {"-", "–", "—", "~"} or newline_before or signed else set()


def not_hook_tokens(ctx: Context) -> set[int]:
    """Tokens after a `not-hook-lead` span that describe the sender or name-drop clients.

    `self-intro` ("I'm a Senior Engineer at Google", "we are a staffing agency in India", "my name is
    Raj") covers the rest of its clause, unless the clause says the thing is shared ("also", "too",
    "fellow"). `merge-field` ("you work at Globex", "your role as Head of Data at Initech") covers what a
    mail merge fills from the profile, unless the clause says it is shared ("you also worked at
    Globex"). `name-drop` ("companies like Acme and Globex") covers the list of names after it. A
    `background-lead` ("I have experience with SAP", "I am teacher from Cebu", "I'm relocating to Leeds")
    reads as a self-intro; it has its own label because the classifier, trained without it, reads
    `not-hook-lead` spans as features.
    """
    spec = lexicon().specifics
    doc = ctx.doc
    tokens: set[int] = set()
    for span in [*ctx.spans("not-hook-lead"), *ctx.spans("background-lead")]:
        clause: list[int] = []
        if span.id_ == "name-drop":
            for token in doc[span.end : span.end + spec.lead_window]:
                if not (is_capitalised(token) or token.lower_ in {"and", "&", ",", "or"}):
                    break
                clause.append(token.i)
            tokens.update(clause)
            continue
        for token in doc[span.end : span.end + 2 * spec.lead_window]:
            hyphen = token.text == "-" and token.i > 0 and not doc[token.i - 1].whitespace_  # "high-converting"
            if not clause and token.is_punct and token.text not in SENTENCE_END:
                continue  # "Marco here, cofounder at Quillbase": the clause starts after the comma
            if token.text in SENTENCE_END or (token.lower_ in spec.clause_end and not hyphen) or "\n" in token.text:
                break
            clause.append(token.i)
        markers = spec.merge_shared_markers if span.id_ == "merge-field" else spec.shared_markers
        if not any(doc[i].lower_ in markers for i in clause) and not any(t.lower_ in markers for t in span):
            tokens.update(clause)
            tokens.update(t.i for t in span)  # "This is Keerthana", "At Acterys, we": the span names the sender too
    return tokens


def pitch_sentences(ctx: Context) -> list[tuple[int, int]]:
    """Character ranges of the sentences that hold a sales pitch (its dates are appointments)."""
    pitches = ctx.spans("sales-pitch")
    if not pitches:
        return []
    breaks = [0, *(m.end() for m in SENTENCE_BREAK.finditer(ctx.text)), len(ctx.text)]
    return [
        (start, end) for start, end in zip(breaks, breaks[1:], strict=False) if any(start <= s.start_char < end for s in pitches)
    ]


# --------------------------------------------------------------------------- sentence helpers


def sentence_start(doc: Doc, i: int) -> bool:
    """Whether token i opens a sentence, on any pipeline (no parser needed).

    The first word after the greeting ("Hi Tomasz, Huge admirer of ...") opens one too: its capital is the
    sentence's, not a name's.
    """
    honorifics = lexicon().greeting.honorifics
    if i == after_greeting(doc):
        return True
    j = i - 1
    while j >= 0:
        token = doc[j]
        if token.is_space:
            if "\n" in token.text:
                return True
            j -= 1
            continue
        if not is_word(token) and not token.like_num and token.text not in SENTENCE_END and not token.text.endswith("."):
            if token.text in {":", ";"}:
                return True
            j -= 1  # quotes, dashes, brackets, emoji
            continue
        if "\n" in token.whitespace_:
            return True
        if token.text in SENTENCE_END or token.text.endswith(("!", "?", "…")):
            return True
        if token.text.endswith(".") and len(token.text) > 1:
            return token.text[:-1].lower() not in ABBREVIATIONS | honorifics
        return False
    return True


def after_greeting(doc: Doc) -> int | None:
    """The index of the first word after "Hi Tomasz," (the greeting, the name, then punctuation), or None."""
    greet, names = greeting_tokens(doc)
    last = max(names) if names else greet
    if last is None:
        return None
    j = last + 1
    while j < len(doc) and (doc[j].is_punct or doc[j].is_space) and doc[j].text not in {"'s", "’s"}:
        j += 1
    return j if j > last + 1 and j < len(doc) else None


def _in_caps_run(doc: Doc, i: int) -> bool:
    """Whether the word before or after token i is also all caps (so this is shouting)."""
    neighbours = [doc[j] for j in (i - 1, i + 1, i - 2, i + 2) if 0 <= j < len(doc)]
    words = [t for t in neighbours if t.is_alpha][:2]
    return any(t.is_upper and len(t.text) > 1 for t in words)


# --------------------------------------------------------------------------- what the rule asks


def template_slot(ctx: Context) -> bool:
    """Whether an unfilled field sits outside the greeting: the note's specifics are still blank.

    "Hi [Name], we met at PyCon" only misses the name; "we met at [Event]" has no hook at all.
    """
    greeting = lexicon().greeting
    opening = greeting.words | greeting.honorifics | {"good"}
    first_words = list(itertools.islice(_WORD.finditer(ctx.text), 3))  # only the opening can be the greeting
    for start, _ in ctx.placeholders():
        before = [m.group() for m in first_words if m.end() <= start]
        if (
            len(before) > 2
            or any(w.lower() not in opening for w in before)
            or (len(first_words) == 3 and start > first_words[2].end())
        ):
            return True
    return False


#: What each decision says in the finding's message ({signal}).
SIGNAL_TEXT = {SLOT: "an unfilled field stands where the specifics go", NO_HOOK: "no name, date or hook phrase found"}


#: Hook kinds stated outright ("we met at ..."), never overruled; not a quoted title (as often the sender's own).
STATED_KINDS = frozenset({"hook phrase"})


#: The hook sources that can state a hook (their kind is "hook phrase"); the others only name things.
STATING_SOURCES = (phrase_hooks, lead_hooks)


def strongest_hook(ctx: Context) -> str | None:
    """None when the note has no hook, STATED when a hook phrase ties it down, else NAMED.

    The same answer as reading `find_hooks`' kinds, without running every source: a stated hook settles
    it, and after that the first name, entity, date or title does (every note is asked this). The
    classifier asked it already for its features (`classifier.hook_keys`), without a recipient's name
    and before NER: where the note has neither, that answer is this one.
    """
    if ctx.name is None and not ctx.doc.ents and HOOK_FEATURE_KEY in ctx.doc.user_data:
        return cast("str | None", ctx.doc.user_data[HOOK_FEATURE_KEY])  # the classifier asked the same
    scan = Scan(ctx, excluded=excluded_tokens(ctx), pitched=pitch_sentences(ctx))
    if any(kind in STATED_KINDS for source in STATING_SOURCES for _, _, kind in source(scan)):
        return STATED
    naming = (source for source in HOOK_SOURCES if source not in STATING_SOURCES)
    return NAMED if any(source(scan) for source in naming) else None
