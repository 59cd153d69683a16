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
"""

from __future__ import annotations

import importlib.util
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from composer.lint.catalog import DATA_DIR, load_yaml

ENGLISH = "en"
#: A word: letters and digits (romanised Arabic writes sounds as digits: "a3mel"), with inner apostrophes.
WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


@dataclass(frozen=True)
class LanguageData:
    """languages.yaml, with the stop-word lists loaded."""

    stop_words: dict[str, frozenset[str]]
    extra_words: dict[str, frozenset[str]]
    min_rate: float
    margin: float
    min_words: int
    scripts: dict[str, str]
    ukrainian_letters: frozenset[str]
    script_share: float
    default_invitations: re.Pattern[str]


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


def _phrases(entries: dict[str, list[str]]) -> re.Pattern[str]:
    """One case-insensitive regex for every default invitation; spaces match any whitespace, quotes either kind."""
    alternatives = []
    for phrases in entries.values():
        for phrase in phrases:
            words = [re.escape(w).replace("'", "['’]").replace("’", "['’]") for w in phrase.split()]
            alternatives.append(r"\s+".join(words))
    alternatives.sort(key=len, reverse=True)  # the longest variant wins at a position
    return re.compile("|".join(alternatives), re.IGNORECASE)


@cache
def language_data() -> LanguageData:
    raw = load_yaml(DATA_DIR / "languages.yaml")
    codes = [ENGLISH, *raw["stop_word_languages"]]
    return LanguageData(
        stop_words={code: _spacy_stop_words(code) for code in codes},
        extra_words={code: frozenset(w.lower() for w in words) for code, words in raw["extra_words"].items()},
        min_rate=raw["min_rate"],
        margin=raw["margin"],
        min_words=raw["min_words"],
        scripts=dict(raw["scripts"]),
        ukrainian_letters=frozenset(raw["ukrainian_letters"]),
        script_share=raw["script_share"],
        default_invitations=_phrases(raw["default_invitations"]),
    )


def _script(char: str) -> str:
    """The script of a letter: the first word of its Unicode name (LATIN, CYRILLIC, CJK, ...)."""
    return unicodedata.name(char, "UNKNOWN").split(" ", 1)[0]


def script_language(text: str) -> str | None:
    """The language named by the script most letters are in, when that is not Latin; else None."""
    data = language_data()
    counts: dict[str, int] = {}
    letters = 0
    for char in text:
        if char.isalpha():
            letters += 1
            script = _script(char)
            counts[script] = counts.get(script, 0) + 1
    if not letters:
        return None
    kana = counts.get("HIRAGANA", 0) + counts.get("KATAKANA", 0)
    if kana and kana + counts.get("CJK", 0) >= data.script_share * letters:
        return "ja"
    script, count = max(counts.items(), key=lambda item: item[1])
    if script == "LATIN" or count < data.script_share * letters or script not in data.scripts:
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
    english = data.stop_words[ENGLISH] | data.extra_words.get(ENGLISH, frozenset())
    short = len(words) < data.min_words
    rates = {ENGLISH: sum(1 for w in words if w in english) / len(words)}
    foreign = [w for w in words if w not in english]
    for code in {*data.stop_words, *data.extra_words} - {ENGLISH}:
        extra = data.extra_words.get(code, frozenset())
        vocabulary = extra if short else data.stop_words.get(code, frozenset()) | extra
        rates[code] = sum(1 for w in foreign if w in vocabulary) / len(words)
    return rates


def detect_language(text: str) -> str:
    """The note's main language as an ISO 639-1 code; "en" unless another language is clearly ahead."""
    by_script = script_language(text)
    if by_script is not None:
        return by_script
    words = [w.lower() for w in WORD.findall(text) if any(c.isalpha() for c in w)]
    if not words:
        return ENGLISH
    data = language_data()
    rates = word_rates(words)
    english = rates.pop(ENGLISH)
    best, rate = max(rates.items(), key=lambda item: (item[1], item[0]))
    if rate >= data.min_rate and rate >= english + data.margin:
        return best
    return ENGLISH


def default_invitations(text: str) -> list[tuple[int, int]]:
    """(start, end) of LinkedIn's default invitation text, in any of the languages listed."""
    return [(m.start(), m.end()) for m in language_data().default_invitations.finditer(text)]
