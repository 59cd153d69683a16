"""Judged languages: notes in Spanish, Portuguese, German... are judged by the classifier; others are "not judged".

As a user meets it: `invite lint --format json` says `"judged"` and reports generic wording and pitches
by the classifier's scores in a judged language; a Polish note is *not judged*, said once per note; and
`invite inbox`, `invite stats` and `invite merge` treat *not judged* as unknown, never as specific or clean.
Every export and person here is invented.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from composer.lint import lint_results, lint_text
from composer.lint.calibration import calibrate
from composer.lint.catalog import Thresholds, load_yaml, thresholds
from composer.lint.combine import PHRASE, SCORE, SLOT, STATED, other_language_no_specifics_decision, other_language_sales_decision
from composer.lint.language import detect_language, language_data
from composer.resources import data_path
from tests.helpers import run_cli
from tests.linkedin.exports import connections_csv, invitations_csv, sent_export, write_export

SPANISH_PITCH = (
    "Hola, ofrecemos una auditoría SEO gratuita y un descuento del 50% en nuestro software. ¿Agendamos una demo de 15 minutos?"
)
POLISH_NOTE = "Cześć Kasia, pracowałyśmy razem w dziale HR w Poznaniu. Miło cię tu znaleźć!"
POLISH_PITCH = (
    "Dzień dobry, oferujemy darmowy audyt marketingowy dla firm takich jak Państwa. "
    "Czy możemy umówić krótką rozmowę w tym tygodniu?"
)
#: The judgements a note in another language may get, and the English phrase rules it never gets.
JUDGEMENTS = {"no-specifics", "sales-pitch"}
ENGLISH_ONLY = {"no-greeting", "self-focus"}


@pytest.fixture(autouse=True)
def own_history(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "history" / "history.sqlite3"
    monkeypatch.setenv("INVITE_COMPOSER_HISTORY", str(path))
    return path


def lint_json(tmp_path: Path, notes: dict[str, str], *args: str) -> dict[str, dict]:
    """`invite lint --jsonl FILE --format json` on notes by id; each id's JSON record."""
    batch = tmp_path / "notes.jsonl"
    batch.write_text("".join(json.dumps({"id": k, "text": v}, ensure_ascii=False) + "\n" for k, v in notes.items()), "utf-8")
    result = run_cli("lint", "--jsonl", str(batch), "--format", "json", *args)
    assert result.exit_code in (0, 1), result.output
    return {record["id"]: record for record in map(json.loads, result.stdout.splitlines())}


# --------------------------------------------------------------------------- the data


def test_the_judged_languages_are_data_and_every_detectable_language_has_a_name():
    raw = load_yaml(data_path("lint") / "languages.yaml")
    assert {"en", "es", "pt", "de", "fr", "nl", "it"} <= set(raw["judged"])
    detectable = {"en", *raw["stop_word_languages"], *raw["extra_words"], *raw["scripts"].values(), "uk"}
    assert detectable <= set(raw["names"]), detectable - set(raw["names"])
    assert set(raw["judged"]) <= set(raw["names"])
    assert language_data().judged == tuple(raw["judged"])


def test_other_language_decisions_use_their_own_thresholds():
    limits = Thresholds(0.2, 0.5, 0.75, 0.7, 0.5, other_generic=0.6, other_sales=0.4)
    assert other_language_sales_decision(0.45, limits) == SCORE
    assert other_language_sales_decision(0.35, limits) is None
    assert other_language_sales_decision(None, limits) is None  # no classifier: nothing is guessed
    assert other_language_no_specifics_decision(False, 0.65, limits) == SCORE
    assert other_language_no_specifics_decision(False, 0.55, limits) is None
    assert other_language_no_specifics_decision(True, 0.1, limits) == SLOT  # an unfilled field is exact in any language
    assert other_language_no_specifics_decision(False, None, limits) is None


# --------------------------------------------------------------------------- invite lint


