"""Findings as the user set them: each rule at its configured severity, and rules silenced for some notes.

As in ruff, Vale and textlint, a team tunes the linter without editing its data. `[lint.severity]`
gives a rule another severity (or turns it off: the callers leave it out as an ignored rule, so it
never runs); `[lint.per-file-ignores]` silences rules for note files matching a glob; a template's
comment (`{# invite: ignore=RULE #}`) silences rules for the notes made from it; a merge row's
`invite_ignore` cell for its own note. A silenced finding is set aside with what silenced it
(`Suppressed`), never dropped unseen: the commands count it (`suppressed_line`), JSON lists it and
SARIF reports it as a suppressed result.

Globs read as ruff and `.gitignore` read them: `*` and `?` match within one folder name, `**` any
number of folders, `[...]` one character of a set; a glob with a `/` is relative to its config
file's folder, one without matches a file or folder name anywhere. A folder that matches covers
everything under it.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import PurePath

from composer.config import FileIgnores, LintDefaults
from composer.lint.findings import Finding, Suppressed

#: What silenced a finding, as the counts and `suppressed_by` in JSON name it.
BY_FILE = "[lint.per-file-ignores]"
BY_TEMPLATE = "template comment"
BY_ROW = "invite_ignore"
#: Labels that name no file (stdin): no per-file ignore applies.
NO_FILE = ("<stdin>", "-")


@dataclass(frozen=True)
class Policy:
    """The severities the config sets, the per-file ignores, and the rules silenced for the notes at hand (id -> by)."""

    severity: Mapping[str, str] = field(default_factory=dict)
    file_ignores: tuple[FileIgnores, ...] = ()
    silenced: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def configured(cls, lint: LintDefaults | None) -> Policy:
        """What the config's `[lint]` says (nothing, without one)."""
        return cls() if lint is None else cls(lint.severities, lint.per_file_ignores)

    def silence(self, rules: Iterable[str], by: str) -> Policy:
        """These rules silenced too (what silenced a rule first is what it is counted under)."""
        added = {rule: by for rule in rules if rule not in self.silenced}
        return replace(self, silenced={**self.silenced, **added}) if added else self

    def for_file(self, path: str | None) -> Policy:
        """The rules `[lint.per-file-ignores]` silences for this note file silenced too."""
        if path is None or path in NO_FILE or not self.file_ignores:
            return self
        return self.silence(file_silenced(path, self.file_ignores), BY_FILE)

    def apply(self, findings: Iterable[Finding]) -> tuple[list[Finding], list[Suppressed]]:
        """(the findings kept, at their configured severity; those silenced, with what silenced them)."""
        kept: list[Finding] = []
        suppressed: list[Suppressed] = []
        for finding in findings:
            level = self.severity.get(finding.rule, finding.severity)
            adjusted = finding if level == finding.severity else replace(finding, severity=level)
            by = self.silenced.get(finding.rule)
            if by is None:
                kept.append(adjusted)
            else:
                suppressed.append(Suppressed(adjusted, by))
        return kept, suppressed


def file_silenced(path: str, entries: Iterable[FileIgnores]) -> list[str]:
    """The rules the per-file ignores silence for a note file (relative paths are the current folder's)."""
    places = {os.path.abspath(path), os.path.realpath(path)}
    rules: list[str] = []
    for entry in entries:
        if any(_matches(entry.pattern, folder, place) for folder in _folders(str(entry.folder)) for place in places):
            rules += [rule for rule in entry.rules if rule not in rules]
    return rules


@lru_cache(maxsize=64)
def _folders(folder: str) -> tuple[str, ...]:
    """A config file's folder as written and with its links resolved: a glob is relative to either."""
    return tuple(dict.fromkeys((os.path.abspath(folder), os.path.realpath(folder))))


def _matches(pattern: str, folder: str, path: str) -> bool:
    """Whether a glob matches a file: its path from the folder (or a folder above it), or, without `/`, a name in it."""
    anchored = "/" in pattern.rstrip("/")
    regex = glob_regex(pattern.strip("/").removeprefix("./") if anchored else pattern.rstrip("/"))
    try:
        parts = PurePath(os.path.relpath(path, folder)).parts
    except ValueError:  # another drive (Windows)
        parts = ()
    if not parts or parts[0] == os.pardir:  # outside the folder: a name-only glob still matches the file's name
        return not anchored and bool(regex.match(PurePath(path).name))
    if not anchored:
        return any(regex.match(name) for name in parts)
    return any(regex.match("/".join(parts[:end])) for end in range(len(parts), 0, -1))


@lru_cache(maxsize=256)
def glob_regex(pattern: str) -> re.Pattern[str]:
    """A glob as a regex: `*`, `?` and `[...]` within a folder name, `**` across folders (`a/**/b` matches `a/b`)."""
    out: list[str] = []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        close = pattern.find("]", index + 2) if char == "[" else -1
        if pattern.startswith("**/", index):
            out.append("(?:.*/)?")
            index += 3
        elif pattern.startswith("**", index):
            out.append(".*")
            index += 2
        elif close != -1:
            body = pattern[index + 1 : close].replace("\\", "\\\\")
            if body[0] in "!^":  # [!a] is a negated set in a glob; a ^ is a character
                body = ("^" if body[0] == "!" else "\\^") + body[1:]
            out.append(f"[{body}]")
            index = close + 1
        else:
            out.append({"*": "[^/]*", "?": "[^/]"}.get(char, re.escape(char)))
            index += 1
    return re.compile("".join(out) + r"\Z")


def suppressed_line(suppressed: Iterable[Suppressed]) -> str:
    """`2 findings suppressed by [lint.per-file-ignores]`, or `3 findings suppressed (template comment 2, invite_ignore 1)`.

    "" when nothing was suppressed.
    """
    counts = Counter(item.by for item in suppressed)
    total = sum(counts.values())
    if not total:
        return ""
    what = f"{total} finding{'s' if total != 1 else ''} suppressed"
    if len(counts) == 1:
        return f"{what} by {next(iter(counts))}"
    return f"{what} ({', '.join(f'{by} {count}' for by, count in counts.most_common())})"
