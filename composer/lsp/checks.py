"""A document checked: the linter's findings or `templates check`'s problems as the protocol's diagnostics.

A note is linted as `invite lint FILE` lints it (`composer.lint.lint_many`, with the rules, limit
and account of the settings in force, each rule at its `[lint.severity]`, and the rules
`[lint.per-file-ignores]` silences for the file left out); a template is checked as `invite
templates check FILE` checks it (`composer.template_check.check_text`: metadata, Jinja, variables,
the sandbox, its example note linted as the config and its `{# invite: ignore=RULE #}` comments say,
the length budget, answers shared with the rest of the library), but from the editor's text, saved
or not. A template's problems point at a line; they cover that line's text.

Each diagnostic carries the rule (or problem code) as its `code`, `invite` as its `source`, and the
finding's hint on a second line of its message. Text that comes from the document is shown, never
obeyed (`output.visible`: escapes and direction overrides become symbols), since some editors show
messages in a terminal. A setting that cannot be used (a broken `.invite.toml`, an unknown rule in
`[lint] select`) is one error diagnostic at the top of the document instead of the findings.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from lsprotocol import types

from composer.errors import InviteError
from composer.lint import Finding, Policy, lint_many
from composer.lsp.documents import MAX_NOTE_CHARS, NOTE, note_text, settings_for
from composer.lsp.positions import Lines
from composer.output import visible
from composer.settings import Settings

SOURCE = "invite"
SEVERITY = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
    "info": types.DiagnosticSeverity.Information,
}


@dataclass
class Checked:
    """The last check of one document: the version and text it saw, its diagnostics, and the fixes on offer."""

    version: int | None
    text: str
    lines: Lines
    diagnostics: list[types.Diagnostic] = field(default_factory=list)
    #: the findings that carry a safe fix, each with its diagnostic (for code actions)
    fixes: list[tuple[Finding, types.Diagnostic]] = field(default_factory=list)


def check(kind: str, path: Path | None, roots: Sequence[Path], text: str, version: int | None, encoding: str) -> Checked:
    """Lint a note or check a template; a setting that cannot be used becomes the one diagnostic."""
    checked = Checked(version, text, Lines(text, encoding))
    try:
        settings = settings_for(path, roots)
        if kind == NOTE:
            _lint_note(checked, path, settings)
        else:
            _check_template(checked, path, settings)
    except InviteError as exc:
        checked.diagnostics = [_line_diagnostic(checked.lines, 0, "error", "settings", str(exc))]
        checked.fixes = []
    return checked


def _lint_note(checked: Checked, path: Path | None, settings: Settings) -> None:
    """The note's findings at their configured severity; those `[lint.per-file-ignores]` silences are not shown."""
    note = note_text(checked.text)
    if len(note) > MAX_NOTE_CHARS:
        message = f"{len(note):,} characters is too long to be a note; not linted (the linter reads up to {MAX_NOTE_CHARS:,})"
        checked.diagnostics.append(_line_diagnostic(checked.lines, 0, "info", "not-linted", message))
        return
    linted = lint_many([(None, note, None)], limit=settings.limit, select=settings.select, ignore=settings.ignore)
    [(_, _, found)] = list(linted)
    policy = Policy.configured(settings.config.lint)
    findings, _ = (policy.for_file(str(path)) if path is not None else policy).apply(found)
    for finding in findings:
        diagnostic = _finding_diagnostic(checked.lines, finding)
        checked.diagnostics.append(diagnostic)
        if finding.fix is not None:
            checked.fixes.append((finding, diagnostic))


def _finding_diagnostic(lines: Lines, finding: Finding) -> types.Diagnostic:
    message = visible(finding.message) + (f"\nhint: {visible(finding.hint)}" if finding.hint else "")
    return types.Diagnostic(
        range=span(lines, finding.start, finding.end),
        message=message,
        severity=SEVERITY.get(finding.severity, types.DiagnosticSeverity.Information),
        code=finding.rule,
        source=SOURCE,
    )


def _check_template(checked: Checked, path: Path | None, settings: Settings) -> None:
    # Imported here: they import jinja2 and yaml, which a session of notes alone never needs.
    from composer.template_check import check_text, sorted_problems
    from composer.templates.library import template_files

    library = template_files(settings.config.template_dirs)
    result = check_text(
        path or Path("untitled.jinja"), checked.text, account=settings.account, library=library, config=settings.config.lint
    )
    for problem in sorted_problems(result.problems):
        line = (problem.line or 1) - 1
        checked.diagnostics.append(_line_diagnostic(checked.lines, line, problem.severity, problem.code, problem.message))


def _line_diagnostic(lines: Lines, line: int, severity: str, code: str, message: str) -> types.Diagnostic:
    """A diagnostic covering one line's text (a template's problems, and the server's own messages)."""
    start, end = lines.line_span(line)
    return types.Diagnostic(
        range=span(lines, start, end),
        message=visible(message),
        severity=SEVERITY.get(severity, types.DiagnosticSeverity.Information),
        code=code,
        source=SOURCE,
    )


def span(lines: Lines, start: int, end: int) -> types.Range:
    """The protocol's range for the code-point offsets [start, end) of the text."""
    (start_line, start_character), (end_line, end_character) = lines.position(start), lines.position(end)
    return types.Range(types.Position(start_line, start_character), types.Position(end_line, end_character))
