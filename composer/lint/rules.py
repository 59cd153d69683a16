"""The lint rules: metadata from `composer/data/lint/rules.yaml`, and one small check per rule.

A check gets a `Context` (the note, its spaCy `Doc`, the limit, the recipient's name) and returns
`Hit`s: character offsets plus the values its message and hint need. Phrase lists, token patterns
and regexes live in `composer/data/lint/` (patterns.jsonl for the SpanRuler, lexicon.yaml for word
lists and regexes), so tuning a rule is a data change. Nothing here imports spaCy.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from composer.length import note_length
from composer.lint.findings import SEVERITIES, Finding
from composer.lint.pipeline import SPANS_KEY

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "lint"


@dataclass(frozen=True)
class Rule:
    """One rule's metadata, as `invite rules` shows it."""

    id: str
    severity: str
    message: str
    hint: str
    description: str
    why: str
    fires: tuple[str, ...]
    passes: tuple[str, ...]


def _load_yaml(path: Path) -> Any:
    """A data file, parsed with libyaml's safe loader when PyYAML has it (10x the pure-Python one)."""
    return yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


@cache
def load_rules() -> dict[str, Rule]:
    """Every rule by id, in the order of rules.yaml."""
    raw = _load_yaml(DATA_DIR / "rules.yaml")
    rules: dict[str, Rule] = {}
    for entry in raw:
        rule = Rule(
            id=entry["id"],
            severity=entry["severity"],
            message=entry["message"],
            hint=entry["hint"],
            description=" ".join(entry["description"].split()),
            why=" ".join(entry["why"].split()),
            fires=tuple(entry.get("fires", ())),
            passes=tuple(entry.get("passes", ())),
        )
        if rule.severity not in SEVERITIES:  # a data bug caught by the tests
            raise ValueError(f"rule {rule.id}: unknown severity {rule.severity!r}")
        rules[rule.id] = rule
    return rules


@cache
def lexicon() -> dict[str, Any]:
    """Word lists and regexes from lexicon.yaml."""
    return _load_yaml(DATA_DIR / "lexicon.yaml")


@dataclass(frozen=True)
class Regex:
    pattern: re.Pattern[str]
    what: str = ""
    standalone: bool = False


def _regexes(section: str) -> tuple[Regex, ...]:
    return tuple(
        Regex(
            re.compile(e["regex"], 0 if e.get("case") else re.IGNORECASE),
            e.get("what", ""),
            bool(e.get("standalone")),
        )
        for e in lexicon()[section]
    )


@cache
def _compiled() -> dict[str, Any]:
    lex = lexicon()
    spec = lex["no_specifics"]
    shout = lex["shouting"]
    greet = lex["greeting"]
    return {
        "placeholder": _regexes("placeholder"),
        "link": _regexes("link"),
        "exclamations": re.compile(shout["exclamations"]),
        "emoji_run": re.compile(shout["emoji_run"]),
        "acronyms": {a.lower() for a in shout["acronyms"]},
        "specific_date": re.compile(spec["specific_date"], re.IGNORECASE),
        "not_hooks": {w.lower() for w in spec["not_hooks"]},
        "vague": {w.lower() for w in spec["vague"]},
        "entity_labels": set(spec["entity_labels"]),
        "greetings": set(greet["words"]),
        "not_names": set(greet["not_names"]),
        "honorifics": set(greet["honorifics"]),
        "sign_off": set(lex["sign_off"]),
        "first": set(lex["self_focus"]["first_person"]),
        "second": set(lex["self_focus"]["second_person"]),
    }


QUOTED_TITLE = re.compile(r"""(?:(?<=\s)|^|(?<=\())(["“‘']|«)(?=\S)([^"“”‘’'\n]{3,80}?)(?<=\S)(["”’']|»)(?=[\s.,;:!?)]|$)""")
ABBREVIATIONS = {"st", "mt", "jr", "sr", "inc", "co", "ltd", "vs", "e.g", "i.e", "no", "dept", "univ"}
SENTENCE_END = (".", "!", "?", "…")
FUTURE = {"next", "this", "coming", "every", "each"}


# --------------------------------------------------------------------------- context


@dataclass
class Hit:
    """Where a rule fired and the values for its message and hint."""

    start: int
    end: int
    values: dict[str, Any] = field(default_factory=dict)