def test_a_judged_language_is_judged_by_the_classifiers_scores(tmp_path: Path):
    """Notes that hold none of the listed sales phrases of their language: the classifier's scores decide."""
    notes = {
        "es-pitch": "Hola, auditoría SEO sin costo y un descuento del 50% en el software de facturación. ¿Hablamos 15 minutos?",
        "pt-pitch": "Olá Sam, marcamos 30 reuniões qualificadas por mês para empresas de SaaS. Vamos conversar?",
        "de-met": "Hallo Herr Becker, vielen Dank für das nette Gespräch auf der Messe in Hannover am Dienstag.",
        "fr-met": "Bonjour Julie, j'ai beaucoup aimé ton atelier sur la lecture partagée au congrès à Québec.",
    }
    records = lint_json(tmp_path, notes)
    limits = thresholds()
    # The JSON prints calibrated scores; the thresholds are on raw ones, and calibration keeps their order.
    bars = calibrate({"sales_pitch": limits.other_sales, "generic": limits.other_generic})
    for key, record in records.items():
        rules = {f["rule"] for f in record["findings"]}
        assert record["judged"] is True and record["language"] == key[:2], record
        assert ("sales-pitch" in rules) == (record["scores"]["sales_pitch"] >= round(bars["sales_pitch"], 3)), record
        assert ("no-specifics" in rules) == (record["scores"]["generic"] >= round(bars["generic"], 3)), record
        assert not rules & ENGLISH_ONLY
        [info] = [f for f in record["findings"] if f["rule"] == "not-english"]
        assert info["message"].startswith("written in ") and "judged by the note classifier" in info["message"]
    pitch = {f["rule"]: f for f in records["es-pitch"]["findings"]}
    assert pitch["sales-pitch"]["message"].startswith("reads as a sales pitch (")
    assert records["es-pitch"]["findings"][0]["start"] == 0  # note-level: the whole note, not English phrases


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        (SPANISH_PITCH, "ofrecemos"),
        ("Olá Sam, nossa plataforma marca 30 reuniões qualificadas por mês. Teste grátis?", "nossa plataforma"),
        ("Hallo Frau Roth, wir bieten Lagerlogistik für Onlinehändler in NRW. Kostenlose Beratung?", "wir bieten"),
        ("Bonjour Madame Roux, nous accompagnons les cliniques vétérinaires. Au plaisir d'échanger.", "nous accompagnons"),
        ("Goedemiddag meneer Bos, wij verzorgen de salarisadministratie van kinderopvang.", "wij verzorgen"),
    ],
)
def test_a_sales_phrase_of_the_notes_language_is_reported_like_an_english_one(text: str, phrase: str):
    """languages.yaml lists the English sales families' counterparts; the classifier can still veto one."""
    found = [f for f in lint_text(text) if f.rule == "sales-pitch"]
    assert found and found[0].excerpt.lower() == phrase, found
    assert all(f.message == f"sales pitch {f.excerpt!r}" for f in found)  # the phrases, not the whole note
    limits = thresholds()
    assert other_language_sales_decision(limits.sales_phrase, limits, 12, phrase=True) == PHRASE
    assert other_language_sales_decision(limits.sales_phrase - 0.01, limits, 12, phrase=True) is None


def test_an_unfilled_field_is_no_specifics_in_a_judged_language(tmp_path: Path):
    [record] = lint_json(
        tmp_path, {"slot": "Hola [Nombre], nos conocimos en [Evento]. ¡Me encantaría seguir en contacto!"}
    ).values()
    [finding] = [f for f in record["findings"] if f["rule"] == "no-specifics"]
    assert "unfilled field" in finding["message"]


def test_a_note_in_another_language_is_not_judged(tmp_path: Path):
    records = lint_json(tmp_path, {"note": POLISH_NOTE, "pitch": POLISH_PITCH})
    for record in records.values():
        assert (record["language"], record["judged"]) == ("pl", False)
        rules = {f["rule"] for f in record["findings"]}
        assert not rules & (JUDGEMENTS | ENGLISH_ONLY)
        [info] = [f for f in record["findings"] if f["rule"] == "not-english"]
        assert info["message"] == "written in Polish: not judged for generic wording or pitches"
    english = lint_json(tmp_path, {"en": "Hi Ana, great meeting you at PyCon US on Saturday."})["en"]
    assert english["judged"] is True and not english["findings"]


