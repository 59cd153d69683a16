"""The `invite` console script and `python -m composer`: the CLI, with Ctrl-C during start-up handled too.

Importing the CLI (typer, rich) takes a moment; a Ctrl-C in that window would otherwise end in a
`KeyboardInterrupt` traceback, so the import happens inside `main`, under the same rule as the rest:
an interrupt exits 130 without one.
"""

import contextlib
import errno
import os
import sys

from composer.exitcodes import ExitCode  # imports only enum: ready before the CLI is


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
    """Import and run the CLI; an interrupt before it is ready exits 130 quietly."""
    _guard_standard_streams()
    try:
        from composer.cli import main as run
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        raise SystemExit(ExitCode.INTERRUPTED) from None
    try:
        run()
    except SystemExit as exc:
        from composer import shutdown

        if shutdown.must_skip_exit_wait():
            # Lint workers were stopped mid-batch: multiprocessing would wait at exit for queues they
            # will never drain. Everything has been reported; end now, with the same exit code.
            _flush()
            os._exit(exc.code if isinstance(exc.code, int) else 1)
        raise


def _flush() -> None:
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()


if __name__ == "__main__":
    main()
