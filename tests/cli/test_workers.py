"""Worker processes end with `invite` and never hold its stdout or stderr; SIGTERM is handled as Ctrl-C.

`invite lint --jobs N` forks spaCy workers, `draft` and `merge` fork the template sandbox's worker.
Killed (SIGKILL, SIGTERM) while they run, `invite ... | cat` must still end at once: the pipe
reaches its end and no worker is left. The quick tests look at one worker from the inside; the slow
ones start the real command (`python -m composer`, so the code under test runs) and kill it.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from composer import shutdown
from tests.helpers import REPO

linux_only = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc (Linux)")

NOTE = "Hi {n}, great meeting you at PyCon US {n}; your talk on packaging wheels was the clearest I have heard."


# ----------------------------------------------------------------------------- a worker from the inside


def _describe(conn) -> None:
    """In the worker: where its standard streams point, its parent-death signal, its Ctrl-C and SIGTERM handlers."""
    import ctypes

    death = ctypes.c_int(0)
    ctypes.CDLL(None).prctl(2, ctypes.byref(death), 0, 0, 0)  # PR_GET_PDEATHSIG
    streams = [os.path.realpath(f"/proc/self/fd/{fd}") for fd in (0, 1, 2)]
    conn.send((streams, death.value, signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)))


@linux_only
def test_a_worker_dies_with_its_parent_and_lets_go_of_its_streams():
    context = multiprocessing.get_context("fork")
    parent, child = context.Pipe()
    process = context.Process(target=_describe, args=(child,))
    with shutdown.worker_forks():
        process.start()
    streams, death, on_int, on_term = parent.recv()
    process.join(timeout=10)
    assert streams == [os.devnull] * 3
    assert death == signal.SIGKILL
    assert on_int == signal.SIG_IGN and on_term == signal.SIG_DFL


@linux_only
def test_other_forks_are_left_alone():
    context = multiprocessing.get_context("fork")
    parent, child = context.Pipe()
    process = context.Process(target=_describe, args=(child,))
    process.start()
    streams, death, _, _ = parent.recv()
    process.join(timeout=10)
    assert death == 0 and streams != [os.devnull] * 3


def _tenfold_some_slowly(chunk: list[int]) -> list[int]:
    """A stand-in for linting: every third chunk takes a while, so the workers finish out of order."""
    if chunk[0] // 4 % 3 == 0:
        time.sleep(0.03)
    return [n * 10 for n in chunk]


def _fails(chunk: list[int]) -> list[int]:
    raise ValueError(f"cannot lint {chunk[0]}")


def lint_workers() -> list[multiprocessing.Process]:
    """The lint workers still running (the template sandbox's worker may be, from other tests)."""
    return [p for p in multiprocessing.active_children() if p.name == "invite-lint"]


@linux_only
def test_workers_give_every_result_in_input_order_and_end():
    from composer.lint.workers import lint_in_workers

    assert list(lint_in_workers(iter(range(50)), 3, 4, _tenfold_some_slowly)) == [n * 10 for n in range(50)]
    assert lint_workers() == []
    stopped = lint_in_workers(iter(range(50)), 2, 4, _tenfold_some_slowly)
    assert next(stopped) == 0
    stopped.close()  # a reader that went away: the workers are stopped, not waited for
    assert lint_workers() == []


@linux_only
def test_a_worker_that_fails_is_an_error_in_the_parent():
    from composer.lint.workers import lint_in_workers

    with pytest.raises(RuntimeError, match=r"a lint worker process failed: ValueError: cannot lint \d+"):
        list(lint_in_workers(iter(range(10)), 2, 4, _fails))
    assert lint_workers() == []


def test_signals_wait_for_the_end_of_a_deferred_block():
    """A Ctrl-C inside the block does not stop it; it is raised once the block is done."""
    done = []
    with pytest.raises(KeyboardInterrupt), shutdown.deferred_signals():
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.05)  # a handler would have run by now
        done.append("the block finished")
    assert done == ["the block finished"]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_sigterm_raises_terminated_and_says_so(monkeypatch):
    monkeypatch.setattr(shutdown, "_terminated", False)
    previous = signal.getsignal(signal.SIGTERM)
    shutdown.handle_terminate()
    try:
        with pytest.raises(shutdown.Terminated):
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(1)
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert shutdown.stop_message() == ("terminated", 143)