def test_the_text_output_says_not_judged_once_per_note(tmp_path: Path):
    batch = tmp_path / "notes.jsonl"
    notes = [{"id": "first", "text": POLISH_NOTE}, {"id": "second", "text": POLISH_PITCH}, {"id": "third", "text": SPANISH_PITCH}]
    batch.write_text("".join(json.dumps(n, ensure_ascii=False) + "\n" for n in notes), "utf-8")
    shown = run_cli("lint", "--jsonl", str(batch)).stdout
    assert shown.count("written in Polish: not judged") == 2  # the not-english finding of each Polish note
    assert "written in Spanish: not judged" not in shown
    quiet = run_cli("lint", "--jsonl", str(batch), "--ignore", "not-english").stdout
    assert quiet.count("first: not judged: written in Polish") == 1
    assert quiet.count("second: not judged: written in Polish") == 1
    assert "third: not judged" not in quiet
    assert "2 notes not judged (language)" in quiet.splitlines()[-1]


@pytest.mark.parametrize(
    "text",
    [
        "Hola Marta, nos conocimos en la feria de logística de Zaragoza. ¡Un placer!",
        "Hallo Jonas, dein Vortrag über Wärmepumpen beim Energietag in Kassel war super.",
        "Ciao Paola, abbiamo lavorato insieme in Brembo anni fa. Che bello ritrovarti qui!",
    ],
)
def test_a_hook_phrase_of_the_notes_language_is_a_stated_hook(text: str):
    """languages.yaml lists the English hook phrases' counterparts: such a note is never `no-specifics`,
    and the inbox reads its hook as it reads an English one."""
    [result] = lint_results([(0, text, None)])
    assert result.language != "en" and result.judged
    assert result.hook == STATED
    assert "no-specifics" not in {f.rule for f in result.findings}
    limits = thresholds()
    assert other_language_no_specifics_decision(False, 0.99, limits, hook=STATED) is None
    assert other_language_no_specifics_decision(False, 0.99, limits) == SCORE


# --------------------------------------------------------------------------- inbox, stats, merge


def test_inbox_asks_about_a_note_it_could_not_judge(tmp_path: Path):
    rows = [
        ("INCOMING", "Kasia Nowak", "kasia-nowak-1", "2/1/26, 10:00 AM", POLISH_NOTE),
        ("INCOMING", "Piotr Zieliński", "piotr-z-2", "2/2/26, 10:00 AM", POLISH_PITCH),
        ("INCOMING", "Lucía Gómez", "lucia-gomez-3", "2/3/26, 10:00 AM", SPANISH_PITCH),
        (
            "INCOMING",
            "Jonas Weber",
            "jonas-weber-4",
            "2/4/26, 10:00 AM",
            "Ich möchte Sie gerne zu meinem beruflichen Netzwerk auf LinkedIn hinzufügen.",
        ),
    ]
    run_cli(
        "import",
        str(write_export(tmp_path, invitations=invitations_csv(True, rows), connections=connections_csv(True, True, []))),
    )
    result = run_cli("inbox", "--format", "json")
    assert result.exit_code == 0, result.output
    items = {item["from"]: item for item in map(json.loads, result.stdout.splitlines())}
    for polish in ("Kasia Nowak", "Piotr Zieliński"):
        assert items[polish]["action"] == "ask" and items[polish]["judged"] is False
        assert items[polish]["why"][-1] == "not judged: written in Polish"
    assert items["Lucía Gómez"]["judged"] is True
    assert items["Lucía Gómez"]["action"] == "ignore" and "sales-pitch" in items["Lucía Gómez"]["findings"]
    assert items["Jonas Weber"]["action"] == "ask" and "generic-phrase" in items["Jonas Weber"]["findings"]
    assert "not judged: written in Polish" in run_cli("inbox").stdout


