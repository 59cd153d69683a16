"""`invite stats`, `invite inbox` and `invite draft` over a big history: do they cost what they show?

Not part of the test suite. Generates a LinkedIn export of N invitations (2/3 sent, 6% with a note
of every kind the linter tells apart: generic, specific, pitches, other languages, long ones;
accepted ones, replies in messages.csv), imports it once (timed), records notes `draft`/`merge`
made (some of the sent notes, with templates, and `--recent` notes of the last 30 days), then times
whole processes and reports each as a ratio to a one-note `invite lint` in the same run:

    python bench/history_bench.py                        # 20,000 invitations, 3 runs
    python bench/history_bench.py --invitations 200000   # the issue's size (the import takes a few minutes)
    python bench/history_bench.py --keep /tmp/h200k      # build there once; later runs reuse it

The command is `python -m composer` of the interpreter running this script, so PYTHONPATH picks the
checkout being measured (a worktree, or main for the before figures). `--dump DIR` writes
`invite stats` (text and JSON) and `invite inbox --all --format json` there, to compare two
checkouts' outputs on the same generated history.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import subprocess
import sys
import tempfile
import time
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench import BODIES, ENV, EVENTS, FIRST, LAST, NAMES, ORGS, TOPICS, generate_notes, measure  # noqa: E402

TEMPLATES = ["event-brief", "content-brief", "reconnect", "referral-brief", "colleague-brief"]
RELATIONSHIPS = {"event-brief": "event", "content-brief": "content", "reconnect": "reconnect", "referral-brief": "referral"}
OTHER_LANGUAGES = [
    "Cześć {n}, poznaliśmy się na konferencji {e} w Krakowie. Chętnie zostanę w kontakcie.",
    "Hallo {n}, wir haben uns auf der {e} kennengelernt und über {t} gesprochen. Gerne vernetzen!",
    "Hola {n}, nos conocimos en {e} y hablamos de {t}. ¡Me encantaría seguir en contacto!",
]
ME, MY_URL = "Sam Lee", "https://www.linkedin.com/in/sam-lee-example"
#: The generated export's date: its invitations are from the four years before.
EXPORT_DAY = datetime(2026, 2, 8)


def note_text(rng: random.Random, name: str) -> str:
    """One note of any kind the linter tells apart, from a fixed seed."""
    kind = rng.random()
    fill = {"e": rng.choice(EVENTS), "t": rng.choice(TOPICS), "o": rng.choice(ORGS), "p": f"{rng.choice(NAMES)} Ruiz", "n": name}
    if kind < 0.05:
        return rng.choice(OTHER_LANGUAGES).format(**fill)
    if kind < 0.08:
        return " ".join(rng.choice(BODIES).format(**fill) for _ in range(4))  # over 200 characters
    if kind < 0.09:
        return " \u00a0 "  # only whitespace: no note
    text = f"Hi {name}, " + rng.choice(BODIES).format(**fill)
    return text.replace(". ", ".\r\n", 1) if kind < 0.12 else text


def write_scale_export(folder: Path, invitations: int, seed: int = 21) -> tuple[Path, list[tuple[str, str, str]]]:
    """The export zip, and (name, profile URL, note) of its sent invitations with a note."""
    rng = random.Random(seed)
    inv, con, msg = io.StringIO(), io.StringIO(), io.StringIO()
    writer = csv.writer(inv)
    writer.writerow(["From", "To", "Sent At", "Message", "Direction", "inviterProfileUrl", "inviteeProfileUrl"])
    connections = csv.writer(con)
    connections.writerow(["First Name", "Last Name", "URL", "Email Address", "Company", "Position", "Connected On"])
    messages = csv.writer(msg)
    messages.writerow(["CONVERSATION ID", "FROM", "SENDER PROFILE URL", "TO", "DATE", "CONTENT"])
    sent_notes = []
    for index in range(invitations):
        first, last = f"{rng.choice(FIRST)}{index}", rng.choice(LAST)
        name, url = f"{first} {last}", f"https://www.linkedin.com/in/scale-{index}"
        moment = EXPORT_DAY - timedelta(minutes=rng.randint(60, 4 * 365 * 24 * 60))
        sent_at = f"{moment.month}/{moment.day}/{moment.year % 100}, {moment.strftime('%I:%M %p').lstrip('0')}"
        note = note_text(rng, first) if rng.random() < 0.06 else ""
        outgoing = index % 3 != 0
        if outgoing:
            writer.writerow([ME, name, sent_at, note, "OUTGOING", MY_URL, url])
            if note.strip():
                sent_notes.append((name, url, note))
        else:
            writer.writerow([name, ME, sent_at, note, "INCOMING", url, MY_URL])
        if rng.random() < (0.4 if outgoing else 0.3):
            connected = moment + timedelta(days=rng.randint(0, 20))
            connections.writerow([first, last, url, "", rng.choice(ORGS), "Engineer", connected.strftime("%d %b %Y")])
            if outgoing and rng.random() < 0.3:
                replied = connected + timedelta(days=rng.randint(0, 9))
                messages.writerow([f"c-{index}", name, url, ME, replied.strftime("%Y-%m-%d %H:%M:%S UTC"), "Thanks!"])
    target = folder / "Basic_LinkedInDataExport_02-08-2026.zip"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("Invitations.csv", inv.getvalue())
        archive.writestr("Connections.csv", con.getvalue())
        archive.writestr("messages.csv", msg.getvalue())
        archive.writestr("Profile.csv", "First Name,Last Name\nSam,Lee\n")
    return target, sent_notes


def record_history(history: Path, sent_notes: list[tuple[str, str, str]], recent: int, seed: int = 4) -> None:
    """Notes `merge` recorded: a third of the sent notes (their person known by URL, by full name, by first name or
    not at all; a few edited), the same texts to others, and `recent` notes of the last 30 days."""
    from composer.history.store import Note, open_history
    from composer.similarity import recipient_values, skeleton

    rng = random.Random(seed)
    rows = []
    for name, url, text in rng.sample(sent_notes, len(sent_notes) // 3):
        template = rng.choice(TEMPLATES)
        recipient, profile = [(name, url), (name, None), (name.split()[0], None), (None, None)][rng.randrange(4)]
        if rng.random() < 0.2:
            text = text.replace("great", "really great", 1).replace("  ", " ")
        rows.append((Note(text, recipient, profile, RELATIONSHIPS.get(template), template), [], skeleton(text)))
        if rng.random() < 0.1:
            other = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            rows.append(
                (Note(text, other, f"https://www.linkedin.com/in/other-{len(rows)}", "event", "mass"), [], skeleton(text))
            )
    now = datetime.now(UTC)
    with open_history(history) as store:
        store.record(rows, command="merge", at=now - timedelta(days=400))
        for start in range(0, recent, 10_000):
            chunk = []
            for note in generate_notes(min(10_000, recent - start), seed=seed + start):
                values = recipient_values({"first_name": note["name"]})
                who = f"{note['name']} {rng.choice(LAST)}"
                url = f"https://www.linkedin.com/in/recent-{start}-{note['id']}"
                chunk.append((Note(note["text"], who, url, "event", "event-brief"), [], skeleton(note["text"], values)))
            store.record(chunk, command="merge", at=now - timedelta(days=rng.randint(1, 29)))


def build(folder: Path, invitations: int, recent: int) -> bool:
    """The history in `folder` (built by a process of its own, so this one stays small: a child's peak memory counts
    the pages it shares with its parent); False when building it failed."""
    if (folder / "history.sqlite3").exists():
        print(f"reusing the history in {folder}", flush=True)
        return True
    done = subprocess.run([sys.executable, __file__, "--build", str(folder), str(invitations), str(recent)])
    return done.returncode == 0


def _build(folder: Path, invitations: int, recent: int) -> int:
    """`build`'s process: the export written, imported (timed, a process of its own), the notes recorded; its exit code."""
    history = folder / "history.sqlite3"
    start = time.perf_counter()
    export, sent_notes = write_scale_export(folder, invitations)
    written = time.perf_counter() - start
    print(f"export of {invitations:,} invitations ({len(sent_notes):,} sent notes) written in {written:.0f} s")
    env = {**ENV, "INVITE_COMPOSER_HISTORY": str(history)}
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "composer", "import", str(export)], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        print(f"  invite import failed (exit {done.returncode}): {done.stderr.strip().splitlines()[-1:]}")
        return 1
    print(f"  invite import export.zip (once)                    {time.perf_counter() - start:8.1f} s", flush=True)
    start = time.perf_counter()
    record_history(history, sent_notes, recent)
    print(f"recorded notes ({len(sent_notes) // 3:,} sent ones, {recent:,} recent) in {time.perf_counter() - start:.0f} s")
    return 0


