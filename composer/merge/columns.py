"""Which CSV column is which answer, and which says who the recipient is.

A column names an answer by its header, case- and space-insensitively (`First Name` is
`first_name`); `--map COLUMN=ANSWER` names the rest. A `template` or `relationship` column picks the
template per row. Name cells are cleaned before use (titles, credentials, pronouns, emoji,
capitals; `composer.names`), and the `name-cleaned` rule says so per row. The recipient is
`first_name` + `last_name` (or a `name` column), and their profile URL comes from a `URL` or
`Profile URL` column: both go to the history, never to a template that does not ask for them. An
`invite_ignore` column names lint rules silenced for its row's note; it is never an answer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from composer.csvtable import column_key
from composer.errors import InputError, UsageError
from composer.templates.model import RESERVED_PREFIX

#: Column keys that hold the recipient's profile URL, best first.
URL_COLUMNS = ("profile_url", "url", "linkedin_url", "linkedin_profile_url", "linkedin_profile", "profile")
#: Column keys that hold the recipient's whole name when there is no first/last pair.
NAME_COLUMNS = ("full_name", "name")
#: Columns that choose the template per row.
SELECTOR_COLUMNS = ("template", "relationship")
#: The column whose cell names lint rules silenced for that row's note; never an answer (no question may be
#: named `invite_...`, `RESERVED_PREFIX`).
IGNORE_COLUMN = f"{RESERVED_PREFIX}ignore"
_RULE_LIST = re.compile(r"[\s,;]+")


def parse_maps(values: Iterable[str]) -> dict[str, str]:
    """`--map COLUMN=ANSWER` (repeatable) as {column: answer}; anything else is a usage error."""
    maps: dict[str, str] = {}
    for item in values:
        column, sep, answer = item.partition("=")
        if not sep or not column.strip() or not answer.strip():
            raise UsageError(f"--map expects COLUMN=ANSWER (e.g. --map 'Event Name=event'), got {item!r}")
        maps[column.strip()] = answer.strip()
    return maps


@dataclass(frozen=True)
class Columns:
    """The header's meaning: answer name by column, and the columns naming the recipient."""

    answers: dict[str, str]
    url: str | None
    names: tuple[str, ...]
    #: the `invite_ignore` column, when the CSV has one
    ignore: str | None = None

    @classmethod
    def build(cls, header: list[str], maps: Mapping[str, str], path: object) -> Columns:
        """Map every column to an answer; `--map` first. An unknown --map column, or two columns for one answer, is an error."""
        by_key = {column_key(column): column for column in header}
        answers: dict[str, str] = {}
        for column, answer in maps.items():
            real = by_key.get(column_key(column))
            if real is None:
                raise InputError(f"--map {column}={answer}: {path} has no column {column!r} (its columns: {', '.join(header)})")
            answers[real] = answer
        for column in header:
            answers.setdefault(column, column_key(column))
        seen: dict[str, str] = {}
        for column, answer in answers.items():
            if answer in seen:
                raise InputError(
                    f"{path}: columns {seen[answer]!r} and {column!r} both give the answer {answer!r}; "
                    f"rename one, or map one elsewhere with --map"
                )
            seen[answer] = column
        url = next((seen[key] for key in URL_COLUMNS if key in seen), None)
        if "first_name" in seen:
            names = tuple(seen[key] for key in ("first_name", "last_name") if key in seen)
        else:
            names = tuple(seen[key] for key in NAME_COLUMNS if key in seen)[:1]
        ignore = seen.get(IGNORE_COLUMN)
        if ignore is not None:
            del answers[ignore]
        return cls(answers=answers, url=url, names=names, ignore=ignore)

    def cleaned_names(self, cells: Mapping[str, str]) -> dict[str, str]:
        """The row's cells with its name cells cleaned (`composer.names`: "DR. ANA (she/her)" is "Ana")."""
        from composer.names import clean_name

        return {**cells, **{c: clean_name(cells[c]).text for c in self.names if cells.get(c, "").strip()}}

    def row_answers(self, cells: Mapping[str, str]) -> dict[str, str]:
        """A row's non-blank cells as answers (a blank cell lets --set, config or the template's default apply)."""
        return {
            self.answers[column]: value.strip() for column, value in cells.items() if value.strip() and column in self.answers
        }

    def row_ignores(self, cells: Mapping[str, str]) -> list[str]:
        """The rule ids a row's `invite_ignore` cell names, separated by commas, semicolons or spaces."""
        return [rule for rule in _RULE_LIST.split(cells.get(self.ignore, "")) if rule] if self.ignore else []

    def recipient(self, cells: Mapping[str, str]) -> tuple[str | None, str | None]:
        """(name, profile URL) of the row's recipient, when the CSV says."""
        name = " ".join(cells[c].strip() for c in self.names if cells.get(c, "").strip()) or None
        url = cells.get(self.url, "").strip() if self.url is not None else ""
        return name, url or None
