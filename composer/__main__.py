"""The `invite` console script and `python -m composer`: the CLI, with Ctrl-C and SIGTERM during start-up handled too.

Importing the CLI (typer, rich) takes a moment; a Ctrl-C in that window would otherwise end in a
`KeyboardInterrupt` traceback, so the import happens inside `main`, under the same rule as the rest:
an interrupt exits 130 without one. SIGTERM is made to act as Ctrl-C first of all
(`composer.shutdown`), and exits 143 with one line.
"""

import atexit
import contextlib
import errno
import os
import sys
from typing import NoReturn

from composer import shutdown  # the standard library and an enum only: ready before the CLI is


class _Closed:
    """Stands in for a standard stream that was closed before the process started (`invite ... >&-`)."""

    invite_closed = True

    def __init__(self, name: str) -> None:
        self.name = name

    def write(self, text: str) -> int:
        raise OSError(errno.EBADF, f"{self.name} is closed")

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False

    def read(self, size: int = -1) -> str:
        raise OSError(errno.EBADF, f"{self.name} is closed")


def _guard_standard_streams() -> None:
    """Reopen a closed fd 0, 1 or 2 on /dev/null, so no file the tool opens can land on it, and mark it closed."""
    for fd, name in ((0, "stdin"), (1, "stdout"), (2, "stderr")):
        try:
            os.fstat(fd)
        except OSError:
            opened = os.open(os.devnull, os.O_RDWR)
            if opened != fd:  # a lower fd was free too; it is fixed on its own turn
                os.dup2(opened, fd)
                os.close(opened)
            setattr(sys, name, _Closed(name) if name != "stderr" else None)


def main() -> None:
    """Import and run the CLI; an interrupt before it is ready exits 130 (143 for SIGTERM) with one line."""
    shutdown.handle_terminate()
    try:
        _guard_standard_streams()
        from composer.cli import main as run
    except KeyboardInterrupt as exc:
        message, code = shutdown.stop_message(exc)
        if sys.stderr is not None:
            sys.stderr.write(message + "\n")
        raise SystemExit(code) from None
    try:
        run()
    except SystemExit as exc:
        if exc.code is not None and not isinstance(exc.code, int):
            raise  # a message for Python to print (none of ours)
        _end(exc.code or 0)
    _end(0)


def _end(code: int) -> NoReturn:
    """End the process with `code` once everything has been reported, quickly and whatever arrives meanwhile.

    From here a Ctrl-C or SIGTERM ends the process at once with this code (the outcome is decided and
    reported). The atexit functions run (multiprocessing stops its daemon workers); the interpreter's
    own clean-up does not: it takes a fifth of a second, during which it would meet a signal with the
    signal's default action, no message and no exit code of ours.
    """
    shutdown.finished(code)
    _flush()
    if not shutdown.must_skip_exit_wait():
        # (Skipped when lint workers were stopped mid-batch: multiprocessing would wait for queues they
        # will never drain.)
        atexit._run_exitfuncs()
        _flush()
    os._exit(code)


def _flush() -> None:
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()


if __name__ == "__main__":
    main()
