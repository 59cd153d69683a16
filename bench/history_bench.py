"""`invite stats` and `invite inbox` over a big generated history: do they cost what they show?

Not part of the test suite. Builds (once, in a temporary folder) a history of N recorded notes, as
`draft`/`merge` record them (full names, profile URLs, templates), then imports a small LinkedIn
export whose few sent invitations carry notes recorded there, and times whole processes:

    python bench/history_bench.py                   # 200,000 recorded notes, 2 sent notes, 3 runs
    python bench/history_bench.py --notes 50000 --sent 20 --runs 5

The command is `python -m composer` of the interpreter running this script, so PYTHONPATH picks the
checkout being measured (a worktree, or main for the before figures).
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from bench import ENV, FIRST, LAST, ORGS, generate_notes, measure

TEMPLATES = ["event-brief", "content-brief", "reconnect", "referral-brief", "colleague-brief"]


def generate_history(path: Path, count: int, seed: int = 3) -> list[tuple[str, str, str]]:
    """Record `count` generated notes (as `merge` would) into the history at `path`; (name, URL, text) of each."""
    from composer.history.store import Note, open_history
    from composer.similarity import skeleton

    rng = random.Random(seed)
    people = []
    for index, note in enumerate(generate_notes(count, seed)):
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        url = f"https://www.linkedin.com/in/hist-{index}"
        people.append((name, url, note["text"]))
    history = open_history(path)
    assert history is not None
    with history:
        history.record(
            (
                (
                    Note(text=text, recipient=name, profile_url=url, template=rng.choice(TEMPLATES), relationship="event"),
                    [],
                    skeleton(text),
                )
                for name, url, text in people
            ),
            command="merge",
        )
    return people


def write_export(folder: Path, sent: list[tuple[str, str, str]], received: int, seed: int = 9) -> Path:
    """An export whose sent invitations carry the given notes (name, URL, text), plus `received` pending ones."""
    rng = random.Random(seed)
    inv = io.StringIO()
    writer = csv.writer(inv)
    writer.writerow(["From", "To", "Sent At", "Message", "Direction", "inviterProfileUrl", "inviteeProfileUrl"])
    me, my_url = "Sam Lee", "https://www.linkedin.com/in/sam-lee-example"
    for name, url, text in sent:
        writer.writerow([me, name, f"1/{rng.randint(1, 28)}/26, 9:00 AM", text, "OUTGOING", my_url, url])
    for index in range(received):
        name, url = f"{rng.choice(FIRST)} {rng.choice(LAST)}", f"https://www.linkedin.com/in/in-{index}"
        note = f"Hi Sam, we met at the {rng.choice(ORGS)} meetup; your talk was great." if index % 2 else ""
        writer.writerow([name, me, f"2/{rng.randint(1, 7)}/26, 8:00 AM", note, "INCOMING", url, my_url])
    con = io.StringIO()
    csv.writer(con).writerow(["First Name", "Last Name", "URL", "Email Address", "Company", "Position", "Connected On"])
    target = folder / "Basic_LinkedInDataExport_02-08-2026.zip"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("Invitations.csv", inv.getvalue())
        archive.writestr("Connections.csv", con.getvalue())
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=200_000, help="recorded notes in the history")
    parser.add_argument("--sent", type=int, default=2, help="sent invitations with a recorded note in the export")
    parser.add_argument("--received", type=int, default=20, help="received invitations pending in the export")
    parser.add_argument("--runs", type=int, default=3, help="timed runs per measurement (median reported)")
    args = parser.parse_args()
    invite = [sys.executable, "-m", "composer"]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        history = folder / "history.sqlite3"
        env = {"INVITE_COMPOSER_HISTORY": str(history), "PYTHONPATH": ENV.get("PYTHONPATH", "")}
        start = time.perf_counter()
        people = generate_history(history, args.notes)
        print(f"history of {args.notes:,} recorded notes built in {time.perf_counter() - start:.0f} s", flush=True)
        export = write_export(folder, random.Random(1).sample(people, args.sent), args.received)
        measure("invite import (small export)", [*invite, "import", str(export)], 1, env)
        print(f"{args.sent} sent notes, {args.received} pending received invitations")
        measure("invite stats", [*invite, "stats"], args.runs, env)
        measure("invite stats --format json", [*invite, "stats", "--format", "json"], args.runs, env)
        measure("invite inbox", [*invite, "inbox"], args.runs, env)
        measure("invite inbox --sent", [*invite, "inbox", "--sent"], args.runs, env)


if __name__ == "__main__":
    main()