def _mixed_export(folder: Path) -> Path:
    """40 sent notes: 14 specific (all accepted), 14 generic (none), and 12 in Polish (6 accepted)."""
    specific = "Hi Person{0}, great meeting you at PyCon US in Pittsburgh and talking about packaging, topic {0}."
    default = "I'd like to add you to my professional network on LinkedIn."
    polish = "Cześć Person{0}, pracowaliśmy razem w dziale HR w Poznaniu, pokój {0}. Miło cię tu znaleźć!"
    messages = [specific.format(i) if i < 14 else default if i < 28 else polish.format(i) for i in range(40)]
    return sent_export(folder, messages, lambda i: i < 14 or 28 <= i < 34)


def test_stats_keeps_notes_not_judged_apart(tmp_path: Path):
    run_cli("import", str(_mixed_export(tmp_path)))
    result = run_cli("stats", "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    groups = {(g["dimension"], g["group"]): (g["sent"], g["accepted"]) for g in report["groups"]}
    assert groups[("verdict", "specific notes")] == (14, 14)
    assert groups[("verdict", "generic notes")] == (14, 0)
    assert groups[("verdict", "notes not judged (other languages)")] == (12, 6)
    assert groups[("pitch", "notes not judged (other languages)")] == (12, 6)
    assert groups[("pitch", "notes without a pitch")][0] + groups[("pitch", "sales pitches")][0] == 28
    # Generic against specific is still compared; the unknown group is never part of a comparison.
    assert any(
        line.startswith("Acceptance, specific notes (100% vs 0%): 100 points higher than generic notes")
        for line in report["comparisons"]
    )
    assert not any("not judged" in line for line in report["comparisons"])
    assert "notes not judged (other languages)" in run_cli("stats").stdout


def test_stats_without_other_languages_has_no_not_judged_row(tmp_path: Path):
    rows = [("OUTGOING", "Ana Lima", "ana-lima-0a1", "1/29/26, 2:37 PM", "Hi Ana, great meeting you at PyCon US.")]
    run_cli(
        "import",
        str(write_export(tmp_path, invitations=invitations_csv(True, rows), connections=connections_csv(True, True, []))),
    )
    report = json.loads(run_cli("stats", "--format", "json").stdout)
    assert not [g for g in report["groups"] if "not judged" in g["group"]]


@pytest.mark.slow
def test_merge_marks_a_note_it_could_not_judge(tmp_path: Path, xdg: Path):
    folder = xdg / "invite-composer" / "templates"
    folder.mkdir(parents=True)
    (folder / "event-pl.jinja").write_text(
        "---\nid: event-pl\nrelationship: event\ntitle: Met at an event (Polish)\ndescription: A Polish note.\ntone: brief\n"
        "questions:\n  - name: event\n    prompt: Which event?\n    example: PyCon PL\n---\n"
        "Cześć {{ first_name }}, miło było cię poznać na {{ event }} w zeszłym tygodniu. Chętnie pozostanę w kontakcie!\n",
        encoding="utf-8",
    )
    source = tmp_path / "people.csv"
    source.write_text("first_name,event,template\nKasia,PyCon PL,event-pl\nAna,PyCon US,event-brief\n", encoding="utf-8")
    assert (
        detect_language("Cześć Kasia, miło było cię poznać na PyCon PL w zeszłym tygodniu. Chętnie pozostanę w kontakcie!")
        == "pl"
    )
    jsonl = run_cli("merge", str(source), "--format", "jsonl", "--no-history")
    polish, english = map(json.loads, jsonl.stdout.splitlines())
    assert (polish["judged"], polish["status"]) == (False, "not judged: written in Polish")
    assert english["judged"] is True and english["status"] != polish["status"]
    assert "1 not judged" in jsonl.stderr
    table = run_cli("merge", str(source), "--no-history")
    [row, _] = list(csv.DictReader(io.StringIO(table.stdout)))
    assert row["status"] == "not judged: written in Polish" and "written in Polish" in row["findings"]
