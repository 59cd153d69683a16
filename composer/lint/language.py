"""Which language a note is in: small, offline, and good enough to know when not to judge.

The rules' phrase families and the trained classifier only know English; a Spanish note judged by
them is guessed at, not judged. `detect_language` names a note's main language so that the lint
step can say "not English" (`not-english`) and skip the English-only judgements instead.

Two signals, both data (`composer/data/lint/languages.yaml`), no model and no download:

* script: when most of the letters are in one non-Latin script (Arabic, Devanagari, Cyrillic, kana,
  Han...), that script names the language;
* stop words: otherwise, the share of the note's words that are in each language's stop-word list
  (spaCy's own lists, `spacy.lang.<code>.stop_words`, read straight from the installed spaCy, plus a
  few distinctive words per language); another language wins only when it beats English clearly.

A mixed note is judged by its main language, so "Hi Sofía, tu charla en el evento..." is Spanish.

Which languages are *judged* (for generic wording and pitches) is data too (`judged` in the same
file): the languages the note classifier was trained on. A note in any other language is not judged,
and every consumer of the verdicts treats it as unknown (`is_judged`).
"""

from __future__ import annotations

import importlib.util
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from composer.resources import load_data

ENGLISH = "en"
#: A word: letters and digits (romanised Arabic writes sounds as digits: "a3mel"), with inner apostrophes.
WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


@dataclass(frozen=True)
class LanguageData:
    """languages.yaml, with English's word list loaded (the other languages' load on demand: `foreign_words`)."""

    raw: dict[str, Any]
    english: frozenset[str]
    min_rate: float
    margin: float
    min_words: int
    #: `no_english` in languages.yaml: when a long note with hardly an English word is another language.
    no_english: dict[str, float]
    scripts: dict[str, str]
    ukrainian_letters: frozenset[str]
    script_share: float
    default_invitations: re.Pattern[str]
    #: Stock phrases in other languages ("ampliar mi red"): canned like the default text, but not
    #: LinkedIn's own sentence, so `invite lint --fix` leaves them alone.
    canned: re.Pattern[str]
    #: Sales phrases in other languages ("ofrecemos", "kostenlose Demo"), the English sales families' counterparts.
    sales: re.Pattern[str]
    #: Hook phrases in other languages ("nos conocimos", "dein Vortrag"): the English hook phrases' counterparts.
    hooks: re.Pattern[str]
    #: The languages whose notes are judged for generic wording and pitches (English among them).
    judged: tuple[str, ...]
    #: What `not-english` says of a judged note ("judged") and of any other ("not_judged").
    judgement: dict[str, str]
    #: Language code -> its English name.
    names: dict[str, str]


def _spacy_stop_words(code: str) -> frozenset[str]:
    """spaCy's stop-word list for a language, read from its `stop_words.py` without importing the language.

    Importing `spacy.lang.<code>` would also load its tokenizer exceptions and lexical attributes
    (about 0.1 s each for twenty languages); the stop-word module alone is a set literal.
    """
    import spacy

    path = Path(spacy.__file__).resolve().parent / "lang" / code / "stop_words.py"
    if not path.is_file():
        return frozenset()
    spec = importlib.util.spec_from_file_location(f"_invite_stop_words_{code}", path)
    if spec is None or spec.loader is None:
        return frozenset()
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return frozenset(w.lower() for w in getattr(module, "STOP_WORDS", ()))


def _phrases(entries: dict[str, list[str]], *, whole_words: bool = False) -> re.Pattern[str]:
    """One case-insensitive regex for every phrase; spaces match any whitespace, quotes either kind.

    `whole_words`: a phrase may not start or end inside a word (the stock phrases are short; the default
    texts are long, and some are in scripts written without spaces)."""
    alternatives = []
    for phrases in entries.values():
        for phrase in phrases:
            words = [re.sub("['’]", "['’]", re.escape(w)) for w in phrase.split()]  # one pass: either quote matches
            alternatives.append(r"\s+".join(words))
    alternatives.sort(key=len, reverse=True)  # the longest variant wins at a position
    joined = "|".join(alternatives)
    return re.compile(rf"(?<!\w)(?:{joined})(?!\w)" if whole_words else joined, re.IGNORECASE)


def _index(vocabularies: dict[str, frozenset[str]]) -> dict[str, tuple[str, ...]]:
    index: dict[str, list[str]] = {}
    for code, words in sorted(vocabularies.items()):
        for word in words:
            index.setdefault(word, []).append(code)
    return {word: tuple(codes) for word, codes in index.items()}


@cache
def language_data() -> LanguageData:
    raw = load_data("lint", "languages.yaml")
    return LanguageData(
        raw=raw,
        english=_spacy_stop_words(ENGLISH) | frozenset(w.lower() for w in raw["extra_words"].get(ENGLISH, ())),
        min_rate=raw["min_rate"],
        margin=raw["margin"],
        min_words=raw["min_words"],
        no_english=dict(raw["no_english"]),
        scripts=dict(raw["scripts"]),
        ukrainian_letters=frozenset(raw["ukrainian_letters"]),
        script_share=raw["script_share"],
        default_invitations=_phrases(raw["default_invitations"]),
        canned=_phrases(raw["canned_phrases"], whole_words=True),
        sales=_phrases(raw["sales_phrases"], whole_words=True),
        hooks=_phrases(raw["hook_phrases"], whole_words=True),
        judged=tuple(raw["judged"]),
        judgement=dict(raw["judgement"]),
        names=dict(raw["names"]),
    )


