"""Stopping worker processes cleanly when a batch lint ends early.

`invite lint --jobs N` lints in N forked worker processes (spaCy's `nlp.pipe(n_process=N)`). On its
own, a Ctrl-C there prints a `KeyboardInterrupt` traceback from every worker, and an early end (the
reader of stdout went away, `| head -1`) leaves spaCy joining workers that are blocked writing
results nobody reads: the command hangs. While `stoppable_workers()` is active, a Ctrl-C reaches the
parent only (workers ignore it), and any early end terminates the workers before spaCy's clean-up
joins them, so both end in a moment with the usual exit code and no traceback. SIGTERM raises in
the parent as Ctrl-C does (`composer.shutdown.Terminated`), so it ends the same way; a SIGKILL
leaves nothing to clean up, as the workers die with their parent (`composer.shutdown.worker_forks`).

One thing is left after that: spaCy's work queues still hold batches for the stopped workers, and
multiprocessing would wait for them at interpreter exit, forever. `composer.shutdown` tells the
console-script entry point (`composer.__main__`) to skip that wait and end the process directly.
"""

from __future__ import annotations

import os
import signal
import threading
import warnings
from collections.abc import Generator, Iterator
from contextlib import closing, contextmanager
from types import FrameType
from typing import Any

from composer import shutdown


def stop_workers() -> None:
    """Terminate the worker processes this process started, and wait for them."""
    import multiprocessing

    children = multiprocessing.active_children()
    if children:
        shutdown.skip_exit_wait()  # exiting must not wait for the stopped workers' queues
    for child in children:
        child.terminate()
    for child in children:
        child.join(timeout=5)


@contextmanager
def stoppable_workers(stream: Generator[Any, None, None], enabled: bool = True) -> Iterator[None]:
    """Consume `stream` (a generator that may fork lint workers) in the block, and close it after.

    Ctrl-C and SIGTERM reach the parent only; on any early end the workers are stopped before the
    stream is closed (closing it makes spaCy join them, which would otherwise wait forever).
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
        stop_workers()  # first: the exception below makes spaCy join them, which would wait forever
        shutdown.act_on(signum, previous[signum])  # KeyboardInterrupt, or shutdown.Terminated

    main_thread = threading.current_thread() is threading.main_thread()
    if main_thread:
        previous.update((signum, signal.signal(signum, on_signal)) for signum in shutdown.STOP_SIGNALS)
    try:
        with warnings.catch_warnings(), closing(stream):
            # spaCy warns that "not all worker processes completed successfully" after we stop them.
            warnings.filterwarnings("ignore", message=r"\[W127\]")
            try:
                yield
            except BaseException:
                stop_workers()
                raise
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
