"""The draft panel: the note in a box with its count against the limit, then its lint findings.

Used by the interactive session after every change. The findings are formatted by the linter's
one formatter (`composer.lint.report`), so the panel shows them exactly as `invite lint` would, at
the severity the config gives their rule; those the template's comments silence are counted.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.console import Console
from rich.panel import Panel
from rich.text import Text

from composer.config import Config
from composer.length import length_style, note_length
from composer.lint import BY_TEMPLATE, Finding, Policy, lint_text, print_findings, suppressed_line
from composer.output import visible
from composer.templates.model import Template

#: lint(text, limit) -> findings; injectable so the session's tests can use a stand-in.
LintFunction = Callable[[str, int], Sequence[Finding]]
PANEL_WIDTH = 80


def default_lint(text: str, limit: int) -> Sequence[Finding]:
    """The real linter."""
    return lint_text(text, limit=limit)


def show_note(console: Console, title: str, text: str, limit: int) -> None:
    """The note in a panel titled with the template, `143 / 200` at the bottom right, coloured by room left."""
    length = note_length(text)
    count = Text(f" {length} / {limit} ", style=f"bold {length_style(length, limit)}")
    width = min(console.width, PANEL_WIDTH)
    console.print(Panel(Text(visible(text)), title=Text(visible(title)), subtitle=count, subtitle_align="right", width=width))


def draft_policy(config: Config, template: Template | None) -> Policy:
    """How a draft's findings are shown and counted: the config's severities, and what the template's comments silence."""
    return Policy.configured(config.lint).silence(template.silenced if template else (), BY_TEMPLATE)


def show_findings(console: Console, text: str, limit: int, lint: LintFunction, policy: Policy | None = None) -> None:
    """Lint the note and show what was found (as `policy` sets it); a failing linter is reported, never fatal to the draft."""
    try:
        findings, suppressed = (policy or Policy()).apply(lint(text, limit))
    except Exception as exc:  # a broken linter must not cost the user their draft
        console.print(
            f"The linter failed ({type(exc).__name__}: {visible(str(exc))}); the note is unchecked.", style="red", markup=False
        )
        return
    if not findings:
        console.print("No lint findings.", style="green")
    print_findings(console, "draft", text, findings)
    if suppressed:
        console.print(suppressed_line(suppressed), markup=False, style="dim")