@dataclass
class Context:
    """What a check sees: the note, its Doc and the options."""

    text: str
    doc: Doc
    limit: int
    name: str | None
    trained: bool
    _cache: dict[str, Any] = field(default_factory=dict)

    def placeholders(self) -> list[tuple[int, int]]:
        if "placeholders" not in self._cache:
            self._cache["placeholders"] = _find_placeholders(self.text)
        return self._cache["placeholders"]

    def in_placeholder(self, start: int, end: int) -> bool:
        return any(s < end and start < e for s, e in self.placeholders())

    def spans(self, label: str) -> list[Span]:
        return [s for s in self.doc.spans[SPANS_KEY] if s.label_ == label] if SPANS_KEY in self.doc.spans else []


def _trimmed(text: str) -> tuple[int, int]:
    start = len(text) - len(text.lstrip())
    return start, max(start, len(text.rstrip()))


def _merge(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(s, e) for s, e in merged]


def _non_overlapping(matches: Iterable[tuple[int, int, Any]]) -> list[tuple[int, int, Any]]:
    """Keep matches in order of appearance, longest first at a start, dropping overlaps."""
    kept: list[tuple[int, int, Any]] = []
    for start, end, extra in sorted(matches, key=lambda m: (m[0], -(m[1] - m[0]))):
        if kept and start < kept[-1][1]:
            continue
        kept.append((start, end, extra))
    return kept


# --------------------------------------------------------------------------- checks


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
    return [Hit(start, min(end, len(ctx.text)), {"length": length, "limit": ctx.limit, "over": length - ctx.limit})]


def _find_placeholders(text: str) -> list[tuple[int, int]]:
    matches = []
    for regex in _compiled()["placeholder"]:
        for m in regex.pattern.finditer(text):
            if regex.standalone and _inside_caps_run(text, m.start(), m.end()):
                continue
            matches.append((m.start(), m.end(), None))
    return [(s, e) for s, e, _ in _non_overlapping(matches)]


def _inside_caps_run(text: str, start: int, end: int) -> bool:
    """True when the word before or after is also all caps (shouting, not a field name)."""
    before = re.findall(r"[A-Za-z']+", text[:start])[-1:]
    after = re.findall(r"[A-Za-z']+", text[end:])[:1]
    return any(w.isupper() and len(w) > 1 for w in before + after)


def check_placeholder(ctx: Context) -> list[Hit]:
    return [Hit(s, e) for s, e in ctx.placeholders()]


def check_link(ctx: Context) -> list[Hit]:
    matches = []
    for regex in _compiled()["link"]:
        for m in regex.pattern.finditer(ctx.text):
            end = m.end()
            while end > m.start() and ctx.text[end - 1] in ".,;:!?)]'\"":
                end -= 1
            matches.append((m.start(), end, regex.what))
    return [Hit(s, e, {"what": what}) for s, e, what in _non_overlapping(matches)]


def _span_hits(ctx: Context, label: str, keep: Callable[[Span], bool] = lambda span: True) -> list[Hit]:
    spans = [(s.start_char, s.end_char) for s in ctx.spans(label) if not ctx.in_placeholder(s.start_char, s.end_char) and keep(s)]
    return [Hit(s, e) for s, e in _merge(spans)]


def _said_by_sender(span: Span) -> bool:
    """False when the recipient is the phrase's subject ("what you'd like to connect about")."""
    recipient = lexicon()["generic_phrase"]["recipient_subjects"]
    return not (span.start > 0 and span.doc[span.start - 1].lower_ in recipient)


def check_generic_phrase(ctx: Context) -> list[Hit]:
    return _span_hits(ctx, "generic-phrase", keep=_said_by_sender)


def check_sales_pitch(ctx: Context) -> list[Hit]:
    return _span_hits(ctx, "sales-pitch")


def _is_word(token: Token) -> bool:
    return any(c.isalpha() for c in token.text)


def _is_capitalised(token: Token) -> bool:
    text = token.text
    return bool(text) and text[0].isupper() and any(c.isalpha() for c in text)


def _greeting_tokens(doc: Doc) -> tuple[int | None, list[int], bool]:
    """(index of the greeting word or None, indices of the addressee's name tokens, name-first)."""
    c = _compiled()
    first = next((t for t in doc if not t.is_space and _is_word(t)), None)  # only the first word is needed
    if first is None:
        return None, [], False
    lower = first.lower_
    i = first.i
    greet: int | None = None
    if lower in c["greetings"]:
        greet = i
        i += 1
    elif lower == "good" and i + 1 < len(doc) and doc[i + 1].lower_ in {"morning", "afternoon", "evening", "day"}:
        greet = i + 1
        i += 2
    names: list[int] = []
    if greet is not None:
        while i < len(doc) and len(names) < 4:
            token = doc[i]
            if token.is_space or token.lower_ in c["honorifics"] or token.text in {".", "/"}:
                i += 1
                continue
            if _is_capitalised(token) and token.is_alpha and token.lower_ not in c["not_names"]:
                names.append(i)
                i += 1
                continue
            break
        return greet, names, False
    nxt = doc[i + 1] if i + 1 < len(doc) else None
    if _is_capitalised(first) and first.is_alpha and nxt is not None and nxt.text in {",", "-", "–", "—", ":", "!"}:
        return None, [i], True
    return None, [], False


