"""`--jobs` worker processes: linting in them, and stopping them cleanly when a batch lint ends early.

`invite lint --jobs N` lints in N forked worker processes (`lint_in_workers`). Each worker gets raw
notes, `(id, text, name)`, a chunk at a time, lints them with its own copy of the pipeline (loaded
in the parent before the fork, so shared until written to) and sends back the finished results:
findings, scores, language. Nothing but text and results crosses between processes, so the parent
does no spaCy work at all; it reads the input, hands out chunks (each worker two deep, the next
chunk to whichever has fewest, so a worker slowed by a busy core gets fewer), and puts the results
back in input order. The workers die with the parent and never hold its stdout or stderr
(`composer.shutdown.worker_forks`).

On its own, a Ctrl-C there would print a `KeyboardInterrupt` traceback from every worker, and an
early end (the reader of stdout went away, `| head -1`) could leave the parent waiting on workers.
While `stoppable_workers()` is active, a Ctrl-C reaches the parent only (workers ignore it), and
any early end terminates the workers, so both end in a moment with the usual exit code and no
traceback. SIGTERM raises in the parent as Ctrl-C does (`composer.shutdown.Terminated`), so it ends
the same way; a SIGKILL leaves nothing to clean up, as the workers die with their parent.
"""

from __future__ import annotations

import os
import queue
import signal
import threading
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from contextlib import closing, contextmanager
from itertools import islice
from multiprocessing.connection import Connection, wait
from types import FrameType
from typing import Any

from composer import shutdown

#: Chunks each worker holds at once: one it works on, one waiting, so it never waits for the parent.
DEPTH = 2
#: How long a worker that was sent its last chunk gets to end on its own before it is terminated.
END_WAIT_S = 5.0

Lint = Callable[[list[Any]], list[Any]]


def lint_in_workers(items: Iterable[Any], processes: int, chunk: int, lint: Lint) -> Generator[Any, None, None]:
    """`lint(chunk)` for each `chunk` items in turn, run in `processes` forked workers; the results in input order."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    pending = iter(items)
    workers: dict[Connection, Any] = {}
    in_flight: dict[Connection, deque[int]] = {}
    done: dict[int, list[Any]] = {}
    sent = given = 0
    finished = False
    try:
        with shutdown.worker_forks():
            for _ in range(processes):
                mine, theirs = context.Pipe()
                others = [mine, *workers]  # the parent's ends: a worker holding one would keep it from ending
                worker = context.Process(target=_serve, args=(theirs, lint, others), daemon=True, name="invite-lint")
                worker.start()
                theirs.close()
                workers[mine], in_flight[mine] = worker, deque()
        while True:
            while not finished:  # keep every worker DEPTH chunks deep, the least busy first
                connection = min(in_flight, key=lambda c: len(in_flight[c]))
                piece = list(islice(pending, chunk)) if len(in_flight[connection]) < DEPTH else None
                if piece is None:
                    break
                if not piece:
                    finished = True
                    break
                connection.send(piece)
                in_flight[connection].append(sent)
                sent += 1
            while given in done:
                yield from done.pop(given)
                given += 1
            busy = [c for c, numbers in in_flight.items() if numbers]
            if not busy:
                return
            for ready in wait(busy):
                assert isinstance(ready, Connection)
                done[in_flight[ready].popleft()] = _received(ready, workers[ready])
    finally:
        _end(workers, stop=given < sent or not finished)


def _serve(connection: Connection, lint: Lint, others: list[Connection]) -> None:
    """A worker: lint each chunk the parent sends, in order, and send back the results, until the parent is done.

    A thread takes the chunks in as they come, so the parent never waits to send one while this
    worker waits to send it results. The parent's ends of the pipes are closed here first: the
    worker must see its own pipe end when the parent closes it.
    """
    for other in others:
        other.close()
    inbox: queue.SimpleQueue[list[Any] | None] = queue.SimpleQueue()

    def receive() -> None:
        try:
            while True:
                inbox.put(connection.recv())
        except (EOFError, OSError):
            inbox.put(None)

    threading.Thread(target=receive, daemon=True).start()
    while (chunk := inbox.get()) is not None:
        try:
            connection.send((True, lint(chunk)))
        except Exception as exc:  # a bug: the parent says what it was
            connection.send((False, f"{type(exc).__name__}: {exc}"))


def _received(connection: Connection, worker: Any) -> list[Any]:
    """A chunk's results from a worker; a worker that failed or ended is a RuntimeError in the parent."""
    try:
        ok, value = connection.recv()
    except (EOFError, OSError):
        worker.join(timeout=1)
        raise RuntimeError(f"a lint worker process ended unexpectedly (exit code {worker.exitcode})") from None
    if not ok:
        raise RuntimeError(f"a lint worker process failed: {value}")
    return list(value)


def _end(workers: dict[Connection, Any], *, stop: bool) -> None:
    """Close the workers' pipes (each then ends on its own) and wait for them; `stop`: terminate them at once."""
    for connection, worker in workers.items():
        connection.close()
        if stop:
            worker.terminate()
    for worker in workers.values():
        worker.join(timeout=END_WAIT_S)
        if worker.is_alive():
            worker.terminate()
            worker.join(timeout=END_WAIT_S)


def stop_workers() -> None:
    """Terminate the worker processes this process started, and wait for them."""
    import multiprocessing

    children = multiprocessing.active_children()
    if children:
        shutdown.skip_exit_wait()  # exiting must not wait for anything the stopped workers would have done
    for child in children:
        child.terminate()
    for child in children:
        child.join(timeout=END_WAIT_S)


@contextmanager
def stoppable_workers(stream: Generator[Any, None, None], enabled: bool = True) -> Iterator[None]:
    """Consume `stream` (a generator that may fork lint workers) in the block, and close it after.

    Ctrl-C and SIGTERM reach the parent only; on any early end the workers are stopped before the
    stream is closed, so nothing waits for their work.
    """
    if not enabled:
        with closing(stream):
            yield
        return
    parent = os.getpid()
    previous: dict[int, Any] = {}

    def on_signal(signum: int, frame: FrameType | None) -> None:
        if os.getpid() != parent:
            return  # a worker (forked with this handler): the parent stops it
        stop_workers()
        shutdown.act_on(signum, previous[signum])  # KeyboardInterrupt, or shutdown.Terminated

    main_thread = threading.current_thread() is threading.main_thread()
    if main_thread:
        previous.update((signum, signal.signal(signum, on_signal)) for signum in shutdown.STOP_SIGNALS)
    try:
        with closing(stream):
            try:
                yield
            except BaseException:
                stop_workers()
                raise
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
