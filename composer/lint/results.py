"""`invite lint`'s results printed in the chosen format, note by note as they come, on stdout.

Text (`report`'s formatter, with the summary line at the end), JSON lines and GitHub Actions
workflow commands (`github`) are printed as each note is linted, so a long batch streams; a SARIF
log (`sarif`) is one document, printed once every note is in. Findings are already at the severity
the config gives their rule, and those it silenced apart (`inputs`, `suppress`).
"""

from __future__ import annotations

import json

from composer import output
from composer.lint.findings import Suppressed
from composer.lint.github import github_lines
from composer.lint.inputs import Linting
from composer.lint.report import json_line, print_findings, print_not_judged, reaches, summary
from composer.lint.sarif import SarifLog
from composer.lint.suppress import suppressed_line


def print_results(
    linting: Linting,
    format_: str,
    *,
    limit: int,
    fail_on: str,
    rules: list[str],
    batch: str | None = None,
) -> bool:
    """Print every note's result; whether any finding reaches `fail_on` (the command exits 1 then).

    `linting.key` is what the JSON calls a note's label (`path`, or `id` in a `--jsonl` batch, whose file is `batch`).
    Findings the user's settings silenced are counted in the text summary, listed in JSON, suppressed in SARIF.
    """
    console = output.console(stdout=True) if format_ == "text" else None
    sarif = SarifLog(rules, batch=batch, severity=linting.policy.severity) if format_ == "sarif" else None
    failed = False
    total = notes_with = notes = not_judged = 0
    suppressed: list[Suppressed] = []
    for result in linting.results:
        label, text, findings, silenced = result.id, result.text, result.findings, result.suppressed
        notes += 1
        total += len(findings)
        notes_with += bool(findings)
        not_judged += not result.judged
        suppressed += silenced
        failed = failed or reaches(findings, fail_on)
        if format_ == "json":
            scores, language, judged = result.scores, result.language, result.judged
            output.out(json_line(linting.key, label, text, limit, findings, scores, language, judged, silenced))
        elif format_ == "github":
            for line in github_lines(label, text, findings, batch=batch):
                output.out(line)
        elif sarif is not None:
            sarif.add(label, text, findings, silenced)
        elif console is not None:
            print_findings(console, str(label), text, findings)
            if not result.judged:
                print_not_judged(console, str(label), result.language, findings)
    if console is not None:
        line = summary(total, notes_with, notes, not_judged, suppressed_line(suppressed))
        console.print(line, style="bold" if total else None, markup=False)
    if sarif is not None:
        output.out(json.dumps(sarif.document(), indent=2, ensure_ascii=False))
    return failed
