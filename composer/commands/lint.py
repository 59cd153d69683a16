"""`invite lint` and `invite rules`: flags in, `composer.lint` does the work (reading the notes too), results out.

Exit codes: 0 when nothing reaches --fail-on, 1 when something does, 2 for a usage or input error
(a missing path is always an error, never linted as text). spaCy is only imported once there is a
note to lint, so `invite rules` stays fast. Formats: text and JSON lines, printed note by note;
GitHub Actions workflow commands, note by note too; one SARIF log at the end. `--fix` applies the
safe fixes to the note files first (saying on stderr what it changed), then reports what is left.
"""

import dataclasses
import json
from typing import Annotated

import typer

from composer import output
from composer.commands import complete
from composer.commands.common import AccountOption, FailOnOption, FormatOption, LimitOption, check_format
from composer.config import load_config
from composer.errors import UsageError
from composer.exitcodes import ExitCode
from composer.settings import Settings

RuleListOption = Annotated[
    str | None,
    typer.Option(
        metavar="RULES",
        help="Comma-separated rule ids (see `invite rules`).",
        show_default=False,
        autocompletion=complete.rule_list,
    ),
]
#: `invite lint --format`: the two of every command, and the two for CI.
LINT_FORMATS = ("text", "json", "github", "sarif")
LintFormatOption = Annotated[
    str,
    typer.Option(
        "--format",
        metavar="FORMAT",
        help="Output format: text, json (one object a note), github (GitHub Actions annotations) or sarif (SARIF 2.1.0).",
        autocompletion=complete.choices(LINT_FORMATS),
    ),
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
    format_: LintFormatOption = "text",
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
    fix: Annotated[
        bool,
        typer.Option(
            "--fix",
            help="Apply the safe fixes (invisible characters, doubled spaces, LinkedIn's default sentence where the note"
            " says more) to the note files in place, say what changed, then report what is left.",
        ),
    ] = False,
) -> None:
    """Lint connection notes: canned phrases, no specifics, length, placeholders, pitches and more."""
    from composer.lint import fix_files, lint_inputs, print_results, refuse_unfixable, select_rules

    check_format(format_, LINT_FORMATS)
    settings = Settings.from_flags(load_config(), limit=limit, account=account, fail_on=fail_on, select=select, ignore=ignore)
    files, config, limit_value = list(paths or []), settings.config.lint, settings.limit
    if jobs < 1:
        raise UsageError(f"--jobs must be at least 1, got {jobs}")
    if jobs > 1 and jsonl is None:
        raise UsageError("--jobs applies to a --jsonl batch")
    chosen = select_rules(settings.select, settings.ignore)
    if fix:
        refuse_unfixable(files, jsonl)
        fix_files(files, limit=limit_value, rules=chosen, name=name, config=config)
    with lint_inputs(files, jsonl, name=name, limit=limit_value, rules=chosen, jobs=jobs, config=config) as linting:
        failed = print_results(linting, format_, limit=limit_value, fail_on=settings.fail_on, rules=chosen, batch=jsonl)
    if failed:
        raise typer.Exit(ExitCode.FINDINGS)


def rules(
    rule: Annotated[
        str | None,
        typer.Argument(
            metavar="RULE", help="A rule id to explain, with examples.", show_default=False, autocompletion=complete.rule
        ),
    ] = None,
    format_: FormatOption = "text",
) -> None:
    """List the lint rules, or explain one with examples that fire and that pass."""
    from composer.lint import explain_rule, load_rules

    check_format(format_)
    known = load_rules()
    if rule is not None and rule not in known:
        raise UsageError(f"unknown rule {rule!r}; known rules: {', '.join(known)}")
    chosen = [known[rule]] if rule else list(known.values())
    if format_ == "json":
        for item in chosen:
            output.out(json.dumps(dataclasses.asdict(item), ensure_ascii=False))
        return
    if rule is None:
        width = max(len(r.id) for r in chosen)
        for item in chosen:
            output.out(f"{item.id:<{width}}  {item.severity:<7}  {item.description}")
        return
    output.out(explain_rule(chosen[0]))


def lsp() -> None:
    """Run the language server for editors (LSP on stdin and stdout): lint notes and check templates as you type."""
    from composer.lsp import serve

    raise typer.Exit(serve())
