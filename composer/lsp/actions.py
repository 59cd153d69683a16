"""Code actions: the safe fixes the linter's findings carry, as edits the editor applies.

The fixes are the ones `invite lint --fix` applies and `--format json` prints (`fix`: a replacement
for a span of the note; `composer.lint.fixes`): an invisible character removed, a doubled space
collapsed, LinkedIn's default sentence removed where it is a sentence of its own. Offered:

* a quick fix per finding under the cursor or selection ("Fix this double-space problem");
* one `source.fixAll` action applying every fix that does not overlap another, as `--fix`'s first
  pass does (what a fix uncovers is found at the next check and offered then).

Edits are computed from the text the findings were found in, and ranges counted in the client's units.
"""

from __future__ import annotations

from collections.abc import Sequence

from lsprotocol import types

from composer.lint import Finding, apply_fixes
from composer.lsp.checks import Checked, span

FIX_ALL_TITLE = "Fix all safe problems (invite)"


def code_actions(uri: str, checked: Checked, start: int, end: int, only: Sequence[str] | None) -> list[types.CodeAction]:
    """The actions for the code-point range [start, end] of a checked document, of the kinds `only` asks for."""
    actions: list[types.CodeAction] = []
    if _wanted(types.CodeActionKind.QuickFix, only):
        for finding, diagnostic in checked.fixes:
            if finding.start <= end and start <= finding.end:
                actions.append(_quick_fix(uri, checked, finding, diagnostic))
    if _wanted(types.CodeActionKind.SourceFixAll, only) and checked.fixes:
        _, applied = apply_fixes(checked.text, [finding for finding, _ in checked.fixes])
        diagnostics = [diagnostic for finding, diagnostic in checked.fixes if finding in applied]
        actions.append(
            types.CodeAction(
                title=FIX_ALL_TITLE,
                kind=types.CodeActionKind.SourceFixAll,
                diagnostics=diagnostics,
                edit=_edit(uri, checked, applied),
            )
        )
    return actions


def _wanted(kind: str, only: Sequence[str] | None) -> bool:
    """Whether `only` (the kinds a client asks for; None for any) covers `kind`: `source` covers `source.fixAll`."""
    return only is None or any(kind == asked or kind.startswith(f"{asked}.") for asked in only)


def _quick_fix(uri: str, checked: Checked, finding: Finding, diagnostic: types.Diagnostic) -> types.CodeAction:
    return types.CodeAction(
        title=f"Fix this {finding.rule} problem",
        kind=types.CodeActionKind.QuickFix,
        diagnostics=[diagnostic],
        is_preferred=True,
        edit=_edit(uri, checked, [finding]),
    )


def _edit(uri: str, checked: Checked, findings: list[Finding]) -> types.WorkspaceEdit:
    edits = [
        types.TextEdit(range=span(checked.lines, f.fix.start, f.fix.end), new_text=f.fix.replacement)
        for f in findings
        if f.fix is not None
    ]
    return types.WorkspaceEdit(changes={uri: edits})
