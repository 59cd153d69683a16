"""Which editor the user asked for (`$VISUAL`, else `$EDITOR`, the Unix convention), and running it."""

from __future__ import annotations

import os
import shlex
import subprocess
from pathlib import Path

from composer.errors import UsageError


def configured_editor() -> str | None:
    """The editor command line as set (not yet split), or None when neither variable is set."""
    for variable in ("VISUAL", "EDITOR"):
        value = os.environ.get(variable, "").strip()
        if value:
            return value
    return None


def editor_command(editor: str) -> list[str]:
    """The editor's command line split as a shell would; an unbalanced quote is a one-line usage error."""
    try:
        command = shlex.split(editor)
    except ValueError as exc:
        raise UsageError(f"cannot use the editor {editor!r}: {exc}") from None
    if not command:
        raise UsageError("the editor command is empty: set $VISUAL or $EDITOR")
    return command


def required_editor() -> list[str]:
    """The editor's command line; a one-line error when neither variable is set."""
    editor = configured_editor()
    if editor is None:
        raise UsageError("--edit needs an editor: set $VISUAL or $EDITOR (e.g. export EDITOR=nano)")
    return editor_command(editor)


def open_in_editor(command: list[str], path: Path, **options: object) -> int:
    """Run the editor on path and return its exit status; an editor that cannot start is a usage error."""
    try:
        return subprocess.call([*command, str(path)], **options)  # type: ignore[arg-type]
    except OSError as exc:
        raise UsageError(f"cannot start editor {command[0]!r}: {exc.strerror or exc}") from None
