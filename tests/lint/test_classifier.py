"""The note classifier: it trains from the corpus, ships, loads offline, and its thresholds are data."""

from __future__ import annotations

import itertools
import json
import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from composer.lint import lint_results, lint_text
from composer.lint.catalog import DATA_DIR, Thresholds, load_yaml, thresholds
from composer.lint.classifier import CLASSIFIER_DIR, add_classifier
from composer.lint.combine import NAMED, NO_HOOK, PHRASE, SCORE, SLOT, STATED, no_specifics_decision, sales_decision
from composer.lint.rules import judgements
from tests.helpers import REPO, load_script

CORPUS = REPO / "corpus" / "notes.jsonl"
LABELS = {"generic", "sales_pitch", "personal_specific"}


@pytest.mark.slow
def test_training_script_trains_and_ships_a_loadable_component(tmp_path: Path):
    """On a tiny corpus (a few seconds): DocBins, spacy train, only the component copied out."""
    import spacy

    notes = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines()]
    tiny = [n for n in notes if n["lang"] == "en" and n["split"] == "train"][:40]
    tiny += [n for n in notes if n["lang"] == "en" and n["split"] == "dev"][:10]
    corpus = tmp_path / "tiny.jsonl"
    corpus.write_text("".join(json.dumps(n) + "\n" for n in tiny), encoding="utf-8")
    out = tmp_path / "classifier"
    train = load_script("train_classifier")
    args = ["--corpus", str(corpus), "--workdir", str(tmp_path / "work"), "--output", str(out), "--max-epochs", "2"]
    assert train.main(args) == 0
    assert sorted(p.name for p in out.iterdir()) == ["config.cfg", "meta.json", "textcat_multilabel"]
    assert "tiny.jsonl" not in (out / "config.cfg").read_text(encoding="utf-8")  # no local paths shipped
    nlp = spacy.blank("en")
    add_classifier(nlp, out)
    assert set(nlp("Open to a quick demo of our CRM?").cats) == LABELS


def test_shipped_classifier_is_small_and_declares_its_labels():
    size = sum(p.stat().st_size for p in CLASSIFIER_DIR.rglob("*") if p.is_file())
    assert size <= 10 * 1024 * 1024
    meta = json.loads((CLASSIFIER_DIR / "meta.json").read_text(encoding="utf-8"))
    assert set(meta["labels"]["textcat_multilabel"]) == LABELS


OFFLINE = """
import socket, sys
def refuse(*args, **kwargs):
    raise OSError("network disabled by the test")
socket.socket.connect = refuse
socket.socket.connect_ex = refuse
socket.create_connection = refuse
socket.getaddrinfo = refuse
from composer.lint import lint_results
[result] = list(lint_results([(1, "Hi Ana, we help clinics cut no-shows by 30%. Open to a demo?", None)]))
print(sorted(result.scores), [f.rule for f in result.findings])
"""


@pytest.mark.slow
def test_shipped_model_loads_and_scores_with_the_network_disabled():
    env = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "SPACY_OFFLINE": "1", "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-c", OFFLINE], capture_output=True, text=True, env=env, cwd=REPO)
    assert result.returncode == 0, result.stderr
    assert "['generic', 'personal_specific', 'sales_pitch']" in result.stdout
    assert "sales-pitch" in result.stdout


@pytest.mark.parametrize("blank", [False, True], ids=["trained", "blank"])
def test_scores_come_with_every_pipeline(blank: bool):
    [result] = list(lint_results([(1, "We are hiring nurses in Leeds, send your CV today!", None)], blank=blank))
    assert set(result.scores) == LABELS and result.language == "en"


def test_scores_survive_doc_serialisation():
    """--jobs N ships each Doc between processes as bytes: doc.cats must come back."""
    import spacy
    from spacy.tokens import Doc

    nlp = spacy.blank("en")
    add_classifier(nlp)
    doc = nlp("Hi Ana, our agency builds Shopify stores. Want a free audit?")
    again = Doc(nlp.vocab).from_bytes(doc.to_bytes())
    assert again.cats == doc.cats and again.cats["sales_pitch"] > 0.5


@pytest.mark.slow
def test_jobs_two_gives_the_same_scores(invoke, tmp_path: Path):
    batch = tmp_path / "batch.jsonl"
    texts = ["Open to a quick call about our CRM?", "Loved your talk on river restoration in Leeds.", "", "Hola, ¿conectamos?"]
    batch.write_text("".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in enumerate(texts)), encoding="utf-8")
    one = invoke("lint", "--jsonl", str(batch), "--format", "json")
    two = invoke("lint", "--jsonl", str(batch), "--format", "json", "--jobs", "2")
    assert one.stdout == two.stdout
    records = [json.loads(line) for line in two.stdout.splitlines()]
    assert [r["language"] for r in records] == ["en", "en", "en", "es"]
    assert all(set(r["scores"]) == LABELS for r in records)


