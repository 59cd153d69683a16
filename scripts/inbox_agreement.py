#!/usr/bin/env python3
"""How often `invite inbox` suggests what a careful reader would, on labeled received notes.

The labeled file is JSONL, one received note a line: `id`, `text` (empty for no note), `expected`
(accept, ask or ignore) and, where the answer differs when you are not looking for a job,
`expected_not_looking`. The script lays the notes out as a LinkedIn export (one pending received
invitation each, from an invented person), imports it into a history in a temporary folder
(`INVITE_COMPOSER_HISTORY`), runs the inbox with and without `--not-looking`, and prints the
agreement overall and, per suggestion, its precision (how often the suggestion was right) and
recall (how many of the notes labeled so got it). The precision of "accept" matters most: accepting
a stranger is the costly mistake.

    python scripts/inbox_agreement.py tests/linkedin/data/inbox-labeled.jsonl [--format json] [--errors]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ACTIONS = ("accept", "ask", "ignore")
#: When the export's invitations were sent: one a minute from here, so the order is the file's.
EXPORT_NAME = "Basic_LinkedInDataExport_02-08-2026"


def read_labeled(path: Path) -> list[dict[str, Any]]:
    """The labeled notes; a malformed line is a ValueError naming it."""
    notes = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            note = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path}:{number}: not JSON ({exc.msg})") from None
        missing = [key for key in ("id", "text", "expected") if key not in note]
        if missing:
            raise ValueError(f"{path}:{number}: missing {', '.join(missing)}")
        for key in ("expected", "expected_not_looking"):
            if key in note and note[key] not in ACTIONS:
                raise ValueError(f"{path}:{number}: {key} must be one of {', '.join(ACTIONS)}, not {note[key]!r}")
        notes.append(note)
    return notes


def write_export(folder: Path, notes: Sequence[dict[str, Any]]) -> Path:
    """An unpacked export in which note i is a pending received invitation from "Inviter{i} Example"."""
    export = folder / EXPORT_NAME
    export.mkdir(parents=True)
    mine = "https://www.linkedin.com/in/sam-lee-example"
    with (export / "Invitations.csv").open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["From", "To", "Sent At", "Message", "Direction", "inviterProfileUrl", "inviteeProfileUrl"])
        for i, note in enumerate(notes):
            sent_at = f"2/{1 + i // (24 * 60)}/26, {(i // 60) % 12 + 1}:{i % 60:02d} AM"
            url = f"https://www.linkedin.com/in/inviter-{i}"
            writer.writerow([f"Inviter{i} Example", "Sam Lee", sent_at, note["text"], "INCOMING", url, mine])
    (export / "Connections.csv").write_text(
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n", encoding="utf-8"
    )
    (export / "Profile.csv").write_text("First Name,Last Name\nSam,Lee\n", encoding="utf-8")
    return export


def suggestions(notes: Sequence[dict[str, Any]]) -> dict[bool, dict[str, tuple[str, list[str]]]]:
    """{not looking: {note id: (suggestion, why)}}, from the inbox on the notes laid out as an export."""
    with tempfile.TemporaryDirectory() as folder:
        os.environ["INVITE_COMPOSER_HISTORY"] = str(Path(folder) / "history.sqlite3")
        from composer.linkedin.importer import import_file
        from composer.linkedin.inbox import inbox

        import_file(write_export(Path(folder), notes))
        by_url = {f"https://www.linkedin.com/in/inviter-{i}": note["id"] for i, note in enumerate(notes)}
        result = {}
        for not_looking in (False, True):
            shown = inbox(not_looking=not_looking)  # every one, not a page
            items = shown.items if shown is not None else []
            result[not_looking] = {by_url[item.profile_url or ""]: (item.action, item.why) for item in items}
        return result


def agreement(expected: Sequence[str], got: Sequence[str]) -> dict[str, Any]:
    """Overall agreement, and per suggestion its precision, recall and counts."""
    pairs = list(zip(expected, got, strict=True))
    report: dict[str, Any] = {"notes": len(pairs), "agreement": sum(e == g for e, g in pairs) / len(pairs) if pairs else 0.0}
    for action in ACTIONS:
        suggested = sum(g == action for _, g in pairs)
        labeled = sum(e == action for e, _ in pairs)
        right = sum(e == g == action for e, g in pairs)
        report[action] = {
            "labeled": labeled,
            "suggested": suggested,
            "right": right,
            "precision": right / suggested if suggested else None,
            "recall": right / labeled if labeled else None,
        }
    return report


def measure(notes: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The agreement with and without --not-looking, and the notes where the inbox disagreed."""
    got = suggestions(notes)
    result: dict[str, Any] = {}
    for not_looking, key in ((False, "default"), (True, "not_looking")):
        expected = [n.get("expected_not_looking", n["expected"]) if not_looking else n["expected"] for n in notes]
        actions = [got[not_looking][n["id"]][0] for n in notes]
        result[key] = agreement(expected, actions)
        result[key]["errors"] = [
            {"id": n["id"], "text": n["text"], "expected": e, "got": a, "why": got[not_looking][n["id"]][1]}
            for n, e, a in zip(notes, expected, actions, strict=True)
            if e != a
        ]
    return result


def _ratio(value: float | None) -> str:
    return "  -  " if value is None else f"{value:.2f}"


def print_report(result: dict[str, Any], *, errors: bool) -> None:
    for key, title in (("default", "invite inbox"), ("not_looking", "invite inbox --not-looking")):
        report = result[key]
        right = round(report["agreement"] * report["notes"])
        print(f"{title}: agreement {report['agreement']:.2f} ({right}/{report['notes']})")
        print(f"  {'suggestion':<10} {'labeled':>7} {'suggested':>9} {'right':>5} {'precision':>9} {'recall':>6}")
        for action in ACTIONS:
            row = report[action]
            print(
                f"  {action:<10} {row['labeled']:>7} {row['suggested']:>9} {row['right']:>5} "
                f"{_ratio(row['precision']):>9} {_ratio(row['recall']):>6}"
            )
        if errors:
            for error in report["errors"]:
                print(f"  {error['id']}: expected {error['expected']}, got {error['got']} ({'; '.join(error['why'])})")
                print(f"      {error['text']!r}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file", type=Path, help="labeled received notes (JSONL: id, text, expected[, expected_not_looking])")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("--errors", action="store_true", help="list the notes where the inbox disagreed")
    args = parser.parse_args(argv)
    try:
        notes = read_labeled(args.file)
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        print(f"inbox_agreement: {exc}", file=sys.stderr)
        return 2
    if not notes:
        print(f"inbox_agreement: {args.file}: no labeled notes", file=sys.stderr)
        return 2
    result = measure(notes)
    if args.format == "json":
        print(json.dumps(result, ensure_ascii=False))
    else:
        print_report(result, errors=args.errors)
    return 0


if __name__ == "__main__":
    sys.exit(main())
