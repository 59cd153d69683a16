"""Showing findings, the one way: ruff/rustc-style text, JSON lines, and the count under a draft.

`invite lint`, the draft (its panel and its non-interactive ending) and `templates check` all format
findings here, with one colour map. Text goes through a rich console made by `composer.output`, so
it is coloured on a terminal and plain otherwise (rich honours `NO_COLOR` and `FORCE_COLOR`); user
text is always wrapped in `Text` objects, never parsed as markup, so a note with `[Name]` in it
prints as written, and control characters are shown, never obeyed (`output.visible`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence

from rich.cells import cell_len
from rich.console import Console, Group, RenderableType
from rich.text import Text

from composer.length import length_style, note_length
from composer.lint.calibration import calibrate
from composer.lint.findings import Finding, severity_rank
from composer.output import visible

#: The one colour map for severities, wherever a finding is shown.
SEVERITY_STYLE = {"error": "bold red", "warning": "bold yellow", "info": "bold cyan"}
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def reaches(findings: Sequence[Finding], fail_on: str) -> bool:
    """Whether any finding is at or above the --fail-on severity."""
    threshold = severity_rank(fail_on)
    return any(severity_rank(f.severity) >= threshold for f in findings)


def json_line(
    key: str,
    label: object,
    text: str,
    limit: int,
    findings: Sequence[Finding],
    scores: Mapping[str, float] | None = None,
    language: str | None = None,
    judged: bool | None = None,
) -> str:
    """One note as the JSON object `invite lint --format json` prints per line.

    `scores` are the classifier's raw scores; they are printed calibrated (`composer.lint.calibration`:
    read as probabilities on real notes), rounded to 3 places, so a script can apply thresholds of its own.
    `judged` false: the note's language is not judged for generic wording and pitches (unknown, not clean).
    """
    record: dict[str, object] = {key: label, "length": note_length(text), "limit": limit}
    if language is not None:
        record["language"] = language
    if judged is not None:
        record["judged"] = judged
    if scores is not None:
        record["scores"] = {label: round(score, 3) for label, score in calibrate(scores).items()}
    record["findings"] = [f.to_dict() for f in findings]
    return jsonl_safe(json.dumps(record, ensure_ascii=False))


#: Characters JSON allows raw in strings but that some line readers take as line breaks (Python's splitlines).
_LINE_SEPARATORS = {0x2028: "\\u2028", 0x2029: "\\u2029", 0x85: "\\u0085", 0x0B: "\\u000b", 0x0C: "\\u000c"}


def jsonl_safe(line: str) -> str:
    """A JSON text that stays one line for every reader: line-like characters inside strings are escaped."""
    return line.translate(_LINE_SEPARATORS)


def describe(finding: Finding) -> str:
    """One line: the message, the words it is about (when the message does not quote them) and the rule id."""
    quoted = finding.excerpt and finding.excerpt not in finding.message
    excerpt = f" ({visible(finding.excerpt)!r})" if quoted else ""
    return f"{visible(finding.message)}{excerpt} [{finding.rule}]"


def format_finding(label: str, text: str, finding: Finding) -> RenderableType:
    """`label:line:col: severity[rule] message`, the line with the span underlined, and the hint."""
    style = SEVERITY_STYLE.get(finding.severity, "bold")
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
    return Group(
        head,
        Text(f"{gutter} |", style="blue"),
        Text(f"{finding.line} | ", style="blue") + Text(source),
        Text(f"{gutter} | ", style="blue") + Text(" " * cell_len(before) + "^" * width, style=style),
        Text(f"{gutter} = ", style="blue") + Text("hint: ", style="bold") + Text(visible(finding.hint)),
        Text(""),
    )


def print_findings(console: Console, label: str, text: str, findings: Sequence[Finding]) -> None:
    """Every finding of one note, formatted; one console.print for all (rich's per-call cost dominates batches)."""
    if findings:
        console.print(*(format_finding(label, text, f) for f in findings), sep="\n", soft_wrap=True)


def count_line(text: str, limit: int) -> RenderableType:
    """`143 / 200 characters`, coloured by the room left."""
    length = note_length(text)
    return Text(f"{length} / {limit}", style=length_style(length, limit)) + Text(" characters")


def summary(findings: int, notes_with: int, notes: int, not_judged: int = 0) -> str:
    """`3 findings in 2 notes`, or that nothing was found; and how many notes were not judged (language)."""
    if not findings:
        line = f"no findings in {notes} note{'s' if notes != 1 else ''}"
    else:
        line = f"{findings} finding{'s' if findings != 1 else ''} in {notes_with} note{'s' if notes_with != 1 else ''}"
        line += f" ({notes} checked)" if notes != notes_with else ""
    return line + (f"; {not_judged} note{'s' if not_judged != 1 else ''} not judged (language)" if not_judged else "")


def print_not_judged(console: Console, label: str, language: str, findings: Sequence[Finding]) -> None:
    """`label: not judged: written in Polish`, once per note, unless its `not-english` finding already says so."""
    from composer.lint.language import not_judged_reason

    if not any(f.rule == "not-english" for f in findings):
        console.print(Text(f"{visible(label)}: ", style="bold") + Text(not_judged_reason(language)), soft_wrap=True)
