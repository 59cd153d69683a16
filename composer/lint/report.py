"""Showing findings: ruff/rustc-style text, JSON lines, and the count under `invite draft`.

Text goes through rich so it is coloured on a terminal and plain otherwise (rich honours
`NO_COLOR` and `FORCE_COLOR`); user text is always wrapped in `Text` objects, never parsed as
markup, so a note with `[Name]` in it prints as written.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Sequence
from typing import IO, TYPE_CHECKING

from composer.length import length_style, note_length
from composer.lint.findings import Finding, severity_rank

if TYPE_CHECKING:
    from rich.console import Console

SEVERITY_STYLE = {"error": "bold red", "warning": "bold yellow", "info": "bold cyan"}
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
#: Control characters a pasted note may carry (terminal escapes, bidi overrides) are shown, not obeyed:
#: C0 and DEL as their Unicode control pictures (␛ for ESC), C1 and bidi controls as �.
_VISIBLE = {code: 0x2400 + code for code in range(0x20) if code not in (0x09, 0x0A, 0x0D)}
_VISIBLE |= {0x7F: 0x2421} | {code: 0xFFFD for code in [*range(0x80, 0xA0), *range(0x202A, 0x202F), *range(0x2066, 0x206A)]}


def visible(text: str) -> str:
    """Text safe to print on a terminal: escape sequences and bidi overrides become visible symbols."""
    return text.translate(_VISIBLE)


def make_console(file: IO[str] | None = None) -> Console:
    """A console on stdout (or `file`): colour only on a terminal and never with NO_COLOR."""
    from rich.console import Console

    return Console(file=file or sys.stdout, highlight=False, soft_wrap=True, emoji=False)


def reaches(findings: Sequence[Finding], fail_on: str) -> bool:
    """Whether any finding is at or above the --fail-on severity."""
    threshold = severity_rank(fail_on)
    return any(severity_rank(f.severity) >= threshold for f in findings)


def json_line(key: str, label: object, text: str, limit: int, findings: Sequence[Finding]) -> str:
    """One note as the JSON object `invite lint --format json` prints per line."""
    record = {key: label, "length": note_length(text), "limit": limit, "findings": [f.to_dict() for f in findings]}
    return json.dumps(record, ensure_ascii=False)


def render_finding(console: Console, label: str, text: str, finding: Finding) -> None:
    """`path:line:col: severity[rule] message`, the line with the span underlined, and the hint."""
    from rich.cells import cell_len
    from rich.text import Text

    style = SEVERITY_STYLE[finding.severity]
    head = Text()
    head.append(f"{visible(label)}:{finding.line}:{finding.column}: ", style="bold")
    head.append(finding.severity, style=style)
    head.append(f"[{finding.rule}]", style=style)
    head.append(f" {visible(finding.message)}")
    lines = _LINE_BREAK.split(text)
    source = visible(lines[finding.line - 1].replace("\t", " ")) if finding.line - 1 < len(lines) else ""
    gutter = " " * len(str(finding.line))
    before = source[: finding.column - 1]
    span_text = text[finding.start : finding.end]
    span_first_line = _LINE_BREAK.split(span_text)[0] if span_text else ""
    width = max(1, cell_len(visible(span_first_line.replace("\t", " "))))
    console.print(  # one print per finding, not six: rich's per-call cost dominated batch text output
        head,
        Text(f"{gutter} |", style="blue"),
        Text(f"{finding.line} | ", style="blue") + Text(source),
        Text(f"{gutter} | ", style="blue") + Text(" " * cell_len(before) + "^" * width, style=style),
        Text(f"{gutter} = ", style="blue") + Text("hint: ", style="bold") + Text(visible(finding.hint)),
        "",
        sep="\n",
    )


def summary(findings: int, notes_with: int, notes: int) -> str:
    """`3 findings in 2 notes`, or that nothing was found."""
    if not findings:
        return f"no findings in {notes} note{'s' if notes != 1 else ''}"
    line = f"{findings} finding{'s' if findings != 1 else ''} in {notes_with} note{'s' if notes_with != 1 else ''}"
    return line + (f" ({notes} checked)" if notes != notes_with else "")


def print_draft_findings(text: str, findings: Sequence[Finding], limit: int, console: Console | None = None) -> None:
    """Under a fresh draft, on stderr: `143 / 200` and any findings."""
    from rich.text import Text

    console = console or make_console(sys.stderr)
    length = note_length(text)
    console.print(Text(f"{length} / {limit}", style=length_style(length, limit)) + Text(" characters"))
    if findings:
        console.print()
    for finding in findings:
        render_finding(console, "draft", text, finding)


def lint_draft(text: str, *, limit: int, fail_on: str = "warning", name: str | None = None) -> bool:
    """Lint a drafted note, show the count and findings on stderr; True when a finding reaches fail_on."""
    from composer.lint import lint_text

    findings = lint_text(text, limit=limit, name=name)
    print_draft_findings(text, findings, limit)
    return reaches(findings, fail_on)


def check_fail_on(value: str) -> str:
    """Validate --fail-on with a one-line usage error."""
    from composer.errors import UsageError
    from composer.lint.findings import SEVERITIES

    if value not in SEVERITIES:
        raise UsageError(f"unknown --fail-on {value!r}; use one of {', '.join(SEVERITIES)}")
    return value
