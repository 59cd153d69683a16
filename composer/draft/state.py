"""Drafts in progress, kept in the user state folder so nothing typed is lost: one file per session.

The interactive `invite draft` saves the chosen relationship and template, every answer the user
has given and the current text after each step, in its own file under
`<user state dir>/drafts/`. Nothing is written until the user has entered something. Ctrl-C leaves
the file in place and `invite draft --resume` continues it; the file is removed only once the note
has been delivered.

Two sessions at once each have their own file, and a session holds a lock (`flock`) on its draft
while it runs, so `--resume` never takes a draft another session is still working on. The lock
file (`<draft>.lock`, empty) exists only while it is held: its holder removes it before letting go,
so none pile up in the folder. A file written by the earlier single-file layout (`draft.json`) is
still found and resumed.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import secrets
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO

from composer.config import user_state_dir
from composer.errors import InputError, UsageError
from composer.fileio import PRIVATE, read_text, write_atomic
from composer.output import unicode_safe

DRAFTS_DIR = "drafts"
LEGACY_FILE = "draft.json"
STATE_VERSION = 1
#: A saved draft larger than this is not one (a note is 300 characters; answers a few dozen each).
MAX_STATE_BYTES = 1024 * 1024


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

    def summary(self) -> str:
        """One line to recognise a draft by: its template and first answers."""
        shown = ", ".join(value for value in list(self.answers.values())[:2] if value) or "no answers yet"
        return f"{self.template or self.relationship or 'no template yet'}: {shown}"


def drafts_dir() -> Path:
    """Where drafts in progress are kept: `<user state dir>/drafts/`."""
    return user_state_dir() / DRAFTS_DIR


def new_draft_path() -> Path:
    """A fresh file name for this session's draft: its time (to read), and a random part (to be unique)."""
    return drafts_dir() / f"draft-{time.strftime('%Y%m%d-%H%M%S')}-{secrets.token_hex(4)}.json"


def saved_drafts() -> list[Path]:
    """Every saved draft, newest first (the earlier single-file layout's `draft.json` included)."""
    found = list(drafts_dir().glob("draft-*.json")) if drafts_dir().is_dir() else []
    legacy = user_state_dir() / LEGACY_FILE
    if legacy.is_file():
        found.append(legacy)
    return sorted(found, key=_modified, reverse=True)


def _modified(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def save_state(state: DraftState, path: Path) -> Path:
    """Write the state atomically (replacing the previous one), readable by the user only; return where it went."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"{path.parent}: cannot create the state folder: {exc.strerror or exc}") from None
    write_atomic(path, state.to_json(), force=True, mode=PRIVATE)
    return path


def load_state(path: Path) -> DraftState:
    """A saved draft; a damaged file is an error naming it."""
    try:
        text = read_text(path, "saved draft", limit=MAX_STATE_BYTES)
        data = json.loads(text)
    except (json.JSONDecodeError, ValueError, RecursionError) as exc:
        raise InputError(f"{path}: saved draft is unreadable ({str(exc)[:80]}); delete it to start afresh") from None
    except InputError as exc:
        raise InputError(f"{exc}; delete it to start afresh") from None
    if not isinstance(data, dict) or data.get("version") != STATE_VERSION:
        raise InputError(f"{path}: saved draft has an unknown format; delete it to start afresh")
    answers = data.get("answers") or {}
    if not isinstance(answers, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in answers.items()):
        raise InputError(f"{path}: saved draft has malformed answers; delete it to start afresh")
    return DraftState(
        relationship=_opt_str(data.get("relationship")),
        template=_opt_str(data.get("template")),
        answers={unicode_safe(k): unicode_safe(v) for k, v in answers.items()},
        text=_opt_str(data.get("text")),
        edited=bool(data.get("edited", False)),
    )


def clear_state(path: Path) -> None:
    """Forget a draft (after its note has been delivered)."""
    path.unlink(missing_ok=True)
    _lock_path(path).unlink(missing_ok=True)


def _opt_str(value: object) -> str | None:
    return unicode_safe(value) if isinstance(value, str) else None


# --------------------------------------------------------------------------- one session per draft


def _lock_path(path: Path) -> Path:
    return path.with_name(path.name + ".lock")


class DraftLock:
    """A session's hold on its draft file: an exclusive `flock` on `<draft>.lock`, released when the process ends.

    The holder deletes the lock file before unlocking it, so a released lock leaves nothing behind.
    Someone who opened the file just before it was deleted may then lock the deleted file: so a lock
    counts only once the file locked is still the one at the path, and is tried again otherwise.
    """

    #: Tries when the lock file keeps being replaced under us (each time another holder let go).
    ATTEMPTS = 5

    def __init__(self, path: Path) -> None:
        self.path = path
        self.handle: IO[bytes] | None = None

    def acquire(self) -> bool:
        """Take the lock; False when another running session holds it (or it cannot be taken at all)."""
        lock_path = _lock_path(self.path)
        for _ in range(self.ATTEMPTS):
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                handle = os.fdopen(os.open(lock_path, os.O_RDWR | os.O_CREAT, PRIVATE), "rb")
            except OSError:
                return True  # no lock file possible (unwritable folder): nothing to share either
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                handle.close()
                return False
            if _same_file(handle, lock_path):
                self.handle = handle
                return True
            handle.close()  # we locked a lock file its holder had just deleted: try the new one
        return False

    def release(self) -> None:
        """Let go of the lock, deleting its file first (while still holding it, so nobody locks a file that then goes)."""
        if self.handle is not None:
            with contextlib.suppress(OSError):
                _lock_path(self.path).unlink(missing_ok=True)
            with contextlib.suppress(OSError):
                fcntl.flock(self.handle.fileno(), fcntl.LOCK_UN)
            self.handle.close()
            self.handle = None


def _same_file(handle: IO[bytes], path: Path) -> bool:
    """Whether the open file is still the one at `path` (not deleted or replaced since it was opened)."""
    try:
        opened, current = os.fstat(handle.fileno()), os.stat(path)
    except OSError:
        return False
    return (opened.st_dev, opened.st_ino) == (current.st_dev, current.st_ino)


def resumable() -> dict[Path, DraftState]:
    """The saved drafts `--resume` may continue (none open in another session), newest first.

    Nothing to resume, or a damaged draft, is a usage or input error naming the file.
    """
    free = free_drafts()
    if not free:
        held = saved_drafts()
        if held:
            raise UsageError(f"nothing to resume: the saved draft in {held[0]} is open in another `invite draft` session")
        raise UsageError(f"nothing to resume: no draft is saved in {drafts_dir()}")
    return {path: load_state(path) for path in free}


def free_drafts() -> list[Path]:
    """Saved drafts no running session holds, newest first."""
    free = []
    for path in saved_drafts():
        lock = DraftLock(path)
        if lock.acquire():
            lock.release()
            free.append(path)
    return free
