"""The linter's library API; `invite lint`, `invite draft`, `invite merge` and `templates check` use only these names.

    >>> from composer.lint import lint_text
    >>> [f.rule for f in lint_text("Join my network on LinkedIn")]
    ['generic-phrase', 'no-specifics', 'no-greeting']

Other packages import `composer.lint`'s public names (`__all__`), never its modules (the test suite
counts the exceptions). Importing the package is cheap: the rule catalog, the findings and the
functions that start a lint load at once, and spaCy only on the first lint; the formatter, the
input readers, the worker control and the rules load when first asked for (`__getattr__`).

The package's modules, leaf first:

* `keys`: names the pipeline and its callers share; `findings`: the result types and severities;
* `catalog`: rules (`rules.yaml`), lexicon and classifier thresholds as typed data;
* `context`: what a note rule sees (`Context`) and returns (`Hit`), and shared token helpers;
* `language`: which language a note is in, and whether it is judged; `combine`: how rules and classifier scores decide together;
* `hooks`: the hook finder behind `no-specifics`;
* `rules/`: every rule, one module per kind (`text`, `phrases`, `judgements`, `history`, `batch`),
  the one `registry` by id and scope, and the runner of each scope;
* `calibration`: the classifier's scores as the JSON output prints them (read as probabilities);
* `classifier`: the trained note classifier; `ruler` and `step`: the pattern ruler and the rules as
  spaCy components; `pipeline`: loading and streaming (imports spaCy);
* `api`: `select_rules`, `lint_text`, `lint_many`, `lint_results`;
* `suppress`: findings as the user set them (`[lint.severity]`, `[lint.per-file-ignores]`, a template's
  `{# invite: ignore=RULE #}`, a merge row's `invite_ignore`), and the silenced ones counted;
* `fixes`: the safe, mechanical fixes a finding may carry (rules.yaml `fix:`), and applying them;
* `inputs`: note files, stdin and JSONL batches for `invite lint`, read and linted (`lint_inputs`);
* `autofix`: `invite lint --fix`, the fixes applied to note files in place;
* `report`: the one formatter of text and JSON; `github` and `sarif`: the CI formats (GitHub Actions
  workflow commands, a SARIF 2.1.0 log); `results`: `invite lint`'s results printed in any of them;
* `workers`: the `--jobs` worker processes (raw notes in, finished results out) and stopping them;
* `version`: `lint_version`, the one string that changes when a note's verdict could (code, data, model),
  stored beside every verdict the history keeps.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from composer.lint.api import lint_many, lint_results, lint_text, select_rules
from composer.lint.catalog import Rule, in_scope, load_rules, rule_ids
from composer.lint.findings import SEVERITIES, Finding, Fix, Linted, Suppressed, severity_rank
from composer.lint.keys import DEFAULT_BATCH_SIZE, DEFAULT_LIMIT
from composer.lint.suppress import BY_ROW, BY_TEMPLATE, Policy, suppressed_line

if TYPE_CHECKING:
    from composer.lint.autofix import fix_files, refuse_unfixable
    from composer.lint.calibration import calibrate
    from composer.lint.fixes import apply_fixes
    from composer.lint.github import github_lines
    from composer.lint.inputs import lint_inputs
    from composer.lint.language import language_name, not_judged_reason
    from composer.lint.report import (
        count_line,
        describe,
        explain_rule,
        json_line,
        print_findings,
        print_not_judged,
        reaches,
        summary,
    )
    from composer.lint.results import print_results
    from composer.lint.rules import check_batch, check_history
    from composer.lint.rules.batch import Batch
    from composer.lint.rules.history import Invitation, NoteHistory, Quota, Similar
    from composer.lint.rules.registry import sorted_findings
    from composer.lint.sarif import SarifLog
    from composer.lint.version import lint_version

__all__ = [
    "BY_ROW",
    "BY_TEMPLATE",
    "DEFAULT_BATCH_SIZE",
    "DEFAULT_LIMIT",
    "SEVERITIES",
    "Batch",
    "Finding",
    "Fix",
    "Invitation",
    "Linted",
    "NoteHistory",
    "Policy",
    "Quota",
    "Rule",
    "SarifLog",
    "Similar",
    "Suppressed",
    "apply_fixes",
    "calibrate",
    "check_batch",
    "check_history",
    "count_line",
    "describe",
    "explain_rule",
    "fix_files",
    "github_lines",
    "in_scope",
    "json_line",
    "language_name",
    "lint_inputs",
    "lint_many",
    "lint_results",
    "lint_text",
    "lint_version",
    "load_rules",
    "not_judged_reason",
    "print_findings",
    "print_not_judged",
    "print_results",
    "reaches",
    "refuse_unfixable",
    "rule_ids",
    "select_rules",
    "severity_rank",
    "sorted_findings",
    "summary",
    "suppressed_line",
]

#: Public names loaded on first use, and the module each comes from.
_LAZY = {
    "lint_inputs": "inputs",
    **dict.fromkeys(("fix_files", "refuse_unfixable"), "autofix"),
    "apply_fixes": "fixes",
    "github_lines": "github",
    "SarifLog": "sarif",
    "print_results": "results",
    "calibrate": "calibration",
    **dict.fromkeys(("language_name", "not_judged_reason"), "language"),
    **dict.fromkeys(
        ("count_line", "describe", "explain_rule", "json_line", "print_findings", "print_not_judged", "reaches", "summary"),
        "report",
    ),
    **dict.fromkeys(("check_batch", "check_history"), "rules"),
    "Batch": "rules.batch",
    **dict.fromkeys(("Invitation", "NoteHistory", "Quota", "Similar"), "rules.history"),
    "sorted_findings": "rules.registry",
    "lint_version": "version",
}


def __getattr__(name: str) -> Any:
    """A lazily loaded public name (PEP 562): its module is imported the first time it is asked for."""
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
