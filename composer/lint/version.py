"""The linter's version: one string that changes whenever a note's findings or scores could.

The history stores each note's verdict once, with this string beside it, and lints again only the
notes stored under another one (`composer.linkedin.verdicts`). So it covers everything a verdict
depends on: the rules' code (`composer/lint/`), their data (rules, phrase lists, patterns, languages,
thresholds, the calibration and the classifier's weights, all of `composer/data/lint/`), the
release, and which spaCy pipeline lints (its name and version, or the blank fallback). It reads
bytes and an installed package's `meta.json`, never spaCy: `invite stats` checks it without loading
a model (about 10 ms, once per process).
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
from functools import cache
from pathlib import Path

from composer import __version__
from composer.lint.keys import MODEL_NAMES
from composer.resources import data_path

#: The linter's own code: a change to a rule is a new version even before a release says so.
SOURCE_DIR = Path(__file__).resolve().parent


@cache
def lint_version() -> str:
    """`<release>+<model>+<hash of the linter's code and data>`, e.g. `0.1.0+en_core_web_sm-3.8.0+3dd3147d7a71`."""
    digest = hashlib.blake2b(digest_size=6)
    files = sorted(p for p in data_path("lint").rglob("*") if p.is_file()) + sorted(SOURCE_DIR.rglob("*.py"))
    for path in files:
        digest.update(path.relative_to(path.parents[1]).as_posix().encode("utf-8") + b"\0")
        digest.update(path.read_bytes())
    return f"{__version__}+{_model()}+{digest.hexdigest()}"


def _model() -> str:
    """The pipeline the linter would load: the first installed of `MODEL_NAMES` with its version, else blank."""
    for name in MODEL_NAMES:
        spec = importlib.util.find_spec(name)
        if spec is None:
            continue
        for folder in spec.submodule_search_locations or ():
            meta = Path(folder) / "meta.json"
            if meta.is_file():
                return f"{name}-{json.loads(meta.read_text(encoding='utf-8')).get('version', '?')}"
        return name
    return "blank"
