"""`invite lint` and `invite rules`: a thin layer over `composer.lint`.

Exit codes: 0 when nothing reaches --fail-on, 1 when something does, 2 for a usage or input error
(a missing path is always an error, never linted as text). spaCy is only imported once there is a
note to lint, so `invite rules` stays fast.
"""

import io
import json
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Annotated, Any, BinaryIO, cast

import typer

from composer import output
from composer.commands.common import AccountOption, FailOnOption, FormatOption, LimitOption, check_format
from composer.config import load_config
from composer.errors import InputError, UsageError
from composer.exitcodes import ExitCode
from composer.fileio import decode, open_input, read_capped
from composer.output import unicode_safe
from composer.settings import Settings

STDIN = "-"
STDIN_LABEL = "<stdin>"
#: Longer than this is not a note (LinkedIn allows 300); refused rather than fed to spaCy (1,000,000 at most).
MAX_NOTE_CHARS = 100_000
#: A note file (or one JSONL line) is read up to this many bytes: the longest note in UTF-8, and a little more.
MAX_NOTE_BYTES = 4 * MAX_NOTE_CHARS + 1024

Item = tuple[Any, str, str | None]

RuleListOption = Annotated[
    str | None,
    typer.Option(metavar="RULES", help="Comma-separated rule ids (see `invite rules`).", show_default=False),
]


def _stdin_is_tty() -> bool:
    return sys.stdin is None or sys.stdin.isatty()


def _stdin_bytes() -> BinaryIO:
    """stdin as bytes; a closed stdin (`invite lint - <&-`) is an input error."""
    stream = sys.stdin
    if stream is None or getattr(stream, "invite_closed", False):
        raise InputError("stdin is closed: pipe a note in, or name a file")
    buffer = getattr(stream, "buffer", None)
    return buffer if buffer is not None else io.BytesIO(stream.read().encode("utf-8"))


def _strip_final_newline(text: str) -> str:
    """A file's final end-of-line is not part of the note."""
    if text.endswith("\r\n"):
        return text[:-2]
    return text[:-1] if text.endswith(("\n", "\r")) else text


def _read_note(path: str) -> tuple[str, str]:
    """One note: stdin or a file, read up to MAX_NOTE_BYTES (so /dev/zero or a log file is refused, not read whole)."""
    if path == STDIN:
        return STDIN_LABEL, _strip_final_newline(
            decode(read_capped(_stdin_bytes(), STDIN_LABEL, MAX_NOTE_BYTES, "note"), STDIN_LABEL)
        )
    with open_input(Path(path)) as handle:
        data = read_capped(handle, path, MAX_NOTE_BYTES, "note")
    return path, _strip_final_newline(decode(data, path))


def _check_size(label: str, text: str) -> None:
    if len(text) > MAX_NOTE_CHARS:
        raise InputError(
            f"{label}: {len(text):,} characters is too long to be a note; "
            f"the linter reads up to {MAX_NOTE_CHARS:,} (LinkedIn allows 300)"
        )


def jsonl_items(stream: BinaryIO, label: str, default_name: str | None) -> Iterator[Item]:
    """A batch, streamed: one `{"id", "text"[, "name"]}` object a line; blank lines are skipped.

    Lines end at "\\n" only (a raw U+2028 inside a JSON string is text, as JSON says), and no line is
    read past MAX_NOTE_BYTES, so a huge file or /dev/zero is refused, not swallowed.
    """
    number = 0
    while True:
        try:
            raw = stream.readline(MAX_NOTE_BYTES + 1)
        except OSError as exc:
            raise InputError(f"{label}: cannot read: {exc.strerror or exc}") from None
        if not raw:
            return
        number += 1
        where = f"{label}:{number}"
        if len(raw) > MAX_NOTE_BYTES:
            raise InputError(f"{where}: longer than {MAX_NOTE_BYTES:,} bytes; too long to hold a note")
        line = decode(raw, where)
        if line.strip():
            yield _record(json_line_object(line, where), where, number, default_name)


def json_line_object(line: str, where: str) -> Any:
    try:
        return json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(f"{where}: not valid JSON ({exc.msg} at column {exc.colno})") from None
    except (ValueError, RecursionError) as exc:  # a 5,000-digit number; nesting deeper than Python's stack
        raise InputError(f"{where}: unusable JSON ({str(exc)[:80] or type(exc).__name__})") from None


