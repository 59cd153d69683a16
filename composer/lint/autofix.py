"""`invite lint --fix`: the safe fixes (`fixes`) applied to note files in place, and what changed.

Only note files can be fixed: stdin and a `--jsonl` batch have no note file to write back, so they
are refused in one line before anything is read. Every file is read first (a bad path stops the run
before any file is written), then fixed in passes, since one fix can uncover another (an invisible
character between two spaces leaves a doubled space), until nothing changes. A changed file is
written through a temporary file and a rename (`fileio.write_atomic`), keeping its byte order mark,
its final line break and its mode; a symbolic link's target is written, never the link replaced.
A file that changed on disk while it was being fixed is left as it is, and said so.
"""

from __future__ import annotations

import os
import stat
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from composer import output
from composer.config import LintDefaults
from composer.errors import InputError, UsageError
from composer.fileio import decode, open_input, read_capped, write_atomic
from composer.lint.api import lint_many
from composer.lint.catalog import load_rules
from composer.lint.fixes import apply_fixes
from composer.lint.inputs import MAX_NOTE_BYTES, STDIN
from composer.lint.suppress import Policy

#: A fix uncovers another at most a few times; the passes stop there whatever happens.
MAX_PASSES = 5
_BOM = b"\xef\xbb\xbf"


@dataclass
class NoteFile:
    """One note file as read: its bytes (to notice a change on disk), the note, and what surrounds it."""

    path: str
    data: bytes
    text: str
    #: the final line break (not part of the note) and whether the file starts with a byte order mark
    tail: str
    bom: bool
    fixed: str = ""
    applied: Counter[str] = field(default_factory=Counter)


def refuse_unfixable(paths: list[str], jsonl: str | None) -> None:
    """--fix rewrites note files: stdin and --jsonl batches are refused (one line, exit 2) before any work."""
    if jsonl is not None or not paths or STDIN in paths:
        what = "a --jsonl batch" if jsonl is not None else "stdin"
        raise UsageError(f"--fix rewrites note files in place and cannot fix {what}; name the note files to fix")


def fix_files(
    paths: list[str], *, limit: int, rules: list[str], name: str | None, config: LintDefaults | None = None
) -> list[NoteFile]:
    """Apply the chosen rules' safe fixes to each file in place; say on stderr what changed in each.

    A rule `[lint.per-file-ignores]` silences for a file is not fixed in it either.
    """
    unique = {os.path.realpath(path): path for path in reversed(paths)}  # a file named twice is fixed once
    notes = [_read(path) for path in dict.fromkeys(unique[os.path.realpath(path)] for path in paths)]
    catalog = load_rules()
    fixable = [r for r in rules if catalog[r].fix is not None and catalog[r].scope == "note"]
    policies = [Policy.configured(config).for_file(note.path) for note in notes]
    for note in notes:
        note.fixed = note.text
    pending = list(range(len(notes))) if fixable else []
    for _ in range(MAX_PASSES):
        if not pending:
            break
        results = lint_many(((i, notes[i].fixed, name) for i in pending), limit=limit, select=fixable)
        pending = []
        for index, text, findings in results:
            fixed, applied = apply_fixes(text, policies[index].apply(findings)[0])
            if applied:
                notes[index].fixed = fixed
                notes[index].applied.update(f.rule for f in applied)
                pending.append(index)
    for note in notes:
        _write(note)
    if not any(note.applied for note in notes):
        output.info(f"nothing to fix in {len(notes)} file{'s' if len(notes) != 1 else ''}")
    return notes


def _read(path: str) -> NoteFile:
    """A note file as `invite lint` reads it; anything but a regular file is refused (it cannot be replaced)."""
    with open_input(Path(path)) as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise UsageError(f"{path}: --fix rewrites regular files only; this is not one")
        data = read_capped(handle, path, MAX_NOTE_BYTES, "note")
    raw = decode(data, path)
    tail = next((end for end in ("\r\n", "\n", "\r") if raw.endswith(end)), "")
    return NoteFile(path, data, raw[: len(raw) - len(tail)], tail, data.startswith(_BOM))


def _write(note: NoteFile) -> None:
    """Write the fixed note back, unless nothing changed or the file changed on disk meanwhile."""
    if not note.applied or note.fixed == note.text:
        return
    target = Path(os.path.realpath(note.path))
    try:
        with open_input(target) as handle:
            now = read_capped(handle, note.path, MAX_NOTE_BYTES, "note")
    except InputError:
        now = b""
    if now != note.data:
        output.warn(f"{note.path}: changed on disk while it was being fixed; left as it is")
        note.applied.clear()
        return
    write_atomic(target, ("\ufeff" if note.bom else "") + note.fixed + note.tail, force=True)
    output.info(f"fixed {note.path}: {describe_fixes(note.applied)}")


def describe_fixes(applied: Counter[str]) -> str:
    """`removed invisible characters (2), collapsed doubled spaces (1)`: what each rule's fixes did, in words."""
    rules = load_rules()
    parts = []
    for rule_id, count in applied.items():
        spec = rules[rule_id].fix
        parts.append(f"{spec.says if spec else rule_id} ({count})")
    return ", ".join(parts)
