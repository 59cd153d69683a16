"""Where a merge's output goes: written as the rows are finished, then published as the history records them.

Every target has one shape (`Target`): `write` each piece as it is ready, `finish` (the slow part,
still interruptible: flush, sync), then `publish`, which is quick and all-or-nothing and runs with
Ctrl-C and SIGTERM held just before the history commits (`NoteLog.new_run`), so the output and
the history get every note or neither gets any:

- `--output FILE`: a temporary file next to it, renamed into place (`fileio.staged_file`);
- stdout redirected to a regular file (`> notes.csv`): written straight into it, and cut back to the
  size it had before the merge when the merge ends without publishing;
- stdout on a pipe or a terminal: printed as it comes. What is printed cannot be taken back, so there
  `publish_first` is set: the notes are recorded only once all of it is printed.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol

from composer.fileio import Staged, staged_file


class Target(Protocol):
    """Where the output goes (see the module docstring)."""

    #: publish before recording, interruptibly (what is printed stays printed)
    publish_first: bool

    def write(self, text: str) -> None: ...

    def finish(self) -> None: ...

    def publish(self) -> None: ...


@contextmanager
def open_target(path: Path | None, *, force: bool) -> Iterator[Target]:
    """The output's target: `path` (None: stdout); leaving the block without publishing leaves nothing of it."""
    if path is not None:
        with staged_file(path, force=force) as staged:
            yield _File(staged)
        return
    fd = _stdout_file()
    if fd is None:
        yield _Printed()
        return
    redirected = _Redirected(fd)
    try:
        yield redirected
    finally:
        redirected.close()


class _File:
    """--output: a temporary file next to it, renamed into place."""

    publish_first = False

    def __init__(self, staged: Staged) -> None:
        self.staged = staged

    def write(self, text: str) -> None:
        self.staged.write(text)

    def finish(self) -> None:
        self.staged.finish()

    def publish(self) -> None:
        self.staged.publish()


class _Printed:
    """stdout on a pipe or a terminal (or a test's buffer)."""

    publish_first = True

    def write(self, text: str) -> None:
        sys.stdout.write(text)

    def finish(self) -> None:
        sys.stdout.flush()

    def publish(self) -> None:
        """Printed already (`finish`)."""


class _Redirected:
    """stdout redirected to a regular file: written straight to its descriptor, so what is written is known and can
    be cut back (Python's own buffer of stdout could still hold some of it, and write it after the cut)."""

    publish_first = False

    def __init__(self, fd: int) -> None:
        sys.stdout.flush()
        self.fd = fd
        self.size = os.fstat(fd).st_size
        self.encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
        self.errors = getattr(sys.stdout, "errors", None) or "strict"
        self.published = False

    def write(self, text: str) -> None:
        data = memoryview(text.encode(self.encoding, self.errors))
        while data:
            data = data[os.write(self.fd, data) :]

    def finish(self) -> None:
        """Nothing is buffered here."""

    def publish(self) -> None:
        self.published = True

    def close(self) -> None:
        """Not published: the file as it was before the merge (`>>` appends, so its size then is what to keep)."""
        if not self.published:
            with contextlib.suppress(OSError):
                os.ftruncate(self.fd, self.size)
                os.lseek(self.fd, self.size, os.SEEK_SET)


def _stdout_file() -> int | None:
    """stdout's file descriptor when it is a regular file (`> notes.csv`), else None (a pipe, a terminal, a test)."""
    try:
        fd = sys.stdout.fileno()
        return fd if stat.S_ISREG(os.fstat(fd).st_mode) else None
    except (AttributeError, OSError, ValueError):  # io.UnsupportedOperation is a ValueError and an OSError
        return None