# --------------------------------------------------------------------------- thresholds are data


def test_thresholds_are_the_data_file():
    raw = load_yaml(DATA_DIR / "classifier.yaml")
    assert thresholds() == Thresholds(**{name: float(raw[name]) for name in Thresholds.__dataclass_fields__})


@pytest.mark.parametrize(
    ("limits", "rule", "fires"),
    [
        ({"sales_alone": 0.0}, "sales-pitch", True),
        ({"sales_alone": 1.01, "sales_phrase": 1.01}, "sales-pitch", False),
        ({"personal_veto": 0.0, "generic_alone": 1.01}, "no-specifics", False),
        ({"personal_veto": 1.01}, "no-specifics", True),
        ({"sales_alone": 0.0, "sales_phrase": 1.01, "sales_alone_min_words": 100}, "sales-pitch", False),
    ],
)
def test_the_checks_follow_the_thresholds_they_are_given(monkeypatch, limits: dict, rule: str, fires: bool):
    """The same note fires or not as the data says: no threshold is hidden in code."""
    changed = replace(thresholds(), **limits)
    monkeypatch.setattr(judgements, "thresholds", lambda: changed)
    text = "so happy to finally find you on here, it has been ages! Can I send you our price list?"
    assert bool([f for f in lint_text(text) if f.rule == rule]) is fires


def test_decisions():
    limits = Thresholds(sales_phrase=0.2, sales_alone=0.6, personal_veto=0.7, generic_alone=0.8, classifier_alone=0.5)
    assert sales_decision(True, None, "rules", limits) == PHRASE
    assert sales_decision(True, 0.1, "both", limits) is None  # the classifier vetoes a listed phrase
    assert sales_decision(True, 0.3, "both", limits) == PHRASE
    assert sales_decision(False, 0.65, "both", limits) == SCORE
    assert sales_decision(True, 0.55, "classifier", limits) == SCORE
    short = replace(limits, sales_alone_min_words=4)
    assert sales_decision(False, 0.65, "both", short, words=3) is None  # "Hi dear": the model's bias, no pitch
    assert sales_decision(True, 0.3, "both", short, words=3) == PHRASE  # a listed phrase still counts
    assert sales_decision(False, 0.65, "both", short, words=4) == SCORE
    assert no_specifics_decision(True, None, 0.0, 1.0, "both", limits) == SLOT
    assert no_specifics_decision(False, None, 0.5, 0.6, "both", limits) == NO_HOOK
    assert no_specifics_decision(False, None, 0.5, 0.75, "both", limits) is None  # classifier: personal
    assert no_specifics_decision(False, NAMED, 0.85, 0.1, "both", limits) == SCORE
    assert no_specifics_decision(False, STATED, 0.99, 0.0, "both", limits) is None  # a hook phrase stands
    assert no_specifics_decision(False, NAMED, None, None, "rules", limits) is None


def test_a_job_seeker_is_a_pitch_only_by_a_listed_phrase():
    """A job seeker asks rather than offers: the score alone never makes the note a pitch, a listed phrase still does."""
    limits = Thresholds(sales_phrase=0.2, sales_alone=0.6, personal_veto=0.7, generic_alone=0.8, classifier_alone=0.5)
    assert sales_decision(False, 0.95, "both", limits, words=20, seeking=True) is None
    assert sales_decision(True, 0.95, "both", limits, words=20, seeking=True) == PHRASE


