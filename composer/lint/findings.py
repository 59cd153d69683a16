"""The result type every lint rule produces, and the severities (defined once, with the config that names them).

Offsets are Python string indices into the note as given (so `text[start:end] == excerpt`);
`line` and `column` are 1-based, for editors and the `path:line:col` text output, and count
columns the same way: in code points (characters), not UTF-16 units or bytes. A fix's `start` and
`end` are offsets like `start` and `end`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, NamedTuple

from composer.config import SEVERITIES

__all__ = ["SEVERITIES", "Finding", "Fix", "Linted", "Suppressed", "severity_rank"]


def severity_rank(severity: str) -> int:
    """info < warning < error, for --fail-on and sorting."""
    return SEVERITIES.index(severity)


@dataclass(frozen=True)
class Fix:
    """A safe, mechanical fix: replace `text[start:end]` with `replacement` (`composer.lint.fixes`)."""

    replacement: str
    start: int
    end: int


@dataclass(frozen=True)
class Finding:
    """One problem in one note."""

    rule: str
    severity: str
    message: str
    hint: str
    start: int
    end: int
    line: int
    column: int
    excerpt: str
    #: The fix `invite lint --fix` may apply, for the rules that declare one (`fix:` in rules.yaml).
    fix: Fix | None = None

    def to_dict(self) -> dict[str, object]:
        """The JSON shape documented for `invite lint --format json` (`fix` only when there is one)."""
        record = asdict(self)
        if self.fix is None:
            del record["fix"]
        return record


class Suppressed(NamedTuple):
    """A finding a user silenced (`composer.lint.suppress`), and what silenced it: counted, never dropped unseen."""

    finding: Finding
    #: `[lint.per-file-ignores]`, `template comment` or `invite_ignore` (a merge row's column)
    by: str

    def to_dict(self) -> dict[str, object]:
        """The finding as `--format json` shows one, and what silenced it."""
        return {**self.finding.to_dict(), "suppressed_by": self.by}


class Linted(NamedTuple):
    """One linted note: its id and text, the findings, the classifier's scores and the note's language.

    `judged` is False for a note in a language the linter does not judge for generic wording and pitches
    (`judged` in languages.yaml): its verdict is unknown, and no finding of `no-specifics` or
    `sales-pitch` means nothing. Consumers show it as "not judged", never as specific or clean.
    `hook` is the strongest hook the rules found ("stated": a hook phrase such as "we met at ...", or in
    another judged language one listed in languages.yaml; "named": only names, dates or titles, English
    notes only; None: none, or not looked for), for consumers that weigh the evidence themselves
    (`invite inbox`). Named entities are looked for only where one could change `no-specifics`: not in a
    template with an unfilled field, nor in a pitch whose names read as the sender's own
    (`combine.no_specifics_decision`), where the inbox weighs no hook.
    `suppressed` are the findings the user's settings silenced for this note (`composer.lint.suppress`),
    left out of `findings`. `seeking` says the sender asks for a job for themselves ("I'm exploring data
    roles"; `hooks.job_seeking`): such a note is a pitch only by a listed sales phrase, and the inbox
    reads its "roles" the same way.
    """

    id: Any
    text: str
    findings: list[Finding]
    scores: dict[str, float]
    language: str
    judged: bool = True
    hook: str | None = None
    suppressed: tuple[Suppressed, ...] = ()
    seeking: bool = False