def check_no_greeting(ctx: Context) -> list[Hit]:
    if not ctx.text.strip():
        return []
    start, _ = _trimmed(ctx.text)
    first_word = re.match(r"\S+", ctx.text[start:])
    end = start + (first_word.end() if first_word else 0)
    if ctx.name:
        parts = [p for p in re.split(r"[\s.\-]+", ctx.name) if len(p) >= 2]
        if any(re.search(rf"(?<!\w){re.escape(p)}(?!\w)", ctx.text, re.IGNORECASE) for p in parts):
            return []
        return [Hit(start, end, {"problem": f"does not use their name ({ctx.name})"})]
    greet, names, _ = _greeting_tokens(ctx.doc)
    if names:
        return []
    problem = "greets without their name" if greet is not None else "does not open with their name"
    return [Hit(start, end, {"problem": problem})]


def check_self_focus(ctx: Context) -> list[Hit]:
    c = _compiled()
    settings = lexicon()["self_focus"]
    first = sum(1 for t in ctx.doc if t.lower_ in c["first"])
    second = sum(1 for t in ctx.doc if t.lower_ in c["second"])
    if first >= settings["min_first"] and first >= settings["ratio"] * max(second, 1) and first > second:
        start, end = _trimmed(ctx.text)
        return [Hit(start, end, {"first": first, "second": second})]
    return []


def check_shouting(ctx: Context) -> list[Hit]:
    c = _compiled()
    settings = lexicon()["shouting"]
    caps = [
        t
        for t in ctx.doc
        if t.is_alpha
        and t.is_upper
        and len(t.text) >= 2
        and t.lower_ not in c["acronyms"]
        and not ctx.in_placeholder(t.idx, t.idx + len(t.text))
    ]
    hits: list[tuple[int, int, Any]] = []
    if caps and (any(len(t.text) >= settings["min_letters"] for t in caps) or len(caps) >= settings["min_words"]):
        run = [caps[0]]
        for token in caps[1:]:
            between = ctx.doc[run[-1].i + 1 : token.i]
            if all(not t.is_alpha for t in between):
                run.append(token)
            else:
                hits.append((run[0].idx, run[-1].idx + len(run[-1].text), "all-caps words"))
                run = [token]
        hits.append((run[0].idx, run[-1].idx + len(run[-1].text), "all-caps words"))
    for m in c["exclamations"].finditer(ctx.text):
        hits.append((m.start(), m.end(), "exclamation marks"))
    for m in c["emoji_run"].finditer(ctx.text):
        end = len(ctx.text[: m.end()].rstrip())
        hits.append((m.start(), end, "emoji run"))
    return [Hit(s, e, {"what": what}) for s, e, what in sorted(hits)]


# --------------------------------------------------------------------------- no-specifics


def _sentence_start(doc: Doc, i: int) -> bool:
    """Whether token i opens a sentence, on any pipeline (no parser needed)."""
    j = i - 1
    while j >= 0:
        token = doc[j]
        if token.is_space:
            if "\n" in token.text:
                return True
            j -= 1
            continue
        if not _is_word(token) and not token.like_num and token.text not in SENTENCE_END and not token.text.endswith("."):
            if token.text in {":", ";"}:
                return True
            j -= 1  # quotes, dashes, brackets, emoji
            continue
        if "\n" in token.whitespace_:
            return True
        if token.text in SENTENCE_END or token.text.endswith(("!", "?", "…")):
            return True
        if token.text.endswith(".") and len(token.text) > 1:
            return token.text[:-1].lower() not in ABBREVIATIONS | _compiled()["honorifics"]
        return False
    return True


def _in_caps_run(doc: Doc, i: int) -> bool:
    """Whether the word before or after token i is also all caps (so this is shouting)."""
    neighbours = [doc[j] for j in (i - 1, i + 1, i - 2, i + 2) if 0 <= j < len(doc)]
    words = [t for t in neighbours if t.is_alpha][:2]
    return any(t.is_upper and len(t.text) > 1 for t in words)


