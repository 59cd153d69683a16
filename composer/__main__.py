"""The `invite` console script and `python -m composer`: the CLI, with Ctrl-C during start-up handled too.

Importing the CLI (typer, rich) takes a moment; a Ctrl-C in that window would otherwise end in a
`KeyboardInterrupt` traceback, so the import happens inside `main`, under the same rule as the rest:
an interrupt exits 130 without one.
"""

import contextlib
import os
import sys

EXIT_INTERRUPTED = 130  # composer.errors.EXIT_INTERRUPTED, without importing anything yet


def main() -> None:
    """Import and run the CLI; an interrupt before it is ready exits 130 quietly."""
    try:
        from composer.cli import main as run
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        raise SystemExit(EXIT_INTERRUPTED) from None
    try:
        run()
    except SystemExit as exc:
        workers = sys.modules.get("composer.lint.workers")
        if workers is not None and workers.stopped_early():
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