def ratio(value: dict[str, float] | None, base: dict[str, float] | None, target: float) -> str:
    if value is None:
        return "failed"
    if base is None:
        return "n/a (the one-note lint failed)"
    found = value["median_s"] / base["median_s"]
    return f"{found:5.2f}x (target <= {target:g}x{'' if found <= target else ', MISSED'})"


def bench_scale(invitations: int, recent: int, runs: int, keep: Path | None = None, dump: Path | None = None) -> None:
    """Build (or reuse) the history, then time stats, inbox and a draft against a one-note lint, in one run."""
    print(f"history at scale: {invitations:,} invitations, {recent:,} recent recorded notes", flush=True)
    where = os.getcwd()
    with tempfile.TemporaryDirectory() as tmp:
        folder = (keep or Path(tmp)).resolve()
        folder.mkdir(parents=True, exist_ok=True)
        os.chdir(folder)  # `python -m` puts the current folder first on sys.path: never a checkout's
        try:
            results = _measure_scale(folder, invitations, recent, runs, dump)
        finally:
            os.chdir(where)
    if results is None:
        print("  stats, inbox and draft not measured: building the history failed")
        return
    lint = results.pop("lint")
    targets = {"invite stats": 3, "invite stats --format json": 3, "invite inbox": 2, "invite inbox --sent": 2}
    print(f"\nhistory of {invitations:,} invitations: ratios to a one-note `invite lint` in the same run")
    for label, value in results.items():
        print(f"  {label:<28}{ratio(value, lint, targets.get(label, 1.3))}")