@pytest.mark.parametrize(
    ("text", "seeker"),
    [
        ("Hi Ken, I'm exploring full-time UX research roles in Toronto after five years at an agency. Open to connecting?", True),
        ("Hi Ana, I recently applied for the analyst opening on your team and would love to hear how I might fit.", True),
        ("Hello Priya, I am seeking an internship in supply chain this summer. Could I send you my CV?", True),
        ("Hi Priya, payroll officer in Cebu, 6 yrs, currently looking for a remote role. Happy to share CV.", True),
        ("Hi Priya, I'm very interested in opportunities on your payroll team.", True),
        # a recruiter's "looking for ... roles" is someone else's job: the note stays a pitch
        ("Hi Sam, I'm looking for Java developers for roles in Berlin. Open to a chat?", False),
        ("Hi Sam, we are exploring partnerships with clinics like yours. Worth a call?", False),
        ("Hi Sam, are you currently looking for a new role? Fintech, remote, Berlin pay.", False),
        ("Hi Sam, our client is currently looking for a remote role to fill in Berlin. Open to a chat?", False),
        ("Hi Sam, we place SAP consultants in Berlin; happy to share the CV of a strong one.", False),
    ],
)
def test_a_job_seekers_note_is_not_a_pitch_on_its_score_alone(monkeypatch, text: str, seeker: bool):
    """End to end, with `sales_alone` at 0 so that any note is a pitch by its score unless it is a job seeker's."""
    changed = replace(thresholds(), sales_alone=0.0)
    monkeypatch.setattr(judgements, "thresholds", lambda: changed)
    assert ("sales-pitch" in {f.rule for f in lint_text(text)}) is not seeker


def test_names_in_a_pitch_are_no_hook_unless_the_note_reads_personal():
    """A pitch's names are the sender's product, clients and places (`pitch_names_veto`)."""
    limits = Thresholds(0.2, 0.6, 0.7, 0.8, 0.5, pitch_names_veto=0.3)
    assert no_specifics_decision(False, NAMED, 0.5, 0.1, "both", limits, pitched=True) == NO_HOOK
    assert no_specifics_decision(False, NAMED, 0.5, 0.1, "both", limits, pitched=False) is None
    assert no_specifics_decision(False, NAMED, 0.5, 0.4, "both", limits, pitched=True) is None  # reads personal
    assert no_specifics_decision(False, STATED, 0.99, 0.0, "both", limits, pitched=True) is None


def test_a_pitch_names_nothing_of_the_recipient(monkeypatch):
    """End to end: the same note with only names in it, read as a pitch, fires unless the veto is off."""
    text = "Greetings from Lisbon and Porto! Let's connect."

    def fires(veto: float) -> bool:
        changed = replace(thresholds(), pitch_names_veto=veto, sales_alone=0.0, generic_alone=1.01)
        monkeypatch.setattr(judgements, "thresholds", lambda: changed)
        return "no-specifics" in {f.rule for f in lint_text(text)}

    assert fires(1.01) and not fires(0.0)


def test_a_stronger_hook_never_makes_no_specifics_fire():
    """NER only adds hooks and runs only where the rule fired: more hooks must never mean a finding."""
    limits = thresholds()
    grid = [x / 20 for x in range(21)]
    for generic, personal, pitched in itertools.product(grid, grid, (False, True)):
        fired = [
            no_specifics_decision(False, hook, generic, personal, "both", limits, pitched) is not None
            for hook in (None, NAMED, STATED)
        ]
        assert fired == sorted(fired, reverse=True), (generic, personal, pitched, fired)


def test_note_level_findings_say_which_signal_decided():
    pitch = "We just published a free 40-page guide on ERP migration. Want a copy?"
    [sales] = [f for f in lint_text(pitch) if f.rule == "sales-pitch"]
    assert re.fullmatch(r"reads as a sales pitch \((0\.\d\d|1\.00)\)", sales.message) and sales.start == 0
    [generic] = [f for f in lint_text("Looking at your profile, you have clearly done a lot.") if f.rule == "no-specifics"]
    assert "no name, date or hook phrase found" in generic.message


def test_choose_thresholds_meets_its_bounds_on_synthetic_evidence():
    choose = load_script("choose_thresholds")
    evidence = [
        choose.Evidence({"generic": g, "sales_pitch": s, "personal_specific": p}, scores, phrase, False, hook, False, 12)
        for g, s, p, scores, phrase, hook in [
            (True, True, False, {"generic": 0.9, "sales_pitch": 0.9, "personal_specific": 0.1}, False, NAMED),
            (True, False, False, {"generic": 0.8, "sales_pitch": 0.2, "personal_specific": 0.2}, False, None),
            (False, False, True, {"generic": 0.2, "sales_pitch": 0.1, "personal_specific": 0.9}, False, None),
            (False, False, True, {"generic": 0.3, "sales_pitch": 0.3, "personal_specific": 0.8}, True, STATED),
        ]
    ]
    limits = choose.choose(evidence, thresholds())
    assert choose.sales_figures(evidence, limits) == (1.0, 1.0)
    assert choose.generic_figures(evidence, limits) == (1.0, 0.0)
    assert sorted(load_yaml(DATA_DIR / "classifier.yaml")) == sorted(Thresholds.__dataclass_fields__)


# --------------------------------------------------------------------------- what the classifier reads, what JSON prints


