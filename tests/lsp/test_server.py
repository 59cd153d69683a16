"""`invite lsp` through the protocol: a real server process, spoken to in JSON-RPC over its stdin and stdout
as an editor does (initialize, initialized, didOpen, didChange, codeAction, shutdown, exit).

Positions are checked in UTF-16 code units, the protocol's default, with an astral emoji before the
finding. Most tests share one server (loading the linter takes about a second); the lifecycle, the
signals and a start that cannot work get processes of their own.
"""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import REPO

#: The server as `invite lsp`, from this checkout (the installed `invite` may be another one's).
SERVER = [sys.executable, "-m", "composer", "lsp"]
#: Long enough for a loaded machine; a healthy server answers in well under a second.
TIMEOUT = 30.0
WAVE = "👋"  # U+1F44B: 1 character to Python, 2 UTF-16 code units to the protocol


def utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class Client:
    """A minimal LSP client: Content-Length framed JSON-RPC on the server's stdin and stdout."""

    def __init__(self, cwd: Path, argv: list[str] = SERVER, env: dict[str, str] | None = None) -> None:
        self.process = subprocess.Popen(
            argv,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=cwd,
            env={**os.environ, "PYTHONPATH": str(REPO), **(env or {})},
            start_new_session=True,  # signalled as a group, as a terminal's Ctrl-C is
        )
        self.messages: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self.seen: list[dict[str, Any]] = []
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        stdout = self.process.stdout
        assert stdout is not None
        while True:
            headers: dict[str, str] = {}
            while True:
                line = stdout.readline()
                if not line:
                    self.messages.put(None)
                    return
                if not line.strip():
                    break
                name, _, value = line.decode("ascii").partition(":")
                headers[name.strip().lower()] = value.strip()
            self.messages.put(json.loads(stdout.read(int(headers["content-length"]))))

    def send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        assert self.process.stdin is not None
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def notify(self, method: str, params: Any = None) -> None:
        self.send({"method": method, "params": params})

    def request(self, method: str, params: Any = None) -> Any:
        self.next_id += 1
        number = self.next_id
        self.send({"id": number, "method": method, "params": params})
        reply = self.wait(lambda m: m.get("id") == number and "method" not in m)
        assert "error" not in reply, reply
        return reply["result"]

    def wait(self, wanted: Callable[[dict[str, Any]], bool], timeout: float = TIMEOUT) -> dict[str, Any]:
        """The next message `wanted` accepts (the others are kept in `seen`)."""
        deadline = time.monotonic() + timeout
        while True:
            message = self.messages.get(timeout=max(0.0, deadline - time.monotonic()))
            if message is None:
                raise EOFError(f"the server ended: {self.stderr()}")
            self.seen.append(message)
            if wanted(message):
                return message

    def diagnostics(self, uri: str, version: int | None = None) -> list[dict[str, Any]]:
        """The diagnostics published for `uri` (for `version`, when given)."""

        def wanted(m: dict[str, Any]) -> bool:
            params = m.get("params") or {}
            published = m.get("method") == "textDocument/publishDiagnostics" and params.get("uri") == uri
            return published and (version is None or params.get("version") == version)

        return self.wait(wanted)["params"]["diagnostics"]

    def published(self, uri: str) -> list[dict[str, Any]]:
        """Every publishDiagnostics for `uri` seen so far, in order."""
        return [
            m["params"] for m in self.seen if m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri
        ]

    def initialize(self, root: Path, capabilities: dict[str, Any] | None = None) -> dict[str, Any]:
        params = {"processId": os.getpid(), "rootUri": root.as_uri(), "capabilities": capabilities or {}}
        result = self.request("initialize", params)
        self.notify("initialized", {})
        return result

    def open(self, path: Path, text: str, language: str = "plaintext", version: int = 1) -> str:
        uri = path.as_uri()
        self.notify(
            "textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": language, "version": version, "text": text}}
        )
        return uri

    def change(self, uri: str, text: str, version: int) -> None:
        self.notify(
            "textDocument/didChange", {"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}
        )

    def code_actions(self, uri: str, start: tuple[int, int], end: tuple[int, int], only: list[str] | None = None) -> Any:
        context: dict[str, Any] = {"diagnostics": [], **({"only": only} if only else {})}
        span = {"start": {"line": start[0], "character": start[1]}, "end": {"line": end[0], "character": end[1]}}
        return self.request("textDocument/codeAction", {"textDocument": {"uri": uri}, "range": span, "context": context})

    def barrier(self) -> None:
        """Wait until the server has handled everything sent so far (it answers requests in order)."""
        self.request("textDocument/codeAction", {
            "textDocument": {"uri": "file:///nowhere.txt"},
            "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
            "context": {"diagnostics": []},
        })  # fmt: skip

    def end(self) -> int:
        assert self.request("shutdown") is None
        self.notify("exit")
        return self.process.wait(TIMEOUT)

    def stderr(self) -> str:
        if self.process.poll() is None:
            self.process.kill()
        assert self.process.stderr is not None
        return self.process.stderr.read().decode("utf-8", "replace")

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(TIMEOUT)


def apply(text: str, edits: list[dict[str, Any]]) -> str:
    """Apply TextEdits as an editor does: one-line ranges in UTF-16 units, last edit first."""
    lines = text.split("\n")
    for edit in sorted(edits, key=lambda e: (e["range"]["start"]["line"], e["range"]["start"]["character"]), reverse=True):
        start, end = edit["range"]["start"], edit["range"]["end"]
        assert start["line"] == end["line"]
        units = lines[start["line"]].encode("utf-16-le")
        before, after = units[: 2 * start["character"]], units[2 * end["character"] :]
        lines[start["line"]] = before.decode("utf-16-le") + edit["newText"] + after.decode("utf-16-le")
    return "\n".join(lines)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("workspace")


@pytest.fixture(scope="module")
def server(workspace: Path) -> Iterator[Client]:
    """One server for the tests that only open documents of their own."""
    client = Client(workspace)
    try:
        client.initialize(workspace)
        yield client
    finally:
        client.kill()


def by_rule(diagnostics: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {d["code"]: d for d in diagnostics}


# ----------------------------------------------------------------------------- notes


@pytest.mark.slow
def test_a_note_gets_diagnostics_in_utf16_positions(server: Client, workspace: Path):
    text = f"{WAVE}{WAVE} Hi Ana,  great meeting you at PyCon US.\n"
    uri = server.open(workspace / "wave.txt", text)
    found = by_rule(server.diagnostics(uri, version=1))
    double = found["double-space"]
    prefix = text[: text.index("  ")]
    assert double["range"] == {
        "start": {"line": 0, "character": utf16(prefix)},
        "end": {"line": 0, "character": utf16(prefix) + 2},
    }
    assert utf16(prefix) == len(prefix) + 2  # each wave counted twice, as an editor counts
    assert double["severity"] == 3 and double["source"] == "invite"
    assert double["message"] == "2 spaces in a row\nhint: One space between words is enough."


@pytest.mark.slow
def test_diagnostics_arrive_for_the_latest_version(server: Client, workspace: Path):
    uri = server.open(workspace / "typing.txt", "Join my network")
    assert "generic-phrase" in by_rule(server.diagnostics(uri, version=1))
    texts = ["Hi Ana,", "Hi Ana, we met", "Hi Ana, we met at PyCon US on Saturday;  your talk on wheels was superb."]
    for version, text in enumerate(texts, start=2):
        server.change(uri, text, version)
    latest = server.diagnostics(uri, version=4)
    assert [d["code"] for d in latest] == ["double-space"]
    server.barrier()
    time.sleep(0.5)  # longer than the debounce: nothing older may come after the latest
    server.barrier()
    assert server.published(uri)[-1]["version"] == 4


@pytest.mark.slow
def test_a_code_action_applies_the_fix_in_utf16_ranges(server: Client, workspace: Path):
    text = f"Hi Ana {WAVE},  great meeting\u200b you at PyCon US on Saturday.\n"
    uri = server.open(workspace / "fixable.txt", text)
    found = by_rule(server.diagnostics(uri, version=1))
    double = found["double-space"]["range"]
    actions = server.code_actions(uri, (0, double["start"]["character"]), (0, double["start"]["character"]))
    quick = [a for a in actions if a["kind"] == "quickfix"]
    assert [a["title"] for a in quick] == ["Fix this double-space problem"]
    [edit] = quick[0]["edit"]["changes"][uri]
    assert edit == {"range": double, "newText": " "}
    assert quick[0]["diagnostics"][0]["code"] == "double-space"
    assert apply(text, [edit]) == text.replace("  ", " ")
    [fix_all] = server.code_actions(uri, (0, 0), (0, 0), only=["source.fixAll"])
    assert fix_all["title"] == "Fix all safe problems (invite)"
    fixed = apply(text, fix_all["edit"]["changes"][uri])
    assert fixed == f"Hi Ana {WAVE}, great meeting you at PyCon US on Saturday.\n"


@pytest.mark.slow
def test_the_projects_config_applies_and_a_broken_one_is_said(server: Client, workspace: Path):
    quiet, broken = workspace / "quiet", workspace / "broken"
    quiet.mkdir()
    broken.mkdir()
    (quiet / ".invite.toml").write_text('[lint]\nignore = ["double-space"]\n', encoding="utf-8")
    (broken / ".invite.toml").write_text('[lint]\nselect = ["no-such-rule"]\n', encoding="utf-8")
    text = "Hi Ana,  we met at PyCon US on Saturday; your talk on wheels was superb."
    assert by_rule(server.diagnostics(server.open(workspace / "plain.txt", text), version=1)).keys() == {"double-space"}
    assert server.diagnostics(server.open(quiet / "note.txt", text), version=1) == []
    uri = server.open(broken / "note.txt", text)
    [said] = server.diagnostics(uri, version=1)
    assert said["severity"] == 1 and said["code"] == "settings"
    assert "unknown rule 'no-such-rule'" in said["message"]
    (broken / ".invite.toml").write_text('[lint]\nselect = ["double-space"]\n', encoding="utf-8")
    server.notify("textDocument/didSave", {"textDocument": {"uri": uri}})  # fixed: no restart needed
    assert [d["code"] for d in server.diagnostics(uri, version=1)] == ["double-space"]


@pytest.mark.slow
def test_severities_and_per_file_ignores_apply_as_in_invite_lint(server: Client, workspace: Path):
    project = workspace / "tuned"
    (project / "drafts").mkdir(parents=True)
    (project / ".git").mkdir()  # a repository: its config is found upwards from the note
    config = '[lint.severity]\ngeneric-phrase = "error"\n[lint.per-file-ignores]\n"drafts/*.txt" = ["no-specifics"]\n'
    (project / ".invite.toml").write_text(config, encoding="utf-8")
    text = "Hi Ana, I'd like to add you to my professional network on LinkedIn."
    kept = by_rule(server.diagnostics(server.open(project / "drafts" / "ana.txt", text), version=1))
    assert kept["generic-phrase"]["severity"] == 1  # error, as configured
    assert "no-specifics" not in kept
    elsewhere = by_rule(server.diagnostics(server.open(project / "ana.txt", text), version=1))
    assert "no-specifics" in elsewhere


@pytest.mark.slow
def test_other_files_get_nothing_and_closing_clears(server: Client, workspace: Path):
    server.open(workspace / "script.py", "print('Join my network')\n", language="python")
    uri = server.open(workspace / "closing.txt", "Join my network")
    assert server.diagnostics(uri, version=1)
    server.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
    assert server.diagnostics(uri) == []
    server.barrier()
    assert not [m for m in server.seen if "script.py" in json.dumps(m.get("params"))]


# ----------------------------------------------------------------------------- templates

TEMPLATE = """\
---
id: lsp-test
relationship: event
title: A template opened in an editor
description: For the language server's tests.
questions:
  - name: event
    prompt: Which event?
    example: PyCon US
---
{body}
"""


@pytest.mark.slow
def test_a_template_gets_the_checks_of_templates_check(server: Client, workspace: Path):
    folder = workspace / "templates"
    folder.mkdir()
    uri = server.open(folder / "mine.jinja", TEMPLATE.format(body="Hi {{ first_name }}, at {{ evnt }}."), language="jinja")
    found = by_rule(server.diagnostics(uri, version=1))
    assert found["undeclared"]["range"]["start"]["line"] == 10  # the body's line (0-based)
    assert "'evnt'" in found["undeclared"]["message"] and found["undeclared"]["severity"] == 1
    assert found["unused"]["range"]["start"] == {"line": 6, "character": 2}  # `- name: event`, not the indent
    canned = "Hi {{ first_name }}, great meeting you at {{ event }}. I'd like to add you to my professional network."
    server.change(uri, TEMPLATE.format(body=canned), version=2)
    found = by_rule(server.diagnostics(uri, version=2))
    assert found["lint:generic-phrase"]["severity"] == 2
    assert found["lint:generic-phrase"]["message"].startswith("example note: canned phrase")
    server.change(uri, TEMPLATE.format(body=canned + "{# invite: ignore=generic-phrase #}"), version=3)
    found = by_rule(server.diagnostics(uri, version=3))
    assert "lint:generic-phrase" not in found and found["suppressed"]["severity"] == 3


@pytest.mark.slow
def test_an_unsaved_template_is_known_by_its_language(server: Client):
    uri = "untitled:Untitled-7"
    text = TEMPLATE.format(body="Hi {{ first_name }, at {{ event }}.")
    server.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "jinja", "version": 1, "text": text}})
    [syntax] = server.diagnostics(uri, version=1)
    assert syntax["code"] == "syntax" and syntax["message"].startswith("Jinja syntax error")


