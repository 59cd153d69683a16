"""The judgement rules: where the rules' evidence and a model's reading of the whole note decide together.

`sales-pitch` and `no-specifics` weigh the patterns and the hook finder (`composer.lint.hooks`)
against the trained classifier's scores (`composer.lint.combine` says how; the thresholds are data,
`classifier.yaml`); on a note in another judged language only the classifier's scores (and, for
`no-specifics`, an unfilled field) decide, as the patterns and hooks are English. `not-english`
reports what the language detector (`composer.lint.language`) found and whether the note is judged;
the rules that cannot judge it are skipped (`composer.lint.rules.run_note_rules`).
"""

from __future__ import annotations

from composer.lint.calibration import calibrated
from composer.lint.catalog import thresholds
from composer.lint.combine import (
    NAMED,
    PHRASE,
    SCORE,
    STATED,
    no_specifics_decision,
    other_language_no_specifics_decision,
    other_language_sales_decision,
    sales_decision,
)
from composer.lint.context import Context, Hit, span_hits, trimmed, word_count
from composer.lint.hooks import SENTENCE_BREAK, SIGNAL_TEXT, job_seeking, sales_phrase_spans, strongest_hook, template_slot
from composer.lint.keys import ENTITIES_MOOT_KEY, HOOK_KEY, SEEKING_KEY
from composer.lint.language import hook_phrases, language_data, language_name, sales_phrases
from composer.lint.rules.registry import register


def sales_verdict(ctx: Context) -> tuple[str | None, list[Hit]]:
    """What decided `sales-pitch` for this note (`combine`), and the sales phrases found in it.

    Asked by `sales-pitch` and again by `no-specifics` (a named hook in a pitch is the sender's own):
    worked out once per note (`ctx.memo`)."""
    if "sales_verdict" not in ctx.memo:
        ctx.memo["sales_verdict"] = _sales_verdict(ctx)
    verdict: tuple[str | None, list[Hit]] = ctx.memo["sales_verdict"]
    return verdict


def _sales_verdict(ctx: Context) -> tuple[str | None, list[Hit]]:
    score = ctx.score("sales_pitch")
    words = word_count(ctx.text)
    if not ctx.english:
        phrases = span_hits(ctx, sales_phrases(ctx.text))
        return other_language_sales_decision(score, thresholds(), words, bool(phrases)), phrases
    phrases = span_hits(ctx, sales_phrase_spans(ctx))
    seeking = ctx.doc.user_data[SEEKING_KEY] = job_seeking(ctx)  # for `Linted.seeking` (`invite inbox`)
    return sales_decision(bool(phrases), score, ctx.signals, thresholds(), words, seeking), phrases


@register("sales-pitch")
def check_sales_pitch(ctx: Context) -> list[Hit]:
    """The sales phrases where the classifier agrees, or the whole note when its score alone is high (`combine`)."""
    score = ctx.score("sales_pitch")
    decision, phrases = sales_verdict(ctx)
    if decision == PHRASE:
        return phrases
    if decision == SCORE:
        start, end = trimmed(ctx.text)
        return [Hit(start, end, {"score": None if score is None else calibrated("sales_pitch", score)}, note_level=True)]
    return []


@register("not-english")
def check_not_english(ctx: Context) -> list[Hit]:
    """The note's language, and whether it is judged for generic wording and pitches."""
    if ctx.english:
        return []
    data = language_data()
    values = {
        "language": ctx.language,
        "language_name": language_name(ctx.language),
        "judgement": data.judgement["judged" if ctx.judged else "not_judged"],
        "judged_names": ", ".join(language_name(code) for code in data.judged),
    }
    start, end = trimmed(ctx.text)
    return [Hit(start, end, values)]


@register("no-specifics")
def check_no_specifics(ctx: Context) -> list[Hit]:
    """Note-level: the rules' hooks and the classifier's scores decide together (`combine`)."""
    if not ctx.text.strip():
        return []
    slot = template_slot(ctx)
    generic, personal = ctx.score("generic"), ctx.score("personal_specific")
    if not ctx.english:
        hook = STATED if any(not _filled_in_later(ctx, end) for _, end in hook_phrases(ctx.text)) else None
        decision = other_language_no_specifics_decision(slot, generic, thresholds(), hook)
        ctx.doc.user_data[ENTITIES_MOOT_KEY] = True  # the hook finder, entities and all, reads English only
    else:
        hook = None if ctx.signals == "classifier" else strongest_hook(ctx)
        pitched = hook == NAMED and sales_verdict(ctx)[0] is not None  # only asked where it can matter
        decision = no_specifics_decision(slot, hook, generic, personal, ctx.signals, thresholds(), pitched)
        if decision is not None:  # NER can only add a named hook: would one change anything?
            named_pitched = sales_verdict(ctx)[0] is not None
            named = no_specifics_decision(slot, NAMED, generic, personal, ctx.signals, thresholds(), named_pitched)
            ctx.doc.user_data[ENTITIES_MOOT_KEY] = named == decision
    ctx.doc.user_data[HOOK_KEY] = hook  # for consumers that weigh the evidence themselves (`Linted.hook`)
    if decision is None:
        return []
    start, end = trimmed(ctx.text)
    if decision == SCORE:
        return [Hit(start, end, {"score": None if generic is None else calibrated("generic", generic)}, note_level=True)]
    return [Hit(start, end, {"signal": SIGNAL_TEXT[decision]})]


def _filled_in_later(ctx: Context, end: int) -> bool:
    """Whether a hook phrase's sentence goes on to an unfilled field ("nos conocimos en [Evento]"): its
    specifics are the template's, so, as an English lead followed by a placeholder, it is no hook."""
    stop = next((m.start() for m in SENTENCE_BREAK.finditer(ctx.text, end)), len(ctx.text))
    return any(end <= start < stop for start, _ in ctx.placeholders())
