"""What the tests share: paths, the in-process CLI runner, the installed command, the keys that drive
a draft session, and small builders for templates. Fixtures live in conftest.py; test modules import
only from here, never from each other.
"""

from __future__ import annotations

import importlib.util
import io
import shutil
import sys
import threading
import time
from pathlib import Path
from types import ModuleType

from prompt_toolkit.data_structures import Size
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput
from prompt_toolkit.output.vt100 import Vt100_Output
from rich.console import Console
from typer.testing import CliRunner

from composer.cli import app
from composer.config import Config
from composer.draft.answers import AnswerSources
from composer.draft.prompts import Prompter
from composer.draft.resolve import resolve
from composer.draft.session import run_session
from composer.draft.state import DraftState, load_state, saved_drafts
from composer.lint.findings import Finding
from composer.templates.model import get_relationship, relationships

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "samples"
#: The installed command (the venv's own first), for tests that run a real process.
INVITE = shutil.which("invite", path=str(Path(sys.executable).parent)) or shutil.which("invite") or "invite"


HEADER = """\
---
id: {id}
relationship: event
title: {title}
description: A template written for a test.
questions:
  - name: event
    prompt: Which event?
    max_length: 30
    example: PyData Berlin
{extra}---
"""


#: Answers that make `-t event-brief` (or any event template) draft without asking.
ANSWERED = ("--set", "first_name=Ana", "--set", "event=PyCon", "--no-input")


def load_script(name: str) -> ModuleType:
    """A script of scripts/ imported as a module (registered under its name: dataclasses look their module up)."""
    spec = importlib.util.spec_from_file_location(name, REPO / "scripts" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def run_cli(*args: str, input: str | None = None, env: dict[str, str] | None = None):
    """Run the CLI in-process; returns typer's Result with separate stdout and stderr."""
    return CliRunner().invoke(app, list(args), input=input, env=env)


def template(folder: Path, body: str, *, id: str = "hostile", title: str = "Hostile", extra: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{id}.jinja"
    path.write_text(HEADER.format(id=id, title=title, extra=extra) + body + "\n", encoding="utf-8")
    return path


def one_line_error(result, code: int = 2) -> str:
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("error: "), result.stderr
    return result.stderr


def timed(*args: str) -> tuple[float, object]:
    start = time.monotonic()
    result = run_cli(*args)
    return time.monotonic() - start, result


#: A complete `draft` command line for the event relationship.
EVENT = ("-r", "event", "--set", "first_name=Ana", "--set", "event=PyCon US", "--no-input")


DOWN = "\x1b[B"


UP = "\x1b[A"


ENTER = "\r"


CTRL_C = "\x03"


CTRL_U = "\x15"  # clear the line before the cursor (removes a pre-filled default)


FINISH_MULTILINE = "\x1b\r"  # Esc then Enter


def pick_relationship(relationship_id: str) -> str:
    return DOWN * list(relationships()).index(relationship_id) + ENTER


def pick_template(library, relationship_id: str, template_id: str, exclude: str | None = None) -> str:
    """Keys for the template select; the pointer starts on the relationship's default template."""
    ids = [t.id for t in library.for_relationship(relationship_id) if t.id != exclude]
    default = get_relationship(relationship_id).default_template
    start = ids.index(default) if default in ids else 0
    offset = ids.index(template_id) - start
    return (DOWN * offset if offset >= 0 else UP * -offset) + ENTER


def menu(action: str, several_templates: bool = True) -> str:
    order = ["copy", "edit", "change", *(["template"] if several_templates else []), "relationship", "save", "done"]
    return DOWN * order.index(action) + ENTER


def answer(text: str) -> str:
    return text + ENTER


def replace_default(text: str) -> str:
    return CTRL_U + text + ENTER


def session(
    library,
    keys: list[str],
    *,
    flags=None,
    file=None,
    config=None,
    output=None,
    relationship=None,
    template_id=None,
    limit=200,
    lint=None,
    resume=False,
):
    """Run one session on the scripted keys, as `invite draft` does on a terminal; return (note, what the panel showed)."""
    console = Console(
        file=io.StringIO(), width=100, color_system=None, soft_wrap=True
    )  # no message wraps, however long TMPDIR is
    sources = AnswerSources(flags=flags or {}, file=file or {}, config=config or Config())
    resolution = resolve(library, sources, relationship, template_id)
    with create_pipe_input() as inp:
        inp.send_text("".join(keys))
        inp.close()
        finished = run_session(
            library,
            sources,
            resolution,
            limit,
            resume=resume,
            prompter=Prompter(inp, output or DummyOutput()),
            console=console,
            lint=lint or length_only_lint,
        )
    finished.session.draft.close(forget=False)  # as the command does until the note is delivered
    return finished.text, console.file.getvalue()


def saved() -> DraftState:
    """The one saved draft (the tests run one session at a time)."""
    (path,) = saved_drafts()
    return load_state(path)


def length_only_lint(text: str, limit: int) -> list[Finding]:
    """The flow tests check the flow; the real linter has its own tests below and in its files."""
    if len(text) <= limit:
        return []
    return [Finding("Length", "error", f"{len(text)} / {limit}", "shorten it", 0, len(text), 1, 1, text[:10])]


def capturing_output() -> tuple[Vt100_Output, io.StringIO]:
    """A real VT100 output writing into a buffer, to read what a prompt displayed."""
    buffer = io.StringIO()
    return Vt100_Output(buffer, lambda: Size(rows=40, columns=120), term="xterm"), buffer


def typing_in_bursts(inp, bursts: list[str], pause: float = 0.15) -> threading.Thread:
    def type_them() -> None:
        for burst in bursts:
            time.sleep(pause)
            inp.send_text(burst)
        time.sleep(pause)
        inp.close()

    thread = threading.Thread(target=type_them, daemon=True)
    thread.start()
    return thread


def event_brief_keys(first_name: str = "Ana", event: str = "PyCon", topic: str = "") -> list[str]:
    return [pick_relationship("event"), ENTER, answer(first_name), answer(event), answer(topic)]
