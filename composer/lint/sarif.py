"""`invite lint --format sarif`: one SARIF 2.1.0 log for the whole run, for code scanning and editors.

One run; `tool.driver` names the tool, its version and the rules that ran, each with its
description (`shortDescription`), why it matters (`fullDescription`) and advice (`help`), all from
rules.yaml, and its severity as `defaultConfiguration.level` (error, warning, or note for info).
Each finding is a result with its rule, level, message and where it is: the note file as a URI
(relative paths against `%SRCROOT%`, the folder `invite lint` ran in) and the region of its words.
A finding with a safe fix carries it as a SARIF `fix` (the region deleted and the text put there).
A rule the config gives another severity keeps its own as its default, and the run lists the change
(`ruleConfigurationOverrides`); a finding the config silenced is a result with a `suppressions` entry.

Columns count characters (code points), as `--format json` and the text output do; the run says so
(`columnKind: unicodeCodePoints`); `endColumn` is the column after the last character, as SARIF
defines it. stdin is the artifact `stdin` with the role `standardStream`. A `--jsonl` batch's notes
are not regions of the batch file: a result names the file and the note's id (a logical location).
The tests validate the log against the OASIS schema (tests/data/sarif-schema-2.1.0.json).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path, PurePath
from typing import Any
from urllib.parse import quote

from composer import __version__
from composer.lint.catalog import Rule, load_rules
from composer.lint.findings import Finding, Fix, Suppressed
from composer.lint.rules.registry import line_and_column

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
TOOL = "invite-composer"
#: Where to read about the tool when its package names no homepage.
INFORMATION_URI = "https://pypi.org/project/invite-composer/"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
SRCROOT = "%SRCROOT%"
STDIN_URI = "stdin"
STDIN_LABELS = ("<stdin>", "-")


class SarifLog:
    """A run's results, added note by note; `document()` is the whole log."""

    def __init__(self, rule_ids: Sequence[str], *, batch: str | None = None, severity: Mapping[str, str] | None = None) -> None:
        rules = load_rules()
        self.rules: list[Rule] = [rules[r] for r in rule_ids if rules[r].scope == "note"]
        self.index = {rule.id: i for i, rule in enumerate(self.rules)}
        self.batch = batch
        self.results: list[dict[str, Any]] = []
        self.stdin_used = False
        #: the severities the config gives rules, where they differ from the rule's own
        configured = severity or {}
        self.overrides = {r.id: configured[r.id] for r in self.rules if configured.get(r.id, r.severity) != r.severity}

    def add(self, label: object, text: str, findings: Sequence[Finding], suppressed: Sequence[Suppressed] = ()) -> None:
        """The results of one note (`label` is its file, `<stdin>`, or its id in the `batch`); `suppressed` marked so."""
        for finding in findings:
            self.results.append(self._result(label, text, finding))
        for item in suppressed:
            result = self._result(label, text, item.finding)
            result["suppressions"] = [{"kind": "external", "justification": f"silenced by {item.by}"}]
            self.results.append(result)

    def document(self) -> dict[str, Any]:
        run: dict[str, Any] = {
            "tool": {"driver": self._driver()},
            "columnKind": "unicodeCodePoints",
            "originalUriBaseIds": {SRCROOT: {"uri": Path.cwd().as_uri().rstrip("/") + "/"}},
            "invocations": [{"executionSuccessful": True, **self._overrides()}],
            "results": self.results,
        }
        if self.stdin_used:
            stdin = {"location": {"uri": STDIN_URI}, "roles": ["standardStream"], "description": {"text": "standard input"}}
            run["artifacts"] = [stdin]
        return {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}

    def _overrides(self) -> dict[str, Any]:
        """The rules the config gives another severity, as the run's `ruleConfigurationOverrides`."""
        if not self.overrides:
            return {}
        overrides = [
            {"descriptor": {"id": rule, "index": self.index[rule]}, "configuration": {"level": LEVELS[level]}}
            for rule, level in self.overrides.items()
        ]
        return {"ruleConfigurationOverrides": overrides}

    def _driver(self) -> dict[str, Any]:
        return {
            "name": TOOL,
            "version": __version__,
            "informationUri": information_uri(),
            "rules": [_descriptor(rule) for rule in self.rules],
        }

    def _result(self, label: object, text: str, finding: Finding) -> dict[str, Any]:
        result: dict[str, Any] = {
            "ruleId": finding.rule,
            "level": LEVELS.get(finding.severity, "warning"),
            "message": {"text": finding.message},
            "properties": {"hint": finding.hint},
        }
        if finding.rule in self.index:
            result["ruleIndex"] = self.index[finding.rule]
        if self.batch is not None:
            where = self._artifact(self.batch)
            result["locations"] = [{"physicalLocation": {"artifactLocation": where}, "logicalLocations": [_note(label)]}]
            return result
        where = self._artifact(str(label))
        region: dict[str, Any] = {**_region(text, finding.start, finding.end), "snippet": {"text": finding.excerpt}}
        result["locations"] = [{"physicalLocation": {"artifactLocation": where, "region": region}}]
        if finding.fix is not None:
            result["fixes"] = [_fix(finding, finding.fix, text, where)]
        return result

    def _artifact(self, label: str) -> dict[str, Any]:
        if label in STDIN_LABELS:
            self.stdin_used = True
            return {"uri": STDIN_URI, "index": 0}
        return artifact_location(label)


def artifact_location(path: str) -> dict[str, Any]:
    """A note file as SARIF names it: an absolute path as a file URI, a relative one against %SRCROOT%."""
    pure = PurePath(path)
    if pure.is_absolute():
        return {"uri": Path(path).as_uri()}
    return {"uri": quote(pure.as_posix()), "uriBaseId": SRCROOT}


def information_uri() -> str:
    """The package's homepage when its metadata names one, else its PyPI page."""
    from importlib import metadata

    try:
        urls = metadata.metadata(TOOL).get_all("Project-URL") or []
    except metadata.PackageNotFoundError:
        urls = []
    for entry in urls:
        name, _, url = entry.partition(",")
        if name.strip().lower() in ("homepage", "home", "documentation", "source") and url.strip():
            return url.strip()
    return INFORMATION_URI


def _descriptor(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.id,
        "shortDescription": {"text": rule.description},
        "fullDescription": {"text": rule.why},
        "help": {"text": rule.help},
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
    }


def _region(text: str, start: int, end: int) -> dict[str, int]:
    """Lines and columns from 1, in characters; the end column is the one after the last character."""
    start_line, start_column = line_and_column(text, start)
    if end <= start:
        return {"startLine": start_line, "startColumn": start_column, "endLine": start_line, "endColumn": start_column}
    end_line, last_column = line_and_column(text, end - 1)
    return {"startLine": start_line, "startColumn": start_column, "endLine": end_line, "endColumn": last_column + 1}


def _note(label: object) -> dict[str, Any]:
    return {"name": str(label), "kind": "object"}


def _fix(finding: Finding, fix: Fix, text: str, where: dict[str, Any]) -> dict[str, Any]:
    rule = load_rules().get(finding.rule)
    says = rule.fix.says if rule is not None and rule.fix is not None else "fix"
    replacement = {"deletedRegion": _region(text, fix.start, fix.end), "insertedContent": {"text": fix.replacement}}
    return {"description": {"text": says}, "artifactChanges": [{"artifactLocation": where, "replacements": [replacement]}]}
