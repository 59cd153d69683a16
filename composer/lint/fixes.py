"""Safe, mechanical fixes: the `fix` a finding carries, how each kind is worked out, and applying them.

A rule offers a fix only when rules.yaml declares one (`fix:`, typed as `catalog.FixSpec`); the kinds
are few and each is safe by construction, so `invite lint --fix` may apply them without asking:

* `delete`: the span goes (a character listed in `keep_as` becomes that text instead; a match of the
  `whole` regex starting in the span goes whole, so a terminal escape leaves no `[8m` behind);
* `replace`: the span becomes `replacement` (doubled spaces become one);
* `drop-sentence`: LinkedIn's default sentence is removed, but only when it is a sentence of its own
  and what is left still says something (`min_words_left` words).

Offsets are Python string indices into the note, like a finding's `start` and `end`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from composer.lint.catalog import FixSpec, Rule
from composer.lint.findings import Finding, Fix
from composer.lint.language import default_invitations

__all__ = ["Fix", "apply_fixes", "fix_for"]


def fix_for(rule: Rule, text: str, start: int, end: int) -> Fix | None:
    """The fix of a finding of `rule` on `text[start:end]`, or None when it has no safe one."""
    spec = rule.fix
    if spec is None:
        return None
    if spec.kind == "delete":
        return _delete(spec, text, start, end)
    if spec.kind == "replace":
        return Fix(str(spec.settings["replacement"]), start, end)
    return _drop_sentence(spec, text, start, end)


def apply_fixes(text: str, findings: Iterable[Finding]) -> tuple[str, list[Finding]]:
    """The text with the fix of every finding that has one applied, but for fixes overlapping an earlier one.

    Returns the new text and the findings whose fix was applied. Overlapping fixes are left for
    another pass (`invite lint --fix` lints again until nothing changes).
    """
    applied: list[Finding] = []
    end = -1
    for finding in sorted((f for f in findings if f.fix is not None), key=_span):
        fix = _span_of(finding)
        if fix.start < end:
            continue
        applied.append(finding)
        end = max(fix.end, fix.start + 1)
    for finding in reversed(applied):
        fix = _span_of(finding)
        text = text[: fix.start] + fix.replacement + text[fix.end :]
    return text, applied


def _span_of(finding: Finding) -> Fix:
    assert finding.fix is not None
    return finding.fix


def _span(finding: Finding) -> tuple[int, int]:
    fix = _span_of(finding)
    return fix.start, fix.end


# --------------------------------------------------------------------------- delete


@cache
def _pattern(regex: str) -> re.Pattern[str]:
    return re.compile(regex)


def _delete(spec: FixSpec, text: str, start: int, end: int) -> Fix:
    keep_as: dict[str, str] = spec.settings.get("keep_as", {})
    whole = spec.settings.get("whole")
    if whole:
        for index in range(start, end):
            match = _pattern(whole).match(text, index)
            if match:
                end = max(end, match.end())
    replacement = "".join(keep_as.get(char, "") for char in text[start:end] if char in keep_as)
    return Fix(replacement, start, end)


# --------------------------------------------------------------------------- drop-sentence

_HORIZONTAL = re.compile(r"[^\S\n]*")
_WORD = re.compile(r"\w+")
_SENTENCE_BEFORE = (".", "!", "?", "\n", "。", "！", "？")


def _drop_sentence(spec: FixSpec, text: str, start: int, end: int) -> Fix | None:
    """Remove LinkedIn's default text within [start, end) with the space around it, when that is safe."""
    for d_start, d_end in default_invitations(text):
        if d_start < start or d_end > end:
            continue
        stop = _pattern(spec.settings["sentence_end"]).match(text, d_end)
        at_line_end = _HORIZONTAL.match(text, d_end)
        if stop is not None:
            s_end = stop.end()
        elif at_line_end is not None and (at_line_end.end() == len(text) or text[at_line_end.end()] == "\n"):
            s_end = d_end
        else:
            continue  # the sentence goes on after the default text ("... on LinkedIn and we met at ...")
        before = text[:d_start].rstrip(" \t")
        if before and not before.endswith(_SENTENCE_BEFORE):
            continue  # something of the note's own shares the sentence ("Hi Ana, I'd like to ...")
        fix = _with_space(text, d_start, s_end)
        left = text[: fix.start] + text[fix.end :]
        if len(_WORD.findall(left)) >= int(spec.settings["min_words_left"]):
            return fix
    return None


def _with_space(text: str, start: int, end: int) -> Fix:
    """Removing [start, end) and the space it leaves: after it, or before it at the note's or a line's end."""
    after = _HORIZONTAL.match(text, end)
    after_end = after.end() if after else end
    if not text[:start].strip():  # the note's first sentence: the space after it goes, the note's indent stays
        return Fix("", start, _past_line_break(text, after_end))
    if after_end < len(text) and text[after_end] != "\n":
        return Fix("", start, after_end)  # a sentence between two others on one line
    line_start = text[:start].rstrip(" \t")
    if line_start.endswith("\n"):  # alone on its line: the line goes, with its line break
        return Fix("", len(line_start), _past_line_break(text, after_end))
    return Fix("", len(line_start), after_end)  # the last sentence of a line: the space before it goes


def _past_line_break(text: str, index: int) -> int:
    """Past the whitespace at `index` up to and including one line break, if there is one there."""
    newline = text.find("\n", index)
    return newline + 1 if newline != -1 and not text[index:newline].strip() else index