# ----------------------------------------------------------------------------- a session, start to end

#: Runs the server counting the models spaCy loads (a model not installed is tried, not loaded), reported at
#: exit (the console script ends with os._exit after the atexit functions, so the report is made there).
COUNTING_SERVER = [
    sys.executable,
    "-c",
    "import atexit, runpy, sys, spacy\n"
    "loads, load = [], spacy.load\n"
    "def counted(name, *args, **kwargs):\n"
    "    nlp = load(name, *args, **kwargs)\n"
    "    loads.append(name)\n"
    "    return nlp\n"
    "spacy.load = counted\n"
    "atexit.register(lambda: print('models loaded:', len(loads), file=sys.stderr))\n"
    "sys.argv = ['invite', 'lsp']\n"
    "runpy.run_module('composer', run_name='__main__')\n",
]


@pytest.mark.slow
def test_a_session_loads_the_model_once_and_exits_0_after_shutdown(tmp_path: Path):
    client = Client(tmp_path, COUNTING_SERVER)
    try:
        # A client that would rather count code points (UTF-32) gets them.
        result = client.initialize(tmp_path, {"general": {"positionEncodings": ["utf-32", "utf-16"]}})
        capabilities = result["capabilities"]
        assert capabilities["positionEncoding"] == "utf-32"
        assert capabilities["textDocumentSync"]["change"] == 1  # whole documents
        assert capabilities["codeActionProvider"]["codeActionKinds"] == ["quickfix", "source.fixAll"]
        assert result["serverInfo"]["name"] == "invite"
        text = f"{WAVE} Hi Ana,  we met at PyCon US."
        for number in range(3):
            uri = client.open(tmp_path / f"note{number}.txt", "Join my network")
            client.diagnostics(uri, version=1)
            client.change(uri, text, version=2)
            [double] = client.diagnostics(uri, version=2)
            assert double["range"]["start"]["character"] == text.index("  ")
        assert client.end() == 0
        stderr = client.stderr()
        assert stderr.strip().splitlines() == ["models loaded: 1"], stderr
    finally:
        client.kill()