def _measure_scale(
    folder: Path, invitations: int, recent: int, runs: int, dump: Path | None
) -> dict[str, dict[str, float] | None] | None:
    """The history built (or reused) in `folder`, and each command's timing (None for one that failed)."""
    if not build(folder, invitations, recent):
        return None
    env = {"INVITE_COMPOSER_HISTORY": str(folder / "history.sqlite3")}
    invite = [sys.executable, "-m", "composer"]
    note = folder / "note.txt"
    note.write_text("Hi Ana, great meeting you at PyCon US and talking about packaging. Let's stay in touch.\n")
    draft = [*invite, "draft", "-t", "event-brief", "--set", "first_name=Ana", "--set", "event=PyCon US", "--no-input"]
    commands = {
        "lint": [*invite, "lint", str(note)],
        "invite stats": [*invite, "stats"],
        "invite stats --format json": [*invite, "stats", "--format", "json"],
        "invite inbox": [*invite, "inbox"],
        "invite inbox --sent": [*invite, "inbox", "--sent"],
        "invite draft --no-input": draft,
        "  the same, no history (--no-record)": draft,
    }
    empty = {"INVITE_COMPOSER_HISTORY": str(folder / "empty" / "history.sqlite3")}  # never created: --no-record
    results = {
        label: measure(
            "invite lint note.txt (one note)" if label == "lint" else label,
            [*cmd, "--no-record"] if "no history" in label else cmd,
            runs,
            empty if "no history" in label else env,
        )
        for label, cmd in commands.items()
    }
    if dump is not None:
        dump_outputs(invite, env, dump)
    return results


def dump_outputs(invite: list[str], env: dict[str, str], folder: Path) -> None:
    """stats (text, JSON) and every pending invitation's suggestion, for comparing two checkouts."""
    folder.mkdir(parents=True, exist_ok=True)
    every = ["--all"] if "--all" in _help(invite, env) else []
    for name, args in (
        ("stats.txt", ["stats"]),
        ("stats.json", ["stats", "--format", "json"]),
        ("inbox.jsonl", ["inbox", "--format", "json", *every]),
    ):
        done = subprocess.run([*invite, *args], env={**ENV, **env, "COLUMNS": "200"}, capture_output=True, text=True)
        (folder / name).write_text(done.stdout, encoding="utf-8")
    print(f"  outputs written to {folder}")


def _help(invite: list[str], env: dict[str, str]) -> str:
    return subprocess.run([*invite, "inbox", "--help"], env={**ENV, **env}, capture_output=True, text=True).stdout


def main() -> None:
    if sys.argv[1:2] == ["--build"]:  # `build`, in its own process
        folder, invitations, recent = sys.argv[2:5]
        sys.exit(_build(Path(folder), int(invitations), int(recent)))
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--invitations", type=int, default=20_000, help="invitations in the generated export")
    parser.add_argument("--recent", type=int, default=20_000, help="notes recorded in the last 30 days")
    parser.add_argument("--runs", type=int, default=3, help="timed runs per measurement (median reported)")
    parser.add_argument("--keep", type=Path, help="build the history in this folder, or reuse the one there")
    parser.add_argument("--dump", type=Path, help="write stats and inbox outputs into this folder")
    args = parser.parse_args()
    bench_scale(args.invitations, args.recent, args.runs, args.keep, args.dump)


if __name__ == "__main__":
    main()