@cache
def foreign_words(distinctive_only: bool) -> dict[str, tuple[str, ...]]:
    """word -> the other languages whose stop words or distinctive words (or only those) include it.

    Words English has too are left out. Loaded only for a note that is not plainly English.
    """
    data = language_data()
    extra = {code: frozenset(w.lower() for w in words) for code, words in data.raw["extra_words"].items() if code != ENGLISH}
    vocabularies = dict(extra)
    if not distinctive_only:
        for code in data.raw["stop_word_languages"]:
            vocabularies[code] = _spacy_stop_words(code) | extra.get(code, frozenset())
    return _index({code: words - data.english for code, words in vocabularies.items()})


def _script(char: str) -> str:
    """The script of a letter: the first word of its Unicode name (LATIN, CYRILLIC, CJK, ...)."""
    return unicodedata.name(char, "UNKNOWN").split(" ", 1)[0]


def script_language(text: str) -> str | None:
    """The language named by the script most letters are in, when that is not Latin; else None."""
    data = language_data()
    letters = [c for c in text if c.isalpha()]
    others = [c for c in letters if not c.isascii()]  # ASCII letters are Latin: only the rest need a name
    if len(others) < data.script_share * len(letters) or not others:
        return None
    counts: dict[str, int] = {}
    for char in others:
        script = _script(char)
        counts[script] = counts.get(script, 0) + 1
    kana = counts.get("HIRAGANA", 0) + counts.get("KATAKANA", 0)
    if kana and kana + counts.get("CJK", 0) >= data.script_share * len(letters):
        return "ja"
    script, count = max(counts.items(), key=lambda item: item[1])
    if script == "LATIN" or count < data.script_share * len(letters) or script not in data.scripts:
        return None
    language = data.scripts[script]
    if language == "ru" and any(c in data.ukrainian_letters for c in text.lower()):
        return "uk"
    return language


def word_rates(words: list[str]) -> dict[str, float]:
    """Per language, the share of the words in its stop-word list or its distinctive words.

    A word English has too ("me", "a", "hi") is no evidence for another language, and notes shorter
    than `min_words` words count only the distinctive words.
    """
    data = language_data()
    index = foreign_words(len(words) < data.min_words)
    counts: dict[str, int] = {ENGLISH: 0}
    for word in words:
        if word in data.english:
            counts[ENGLISH] += 1
            continue
        for code in index.get(word, ()):
            counts[code] = counts.get(code, 0) + 1
    return {code: count / len(words) for code, count in counts.items()}


def detect_language(text: str) -> str:
    """The note's main language as an ISO 639-1 code; "en" unless another language is clearly ahead."""
    by_script = script_language(text)
    if by_script is not None:
        return by_script
    words = [w.lower() for w in WORD.findall(text) if not w.isdigit()]
    if not words:
        return ENGLISH
    data = language_data()
    english = sum(1 for w in words if w in data.english) / len(words)
    if english > (1 - data.margin) / 2:
        return ENGLISH  # no other language can beat it by the margin: the other lists need not load
    rates = word_rates(words)
    english = rates.pop(ENGLISH)
    if not rates:
        return ENGLISH
    best, rate = max(rates.items(), key=lambda item: (item[1], item[0]))
    if rate >= data.min_rate and rate >= english + data.margin:
        return best
    if _hardly_english(len(words), english, rate):
        return best
    return ENGLISH


def _hardly_english(words: int, english: float, best_rate: float) -> bool:
    """Whether a note too long to be telegraphic English, with hardly an English stop word, is the best
    other language although that language's list hit fewer words than `min_rate` asks (`no_english`)."""
    floor = language_data().no_english
    return words >= floor["min_words"] and english < floor["max_english"] and best_rate >= floor["min_rate"]


def _spans(pattern: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in pattern.finditer(text)]


def default_invitations(text: str) -> list[tuple[int, int]]:
    """(start, end) of LinkedIn's default invitation text, in any of the languages listed."""
    return _spans(language_data().default_invitations, text)


def canned_phrases(text: str) -> list[tuple[int, int]]:
    """(start, end) of the stock phrases listed for other languages ("élargir mon réseau")."""
    return _spans(language_data().canned, text)


def sales_phrases(text: str) -> list[tuple[int, int]]:
    """(start, end) of the sales phrases listed for other languages ("nuestros servicios", "wir bieten")."""
    return _spans(language_data().sales, text)


def hook_phrases(text: str) -> list[tuple[int, int]]:
    """(start, end) of the hook phrases listed for other languages ("ci siamo conosciuti", "votre article")."""
    return _spans(language_data().hooks, text)


def is_judged(language: str) -> bool:
    """Whether notes in this language are judged for generic wording and pitches (`judged` in languages.yaml)."""
    return language == ENGLISH or language in language_data().judged


def language_name(language: str) -> str:
    """The language's English name for messages ("Polish"); the code itself for a language without one."""
    return language_data().names.get(language, language)


def not_judged_reason(language: str) -> str:
    """What a consumer says of a note that is not judged: "not judged: written in Polish"."""
    return language_data().judgement["reason"].format(language=language_name(language))
