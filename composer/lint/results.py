"""`invite lint`'s results printed in the chosen format, note by note as they come, on stdout.

Text (`report`'s formatter, with the summary line at the end), JSON lines and GitHub Actions
workflow commands (`github`) are printed as each note is linted, so a long batch streams; a SARIF
log (`sarif`) is one document, printed once every note is in.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from composer import output
from composer.lint.findings import Linted
from composer.lint.github import github_lines
from composer.lint.report import json_line, print_findings, print_not_judged, reaches, summary
from composer.lint.sarif import SarifLog


def print_results(
    key: str,
    results: Iterable[Linted],
    format_: str,
    *,
    limit: int,
    fail_on: str,
    rules: list[str],
    batch: str | None = None,
) -> bool:
    """Print every note's result; whether any finding reaches `fail_on` (the command exits 1 then).

    `key` is what the JSON calls a note's label (`path`, or `id` in a `--jsonl` batch, whose file is `batch`).
    """
    console = output.console(stdout=True) if format_ == "text" else None
    sarif = SarifLog(rules, batch=batch) if format_ == "sarif" else None
    failed = False
    total = notes_with = notes = not_judged = 0
    for label, text, findings, scores, language, judged, _hook in results:
        notes += 1
        total += len(findings)
        notes_with += bool(findings)
        not_judged += not judged
        failed = failed or reaches(findings, fail_on)
        if format_ == "json":
            output.out(json_line(key, label, text, limit, findings, scores, language, judged))
        elif format_ == "github":
            for line in github_lines(label, text, findings, batch=batch):
                output.out(line)
        elif sarif is not None:
            sarif.add(label, text, findings)
        elif console is not None:
            print_findings(console, str(label), text, findings)
            if not judged:
                print_not_judged(console, str(label), language, findings)
    if console is not None:
        console.print(summary(total, notes_with, notes, not_judged), style="bold" if total else None, markup=False)
    if sarif is not None:
        output.out(json.dumps(sarif.document(), indent=2, ensure_ascii=False))
    return failed
