"""The rows of the history's tables as dataclasses: each field is the column of the same name.

The field list is the one place a table's columns are spelled: the INSERT and SELECT column lists,
unpacking a row, `Recorded.to_dict` and `invite history --format csv` all come from it. A field's
metadata (`column(...)`) says how its value is stored where Python and SQLite differ (a moment as
text, findings as JSON), whether a new row's INSERT writes it (not `id`, which SQLite assigns, nor an
invitation's verdict, stored once it is linted), and whether `invite history` lists it.
To add a column: a numbered migration, and a field here.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any, TypeVar

from composer.history.store.database import from_text, to_text

Row = TypeVar("Row")


def column(
    *,
    listed: bool = True,
    written: bool = True,
    store: Callable[[Any], Any] | None = None,
    load: Callable[[Any], Any] | None = None,
) -> dict[str, Any]:
    """A field's metadata: listed by `invite history`, written by INSERT, and its value's conversions."""
    return {"listed": listed, "written": written, "store": store, "load": load}


def _meta(item: Any, key: str) -> Any:
    return item.metadata.get(key, column()[key])


def column_names(row_type: type, *, written: bool = False) -> list[str]:
    """The columns a row type reads (all of its fields), or writes (`written`: without those SQLite assigns)."""
    return [f.name for f in fields(row_type) if not written or _meta(f, "written")]


def listed_names(row_type: type) -> list[str]:
    """The fields `invite history` shows, in order."""
    return [f.name for f in fields(row_type) if _meta(f, "listed")]


def stored_values(row: Any) -> tuple[Any, ...]:
    """A row's values for an INSERT of `column_names(type(row), written=True)`, converted for SQLite."""
    values = []
    for item in fields(row):
        if _meta(item, "written"):
            value, store = getattr(row, item.name), _meta(item, "store")
            values.append(store(value) if store is not None and value is not None else value)
    return tuple(values)


def from_row(row_type: Callable[..., Row], values: Sequence[Any]) -> Row:
    """A row read by `SELECT column_names(row_type)`, converted back from SQLite."""
    loaded = {}
    for item, value in zip(fields(row_type), values, strict=True):  # type: ignore[arg-type]
        load = _meta(item, "load")
        loaded[item.name] = load(value) if load is not None and value is not None else value
    return row_type(**loaded)


def _findings_json(findings: list[dict[str, Any]]) -> str:
    return json.dumps(list(findings), ensure_ascii=False)


def _json(value: dict[str, Any]) -> str:
    return json.dumps(value, ensure_ascii=False)


def _from_json(text: str) -> dict[str, Any] | None:
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError:
        return None
    return parsed if isinstance(parsed, dict) else None


def _findings_from_json(text: str) -> list[dict[str, Any]]:
    try:
        parsed = json.loads(text or "[]")
    except json.JSONDecodeError:
        return []
    return parsed if isinstance(parsed, list) else []


def to_minutes(moment: datetime) -> str:
    """An exported invitation's time as stored: naive local time, ISO 8601 to the minute (sorts as text).

    `isoformat`, not `strftime("%Y")`, which writes the year 1 as `1` on Linux: years are four digits.
    """
    return moment.replace(tzinfo=None).isoformat(timespec="minutes")


@dataclass(frozen=True)
class Verdict:
    """A note's lint verdict as the history stores it, made once by the linter whose `version` it names.

    Plain data (the store never imports the linter): `findings` as `Finding.to_dict()` gives them,
    `scores` the classifier's raw scores, `hook` the strongest hook found, `length` as LinkedIn counts,
    `seeking` whether the sender asks for a job for themselves (`Linted.seeking`).
    """

    version: str
    judged: bool
    language: str
    hook: str | None
    scores: dict[str, float]
    findings: list[dict[str, Any]]
    length: int
    seeking: bool = False

    @property
    def rules(self) -> str:
        """The rules that fired, as SQL groups by them: `,generic-phrase,no-specifics,` (`,` for none)."""
        return "," + "".join(f"{rule}," for rule in sorted({str(f["rule"]) for f in self.findings}))

    def details(self) -> dict[str, Any]:
        """What is stored as JSON beside the columns: findings, scores, language, hook and seeking."""
        return {
            "findings": self.findings,
            "scores": self.scores,
            "language": self.language,
            "hook": self.hook,
            "seeking": self.seeking,
        }

    @classmethod
    def stored(cls, version: str, judged: int, length: int, details: str | dict[str, Any]) -> Verdict | None:
        """A verdict read back (None when its JSON is not what was stored)."""
        parsed = _from_json(details) if isinstance(details, str) else details
        if parsed is None:
            return None
        return cls(
            version=version,
            judged=bool(judged),
            language=str(parsed.get("language") or "en"),
            hook=parsed.get("hook"),
            scores=dict(parsed.get("scores") or {}),
            findings=list(parsed.get("findings") or []),
            length=int(length),
            seeking=bool(parsed.get("seeking")),
        )


@dataclass(frozen=True)
class Note:
    """A note about to be checked against the history, then recorded."""

    text: str
    recipient: str | None = None
    profile_url: str | None = None
    relationship: str | None = None
    template: str | None = None
    account: str | None = None
    #: the recipient's own details (name, company), set aside when notes are compared
    recipient_values: tuple[str, ...] = ()
    #: where the note came from, for messages ("row 3")
    label: str | None = None
    #: "invitation" (a connection note) or "message" (a reply: not counted for the quota, never a repeat)
    kind: str = "invitation"
    #: the linter's verdict on it, stored beside it (None: the command did not keep one)
    verdict: Verdict | None = None


