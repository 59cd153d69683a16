"""The draft in progress, kept in the user state folder so nothing typed is lost.

The interactive `invite draft` saves the chosen relationship and template, every answer the user
has confirmed and the current text after each step. Ctrl-C leaves it in place and
`invite draft --resume` starts from it; finishing a draft removes it.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from composer.config import user_state_dir
from composer.errors import InputError, UsageError
from composer.fileio import PRIVATE, write_atomic

STATE_FILE = "draft.json"
STATE_VERSION = 1


@dataclass
class DraftState:
    """What a session knows so far. `answers` holds confirmed answers only, never bare defaults."""

    relationship: str | None = None
    template: str | None = None
    answers: dict[str, str] = field(default_factory=dict)
    text: str | None = None
    edited: bool = False

    def to_json(self) -> str:
        return json.dumps({"version": STATE_VERSION, **asdict(self)}, indent=2, ensure_ascii=False) + "\n"


def state_path() -> Path:
    """Where the draft in progress is kept: `<user state dir>/draft.json`."""
    return user_state_dir() / STATE_FILE


def save_state(state: DraftState, path: Path | None = None) -> Path:
    """Write the state atomically (replacing the previous one), readable by the user only; return where it went."""
    path = path or state_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"{path.parent}: cannot create the state folder: {exc.strerror or exc}") from None
    write_atomic(path, state.to_json(), force=True, mode=PRIVATE)
    return path


def load_state(path: Path | None = None) -> DraftState | None:
    """The saved draft, or None when there is none; a damaged file is an error naming it."""
    path = path or state_path()
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{path}: saved draft is unreadable ({exc}); delete it to start afresh") from None
    if not isinstance(data, dict) or data.get("version") != STATE_VERSION:
        raise InputError(f"{path}: saved draft has an unknown format; delete it to start afresh")
    answers = data.get("answers") or {}
    if not isinstance(answers, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in answers.items()):
        raise InputError(f"{path}: saved draft has malformed answers; delete it to start afresh")
    return DraftState(
        relationship=_opt_str(data.get("relationship")),
        template=_opt_str(data.get("template")),
        answers=dict(answers),
        text=_opt_str(data.get("text")),
        edited=bool(data.get("edited", False)),
    )


def clear_state(path: Path | None = None) -> None:
    """Forget the draft in progress (after the note has been delivered)."""
    (path or state_path()).unlink(missing_ok=True)


def _opt_str(value: object) -> str | None:
    return value if isinstance(value, str) else None