@pytest.mark.slow
def test_exit_without_shutdown_is_exit_1(tmp_path: Path):
    client = Client(tmp_path)
    try:
        client.initialize(tmp_path)
        client.notify("exit")
        assert client.process.wait(TIMEOUT) == 1
        assert "Traceback" not in client.stderr()
    finally:
        client.kill()


@pytest.mark.slow
@pytest.mark.skipif(os.name != "posix", reason="POSIX signals")
@pytest.mark.parametrize(("signum", "code", "line"), [(signal.SIGTERM, 143, "terminated"), (signal.SIGINT, 130, "interrupted")])
def test_sigterm_and_ctrl_c_end_the_server_in_one_line(tmp_path: Path, signum: int, code: int, line: str):
    client = Client(tmp_path)
    try:
        client.initialize(tmp_path)
        uri = client.open(tmp_path / "note.txt", "Join my network")
        client.diagnostics(uri, version=1)
        os.killpg(client.process.pid, signum)  # the server is idle, blocked reading stdin, which stays open
        assert client.process.wait(TIMEOUT) == code
        assert client.stderr() == f"{line}\n"
    finally:
        client.kill()


def _tgkill() -> Callable[[int, int, int], int] | None:
    """glibc's tgkill(2): a signal to one thread of another process (Python has none of its own)."""
    import ctypes

    try:
        return ctypes.CDLL(None, use_errno=True).tgkill
    except (AttributeError, OSError):
        return None