@dataclass(frozen=True, kw_only=True)
class Recorded:
    """A note as the history holds it: one row of `notes`, fields in `invite history --format json` order."""

    id: int = field(default=0, metadata=column(written=False))  # SQLite numbers the rows
    sent_at: datetime = field(metadata=column(store=to_text, load=from_text))
    command: str
    recipient: str | None = None
    profile_url: str | None = None
    relationship: str | None = None
    template: str | None = None
    text: str
    length: int
    account: str | None = None
    #: {"rule", "severity", "message"} of each finding when it was delivered
    findings: list[dict[str, Any]] = field(default_factory=list, metadata=column(store=_findings_json, load=_findings_from_json))
    #: the command's run, for `forget --last`
    run: str = field(default="", metadata=column(listed=False))
    #: the normalised keys the checks match people on (composer.history.people)
    recipient_key: str | None = field(default=None, metadata=column(listed=False))
    profile_key: str | None = field(default=None, metadata=column(listed=False))
    #: the text with the recipient's own details set aside, for `repeated-note`
    skeleton: str = field(default="", metadata=column(listed=False))
    #: "invitation" or "message" (a reply), as `Note.kind`
    kind: str = "invitation"
    #: the linter that made `findings` and `verdict` (`composer.lint.lint_version`); None before it was kept
    lint_version: str | None = field(default=None, metadata=column(listed=False))
    #: the classifier's scores, the language and whether it was judged, as JSON
    verdict: dict[str, Any] | None = field(default=None, metadata=column(listed=False, store=_json, load=_from_json))
    #: `composer.similarity.skeleton_key` of `skeleton`, and of the text's plain skeleton (their band keys are in `bands`)
    skel_hash: int | None = field(default=None, metadata=column(listed=False))
    text_hash: int | None = field(default=None, metadata=column(listed=False))

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of `invite history --format json`: the listed fields, a moment as stored."""
        shown = {name: getattr(self, name) for name in listed_names(Recorded)}
        return {name: to_text(value) if isinstance(value, datetime) else value for name, value in shown.items()}


@dataclass(frozen=True, kw_only=True)
class Invitation:
    """An invitation from an imported LinkedIn export: one row of `invitations`, sent or received."""

    id: int = field(default=0, metadata=column(written=False))  # SQLite numbers the rows
    #: direction, time and the other person's name: importing the same invitation again updates it
    identity: str
    source: str = "export"
    direction: str  # "incoming" or "outgoing"
    sent_at: datetime = field(metadata=column(store=to_minutes, load=datetime.fromisoformat))
    person: str | None = None
    person_key: str | None = None
    profile_url: str | None = None
    profile_key: str | None = None
    message: str = ""
    #: sticky: once an export shows the two of you connected, it was accepted (sent) or answered (received)
    connected: bool = field(default=False, metadata=column(store=int, load=bool))
    #: how the other person was found among the connections: "profile URL", "name", or None
    matched_by: str | None = None
    #: the newest import that listed it (the store sets it)
    seen_in: int | None = None
    #: sent and accepted: a message from them after connecting (the export's messages.csv); None when unknown
    replied: bool | None = field(default=None, metadata=column(store=int, load=bool))
    #: whose export listed it (`accounts`); None for imports from before accounts were recorded (the first account's)
    account: int | None = None
    #: the import that added it: hidden while that import is not complete
    added_in: int | None = None
    #: `seen_in` before the import now being merged listed it again (read instead while that import is not complete)
    previous_seen_in: int | None = None
    #: the note's stored lint verdict (`Verdict`; `verdicts` writes them once it is linted): the linter's version,
    #: whether judged, the rules that fired (`,rule,rule,`), the length, the details as JSON; and its skeleton's key
    lint_version: str | None = field(default=None, metadata=column(written=False))
    judged: bool | None = field(default=None, metadata=column(written=False, store=int, load=bool))
    rules: str | None = field(default=None, metadata=column(written=False))
    length: int | None = field(default=None, metadata=column(written=False))
    verdict: dict[str, Any] | None = field(default=None, metadata=column(written=False, store=_json, load=_from_json))
    text_hash: int | None = field(default=None, metadata=column(written=False))
    #: a sent note's best match among the recorded notes (`matches`): the note, its score, the matching's version and
    #: the newest recorded note it was matched against
    match_note: int | None = field(default=None, metadata=column(written=False))
    match_score: float | None = field(default=None, metadata=column(written=False))
    match_version: str | None = field(default=None, metadata=column(written=False))
    match_upto: int | None = field(default=None, metadata=column(written=False))

    def stored_verdict(self) -> Verdict | None:
        """The verdict stored for its note (None when there is none yet)."""
        if self.lint_version is None or self.verdict is None:
            return None
        return Verdict.stored(self.lint_version, int(bool(self.judged)), self.length or 0, self.verdict)


@dataclass(frozen=True, kw_only=True)
class Account:
    """Whose LinkedIn export an import was: one row of `accounts`, known by profile URL, else by name."""

    id: int = field(default=0, metadata=column(written=False))
    name: str | None = None
    name_key: str | None = None
    profile_url: str | None = None
    profile_key: str | None = None
    added_at: datetime = field(metadata=column(store=to_text, load=from_text))

    def same_as(self, other: Account) -> bool:
        """The same person: equal profile keys when both have one, else equal names; unknown is not another."""
        if self.profile_key and other.profile_key:
            return self.profile_key == other.profile_key
        if self.name_key and other.name_key:
            return self.name_key == other.name_key
        return True

    def label(self) -> str:
        """How messages name it: `Sam Lee (linkedin.com/in/sam-lee)`, either part alone, or "an unnamed account"."""
        parts = [self.name or "", f"({self.profile_key})" if self.profile_key else ""]
        return " ".join(p for p in parts if p) or "an unnamed account"
