"""`invite lint` and `invite rules`: flags in, `composer.lint` does the work (reading the notes too), results out.

Exit codes: 0 when nothing reaches --fail-on, 1 when something does, 2 for a usage or input error
(a missing path is always an error, never linted as text). spaCy is only imported once there is a
note to lint, so `invite rules` stays fast.
"""

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Annotated, Any

import typer

from composer import output
from composer.commands.common import AccountOption, FailOnOption, FormatOption, LimitOption, check_format
from composer.config import load_config
from composer.errors import UsageError
from composer.exitcodes import ExitCode
from composer.settings import Settings

if TYPE_CHECKING:
    from composer.lint import Linted

RuleListOption = Annotated[
    str | None,
    typer.Option(metavar="RULES", help="Comma-separated rule ids (see `invite rules`).", show_default=False),
]


def lint(
    paths: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="FILE",
            help="Note files to lint, one note each; '-' (or no path with piped input) reads stdin.",
            show_default=False,
        ),
    ] = None,
    jsonl: Annotated[
        str | None,
        typer.Option(
            "--jsonl",
            metavar="FILE",
            help='Lint a batch: one {"id", "text"[, "name"]} per line; "-" reads stdin.',
            show_default=False,
        ),
    ] = None,
    format_: FormatOption = "text",
    select: RuleListOption = None,
    ignore: RuleListOption = None,
    fail_on: FailOnOption = None,
    account: AccountOption = None,
    limit: LimitOption = None,
    name: Annotated[
        str | None,
        typer.Option(
            "--name", metavar="NAME", help="The recipient's name; no-greeting then checks the note uses it.", show_default=False
        ),
    ] = None,
    jobs: Annotated[
        int,
        typer.Option("--jobs", metavar="N", help="Lint a --jsonl batch in N processes; output stays in input order."),
    ] = 1,
) -> None:
    """Lint connection notes: canned phrases, no specifics, length, placeholders, pitches and more."""
    from composer.lint import lint_inputs, select_rules

    check_format(format_)
    settings = Settings.from_flags(load_config(), limit=limit, account=account, fail_on=fail_on, select=select, ignore=ignore)
    fail_on, limit_value = settings.fail_on, settings.limit
    if jobs < 1:
        raise UsageError(f"--jobs must be at least 1, got {jobs}")
    if jobs > 1 and jsonl is None:
        raise UsageError("--jobs applies to a --jsonl batch")
    chosen = select_rules(settings.select, settings.ignore)
    with lint_inputs(list(paths or []), jsonl, name=name, limit=limit_value, rules=chosen, jobs=jobs) as (key, results):
        failed = _print_results(key, results, limit_value, fail_on, format_)
    if failed:
        raise typer.Exit(ExitCode.FINDINGS)


def _print_results(key: str, results: Iterator["Linted"], limit: int, fail_on: str, format_: str) -> bool:
    """Print each note's result as it comes (text, or one JSON line); whether any finding reaches --fail-on."""
    from composer.lint import json_line, print_findings, print_not_judged, reaches, summary

    console = output.console(stdout=True) if format_ == "text" else None
    failed = False
    total = notes_with = notes = not_judged = 0
    for label, text, findings, scores, language, judged, _hook in results:
        notes += 1
        total += len(findings)
        notes_with += bool(findings)
        not_judged += not judged
        failed = failed or reaches(findings, fail_on)
        if console is None:
            output.out(json_line(key, label, text, limit, findings, scores, language, judged))
            continue
        print_findings(console, str(label), text, findings)
        if not judged:
            print_not_judged(console, str(label), language, findings)
    if console is not None:
        console.print(summary(total, notes_with, notes, not_judged), style="bold" if total else None, markup=False)
    return failed


def rules(
    rule: Annotated[
        str | None, typer.Argument(metavar="RULE", help="A rule id to explain, with examples.", show_default=False)
    ] = None,
    format_: FormatOption = "text",
) -> None:
    """List the lint rules, or explain one with examples that fire and that pass."""
    from composer.lint import load_rules

    check_format(format_)
    known = load_rules()
    if rule is not None and rule not in known:
        raise UsageError(f"unknown rule {rule!r}; known rules: {', '.join(known)}")
    chosen = [known[rule]] if rule else list(known.values())
    if format_ == "json":
        for item in chosen:
            output.out(json.dumps(item.__dict__, ensure_ascii=False))
        return
    if rule is None:
        width = max(len(r.id) for r in chosen)
        for item in chosen:
            output.out(f"{item.id:<{width}}  {item.severity:<7}  {item.description}")
        return
    item = chosen[0]
    lines = [f"{item.id} ({item.severity})", "", item.description, "", f"Why: {item.why}", f"Hint: {item.hint}", "", "Fires on:"]
    lines += [line for example in item.fires for line in _example_lines(example)]
    lines += ["", "Passes:"]
    lines += [line for example in item.passes for line in _example_lines(example)]
    output.out("\n".join(lines))


def _example_lines(example: Any) -> list[str]:
    """A note rule's example is its text; a history or batch rule's lists the earlier notes or the batch too."""
    if not isinstance(example, dict):
        return [f"  - {json.dumps(example, ensure_ascii=False)}"]
    lines = []
    for key in ("history", "batch"):
        for entry in example.get(key, ()):
            lines.append(f"    {key}: {_describe(entry)}")
    if "note" in example:
        lines.append(f"    note:    {_describe(example['note'])}")
    lines[0] = "  - " + lines[0][4:]
    return lines


def _describe(entry: dict[str, Any]) -> str:
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
