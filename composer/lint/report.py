"""Showing findings, the one way: ruff/rustc-style text, JSON lines, and the count under a draft.

`invite lint`, the draft (its panel and its non-interactive ending) and `templates check` all format
findings here, with one colour map; `invite rules RULE` its explanation of a rule. Text goes through
a rich console made by `composer.output`, so it is coloured on a terminal and plain otherwise (rich
honours `NO_COLOR` and `FORCE_COLOR`); user text is always wrapped in `Text` objects, never parsed as
markup, so a note with `[Name]` in it prints as written, and control characters are shown, never
obeyed (`output.visible`).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from rich.cells import cell_len
from rich.console import Console, Group, RenderableType
from rich.text import Text

from composer.length import length_style, note_length
from composer.lint.calibration import calibrate
from composer.lint.catalog import Rule
from composer.lint.findings import Finding, Suppressed, severity_rank
from composer.output import visible

#: The one colour map for severities, wherever a finding is shown.
SEVERITY_STYLE = {"error": "bold red", "warning": "bold yellow", "info": "bold cyan"}


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
    suppressed: Sequence[Suppressed] = (),
) -> str:
    """One note as the JSON object `invite lint --format json` prints per line.

    `scores` are the classifier's raw scores; they are printed calibrated (`composer.lint.calibration`:
    read as probabilities on real notes), rounded to 3 places, so a script can apply thresholds of its own.
    `judged` false: the note's language is not judged for generic wording and pitches (unknown, not clean).
    `suppressed` (only when there are any): the findings the user's settings silenced, with `suppressed_by`.
    """
    record: dict[str, object] = {key: label, "length": note_length(text), "limit": limit}
    if language is not None:
        record["language"] = language
    if judged is not None:
        record["judged"] = judged
    if scores is not None:
        record["scores"] = {label: round(score, 3) for label, score in calibrate(scores).items()}
    record["findings"] = [f.to_dict() for f in findings]
    if suppressed:
        record["suppressed"] = [item.to_dict() for item in suppressed]
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


#: A line up to this long is shown whole under its finding (every LinkedIn note is); a longer one only
#: around the finding, this many characters either side, so each finding prints a bounded amount and a
#: long note with thousands of findings costs linear time, not its length for every finding.
WHOLE_LINE, AROUND = 400, 60
_BREAK_CHAR = re.compile(r"[\r\n]")


def _shown(text: str, finding: Finding) -> tuple[str, str, str]:
    """(the part of the finding's line before its span, the span's first line, the rest), trimmed to a window.

    Finds the line from the finding's column, and looks no further than the window for its end.
    """
    line_start = finding.start - (finding.column - 1)
    limit = min(len(text), line_start + WHOLE_LINE + 1)
    end = _BREAK_CHAR.search(text, finding.start, limit)
    line_end = end.start() if end else limit
    if line_end - line_start <= WHOLE_LINE:
        span_end = max(finding.start, min(finding.end, line_end))
        return text[line_start : finding.start], text[finding.start : span_end], text[span_end:line_end]
    window_start = max(line_start, finding.start - AROUND)
    reach = min(len(text), finding.start + AROUND + min(max(finding.end - finding.start, 0), AROUND))
    end = _BREAK_CHAR.search(text, finding.start, min(len(text), reach + 1))
    window_end = end.start() if end else reach
    span_end = max(finding.start, min(finding.end, window_end))
    before = ("…" if window_start > line_start else "") + text[window_start : finding.start]
    after = text[span_end:window_end] + ("…" if end is None and window_end < len(text) else "")
    return before, text[finding.start : span_end], after


def _plain(text: str) -> str:
    return visible(text.replace("\t", " "))


def format_finding(label: str, text: str, finding: Finding) -> RenderableType:
    """`label:line:col: severity[rule] message`, the line with the span underlined, and the hint."""
    style = SEVERITY_STYLE.get(finding.severity, "bold")
    head = Text()
    head.append(f"{visible(label)}:{finding.line}:{finding.column}: ", style="bold")
    head.append(finding.severity, style=style)
    head.append(f"[{finding.rule}]", style=style)
    head.append(f" {visible(finding.message)}")
    before, span, after = (_plain(part) for part in _shown(text, finding))
    gutter = " " * len(str(finding.line))
    width = max(1, cell_len(span))
    return Group(
        head,
        Text(f"{gutter} |", style="blue"),
        Text(f"{finding.line} | ", style="blue") + Text(before + span + after),
        Text(f"{gutter} | ", style="blue") + Text(" " * cell_len(before) + "^" * width, style=style),
        Text(f"{gutter} = ", style="blue") + Text("hint: ", style="bold") + Text(visible(finding.hint)),
        Text(""),
    )


#: Findings of one rule shown per note; the rest are counted in one line (JSON lists every one). A real
#: note has a handful; a pasted file of 24,000 e-mail addresses should not print 24,000 blocks.
SHOWN_PER_RULE = 20


def print_findings(console: Console, label: str, text: str, findings: Sequence[Finding]) -> None:
    """The findings of one note, formatted, at most SHOWN_PER_RULE of a rule; one console.print for all
    (rich's per-call cost dominates batches)."""
    shown: list[RenderableType] = []
    per_rule: Counter[str] = Counter()
    for finding in findings:
        per_rule[finding.rule] += 1
        if per_rule[finding.rule] <= SHOWN_PER_RULE:
            shown.append(format_finding(label, text, finding))
    for rule, count in per_rule.items():
        if count > SHOWN_PER_RULE:
            more = count - SHOWN_PER_RULE
            line = f"{visible(label)}: {more:,} more [{rule}] finding{'s' if more != 1 else ''} not shown"
            shown.append(Text(line + " (--format json lists every one)\n", style="bold"))
    if shown:
        console.print(*shown, sep="\n", soft_wrap=True)


def count_line(text: str, limit: int) -> RenderableType:
    """`143 / 200 characters`, coloured by the room left."""
    length = note_length(text)
    return Text(f"{length} / {limit}", style=length_style(length, limit)) + Text(" characters")


def summary(findings: int, notes_with: int, notes: int, not_judged: int = 0, suppressed: str = "") -> str:
    """`3 findings in 2 notes`, or that nothing was found; how many notes were not judged (language), and what
    the user's settings suppressed (`suppress.suppressed_line`)."""
    if not findings:
        line = f"no findings in {notes} note{'s' if notes != 1 else ''}"
    else:
        line = f"{findings} finding{'s' if findings != 1 else ''} in {notes_with} note{'s' if notes_with != 1 else ''}"
        line += f" ({notes} checked)" if notes != notes_with else ""
    line += f"; {not_judged} note{'s' if not_judged != 1 else ''} not judged (language)" if not_judged else ""
    return line + (f"; {suppressed}" if suppressed else "")


def print_not_judged(console: Console, label: str, language: str, findings: Sequence[Finding]) -> None:
    """`label: not judged: written in Polish`, once per note, unless its `not-english` finding already says so."""
    from composer.lint.language import not_judged_reason

    if not any(f.rule == "not-english" for f in findings):
        console.print(Text(f"{visible(label)}: ", style="bold") + Text(not_judged_reason(language)), soft_wrap=True)


def explain_rule(rule: Rule) -> str:
    """`invite rules RULE`: the rule, why it matters, its hint, and the examples that fire and that pass."""
    lines = [f"{rule.id} ({rule.severity})", "", rule.description, "", f"Why: {rule.why}", f"Hint: {rule.hint}", "", "Fires on:"]
    lines += [line for example in rule.fires for line in _example_lines(example)]
    lines += ["", "Passes:"]
    lines += [line for example in rule.passes for line in _example_lines(example)]
    return "\n".join(lines)


def _example_lines(example: Any) -> list[str]:
    """A note rule's example is its text; a history or batch rule's lists the earlier notes or the batch too."""
    if not isinstance(example, dict):
        return [f"  - {json.dumps(example, ensure_ascii=False)}"]
    lines = []
    for key in ("history", "batch"):
        for entry in example.get(key, ()):
            lines.append(f"    {key}: {_example_note(entry)}")
    if "note" in example:
        lines.append(f"    note:    {_example_note(example['note'])}")
    lines[0] = "  - " + lines[0][4:]
    return lines


def _example_note(entry: dict[str, Any]) -> str:
    """`Ana Lima <url>, 12 days ago, x5, premium: "text"` for one example note."""
    parts = [" ".join(str(entry[k]) for k in ("recipient", "profile_url") if entry.get(k))]
    if entry.get("company"):
        parts[0] += f" ({entry['company']})"
    if "days_ago" in entry:
        parts.append("today" if entry["days_ago"] == 0 else f"{entry['days_ago']} days ago")
    if entry.get("times", 1) != 1:
        parts.append(f"x{entry['times']}")
    if entry.get("account"):
        parts.append(str(entry["account"]))
    where = ", ".join(p for p in parts if p)
    return f"{where}: {json.dumps(entry.get('text', ''), ensure_ascii=False)}" if where else json.dumps(entry.get("text", ""))
