"""Running untrusted template code in a worker process whose time and memory the operating system limits.

Shared templates are untrusted, and Jinja's sandbox guards attributes, not resources: one built-in
call can run for minutes (`textwrap` with a NaN width) or build gigabytes before any check of ours
sees the result (`'%(a)2999999999s' % ...`). So parsing, analysing and rendering a template happen
in a child process, forked once and reused (a round trip costs well under a millisecond), with:

- an address-space limit (`RLIMIT_AS`): the worker's size when it starts plus `MEMORY_BYTES`; an
  allocation past it fails at once with MemoryError instead of succeeding;
- a CPU-time limit (`RLIMIT_CPU`) per task: `CPU_SECONDS` more than the worker has used so far;
  past it the kernel ends the worker;
- a wall-clock limit per task, enforced by the parent: a worker that has not answered in time
  (blocked or looping) is killed.

A worker that dies or is killed is replaced on the next call; the task that killed it ends as a
`SandboxError` naming the template file. The worker dies with its parent and has /dev/null for
stdin, stdout and stderr (`composer.shutdown.worker_forks`), so a killed `invite draft | cat` ends.
Everything a task returns or raises crosses the pipe as plain data. `call` runs the function
directly when already inside a worker (a check's stages call `render` many times within one task
and one budget).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import resource
import signal
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any, TypeVar

from composer import shutdown
from composer.errors import InviteError, SandboxError, TemplateError

#: Memory a task may add to the worker's own size (address space, so generous: Python maps more than it uses).
MEMORY_BYTES = 512 * 1024 * 1024
#: CPU seconds and wall-clock seconds one task may take (the sandbox's own step budget is 2 s a render).
CPU_SECONDS = 5
WALL_SECONDS = 6.0

T = TypeVar("T")

_IN_WORKER = False


@dataclass(frozen=True)
class _Failure:
    """An exception from the worker, as plain data (our errors do not pickle with their own arguments)."""

    kind: str
    message: str
    path: str | None = None
    line: int | None = None

    def error(self) -> Exception:
        if self.kind in ("TemplateError", "SandboxError"):
            cls = SandboxError if self.kind == "SandboxError" else TemplateError
            return cls(self.path or "<template>", self.message, line=self.line)
        if self.kind == "InviteError":
            return InviteError(self.message)
        return TemplateError(self.path or "<template>", f"failed: {self.message}")


def _as_failure(exc: BaseException) -> _Failure:
    if isinstance(exc, TemplateError):
        return _Failure(
            type(exc).__name__ if isinstance(exc, SandboxError) else "TemplateError", exc.detail, str(exc.path), exc.line
        )
    if isinstance(exc, InviteError):
        return _Failure("InviteError", exc.message)
    if isinstance(exc, MemoryError):
        return _Failure("SandboxError", f"refused by the sandbox: the template needed more than {MEMORY_BYTES // 2**20} MB")
    if isinstance(exc, RecursionError):
        return _Failure("SandboxError", "refused by the sandbox: the template nests too deeply (expressions, macros or calls)")
    last = traceback.extract_tb(exc.__traceback__)[-1:] if exc.__traceback__ else []
    where = f" ({Path(last[0].filename).name}:{last[0].lineno})" if last else ""
    return _Failure("Other", f"{type(exc).__name__}: {exc}{where}"[:300])


# --------------------------------------------------------------------------- the worker side


def _address_space() -> int:
    """This process's virtual size in bytes (Linux: /proc/self/statm), or 0 when unknown."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 0
    return pages * os.sysconf("SC_PAGE_SIZE")


def _set_soft_limit(which: int, wanted: int) -> None:
    """Set a resource's soft limit (never above its hard limit, which an unprivileged process cannot raise)."""
    _soft, hard = resource.getrlimit(which)
    if hard != resource.RLIM_INFINITY:
        wanted = min(wanted, hard)
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(which, (wanted, hard))


def _limit_memory() -> None:
    size = _address_space()
    if size:
        _set_soft_limit(resource.RLIMIT_AS, size + MEMORY_BYTES)