@pytest.mark.slow
@pytest.mark.skipif(sys.platform != "linux" or _tgkill() is None, reason="Linux threads, glibc's tgkill")
@pytest.mark.parametrize(("signum", "code", "line"), [(signal.SIGTERM, 143, "terminated"), (signal.SIGINT, 130, "interrupted")])
def test_a_signal_the_kernel_gives_to_another_thread_still_ends_the_server(tmp_path: Path, signum: int, code: int, line: str):
    # The kernel may deliver a process's signal to any of its threads: the stdin reader, and any the numeric
    # libraries started. Python runs the handler in the main thread, asleep in the event loop. One server a thread.
    tgkill = _tgkill()
    assert tgkill is not None
    ordinal, count = 0, 1
    while ordinal < count:
        client = Client(tmp_path)
        try:
            client.initialize(tmp_path)
            uri = client.open(tmp_path / "note.txt", "Join my network")
            client.diagnostics(uri, version=1)
            pid = client.process.pid
            threads = sorted(int(task) for task in os.listdir(f"/proc/{pid}/task") if int(task) != pid)
            assert threads, "the stdin reader is a thread of its own"
            count = len(threads)
            assert tgkill(pid, threads[min(ordinal, count - 1)], signum) == 0
            assert client.process.wait(TIMEOUT) == code
            assert client.stderr() == f"{line}\n"
        finally:
            client.kill()
        ordinal += 1