def _excluded_tokens(ctx: Context) -> set[int]:
    """Tokens that cannot be a hook: the addressee, a signature, placeholders, the --name."""
    c = _compiled()
    doc = ctx.doc
    _, names, _ = _greeting_tokens(doc)
    excluded = set(names)
    # A signature at the end: "- Sam", "Best, Sam Lee", "Thanks,\nSam".
    end = len(doc) - 1
    while end >= 0 and (doc[end].is_space or doc[end].is_punct):
        end -= 1
    tail = []
    k = end
    while k >= 0 and len(tail) < 3 and doc[k].is_alpha and _is_capitalised(doc[k]):
        tail.append(k)
        k -= 1
    if tail and k >= 0:
        before = doc[k]
        newline_before = "\n" in before.whitespace_ or before.is_space
        sign_off = before.lower_ in c["sign_off"] or (before.text == "," and k > 0 and doc[k - 1].lower_ in c["sign_off"])
        if before.text in {"-", "–", "—", "~"} or newline_before or sign_off:
            excluded.update(tail)
    excluded.update(_not_hook_tokens(ctx))
    name_parts = {p.lower() for p in re.split(r"[\s.\-]+", ctx.name or "") if len(p) >= 2}
    for token in doc:
        if token.lower_ in name_parts or ctx.in_placeholder(token.idx, token.idx + len(token.text)):
            excluded.add(token.i)
        if token.like_url or token.like_email:
            excluded.add(token.i)
    return excluded


def _not_hook_tokens(ctx: Context) -> set[int]:
    """Tokens after a `not-hook-lead` span that describe the sender or name-drop clients.

    `self-intro` ("I'm a Senior Engineer at Google", "we are a staffing agency in India", "my name is
    Raj") covers the rest of its clause, unless the clause says the thing is shared ("also", "too",
    "fellow"). `name-drop` ("companies like Acme and Globex") covers the list of names after it.
    """
    settings = lexicon()["no_specifics"]
    shared = set(settings["shared_markers"])
    clause_end = set(settings["clause_end"])
    doc = ctx.doc
    tokens: set[int] = set()
    for span in ctx.spans("not-hook-lead"):
        clause: list[int] = []
        if span.id_ == "name-drop":
            for token in doc[span.end : span.end + settings["lead_window"]]:
                if not (_is_capitalised(token) or token.lower_ in {"and", "&", ",", "or"}):
                    break
                clause.append(token.i)
            tokens.update(clause)
            continue
        for token in doc[span.end : span.end + 2 * settings["lead_window"]]:
            hyphen = token.text == "-" and token.i > 0 and not doc[token.i - 1].whitespace_  # "high-converting"
            if token.text in SENTENCE_END or (token.lower_ in clause_end and not hyphen) or "\n" in token.text:
                break
            clause.append(token.i)
        if not any(doc[i].lower_ in shared for i in clause) and not any(t.lower_ in shared for t in span):
            tokens.update(clause)
    return tokens


SENTENCE_BREAK = re.compile(r"[.!?…\n]+(?:\s|$)")


def _pitch_sentences(ctx: Context) -> list[tuple[int, int]]:
    """Character ranges of the sentences that hold a sales pitch (its dates are appointments)."""
    pitches = ctx.spans("sales-pitch")
    if not pitches:
        return []
    breaks = [0, *(m.end() for m in SENTENCE_BREAK.finditer(ctx.text)), len(ctx.text)]
    ranges = []
    for start, end in zip(breaks, breaks[1:], strict=False):
        if any(start <= span.start_char < end for span in pitches):
            ranges.append((start, end))
    return ranges


