"""The `invite` console script and `python -m composer`: the CLI, with Ctrl-C during start-up handled too.

Importing the CLI (typer, rich) takes a moment; a Ctrl-C in that window would otherwise end in a
`KeyboardInterrupt` traceback, so the import happens inside `main`, under the same rule as the rest:
an interrupt exits 130 without one.
"""

import sys

EXIT_INTERRUPTED = 130  # composer.errors.EXIT_INTERRUPTED, without importing anything yet


def main() -> None:
    """Import and run the CLI; an interrupt before it is ready exits 130 quietly."""
    try:
        from composer.cli import main as run
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        raise SystemExit(EXIT_INTERRUPTED) from None
    run()


if __name__ == "__main__":
    main()
