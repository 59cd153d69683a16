"""How the rules' evidence and the classifier's scores combine into the note-level judgements.

Each rule is good at something different. The patterns know *where* a sales line or a canned
phrase sits and say so exactly, but only for the wordings someone listed; the hook finder knows
names, dates and hook phrases, but reads "I see you work at Oracle" as a hook and misses "your post
about ai in radiology". The classifier (trained on the project's corpus) reads the whole note and
generalises to wordings nobody listed, but cannot point at words. So:

* `sales-pitch`: a sales phrase is reported (pointing at its words) when the classifier does not
  clearly disagree (`sales_phrase`); a note with no listed phrase is reported as a whole when the
  classifier is confident (`sales_alone`), with its score in the message, unless it is only a few
  words (`sales_alone_min_words`: "Hi dear" scored 0.48 on the model's bias alone) or a job seeker
  asking for a job for themselves (the `seeking` patterns: they ask, they do not offer).
* `no-specifics`: a hook the rules state outright (a hook phrase: "we met at ...", "fellow GDSC
  member", "I got your reference from ...", "thanks for the call") is never overruled, nor is a note
  that has one flagged for an unfilled field elsewhere; otherwise an unfilled field where the
  specifics go fires; a note without any hook fires unless the classifier is confident it is
  personal (`personal_veto`); a note whose only hooks are names (a capitalised word, an entity, a
  date, a quoted title), or that has none, fires when the classifier is confident it is generic
  (`generic_alone`; shipped at 1.01, so a named hook stands: "I see you work at Oracle" names a merge
  field, which the hook finder sets aside before this). In a note judged a sales pitch, names alone are not a
  hook unless the classifier leans personal (`pitch_names_veto`): they are the sender's product,
  clients and places ("We at Brightpath place Java graduates in Bangalore").

The thresholds are data (`composer/data/lint/classifier.yaml`; how each was chosen is written there):
`scripts/choose_thresholds.py` calls these same functions. A score of None means the rules
decide alone (`--signals rules` in scripts/evaluate.py); signals "classifier" means the score alone
decides at `classifier_alone`.
"""

from __future__ import annotations

from composer.lint.catalog import Thresholds

#: What decided a note-level judgement (None: it does not fire).
PHRASE, SCORE, NO_HOOK, SLOT = "phrase", "score", "no hook", "slot"
#: The strongest hook the rules found in a note: only names, dates or titles (NAMED), or a hook phrase (STATED).
NAMED, STATED = "named", "stated"


def sales_decision(
    phrase: bool,
    score: float | None,
    signals: str,
    limits: Thresholds,
    words: int | None = None,
    seeking: bool = False,
) -> str | None:
    """PHRASE (report the sales phrases), SCORE (report the note) or None.

    `words` is the note's length in words (`word_count`): a greeting alone ("Hi dear", "gm") gives the
    classifier nothing to read but its bias, so a note shorter than `sales_alone_min_words` is never
    a pitch on its score alone. `seeking`: the sender asks for a job for themselves ("I'm exploring
    data roles", "how I might fit", "I applied for"); a job seeker asks rather than offers
    (docs/labeling.md), and the classifier confuses their "roles" and "opportunities" with a
    recruiter's, so such a note is a pitch only by a listed sales phrase, never by its score alone.
    """
    if score is None:
        return PHRASE if phrase else None
    if signals == "classifier":
        return SCORE if score >= limits.classifier_alone else None
    if phrase and score >= limits.sales_phrase:
        return PHRASE
    if seeking or (words is not None and words < limits.sales_alone_min_words):
        return None
    return SCORE if score >= limits.sales_alone else None


def no_specifics_decision(
    slot: bool,
    hook: str | None,
    generic: float | None,
    personal: float | None,
    signals: str,
    limits: Thresholds,
    pitched: bool = False,
) -> str | None:
    """SLOT, NO_HOOK (the rules decided), SCORE (the classifier decided) or None.

    `hook` is the strongest hook the rules found: None, NAMED or STATED; `pitched`, whether the note is
    reported as a sales pitch (`sales_decision`). A hook phrase (STATED) is never
    overruled, and it outweighs an unfilled field elsewhere in the note (a template filled in but for
    the sender's company). A stronger hook never makes the rule fire where
    a weaker one would not (the lint step runs NER, which can only add hooks, only on the notes where
    the rule fired).
    """
    if generic is None or personal is None:
        return None if hook == STATED else SLOT if slot else None if hook else NO_HOOK
    if signals == "classifier":
        return SCORE if generic >= limits.classifier_alone else None
    if hook == STATED:
        return None
    if slot:
        return SLOT
    if hook == NAMED and pitched and personal < limits.pitch_names_veto:
        hook = None  # the names in a pitch are the sender's own, not something shared with the recipient
    if hook is None and personal < limits.personal_veto:
        return NO_HOOK
    return SCORE if generic >= limits.generic_alone else None


def english_decisions(
    phrase: bool,
    slot: bool,
    hook: str | None,
    scores: dict[str, float] | None,
    signals: str,
    limits: Thresholds,
    words: int | None = None,
    seeking: bool = False,
) -> tuple[str | None, str | None]:
    """(sales-pitch decision, no-specifics decision) for an English note, as the linter makes them.

    For the scripts that replay the linter's choices on gathered evidence (choose_thresholds.py,
    evaluate.py); `scores` None means the rules decide alone.
    """
    get = (lambda label: None) if scores is None else scores.get
    pitch = sales_decision(phrase, get("sales_pitch"), signals, limits, words, seeking)
    specifics = no_specifics_decision(
        slot, hook, get("generic"), get("personal_specific"), signals, limits, pitched=pitch is not None
    )
    return pitch, specifics


def other_language_sales_decision(
    score: float | None, limits: Thresholds, words: int | None = None, phrase: bool = False
) -> str | None:
    """PHRASE, SCORE or None, for a note in a judged language other than English.

    A sales phrase of that language (`languages.yaml`) counts as an English one does: reported unless the
    classifier's score is under `sales_phrase`. Otherwise the score alone decides (`other_sales`), as in
    English never on a note shorter than `sales_alone_min_words`; without a score only a phrase reports."""
    if phrase and (score is None or score >= limits.sales_phrase):
        return PHRASE
    if words is not None and words < limits.sales_alone_min_words:
        return None
    return SCORE if score is not None and score >= limits.other_sales else None


def other_language_no_specifics_decision(
    slot: bool, generic: float | None, limits: Thresholds, hook: str | None = None
) -> str | None:
    """SLOT, SCORE or None, for a note in a judged language other than English.

    The hook finder reads English; in another language a listed hook phrase of that language
    (`languages.yaml`: "nos conocimos", "dein Vortrag") is STATED and, as in English, never overruled.
    Otherwise an unfilled field where the specifics go (exact in any language) and the classifier's
    `generic` score (`other_generic`) decide.
    """
    if hook == STATED:
        return None
    if slot:
        return SLOT
    return SCORE if generic is not None and generic >= limits.other_generic else None