# ----------------------------------------------------------------------------- the real commands, killed


def children(pid: int) -> list[int]:
    """The processes whose parent is `pid`, from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    """Running (a zombie waiting for its parent to read its status is not)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def wait_until(condition: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


def invite(args: list[str], workers: int, **streams) -> tuple[subprocess.Popen, list[int]]:
    """Start `python -m composer ARGS` with stdout on a pipe, and wait until it has `workers` worker processes."""
    env = {**os.environ, "NO_COLOR": "1", "PYTHONPATH": str(REPO)}
    process = subprocess.Popen([sys.executable, "-m", "composer", *args], stdout=subprocess.PIPE, env=env, cwd=REPO, **streams)
    assert wait_until(lambda: len(children(process.pid)) >= workers or process.poll() is not None, 120)
    found = children(process.pid)
    assert len(found) >= workers and process.poll() is None, "the workers never started"
    return process, found


def ends_promptly(process: subprocess.Popen, workers: list[int], signum: int) -> bytes:
    """Signal the parent: its pipes reach their end within seconds, and no worker is left; what it said on stderr."""
    process.send_signal(signum)
    try:
        _, stderr = process.communicate(timeout=10)  # returns once every holder of the pipes has closed them
    finally:
        if process.poll() is None:
            process.kill()
    assert wait_until(lambda: not any(alive(pid) for pid in workers), 5), [pid for pid in workers if alive(pid)]
    return stderr or b""


@pytest.fixture
def batch(tmp_path: Path) -> Path:
    path = tmp_path / "big.jsonl"
    path.write_text("".join(json.dumps({"id": n, "text": NOTE.format(n=n)}) + "\n" for n in range(3000)), encoding="utf-8")
    return path


@pytest.fixture
def people(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("INVITE_COMPOSER_HISTORY", str(tmp_path / "history.sqlite3"))
    path = tmp_path / "people.csv"
    rows = "".join(f"Ana{i},Lima{i},PyCon US\n" for i in range(3000))
    path.write_text("First Name,Last Name,Event\n" + rows, encoding="utf-8")
    return path


@linux_only
@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGTERM])
def test_a_killed_batch_lint_leaves_no_worker_and_no_open_pipe(batch, signum):
    process, workers = invite(["lint", "--jobs", "2", "--format", "json", "--jsonl", str(batch)], 2, stderr=subprocess.PIPE)
    stderr = ends_promptly(process, workers, signum)
    if signum == signal.SIGTERM:  # handled as Ctrl-C is: one line, the workers stopped, 128 + SIGTERM
        assert process.returncode == 143 and stderr == b"terminated\n"


@linux_only
@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGTERM])
def test_a_killed_merge_leaves_no_template_worker(people, signum):
    process, workers = invite(["merge", str(people), "-r", "event", "--select", "already-invited"], 1, stderr=subprocess.PIPE)
    stderr = ends_promptly(process, workers, signum)
    if signum == signal.SIGTERM:
        assert process.returncode == 143 and stderr.endswith(b"terminated\n")


@linux_only
@pytest.mark.slow
def test_a_killed_interactive_draft_leaves_no_template_worker(tmp_path, monkeypatch):
    """`invite draft | cat` on a terminal (stdin and stderr a terminal, stdout a pipe), killed while it asks."""
    monkeypatch.setenv("INVITE_COMPOSER_HISTORY", str(tmp_path / "history.sqlite3"))
    monkeypatch.setenv("TERM", "xterm")
    controller, terminal = os.openpty()
    try:
        process, workers = invite(["draft"], 1, stdin=terminal, stderr=terminal, start_new_session=True)
        ends_promptly(process, workers, signal.SIGKILL)
    finally:
        os.close(terminal)
        os.close(controller)
