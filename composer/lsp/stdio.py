"""Starting the server and running it over stdin and stdout until the client says `exit`.

Start-up does what can fail before anything is served, so a broken install is one line on stderr
and exit 2 (as for any command), not a server that dies at the first document: the linter is loaded
(spaCy, the model, the classifier: about a second, once per server) by linting one short note.

Then pygls' message loop runs on an asyncio event loop, with stdin read in a daemon thread (pygls'
own reader uses a thread pool that is joined at the end, so a Ctrl-C or SIGTERM would wait for the
client to close stdin). While serving, stdout carries protocol messages only: `sys.stdout` points at
stderr, so a stray print from any library lands in the editor's log instead of breaking a message.
pygls' own log goes there too, one line a record.

Ends: the `exit` notification, 0 after `shutdown` and 1 without it (as the protocol says); stdin
closed by the client, the same; Ctrl-C and SIGTERM as for every command (`composer.shutdown`: one
line, exit 130 or 143), without waiting for the thread blocked on stdin. The kernel may hand a signal
to any thread (the stdin reader, a thread of the numeric libraries), and Python runs its handler in
the main thread only when that thread runs: an idle server's main thread sleeps in the event loop's
`epoll`, so a signal's wake-up byte (`signal.set_wakeup_fd`) goes to a socket the loop watches.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import queue
import signal
import socket
import sys
import threading
from collections.abc import Callable, Iterator
from typing import Any, BinaryIO

from pygls.io_ import StdoutWriter, run_async

from composer import output
from composer.errors import InviteError
from composer.lsp.server import InviteServer, create_server

#: Said on stderr when someone starts the server by hand, in a terminal.
BY_HAND = "invite lsp: a language server for editors, speaking LSP on stdin and stdout (see the README); Ctrl-C ends it"


def serve() -> int:
    """Start the server on stdin and stdout and serve until the client ends the session; the exit code."""
    if sys.stdin is not None and sys.stdin.isatty():
        output.info(BY_HAND)
    _load_linter()
    _log_to_stderr()
    return run(create_server(), sys.stdin.buffer, sys.stdout.buffer)


def _load_linter() -> None:
    """Load spaCy, the model and the classifier now: once per server, and any failure before serving."""
    from composer.lint import lint_text

    try:
        lint_text("Hi Ana, we met at PyCon.")
    except ImportError as exc:
        raise InviteError(f"cannot start the linter: {exc}") from None


def run(server: InviteServer, stdin: BinaryIO, stdout: BinaryIO) -> int:
    """Serve one client on these streams; the exit code the protocol asks for."""
    server.protocol.set_writer(StdoutWriter(stdout))
    real_stdout, sys.stdout = sys.stdout, sys.stderr
    try:
        asyncio.run(_serve(server, stdin))
    except SystemExit as exc:  # pygls ends the loop this way on `exit`, with 0 or 1
        return exc.code if isinstance(exc.code, int) else 1
    except BrokenPipeError:  # the client went away while we wrote
        return 1
    finally:
        sys.stdout = real_stdout
    return 0 if server.shutting_down else 1


async def _serve(server: InviteServer, stdin: BinaryIO) -> None:
    """pygls' message loop, woken by Ctrl-C and SIGTERM whichever thread the kernel gave them to."""
    with _signals_wake(asyncio.get_running_loop()):
        await run_async(
            stop_event=threading.Event(),
            reader=DaemonReader(stdin),
            protocol=server.protocol,
            logger=logging.getLogger("pygls"),
            error_handler=server.report_server_error,
        )


@contextlib.contextmanager
def _signals_wake(loop: asyncio.AbstractEventLoop) -> Iterator[None]:
    """While the block runs, every signal writes a byte the loop reads, so its handler runs at once.

    What `loop.add_signal_handler` does, for the handlers `composer.shutdown` installed with
    `signal.signal` (which raise in the main thread, as everywhere else in `invite`).
    """
    if os.name != "posix" or threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may set it; Windows' proactor loop sets its own and watches no sockets
        return
    receive, send = socket.socketpair()
    receive.setblocking(False)
    send.setblocking(False)
    loop.add_reader(receive.fileno(), _drain, receive)
    previous = signal.set_wakeup_fd(send.fileno(), warn_on_full_buffer=False)
    try:
        yield
    finally:
        signal.set_wakeup_fd(previous)
        loop.remove_reader(receive.fileno())
        receive.close()
        send.close()


def _drain(receive: socket.socket) -> None:
    with contextlib.suppress(BlockingIOError):
        while receive.recv(64):
            pass


class DaemonReader:
    """pygls' asynchronous reader, reading in one daemon thread: a read blocked on stdin never holds up the end."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        self._asks: queue.SimpleQueue[tuple[asyncio.AbstractEventLoop, asyncio.Future[bytes], Callable[..., bytes], Any]]
        self._asks = queue.SimpleQueue()
        threading.Thread(target=self._serve, name="invite-lsp-stdin", daemon=True).start()

    def readline(self) -> asyncio.Future[bytes]:
        return self._ask(self._stream.readline)

    def readexactly(self, size: int) -> asyncio.Future[bytes]:
        return self._ask(self._stream.read, size)

    def _ask(self, read: Callable[..., bytes], *args: Any) -> asyncio.Future[bytes]:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[bytes] = loop.create_future()
        self._asks.put((loop, future, read, args))
        return future

    def _serve(self) -> None:
        while True:
            loop, future, read, args = self._asks.get()
            try:
                data = read(*args)
            except (OSError, ValueError):  # stdin closed or failing: the end of the session
                data = b""
            with contextlib.suppress(RuntimeError):  # the loop has closed: the server is ending anyway
                loop.call_soon_threadsafe(_settle, future, data)


def _settle(future: asyncio.Future[bytes], data: bytes) -> None:
    if not future.done():
        future.set_result(data)


class _OneLine(logging.Formatter):
    """`invite lsp: error: message (ValueError: detail)`: a log record in one line, its traceback's last line only."""

    def format(self, record: logging.LogRecord) -> str:
        line = f"invite lsp: {record.levelname.lower()}: {record.getMessage()}"
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            line += f" ({type(error).__name__}: {error})"
        return output.visible(line)


def _log_to_stderr() -> None:
    """pygls' and asyncio's warnings and errors on stderr, which editors keep as the server's log."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_OneLine())
    for name in ("pygls", "asyncio", "composer.lsp"):
        log = logging.getLogger(name)
        log.addHandler(handler)
        log.setLevel(logging.WARNING)
        log.propagate = False
