"""Where a merge keeps its rows between its two passes: a temporary file, read back a chunk at a time.

A row's findings are final only once every note has been seen (`batch-duplicate` counts the whole
batch), and 50,000 rows with their findings do not belong in memory. So the first pass adds each
made row here, and they are written out (pickled) `CHUNK_ROWS` at a time; the second pass reads
them back in the same order, one chunk at a time, to finish, write and record them.

The file is made by `tempfile.TemporaryFile`: readable by its owner only, and removed from the
folder as it is made (or when closed, where the system cannot do that), so it goes whenever the
merge ends, a SIGKILL included. Only this process wrote it, so unpickling it trusts no one else.
"""

from __future__ import annotations

import pickle
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO

from composer.errors import InviteError
from composer.merge.run import Row

#: Rows written to the file at once, and read back at once: what the second pass holds in memory.
CHUNK_ROWS = 1000


class Spool:
    """Made rows in input order, on disk; `chunks()` gives them back, `CHUNK_ROWS` at a time."""

    def __init__(self, chunk: int | None = None) -> None:
        self.chunk = max(1, chunk or CHUNK_ROWS)
        self._rows: list[Row] = []
        self._file: IO[bytes] | None = None

    def __enter__(self) -> Spool:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._file is not None:
            self._file.close()
        self._rows = []

    def add(self, row: Row) -> None:
        self._rows.append(row)
        if len(self._rows) >= self.chunk:
            self._write()

    def chunks(self) -> Iterator[list[Row]]:
        """Every row added, in order, a chunk at a time (read once)."""
        if self._file is None:  # it all fits in one chunk: never written out
            rows, self._rows = self._rows, []
            if rows:
                yield rows
            return
        self._write()
        with _problems():
            self._file.seek(0)
        while True:
            with _problems():
                try:
                    rows = pickle.load(self._file)
                except EOFError:
                    return
            yield rows

    def _write(self) -> None:
        if not self._rows:
            return
        with _problems():
            if self._file is None:
                self._file = tempfile.TemporaryFile(prefix="invite-merge-")  # noqa: SIM115 (closed by __exit__)
            pickle.dump(self._rows, self._file, protocol=pickle.HIGHEST_PROTOCOL)
        self._rows = []


@contextmanager
def _problems() -> Iterator[None]:
    """A full or failing temporary folder as one line naming it, never a traceback."""
    try:
        yield
    except OSError as exc:
        raise InviteError(f"cannot use the merge's temporary file in {tempfile.gettempdir()}: {exc.strerror or exc}") from None