def _record(record: Any, where: str, number: int, default_name: str | None) -> Item:
    if not isinstance(record, dict):
        raise InputError(f'{where}: expected an object like {{"id": "n1", "text": "..."}}')
    note = record.get("text")
    if not isinstance(note, str):
        raise InputError(f'{where}: "text" must be a string')
    _check_size(where, note)
    item_id = record.get("id", number)
    if not isinstance(item_id, str | int) or isinstance(item_id, bool):
        raise InputError(f'{where}: "id" must be a string or a number')
    if isinstance(item_id, int) and item_id.bit_length() > 64:
        raise InputError(f'{where}: "id" is too large a number; use a string')
    name = record.get("name", default_name)
    if name is not None and not isinstance(name, str):
        raise InputError(f'{where}: "name" must be a string')
    clean_id = unicode_safe(item_id) if isinstance(item_id, str) else item_id
    return clean_id, unicode_safe(note), unicode_safe(name) if name is not None else None


@contextmanager
def _jsonl_source(jsonl: str) -> Iterator[tuple[BinaryIO, str]]:
    """The batch as a seekable stream: the file, or stdin spooled (to memory, then disk) so it can be read twice."""
    if jsonl != STDIN:
        with open_input(Path(jsonl)) as handle:
            yield handle, jsonl
        return
    with tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024) as spool:
        shutil.copyfileobj(_stdin_bytes(), spool)
        spool.seek(0)
        yield cast(BinaryIO, spool), STDIN_LABEL


def _validated_batch(stream: BinaryIO, label: str, name: str | None) -> tuple[int, Iterator[Item]]:
    """Check every line first (one pass, nothing kept), then stream the notes: a bad line stops the run before any output."""
    if b"\x00" in stream.read(8192):
        raise InputError(f"{label}: looks like a binary file, not a text note")
    stream.seek(0)
    count = sum(1 for _ in jsonl_items(stream, label, name))
    stream.seek(0)
    return count, jsonl_items(stream, label, name)


def _note_items(paths: list[str], name: str | None) -> list[Item]:
    """Note files (or stdin), read up front, so a bad path stops the run before any output."""
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
        items.append((label, text, unicode_safe(name) if name is not None else None))
    return items


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
    from composer.lint import select_rules

    check_format(format_)
    settings = Settings.from_flags(load_config(), limit=limit, account=account, fail_on=fail_on, select=select, ignore=ignore)
    fail_on, limit_value = settings.fail_on, settings.limit
    if jobs < 1:
        raise UsageError(f"--jobs must be at least 1, got {jobs}")
    if jobs > 1 and jsonl is None:
        raise UsageError("--jobs applies to a --jsonl batch")
    chosen = select_rules(settings.select, settings.ignore)
    if jsonl is not None and paths:
        raise UsageError("give either note files or --jsonl, not both")
    with ExitStack() as stack:
        if jsonl is None:
            key, items = "path", _note_items(list(paths or []), name)
            count: int = len(items)
            stream: Iterator[Item] = iter(items)
        else:
            key = "id"
            count, stream = _validated_batch(*stack.enter_context(_jsonl_source(jsonl)), name)
        _lint_stream(key, stream, count, limit_value, chosen, jobs, fail_on, format_)


def _lint_stream(
    key: str, items: Iterator[Item], count: int, limit: int, chosen: list[str], jobs: int, fail_on: str, format_: str
) -> None:
    """Lint the notes as they stream in, print each result as it comes, and end with the exit code."""
    from composer.lint import DEFAULT_BATCH_SIZE, lint_results
    from composer.lint.report import json_line, print_findings, reaches, summary
    from composer.lint.workers import stoppable_workers

    n_process = max(1, min(jobs, count))
    batch_size = max(1, min(DEFAULT_BATCH_SIZE, -(-count // n_process)))  # every worker gets notes

    console = output.console(stdout=True) if format_ == "text" else None
    failed = False
    total = notes_with = notes = 0
    results = lint_results(items, limit=limit, select=chosen, batch_size=batch_size, n_process=n_process)
    with stoppable_workers(results, n_process > 1):  # Ctrl-C or `| head` must not hang on the workers
        for label, text, findings, scores, language in results:
            notes += 1
            total += len(findings)
            notes_with += bool(findings)
            failed = failed or reaches(findings, fail_on)
            if console is None:
                output.out(json_line(key, label, text, limit, findings, scores, language))
                continue
            print_findings(console, str(label), text, findings)
    if console is not None:
        console.print(summary(total, notes_with, notes), style="bold" if total else None, markup=False)
    if failed:
        raise typer.Exit(ExitCode.FINDINGS)


def rules(
    rule: Annotated[
        str | None, typer.Argument(metavar="RULE", help="A rule id to explain, with examples.", show_default=False)
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