@pytest.mark.slow
def test_the_pattern_kinds_reach_the_classifier_the_same_way_in_training_and_in_lint():
    """Training docs are made from text alone, so the classifier runs the ruler itself there; in the lint
    pipeline the ruler ran first. Both must give the classifier the same features."""
    import spacy

    from composer.lint.classifier import component_config, span_keys
    from composer.lint.keys import LINT_PIPE
    from composer.lint.pipeline import get_pipeline

    labels = frozenset(component_config()["model"]["span_labels"])
    assert {"sales-pitch", "hook"} <= labels
    text = "Hi Ana, we met at PyCon. We help startups like yours scale; open to a quick demo?"
    nlp = get_pipeline().nlp
    with nlp.select_pipes(disable=[LINT_PIPE]):
        linted = nlp(text)
    trained_on = spacy.blank("en").make_doc(text)
    assert span_keys(linted, labels) == span_keys(trained_on, labels) != []
    assert span_keys(spacy.blank("en").make_doc("Hello there"), labels) == []


@pytest.mark.slow
def test_the_hook_finders_answer_reaches_the_classifier_the_same_way_in_training_and_in_lint():
    """The strongest hook is a feature too: read from the ruler's spans, without NER, in both."""
    import spacy
    from spacy.strings import hash_string  # type: ignore[attr-defined]

    from composer.lint.classifier import component_config, hook_keys, span_keys
    from composer.lint.keys import LINT_PIPE
    from composer.lint.pipeline import get_pipeline

    assert component_config()["model"]["hook_features"]
    labels = frozenset(component_config()["model"]["span_labels"])
    nlp = get_pipeline().nlp
    for text, hook in [
        ("Hi Ana, we met at PyCon last week.", "stated"),
        ("Hi Ana, greetings from Globex.", "named"),
        ("Hi, let's connect.", "none"),
    ]:
        with nlp.select_pipes(disable=[LINT_PIPE]):
            linted = nlp(text)
        trained_on = spacy.blank("en").make_doc(text)
        span_keys(trained_on, labels)  # the ruler's spans first, as in training
        assert hook_keys(linted) == hook_keys(trained_on) == [hash_string(f"hook:{hook}")], text


def test_json_scores_are_the_raw_scores_calibrated(invoke, tmp_path: Path):
    from composer.lint.calibration import calibrate

    note = tmp_path / "note.txt"
    note.write_text("Hi Ana, we help startups like yours scale. Open to a quick demo?", encoding="utf-8")
    [raw] = [r.scores for r in lint_results([("n", note.read_text(encoding="utf-8"), None)])]
    record = json.loads(invoke("lint", str(note), "--format", "json").stdout)
    assert record["scores"] == {label: round(score, 3) for label, score in calibrate(raw).items()}
    assert record["scores"] != {label: round(score, 3) for label, score in raw.items()}


def test_calibration_keeps_the_order_of_scores():
    from composer.lint.calibration import calibrate, parameters

    assert set(parameters()) == LABELS
    for label in LABELS:
        printed = [calibrate({label: x / 100})[label] for x in range(0, 101)]
        assert printed == sorted(printed) and all(0 < p < 1 for p in printed)
    assert calibrate({"other": 0.3}) == {"other": 0.3}  # a label without a correction is printed as it is


def test_choose_calibration_recovers_a_known_correction():
    """On scores whose true probability is sigmoid(0.5 * logit + 0.4), the fit finds about (0.5, 0.4)."""
    import random

    from composer.lint.calibration import logit, platt

    choose = load_script("choose_calibration")
    rng = random.Random(7)
    scores = [rng.uniform(0.01, 0.99) for _ in range(4000)]
    truths = [rng.random() < platt(s, 0.5, 0.4) for s in scores]
    slope, intercept = choose.fit(scores, truths)
    assert abs(slope - 0.5) < 0.1 and abs(intercept - 0.4) < 0.15
    assert choose.log_loss([logit(s) for s in scores], truths, slope, intercept) <= choose.log_loss(
        [logit(s) for s in scores], truths, 1.0, 0.0
    )


@pytest.mark.parametrize("text", ["Hi!", "Hi dear", "gm ☀️", "Yo yo 🤙", "Hola, ¿qué tal?"])
def test_a_greeting_alone_is_never_a_sales_pitch(text: str):
    """Three words give the classifier nothing but its bias to read: only a sales phrase makes them a pitch."""
    assert thresholds().sales_alone_min_words > len(text.split())
    assert "sales-pitch" not in {f.rule for f in lint_text(text)}
