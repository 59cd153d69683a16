"""`invite lint` and `invite rules`: a thin layer over `composer.lint`.

Exit codes: 0 when nothing reaches --fail-on, 1 when something does, 2 for a usage or input error
(a missing path is always an error, never linted as text). spaCy is only imported once there is a
note to lint, so `invite rules` stays fast.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from composer import output
from composer.commands.common import AccountOption, FailOnOption, FormatOption, LimitOption, check_format, fail_on_level
from composer.config import load_config, resolve_limit
from composer.errors import EXIT_FINDINGS, InputError, UsageError
from composer.fileio import decode, read_text

STDIN = "-"
STDIN_LABEL = "<stdin>"
#: Longer than this is not a note (LinkedIn allows 300); refused rather than fed to spaCy (1,000,000 at most).
MAX_NOTE_CHARS = 100_000

RuleListOption = Annotated[
    str | None,
    typer.Option(metavar="RULES", help="Comma-separated rule ids (see `invite rules`).", show_default=False),
]


def _stdin_is_tty() -> bool:
    return sys.stdin is None or sys.stdin.isatty()


def _read_stdin() -> str:
    stream = getattr(sys.stdin, "buffer", None)
    data = stream.read() if stream is not None else sys.stdin.read().encode("utf-8")
    return decode(data, STDIN_LABEL)


def _strip_final_newline(text: str) -> str:
    """A file's final end-of-line is not part of the note."""
    if text.endswith("\r\n"):
        return text[:-2]
    return text[:-1] if text.endswith(("\n", "\r")) else text


def _read_note(path: str) -> tuple[str, str]:
    if path == STDIN:
        return STDIN_LABEL, _strip_final_newline(_read_stdin())
    return path, _strip_final_newline(read_text(Path(path), "file"))


def _check_size(label: str, text: str) -> None:
    if len(text) > MAX_NOTE_CHARS:
        raise InputError(
            f"{label}: {len(text):,} characters is too long to be a note; "
            f"the linter reads up to {MAX_NOTE_CHARS:,} (LinkedIn allows 300)"
        )


def parse_jsonl(text: str, label: str, default_name: str | None) -> list[tuple[Any, str, str | None]]:
    """A batch: one `{"id", "text"[, "name"]}` object a line; blank lines are skipped."""
    items = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{label}:{number}: not valid JSON ({exc.msg} at column {exc.colno})") from None
        if not isinstance(record, dict):
            raise InputError(f'{label}:{number}: expected an object like {{"id": "n1", "text": "..."}}')
        note = record.get("text")
        if not isinstance(note, str):
            raise InputError(f'{label}:{number}: "text" must be a string')
        _check_size(f"{label}:{number}", note)
        item_id = record.get("id", number)
        if not isinstance(item_id, str | int) or isinstance(item_id, bool):
            raise InputError(f'{label}:{number}: "id" must be a string or a number')
        name = record.get("name", default_name)
        if name is not None and not isinstance(name, str):
            raise InputError(f'{label}:{number}: "name" must be a string')
        items.append((item_id, note, name))
    return items


def _collect(paths: list[str], jsonl: str | None, name: str | None) -> tuple[str, list[tuple[Any, str, str | None]]]:
    """Read every input up front, so a bad path or line stops the run before any output."""
    if jsonl is not None:
        if paths:
            raise UsageError("give either note files or --jsonl, not both")
        if jsonl == STDIN:
            return "id", parse_jsonl(_read_stdin(), STDIN_LABEL, name)
        return "id", parse_jsonl(read_text(Path(jsonl), "file"), jsonl, name)
    if not paths:
        if _stdin_is_tty():
            raise UsageError("no note to lint: give a file, `-` for stdin, or pipe text in (e.g. `invite lint note.txt`)")
        paths = [STDIN]
    if paths.count(STDIN) > 1:
        raise UsageError("stdin ('-') can only be read once")
    items = []
    for path in paths:
        label, text = _read_note(path)
        _check_size(label, text)
        items.append((label, text, name))
    return "path", items


def lint(
    paths: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[FILE]...",
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
    from composer.lint import DEFAULT_BATCH_SIZE, lint_results, select_rules
    from composer.lint.report import json_line, print_findings, reaches, summary
    from composer.lint.workers import stoppable_workers

    check_format(format_)
    config = load_config()
    fail_on = fail_on_level(fail_on, config)
    if jobs < 1:
        raise UsageError(f"--jobs must be at least 1, got {jobs}")
    if jobs > 1 and jsonl is None:
        raise UsageError("--jobs applies to a --jsonl batch")
    limit_value = resolve_limit(limit, account, config)
    chosen = select_rules(
        select if select is not None else config.lint.select, ignore if ignore is not None else config.lint.ignore
    )
    key, items = _collect(list(paths or []), jsonl, name)
    n_process = max(1, min(jobs, len(items)))
    batch_size = max(1, min(DEFAULT_BATCH_SIZE, -(-len(items) // n_process)))  # every worker gets notes

    console = output.console(stdout=True) if format_ == "text" else None
    failed = False
    total = notes_with = notes = 0
    results = lint_results(items, limit=limit_value, select=chosen, batch_size=batch_size, n_process=n_process)
    with stoppable_workers(results, n_process > 1):  # Ctrl-C or `| head` must not hang on the workers
        for label, text, findings, scores, language in results:
            notes += 1
            total += len(findings)
            notes_with += bool(findings)
            failed = failed or reaches(findings, fail_on)
            if console is None:
                output.out(json_line(key, label, text, limit_value, findings, scores, language))
                continue
            print_findings(console, str(label), text, findings)
    if console is not None:
        console.print(summary(total, notes_with, notes), style="bold" if total else None, markup=False)
    if failed:
        raise typer.Exit(EXIT_FINDINGS)


def rules(
    rule: Annotated[
        str | None, typer.Argument(metavar="[RULE]", help="A rule id to explain, with examples.", show_default=False)
    ] = None,
    format_: FormatOption = "text",
) -> None:
    """List the lint rules, or explain one with examples that fire and that pass."""
    from composer.lint.catalog import load_rules

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
    lines += [f"  - {json.dumps(example, ensure_ascii=False)}" for example in item.fires]
    lines += ["", "Passes:"]
    lines += [f"  - {json.dumps(example, ensure_ascii=False)}" for example in item.passes]
    output.out("\n".join(lines))
