"""`--help` reads as words, paragraphs stay whole, and shell completion installs."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from tests.helpers import (
    run_cli,
)


@pytest.mark.parametrize("command", [("--help",), ("draft", "--help"), ("lint", "--help"), ("templates", "new", "--help")])
def test_help_shows_words_not_python_types(command):
    result = run_cli(*command, env={"COLUMNS": "120"})
    assert result.exit_code == 0
    assert not re.search(r"<(list\[|bool|str|int|path|Path)", result.stdout), result.stdout


@pytest.mark.slow
def test_shell_completion_can_be_installed():
    assert "--install-completion" in run_cli("--help", env={"COLUMNS": "120"}).stdout
    script = subprocess.run(
        [sys.executable, "-m", "composer", "--show-completion", "bash"],
        capture_output=True,
        text=True,
        env={**os.environ, "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"},
    )
    assert script.returncode == 0, script.stderr
    assert "complete" in script.stdout and "invite" in script.stdout


def test_draft_help_paragraphs_are_not_broken_mid_sentence():
    result = run_cli("draft", "--help", env={"COLUMNS": "200"})
    assert "with --no-input or no terminal, missing answers are an error" in result.stdout
