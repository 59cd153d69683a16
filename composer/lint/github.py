"""`invite lint --format github`: findings as GitHub Actions workflow commands, one annotation each.

    ::warning file=notes/ana.txt,line=1,col=1,endLine=1,endColumn=46,title=generic-phrase::canned phrase ...

The runner reads each line from the step's output and shows it on the pull request's diff. `error`,
`warning` and `notice` follow the finding's severity (info is a notice). Values are escaped as the
runner unescapes them (`@actions/core`): `%`, CR and LF in the message; those and `:` and `,` in a
property, so no note, path or message can end an annotation early or start another.

Positions are the finding's, counted as `--format json` counts them: lines from 1, columns from 1 in
characters (code points, not UTF-16 units or bytes); `endLine` and `endColumn` are the position of
the finding's last character (the runner takes columns only when the annotation is on one line, so
they are left out when it spans lines). A `--jsonl` batch's notes are not lines of the batch file:
their annotations name the file, and the note's id in the message.
"""

from __future__ import annotations

from collections.abc import Sequence

from composer.lint.findings import Finding
from composer.lint.rules.registry import line_and_column
from composer.output import visible

#: The workflow command for each severity.
COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}
#: The label `invite lint` gives stdin: no file to annotate.
STDIN_LABELS = ("<stdin>", "-")


def escape_data(value: str) -> str:
    """A message as the runner reads it back: `%`, CR and LF escaped."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    """A property value (`file=`, `title=`): as a message, and `:` and `,` too."""
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def github_lines(label: object, text: str, findings: Sequence[Finding], *, batch: str | None = None) -> list[str]:
    """One workflow command per finding of one note.

    `label` is the note's file (or `<stdin>`); for a note of a `--jsonl` batch, its id, and `batch`
    is the batch's file.
    """
    return [_command(label, text, finding, batch) for finding in findings]


def _command(label: object, text: str, finding: Finding, batch: str | None) -> str:
    properties: list[tuple[str, object]] = []
    message = visible(f"{finding.message}\nhint: {finding.hint}")
    if batch is None:
        if str(label) not in STDIN_LABELS:
            properties.append(("file", label))
        properties += _position(text, finding)
    else:
        if batch not in STDIN_LABELS:
            properties.append(("file", batch))
        message = visible(f"note {label}: ") + message
    properties.append(("title", finding.rule))
    listed = ",".join(f"{key}={escape_property(visible(str(value)))}" for key, value in properties)
    return f"::{COMMANDS.get(finding.severity, 'warning')} {listed}::{escape_data(message)}"


def _position(text: str, finding: Finding) -> list[tuple[str, object]]:
    """line, col, endLine, endColumn: the first and the last character of the finding (columns on one line only)."""
    end_line, end_column = line_and_column(text, max(finding.start, finding.end - 1))
    position: list[tuple[str, object]] = [("line", finding.line)]
    if end_line == finding.line:
        position += [("col", finding.column), ("endLine", end_line), ("endColumn", end_column)]
    else:
        position.append(("endLine", end_line))
    return position
