"""People's names as CSVs and exports give them, cleaned once for greetings, merges and matching.

A First Name cell holds what people type into LinkedIn: "Dr. Ana", "ANA", "Ana 🚀", "Ana (she/her)",
"Lima, PhD, MBA", "K.". Greeting "Hi Dr.," or "Hi ANA," reads as a mail merge, and matching
"Ana Lima, PhD" against "Ana Lima" fails. `clean_name` strips titles, credentials, pronouns, emoji
and decorations and re-cases a name written in capitals (Mc, Mac, O' and hyphenated parts kept
right), and says what it changed; `greeting_name` also refuses an initial ("K.") as a first name;
`name_key` is the cleaned, folded form people are matched on. The word lists are data
(`composer/data/names.yaml`). Infrastructure: it imports no subsystem.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import Any

from composer.resources import load_data
from composer.similarity import fold

#: "(she/her)", "he/him", "[they/them]", "she/her/hers": a pronoun pair, with or without brackets. Spaces
#: are matched only after a bracket or a word: tried at every position of a long run of spaces, a
#: leading `\s*` rescanned the run each time (a name cell of 40,000 spaces took a minute).
_PRONOUNS = re.compile(
    r"(?:[(\[{]\s*)?\b(?:she|he|they|ze|xe|ela|ele|elle|ella|sie|er)\s*/\s*(?:her|him|them|hers|his|theirs|zir|xem|"
    r"she|he|they|dela|dele|iel|ihr|ihm)\b(?:\s*/\s*\w+)*\s*[)\]}]?",
    re.IGNORECASE,
)
#: What starts a tagline after the name ("Lima | Helping startups grow"): from the bar to the end (the
#: spaces around it go when the words are split).
_TAGLINE = re.compile(r"[|•·].*", re.DOTALL)
#: Characters kept besides letters, combining marks and digits: what names are written with.
_NAME_PUNCTUATION = frozenset(" -'.,")
#: Marks that only decorate the character before them (emoji variation selectors, the keycap).
_DECORATING_MARKS = frozenset("\ufe0e\ufe0f\u20e3")
_INITIAL = re.compile(r"(?:[^\W\d_]\.)+|[^\W\d_]")
_VOWELS = frozenset("aeiouyáàâãäåéèêëíìîïóòôõöúùûüýæøœ")


@dataclass(frozen=True)
class CleanName:
    """A cleaned name and what was taken out or changed ("title", "credentials", "pronouns", "decorations", "capitals")."""

    text: str
    changes: tuple[str, ...] = ()

    @property
    def changed(self) -> bool:
        return bool(self.changes)


@cache
def _lists() -> dict[str, Any]:
    return dict(load_data("names.yaml"))


@cache
def _titles() -> frozenset[str]:
    return frozenset(str(t).casefold() for t in _lists()["titles"])


@cache
def _credentials() -> dict[str, str]:
    """Credentials by their exact spelling (dots dropped) -> the same, and by their folded form -> the spelling."""
    return {str(c).replace(".", "").casefold(): str(c).replace(".", "") for c in _lists()["credentials"]}


def clean_name(raw: str | None) -> CleanName:
    """The name without titles, credentials, pronouns, emoji or taglines, re-cased if written in capitals."""
    text = unicodedata.normalize("NFKC", raw or "").replace("\u2019", "'")
    changes: list[str] = []
    text, count = _PRONOUNS.subn(" ", text)
    if count:
        changes.append("pronouns")
    kept = _strip_decorations(_TAGLINE.sub("", text))
    if kept != " ".join(text.split()):
        changes.append("decorations")
    words = _words(kept)
    words, removed = _drop_titles(words)
    changes += ["title"] if removed else []
    words, removed = _drop_credentials(words)
    changes += ["credentials"] if removed else []
    if not words:  # nothing but a title ("Dr."): no name at all, not a name "Dr."
        return CleanName("", tuple(changes))
    if _in_capitals(words):
        words = _recase(words)
        changes.append("capitals")
    return CleanName(" ".join(words), tuple(changes))


def greeting_name(first_name: str | None) -> str | None:
    """The first name to greet with ("Dr. ANA" -> "Ana"); None for nothing, or an initial ("K", "K.", "K.J.")."""
    cleaned = clean_name(first_name).text
    if not cleaned:
        return None
    first = cleaned.split()[0]
    return None if _INITIAL.fullmatch(first) else first


def name_key(name: str | None) -> str:
    """The cleaned name, Unicode-normalised and case-folded: how people are matched ("" when there is none)."""
    return fold(clean_name(name).text)


def describe(raw: str, cleaned: CleanName) -> str:
    """What cleaning did, in words: "'DR. ANA 🚀' read as 'Ana' (title, decorations, capitals)"."""
    return f"{raw.strip()!r} read as {cleaned.text!r} ({', '.join(cleaned.changes)})"


# --------------------------------------------------------------------------- the steps


def _strip_decorations(text: str) -> str:
    """Letters, combining marks, digits and name punctuation kept; emoji, symbols and the rest become spaces.

    Digits are rare in names but never decoration: where they stand ("Person12", a handle) they are what
    tells two people apart, so dropping them would match everyone with the same letters.
    """
    kept = []
    for char in text:
        category = unicodedata.category(char)
        if char in _NAME_PUNCTUATION or category == "Nd" or (category[0] in "LM" and char not in _DECORATING_MARKS):
            kept.append(char)
        else:
            kept.append(" ")
    return " ".join("".join(kept).split())


def _words(text: str) -> list[str]:
    """Words, a comma kept on the word it follows (it says credentials may come next)."""
    return [word for word in re.split(r"\s+|(?<=,)", text) if word.strip(" ,.-'")]


def _bare(word: str) -> str:
    return word.strip(",").replace(".", "")


def _drop_titles(words: list[str]) -> tuple[list[str], bool]:
    removed = False
    while words and _bare(words[0]).casefold() in _titles():
        words, removed = words[1:], True
    return words, removed


def _drop_credentials(words: list[str]) -> tuple[list[str], bool]:
    """Credentials at the end of the name: as spelled in the list, or any case after a comma ("LIMA, PHD")."""
    capitals = _in_capitals(words)
    end = len(words)
    while end > 1:
        bare = _bare(words[end - 1])
        spelled = _credentials().get(bare.casefold())
        after_comma = any(w.endswith(",") for w in words[: end - 1])
        if spelled is None or not (after_comma or (bare == spelled and not capitals)):
            break
        end -= 1
    return [w.rstrip(",") for w in words[:end]], end < len(words)


def _in_capitals(words: list[str]) -> bool:
    """Whether the name is written in capitals: no lower-case letter, and a word of three letters or more."""
    letters = "".join(c for w in words for c in w if c.isalpha())
    return letters.isupper() and any(sum(c.isalpha() for c in w) >= 3 for w in words)


def _recase(words: list[str]) -> list[str]:
    """Capitalised words, particles in lower case after the first word; initials ("JP") kept."""
    particles = {str(p) for p in _lists()["particles"]}
    done = []
    for i, word in enumerate(words):
        folded = word.lower()
        if i > 0 and folded in particles:
            done.append(folded)
        elif not _VOWELS & set(folded):
            done.append(word)  # "JP", "K." - initials, not a word in capitals
        else:
            done.append("-".join(_capitalise(part) for part in folded.split("-")))
    return done


def _capitalise(part: str) -> str:
    """One lower-case name part capitalised: "o'neil" -> "O'Neil", "mcdonald" -> "McDonald", "macleod" -> "MacLeod"."""
    if not part:
        return part
    if re.match(r"^[^\W\d_]'[^\W\d_]", part):
        return part[:2].upper() + part[2].upper() + part[3:]
    if part.startswith("mc") and len(part) > 3:
        return "Mc" + part[2].upper() + part[3:]
    if part.startswith("mac") and len(part) > 5 and part[3] in _lists()["mac_before"]:
        return "Mac" + part[3].upper() + part[4:]
    return part[0].upper() + part[1:]