def find_hooks(ctx: Context) -> list[tuple[int, int, str]]:
    """Everything in the note that ties it to this recipient: (start, end, kind)."""
    c = _compiled()
    doc = ctx.doc
    excluded = _excluded_tokens(ctx)
    hooks: list[tuple[int, int, str]] = []
    pitched = _pitch_sentences(ctx)

    def appointment(start: int) -> bool:
        """A date in a sentence that pitches ("a webinar on Thursday") is not a shared moment."""
        return any(s <= start < e for s, e in pitched)

    def usable(token: Token) -> bool:
        return token.i not in excluded and token.lower_.rstrip(".") not in c["not_hooks"]

    for token in doc:  # proper-noun-like words not opening a sentence: Globex, McGill, PyCon, Jane
        if token.is_stop and not token.is_upper:
            continue  # "Hello, My name is", "Hi, We are": function words, not names
        if usable(token) and _is_capitalised(token) and token.lower_ != "i" and not _sentence_start(doc, token.i):
            if c["specific_date"].fullmatch(token.text) and (
                (token.i > 0 and doc[token.i - 1].lower_ in FUTURE) or appointment(token.idx)
            ):
                continue  # "next Tuesday" is an appointment being pitched, not a shared moment
            if token.is_upper and (len(token.text) == 1 or _in_caps_run(doc, token.i)):
                continue  # "I", or shouting ("LET'S CONNECT ALWAYS"), not a name like NYEBN
            hooks.append((token.idx, token.idx + len(token.text), "name"))
    if ctx.trained:
        cased = any(ch.isupper() for ch in ctx.text)
        for ent in doc.ents:
            if ent.label_ not in c["entity_labels"] or ent.label_ == "DATE":
                continue
            if cased and not any(_is_capitalised(t) or t.like_num for t in ent):
                continue  # a lower-case "entity" in a normally cased note is noise ("a brief intro")
            if any(usable(t) and not t.is_stop and (_is_word(t) or t.like_num) and not t.like_url for t in ent):
                hooks.append((ent.start_char, ent.end_char, ent.label_))
    for m in c["specific_date"].finditer(ctx.text):
        previous = ctx.text[: m.start()].split()[-1:]
        if (previous and previous[0].lower() in FUTURE) or appointment(m.start()):
            continue
        if not ctx.in_placeholder(m.start(), m.end()):
            hooks.append((m.start(), m.end(), "date"))
    for m in QUOTED_TITLE.finditer(ctx.text):
        if not ctx.in_placeholder(m.start(), m.end()) and re.search(r"[A-Za-z]{2}", m.group(2)):
            hooks.append((m.start(), m.end(), "title"))
    for span in ctx.spans("hook"):
        if not ctx.in_placeholder(span.start_char, span.end_char):
            hooks.append((span.start_char, span.end_char, "hook phrase"))
    window = lexicon()["no_specifics"]["lead_window"]
    for span in ctx.spans("hook-lead"):
        for token in doc[span.end : span.end + window]:
            if token.text in SENTENCE_END or "\n" in token.text:
                break
            if ctx.in_placeholder(token.idx, token.idx + len(token.text)):
                break  # the slot is an unfilled field: "we met at [Event]"
            if token.i in excluded or token.is_punct or token.is_space or token.is_stop:
                continue
            if token.lower_ in c["vague"] or token.lower_ in c["not_hooks"]:
                continue
            if _is_word(token) or token.like_num:
                hooks.append((span.start_char, token.idx + len(token.text), "hook phrase"))
                break
    return sorted(hooks)


def _template_slot(ctx: Context) -> bool:
    """Whether an unfilled field sits outside the greeting: the note's specifics are still blank.

    "Hi [Name], we met at PyCon" only misses the name; "we met at [Event]" has no hook at all.
    """
    c = _compiled()
    opening = c["greetings"] | c["honorifics"] | {"good"}
    for start, _ in ctx.placeholders():
        before = re.findall(r"[^\W\d_]+", ctx.text[:start])
        if len(before) > 2 or any(w.lower() not in opening for w in before):
            return True
    return False


def check_no_specifics(ctx: Context) -> list[Hit]:
    if not ctx.text.strip():
        return []
    if not _template_slot(ctx) and find_hooks(ctx):
        return []
    start, end = _trimmed(ctx.text)
    return [Hit(start, end)]


CHECKS: dict[str, Callable[[Context], list[Hit]]] = {
    "too-long": check_too_long,
    "empty": check_empty,
    "placeholder": check_placeholder,
    "generic-phrase": check_generic_phrase,
    "no-specifics": check_no_specifics,
    "sales-pitch": check_sales_pitch,
    "link": check_link,
    "no-greeting": check_no_greeting,
    "self-focus": check_self_focus,
    "shouting": check_shouting,
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
    return Finding(
        rule=rule.id,
        severity=rule.severity,
        message=rule.message.format(**values),
        hint=rule.hint.format(**values),
        start=hit.start,
        end=hit.end,
        line=line,
        column=column,
        excerpt=excerpt,
    )


def run_checks(ctx: Context, rule_ids: Iterable[str]) -> list[Finding]:
    """Run the chosen rules on one note; findings sorted by position, then severity."""
    rules = load_rules()
    findings: list[Finding] = []
    chosen = list(rule_ids)
    if not ctx.text.strip():
        chosen = [r for r in chosen if r == "empty"]
    for rule_id in chosen:
        for hit in CHECKS[rule_id](ctx):
            findings.append(make_finding(rules[rule_id], ctx.text, hit))
    findings.sort(key=lambda f: (f.start, -SEVERITIES.index(f.severity), f.rule))
    return findings