@pytest.mark.slow
@pytest.mark.skipif(os.name != "posix", reason="a pseudo-terminal")
def test_started_by_hand_it_says_what_it_is_and_ctrl_c_ends_it(tmp_path: Path):
    import pexpect

    child = pexpect.spawn(
        SERVER[0], SERVER[1:], cwd=str(tmp_path), env={**os.environ, "PYTHONPATH": str(REPO)}, encoding="utf-8", timeout=TIMEOUT
    )
    child.expect("invite lsp: a language server for editors, speaking LSP on stdin and stdout")
    child.sendintr()  # Ctrl-C while the linter loads
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert "interrupted" in child.before and "Traceback" not in child.before


# ----------------------------------------------------------------------------- a start that cannot work


def _start_without(module: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    code = (
        f"import runpy, sys\nsys.modules[{module!r}] = None\nsys.argv = ['invite', 'lsp']\n"
        "runpy.run_module('composer', run_name='__main__')\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, env=env, stdin=subprocess.DEVNULL
    )


def test_without_pygls_the_server_says_so_in_one_line(tmp_path: Path):
    result = _start_without("pygls", tmp_path)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == "error: invite lsp needs pygls, which is not installed: pip install 'pygls>=2.1'\n"


@pytest.mark.slow
def test_a_linter_that_cannot_load_stops_the_start_in_one_line(tmp_path: Path):
    result = _start_without("spacy", tmp_path)
    assert (result.returncode, result.stdout) == (2, "")
    [line] = result.stderr.splitlines()
    assert line.startswith("error: cannot start the linter: ") and "spacy" in line
