"""How a run of `invite` ends: SIGTERM as Ctrl-C, short steps that finish together, workers that die with it.

- `handle_terminate()` (the console script calls it first): SIGTERM raises `Terminated`, a kind of
  `KeyboardInterrupt`, so everything a Ctrl-C cleans up (temporary files, open transactions, worker
  processes, the saved draft) is cleaned up for it too, and the CLI prints one line, `terminated`.
  The exit code is 143, 128 + SIGTERM, as Ctrl-C's 130 is 128 + SIGINT: what a shell, `timeout` or
  a CI runner expects of a terminated process. A second SIGTERM ends the process at once.
- `deferred_signals()`: Ctrl-C and SIGTERM wait until a short block is done, then act as usual.
  `invite merge` publishes its output and commits its history records inside one, so a signal
  leaves both or neither.
- `worker_forks()`: a process forked inside it is a worker. It dies with its parent (Linux's
  `PR_SET_PDEATHSIG`, even after a SIGKILL), leaves Ctrl-C to the parent, takes SIGTERM's default
  action, and reads and writes /dev/null instead of the parent's stdin, stdout and stderr, so
  `invite ... | cat` ends when `invite` does, whatever ended it (`invite lint --jobs N` forks its
  workers inside it, `composer.lint.workers`).
- `skip_exit_wait()`: when `invite lint --jobs N` stops its workers because a batch ended early,
  nothing must wait for work they will never finish at interpreter exit (a multiprocessing queue
  would). The code that stops the workers says so here, and the console-script entry point
  (`composer.__main__`) reads it.

Only the standard library and `exitcodes` are imported, ctypes only in a worker: the entry point
imports this module before anything else.
"""

from __future__ import annotations

import contextlib
import functools
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any, cast

from composer.exitcodes import ExitCode

#: The signals that end a run the way Ctrl-C does.
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
#: prctl(2) option: the signal this process gets when the thread that forked it ends.
PR_SET_PDEATHSIG = 1

_skip_exit_wait = False
_main_pid: int | None = None
_terminated = False
#: While `worker_forks()` is active: the pid that forks, and whether it forks from its main thread.
_forking: tuple[int, bool] | None = None

Handler = Callable[[int, FrameType | None], Any] | int | signal.Handlers | None


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised in the main thread as Ctrl-C raises KeyboardInterrupt, so the same clean-up runs."""


def skip_exit_wait() -> None:
    """Ask the entry point to end the process directly once everything has been reported."""
    global _skip_exit_wait
    _skip_exit_wait = True


def must_skip_exit_wait() -> bool:
    """Whether something asked for `skip_exit_wait()` during this run."""
    return _skip_exit_wait


# --------------------------------------------------------------------------- SIGTERM as Ctrl-C


def handle_terminate() -> None:
    """Make SIGTERM raise `Terminated` in this process (the console script's; not in workers it forks)."""
    global _main_pid
    if threading.current_thread() is not threading.main_thread():
        return
    _main_pid = os.getpid()
    signal.signal(signal.SIGTERM, _on_sigterm)


def _on_sigterm(signum: int, frame: FrameType | None) -> None:
    global _terminated
    if os.getpid() != _main_pid or _terminated:
        # A forked process that kept the handler, or a second SIGTERM that will not wait for the clean-up.
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGTERM)
        return
    _terminated = True
    raise Terminated


def finished(code: int) -> None:
    """The run is over and reported: from now on Ctrl-C and SIGTERM end the process at once, with `code`."""
    if threading.current_thread() is not threading.main_thread():
        return
    for stop in STOP_SIGNALS:
        signal.signal(stop, lambda number, frame: os._exit(code))


def stop_message(exc: BaseException | None = None) -> tuple[str, int]:
    """The line and exit code for an interrupted run: `terminated` and 143 after SIGTERM, else `interrupted` and 130."""
    if isinstance(exc, Terminated) or _terminated:
        return "terminated", ExitCode.TERMINATED
    return "interrupted", ExitCode.INTERRUPTED


# --------------------------------------------------------------------------- steps that finish together


@contextmanager
def deferred_signals() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM while the block runs, then act on them as if they had just arrived.

    For short steps that must happen together or not at all (publish a file, commit what records
    it). Python runs signal handlers in the main thread only, so swapping the handlers there holds
    a signal whichever thread the kernel gave it to. Elsewhere the block runs as is.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held: list[int] = []
    previous: dict[int, Handler] = {}
    try:
        for stop in STOP_SIGNALS:
            previous[stop] = signal.signal(stop, lambda number, frame: held.append(number))
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        for number in dict.fromkeys(held):
            act_on(number, previous[number])


def act_on(signum: int, handler: Handler) -> None:
    """Do now what `handler` (as `signal.signal` returned it) does for `signum`: a handler of one's own passes
    a signal on to the handler it replaced this way."""
    if callable(handler):
        handler(signum, None)
    elif handler != signal.SIG_IGN:  # SIG_DFL, or a handler installed outside Python
        os.kill(os.getpid(), signum)


# --------------------------------------------------------------------------- workers


@contextmanager
def worker_forks() -> Iterator[None]:
    """Make every process forked in the block a worker (see the module docstring)."""
    global _forking
    outer = _forking
    main_thread = threading.current_thread() is threading.main_thread()
    _forking = (os.getpid(), main_thread and _prctl() is not None)
    try:
        yield
    finally:
        _forking = outer


def _after_fork_in_child() -> None:
    global _forking
    forking, _forking = _forking, None  # the worker's own forks are not workers unless it says so
    if forking is not None:
        become_worker(*forking)


def become_worker(parent: int, die_with_parent: bool = True) -> None:
    """In a forked child: die with `parent`, leave Ctrl-C to it, and let go of its stdin, stdout and stderr.

    `PR_SET_PDEATHSIG` fires when the *thread* that forked ends, so it is set only for forks from the
    parent's main thread (whose end is the process's end).
    """
    prctl = _prctl() if die_with_parent else None
    if prctl is not None:
        prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() != parent:  # the parent ended before prctl took effect: no one will read our results
            os._exit(1)
    with contextlib.suppress(ValueError, OSError):
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _detach_standard_streams()


@functools.cache
def _prctl() -> Callable[..., int] | None:
    """libc's prctl(2) on Linux, else None; looked up in the parent, so a forked child only calls it."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        return cast(Callable[..., int], ctypes.CDLL(None, use_errno=True).prctl)
    except (OSError, AttributeError):
        return None


def _detach_standard_streams() -> None:
    """Point fds 0, 1 and 2 at /dev/null: a worker must not keep the parent's pipes open after it ends."""
    with contextlib.suppress(OSError):
        null = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            if fd != null:
                os.dup2(null, fd)
        if null > 2:
            os.close(null)


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)
