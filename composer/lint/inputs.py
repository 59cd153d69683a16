"""What `invite lint` reads: note files, stdin, or a JSONL batch, checked before any note is linted.

Every note is read with a cap (`MAX_NOTE_BYTES`), so /dev/zero or a log file is refused in one line,
not read whole; a batch is validated line by line first (one pass, nothing kept), then streamed, so
a bad line stops the run before any output. `lint_inputs` then lints what was read, in `jobs`
worker processes when asked, with the workers stopped cleanly on Ctrl-C or an early end, and hands
out each note's findings as the config sets them (`suppress`).
"""

from __future__ import annotations

import io
import json
import shutil
import sys
import tempfile
from collections.abc import Generator, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple, cast

from composer.config import LintDefaults
from composer.errors import InputError, UsageError
from composer.fileio import decode, open_input, read_capped
from composer.lint.api import lint_results
from composer.lint.findings import Linted
from composer.lint.keys import DEFAULT_BATCH_SIZE
from composer.lint.suppress import Policy
from composer.lint.workers import stoppable_workers
from composer.output import unicode_safe

STDIN = "-"
STDIN_LABEL = "<stdin>"
#: Longer than this is not a note (LinkedIn allows 300); refused rather than fed to spaCy (1,000,000 at most).
MAX_NOTE_CHARS = 100_000
#: A note file (or one JSONL line) is read up to this many bytes: the longest note in UTF-8, and a little more.
MAX_NOTE_BYTES = 4 * MAX_NOTE_CHARS + 1024

Item = tuple[Any, str, str | None]


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


class Notes(NamedTuple):
    """The notes read: the JSON key their labels go under (`path` or `id`), how many, and the notes themselves."""

    key: str
    size: int
    items: Iterator[Item]


@contextmanager
def read_notes(paths: list[str], jsonl: str | None, name: str | None) -> Iterator[Notes]:
    """Note files (or stdin), or a JSONL batch (a file or stdin), checked before any note is handed out."""
    if jsonl is not None and paths:
        raise UsageError("give either note files or --jsonl, not both")
    if jsonl is None:
        items = _note_items(paths, name)
        yield Notes("path", len(items), iter(items))
        return
    with _jsonl_source(jsonl) as (stream, label):
        count, batch = _validated_batch(stream, label, name)
        yield Notes("id", count, batch)


class Linting(NamedTuple):
    """A lint run over the inputs: the JSON key of the labels, the results in input order, and the config's `Policy`."""

    key: str
    results: Iterator[Linted]
    policy: Policy = Policy()


@contextmanager
def lint_inputs(
    paths: list[str],
    jsonl: str | None,
    *,
    name: str | None,
    limit: int,
    rules: list[str],
    jobs: int = 1,
    config: LintDefaults | None = None,
) -> Generator[Linting, None, None]:
    """Read the notes (`read_notes`) and lint them as they stream in, in up to `jobs` worker processes.

    Each note's findings come out as `config` says (`suppress.Policy`): at their rule's severity, and
    those `[lint.per-file-ignores]` silences for its file (a batch's for the batch file) set aside.
    """
    policy = Policy.configured(config)
    with ExitStack() as stack:
        key, size, items = stack.enter_context(read_notes(paths, jsonl, name))
        n_process = max(1, min(jobs, size))
        batch_size = max(1, min(DEFAULT_BATCH_SIZE, -(-size // n_process)))  # every worker gets notes
        results = lint_results(items, limit=limit, select=rules, batch_size=batch_size, n_process=n_process)
        stack.enter_context(stoppable_workers(results, n_process > 1))  # Ctrl-C or `| head` must not hang on the workers
        yield Linting(key, _as_configured(results, policy, jsonl), policy)


def _as_configured(results: Iterator[Linted], policy: Policy, batch: str | None) -> Iterator[Linted]:
    """Each result with its findings as the policy says; the per-file ignores of a batch are worked out once."""
    batch_policy = policy.for_file(batch) if batch is not None else None
    for linted in results:
        findings, suppressed = (batch_policy or policy.for_file(str(linted.id))).apply(linted.findings)
        yield linted._replace(findings=findings, suppressed=tuple(suppressed))
