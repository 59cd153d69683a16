"""The docs stay true: every `$ invite ...` console example in README.md and docs/*.md is run and
its shown output compared with what a person would see (stdout and stderr, as on a terminal).

How a ```console block is read:
- `$ command` lines run in order in one shell (so `echo $?` sees the previous command), in a scratch
  folder that shows the repository's `samples/`, `message_templates/` and `docs/` (so what the
  examples write never lands in the checkout), with a fresh home whose config folder is shown as `~/.config/...` paths of a user
  called sam (`/home/sam/...`), no colour, 100 columns;
- the lines after a command, up to the next `$`, are its expected output (trailing spaces ignored);
  a line `...` stands for any number of lines; a command shown with no output is run but not compared;
- an HTML comment right before the block changes that: `<!-- console: skip (reason) -->` (e.g. it
  needs a terminal), `<!-- console: cwd=PATH -->` runs it in another folder of the repository.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.helpers import REPO

DOCS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
BLOCK = re.compile(r"(?:<!--\s*console:\s*(?P<directive>[^>]*?)\s*-->\s*\n)?```console\n(?P<body>.*?)```", re.S)
SHOWN_HOME = "/home/sam"


@dataclass
class Example:
    doc: Path
    line: int
    directive: str
    commands: list[tuple[str, list[str]]] = field(default_factory=list)

    @property
    def id(self) -> str:
        return f"{self.doc.relative_to(REPO)}:{self.line}"


def examples() -> list[Example]:
    found = []
    for doc in DOCS:
        text = doc.read_text(encoding="utf-8")
        for match in BLOCK.finditer(text):
            example = Example(doc, text[: match.start("body")].count("\n") + 1, match.group("directive") or "")
            for line in match.group("body").splitlines():
                if line.startswith("$ "):
                    example.commands.append((line[2:], []))
                elif example.commands:
                    example.commands[-1][1].append(line.rstrip())
            if any(command.startswith("invite ") or " invite " in command for command, _ in example.commands):
                found.append(example)
    return found


EXAMPLES = examples()


def scratch_folder(where: Path) -> Path:
    """A working folder with the repository's examples linked in, as the docs' relative paths expect."""
    where.mkdir()
    for name in ("samples", "message_templates", "docs"):
        (where / name).symlink_to(REPO / name)
    return where


def run_block(example: Example, home: Path, work: Path) -> list[str]:
    """Run the block's commands in one shell; return each command's output (stdout and stderr interleaved)."""
    marker = "@@invite-docs-{}@@"
    script = ["__rc=0"]
    for index, (command, _) in enumerate(example.commands):
        script.append(f"printf '%s\\n' '{marker.format(index)}'")
        # Braces and a newline: the command's own redirections and a trailing `# comment` stay its own.
        script.append(f"(exit $__rc); {{ {command}\n}} 2>&1; __rc=$?")
    cwd = work
    if example.directive.startswith("cwd="):
        cwd = work / example.directive.removeprefix("cwd=").strip()
    env = {key: value for key, value in os.environ.items() if not key.startswith(("XDG_", "INVITE_", "FORCE_COLOR"))}
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_STATE_HOME=str(home / ".local" / "state"),
        XDG_DATA_HOME=str(home / ".local" / "share"),
        COLUMNS="100",
        NO_COLOR="1",
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
    )
    result = subprocess.run(
        ["bash", "-c", "\n".join(script)], capture_output=True, text=True, cwd=cwd, env=env, timeout=300, stdin=subprocess.DEVNULL
    )
    text = result.stdout.replace(str(home), SHOWN_HOME)
    parts = re.split(r"@@invite-docs-\d+@@\n", text)[1:]
    return [part.rstrip("\n").split("\n") if part.strip() else [] for part in parts]


def matches(expected: list[str], actual: list[str]) -> bool:
    """Line by line, trailing spaces ignored; a `...` line matches any number of lines."""
    if not expected:
        return not actual
    head = expected[0].strip()
    if head == "...":
        return any(matches(expected[1:], actual[i:]) for i in range(len(actual) + 1))
    return bool(actual) and expected[0].rstrip() == actual[0].rstrip() and matches(expected[1:], actual[1:])


@pytest.fixture(scope="module")
def ran(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Future[list[str]]]]:
    """Every example's outputs, run two at a time: each is a shell with its own home and scratch folder
    (nothing is shared), and most of each is `invite` loading spaCy, so two cores halve the wait."""
    pool = ThreadPoolExecutor(max_workers=2)

    def run(example: Example, where: Path) -> list[str]:
        return run_block(example, where / "home", scratch_folder(where / "work"))

    # The folders are made here, in one thread: pytest's temporary-folder factory is not thread-safe.
    futures = {
        e.id: pool.submit(run, e, tmp_path_factory.mktemp("example")) for e in EXAMPLES if not e.directive.startswith("skip")
    }
    yield futures
    pool.shutdown(cancel_futures=True)


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("bash") is None, reason="the examples are shell sessions")
@pytest.mark.parametrize("example", EXAMPLES, ids=[e.id for e in EXAMPLES])
def test_console_example_shows_what_a_person_sees(example: Example, ran: dict[str, Future[list[str]]]):
    if example.directive.startswith("skip"):
        pytest.skip(example.directive)
    outputs = ran[example.id].result()
    assert len(outputs) == len(example.commands), outputs
    for (command, shown), actual in zip(example.commands, outputs, strict=True):
        expected = list(shown)
        while expected and not expected[-1].strip():
            expected.pop()  # the blank line that separates one command from the next
        if not expected:
            continue  # shown without output: run, not compared
        assert matches(expected, [line.rstrip() for line in actual]), (
            f"{example.id}: `{command}` printed:\n" + "\n".join(actual) + "\n\nthe docs show:\n" + "\n".join(expected)
        )


def test_the_docs_have_examples_to_check():
    assert len(EXAMPLES) >= 5
    assert all(example.commands for example in EXAMPLES)


def test_the_matcher():
    assert matches(["a", "...", "d"], ["a", "b", "c", "d"])
    assert matches(["a", "...", "d"], ["a", "d"])
    assert not matches(["a", "...", "d"], ["a", "b"])
    assert not matches(["a"], ["a", "b"])


def test_the_readme_lists_every_exit_code():
    """The README's "Exit codes:" sentence for `invite lint` names every code the tool can end with."""
    from composer.exitcodes import ExitCode

    text = " ".join((REPO / "README.md").read_text(encoding="utf-8").split())
    start = text.index("Exit codes: 0 nothing at or above")
    sentence = text[start : text.index("every command uses the same codes", start)]
    listed = {int(number) for number in re.findall(r"(?<![\w-])(\d+) [a-z(]", sentence)}
    assert listed == {int(code) for code in ExitCode}