def _limit_cpu(seconds: int) -> None:
    """Allow `seconds` more CPU time from now: the limit is cumulative for the process."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    _set_soft_limit(resource.RLIMIT_CPU, int(usage.ru_utime + usage.ru_stime) + 1 + seconds)


def _serve(conn: Connection, parents_end: Connection) -> None:
    """The worker's loop: run each task under its CPU limit and send back ("ok", value) or ("error", failure).

    The parent's end of the pipe, inherited by the fork, is closed first: when the parent ends, however
    it ends, `recv` then sees the end of the pipe and the worker returns (on Linux it is also killed
    with its parent: `composer.shutdown.worker_forks`).
    """
    global _IN_WORKER
    _IN_WORKER = True
    parents_end.close()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle; it ends the worker
    _limit_memory()
    while True:
        try:
            func, args, kwargs, cpu = conn.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return
        _limit_cpu(cpu)
        try:
            reply: tuple[str, Any] = ("ok", func(*args, **kwargs))
        except BaseException as exc:  # everything a template can cause comes back as data
            reply = ("error", _as_failure(exc))
        try:
            conn.send(reply)
        except MemoryError:
            conn.send(("error", _as_failure(MemoryError())))
        except Exception as exc:  # a result that does not pickle, or a pipe that broke
            with contextlib.suppress(Exception):
                conn.send(("error", _as_failure(exc)))


# --------------------------------------------------------------------------- the parent side


class Worker:
    """One reusable worker process; `run` sends it a task and waits at most the task's wall-clock time."""

    def __init__(self) -> None:
        self.process: BaseProcess | None = None
        self.conn: Connection | None = None

    def _start(self) -> Connection:
        context = multiprocessing.get_context("fork")
        parent, child = context.Pipe()
        process = context.Process(target=_serve, args=(child, parent), daemon=True, name="invite-template-worker")
        with shutdown.worker_forks():  # dies with this process, and never holds its stdout or stderr
            process.start()
        child.close()
        self.process, self.conn = process, parent
        return parent

    def stop(self) -> None:
        """End the worker now (it holds no state worth keeping)."""
        process, conn = self.process, self.conn
        self.process = self.conn = None
        if conn is not None:
            conn.close()
        if process is not None and process.is_alive():
            process.kill()
        if process is not None:
            process.join(timeout=5)

    def run(self, func: Callable[..., T], args: tuple[Any, ...], kwargs: dict[str, Any], *, seconds: float, path: str) -> T:
        conn = self.conn if self.process is not None and self.process.is_alive() else None
        conn = conn or self._start()
        try:
            conn.send((func, args, kwargs, max(1, int(seconds))))
            if not conn.poll(seconds):
                self.stop()
                raise SandboxError(path, f"refused by the sandbox: the template ran for more than {seconds:g} seconds")
            kind, value = conn.recv()
        except (EOFError, OSError):
            raise SandboxError(path, self._death()) from None
        except KeyboardInterrupt:
            self.stop()
            raise
        if kind == "error":
            raise value.error()
        return value  # type: ignore[no-any-return]

    def _death(self) -> str:
        """Why the worker died mid-task, in the user's terms."""
        process = self.process
        if process is not None:
            process.join(timeout=5)
        code = process.exitcode if process is not None else None
        self.stop()
        if code in (-signal.SIGXCPU, -signal.SIGKILL):
            return f"refused by the sandbox: the template used more than {CPU_SECONDS} seconds of CPU time"
        if code == -signal.SIGSEGV or code == -signal.SIGABRT:
            return f"refused by the sandbox: the template needed more than {MEMORY_BYTES // 2**20} MB"
        return f"refused by the sandbox: the template's worker process ended (exit code {code})"


_WORKER = Worker()


def call(func: Callable[..., T], *args: Any, path: Path | str = "<template>", seconds: float = WALL_SECONDS, **kwargs: Any) -> T:
    """Run `func(*args, **kwargs)` in the worker under the limits; in the worker itself, just run it.

    `func` must be a module-level function (it crosses the pipe by name) and its result plain data.
    """
    if _IN_WORKER:
        return func(*args, **kwargs)
    return _WORKER.run(func, args, kwargs, seconds=seconds, path=str(path))


def stop() -> None:
    """End the worker (tests, and before a long pause); the next `call` starts a fresh one."""
    _WORKER.stop()
