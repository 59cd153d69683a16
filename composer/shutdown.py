"""Whether the process must end without Python's usual clean-up at exit.

`invite lint --jobs N` stops its worker processes when a batch ends early (Ctrl-C, `| head -1`).
spaCy's work queues then still hold batches for those workers, and multiprocessing would wait for
them at interpreter exit, forever. The code that stops the workers says so here, and the
console-script entry point (`composer.__main__`) reads it: neither imports the other.
"""

from __future__ import annotations

_skip_exit_wait = False


def skip_exit_wait() -> None:
    """Ask the entry point to end the process directly once everything has been reported."""
    global _skip_exit_wait
    _skip_exit_wait = True


def must_skip_exit_wait() -> bool:
    """Whether something asked for `skip_exit_wait()` during this run."""
    return _skip_exit_wait
