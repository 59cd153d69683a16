"""`invite templates check`: everything that can be wrong with a template file, with file and line.

It joins the two subsystems (templates and lint), so neither imports the other. One file is checked
in stages; a stage that cannot run stops the stages that depend on it, never the others:

1. parsing (`composer.templates.parse`, the same as discovery): front matter, metadata schema,
   Jinja syntax, the sandbox's static refusals, variables used but not declared and questions
   declared but never used;
2. the note its examples produce: it must render, and pass the linter with no error-level finding
   (with the `[lint]` config in use, and the rules the template's `{# invite: ignore=RULE #}` comments
   or `[lint.per-file-ignores]` silence counted apart; a comment naming an unknown rule is an error);
3. the length budget (`composer.templates.budget`): with the examples, in the worst case, and the
   room per answer, against the free (200) and premium (300) limits.

Across files: duplicate ids within one source folder, (as information) which template a file
overrides, by the same rules as discovery (`library.link`), and answers whose meaning changes
between templates of one relationship: a draft that switches templates keeps its answers by name,
so an answer asked with another prompt ("Which part stood out?" where the other template asks "What
did it change for you?") must say it means the same (`meaning:`), or be named differently.

`check_text` checks one template as an editor holds it (`invite lsp`): the same stages and shared
answers, from text that may not be saved yet.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from composer.config import LintDefaults
from composer.errors import SandboxError, TemplateError, UsageError
from composer.linkedin_limits import ACCOUNT_LIMITS
from composer.lint import BY_TEMPLATE, Policy, describe, lint_text, rule_ids, suppressed_line
from composer.output import visible
from composer.templates import isolation
from composer.templates.budget import Budget, budget_message, examine, room_message
from composer.templates.library import folder_files, link, template_files
from composer.templates.model import TEMPLATE_SUFFIX, Question, Template
from composer.templates.parse import ERROR, INFO, MAX_TEMPLATE_BYTES, WARNING, Parsed, Problem, parse_file, parse_files

#: Wall-clock seconds for everything `check` runs of one template file (up to ~1,000 renders).
CHECK_SECONDS = 10.0


@dataclass
class FileResult:
    """What `check` found in one file: the parse result plus the rendering, lint and length stages."""

    parsed: Parsed
    example: str | None = None
    budget: Budget = field(default_factory=Budget)

    @property
    def path(self) -> Path:
        return self.parsed.path

    @property
    def problems(self) -> list[Problem]:
        return self.parsed.problems

    @property
    def ok(self) -> bool:
        return self.parsed.ok

    @property
    def sandbox(self) -> bool:
        return any(p.code == "sandbox" for p in self.problems)

    def add(self, severity: str, code: str, message: str, line: int | None = None) -> None:
        self.parsed.add(severity, code, message, line)

    def to_dict(self) -> dict[str, object]:
        return {
            "path": str(self.path),
            "id": self.parsed.id,
            "source": self.parsed.source,
            "relationship": self.parsed.relationship,
            "ok": self.ok,
            "example": self.example,
            "length": self.budget.to_dict(),
            "problems": [p.to_dict() for p in sorted_problems(self.problems)],
        }


def sorted_problems(problems: Iterable[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.line or 0, p.code in ("length", "room")))


# --------------------------------------------------------------------------- one file


def check_parsed(parsed: Parsed, *, account: str = "free", lint: bool = True, config: LintDefaults | None = None) -> FileResult:
    """Run the stages after parsing on one file; never raises for anything wrong with the file itself.

    `config` is the `[lint]` the example note is linted with (rules, severities, per-file ignores).
    """
    result = FileResult(parsed=parsed)
    template = parsed.template
    if template is not None:
        _unknown_silences(result, template)
    if template is None or not parsed.ok:
        return result
    try:
        # Every render of this file (examples, worst case, room) in one worker task: one time budget per file.
        examined = isolation.call(examine, template, path=template.path, seconds=CHECK_SECONDS)
    except SandboxError as exc:
        result.add(ERROR, "sandbox", exc.detail, exc.line or template.body_line)
        return result
    except TemplateError as exc:
        message = f"does not render with its example answers: {exc.detail}"
        result.add(ERROR, "render", message, exc.line or template.body_line)
        return result
    result.example = examined.example
    if lint:
        _lint(result, examined.example, template, ACCOUNT_LIMITS[account], config or LintDefaults())
    _length_budget(result, examined.budget, examined.worst_case_failure, account)
    return result


def check_file(path: Path, source: str = "file", *, account: str = "free", lint: bool = True) -> FileResult:
    """Parse and check one template file."""
    return check_parsed(parse_file(path, source), account=account, lint=lint)


def _unknown_silences(result: FileResult, template: Template) -> None:
    """A `{# invite: ignore=RULE #}` comment naming no rule of the linter silences nothing: an error at its line."""
    known = rule_ids()
    for rule, line in template.silences:
        if rule not in known:
            close = difflib.get_close_matches(rule, known, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            result.add(
                ERROR, "directive", visible(f"template comment names unknown rule {rule!r}{hint}; see `invite rules`"), line
            )


def _lint(result: FileResult, note: str, template: Template, limit: int, config: LintDefaults) -> None:
    """The example note's errors and warnings, as the config and the template's comments set them; the silenced counted."""
    policy = Policy.configured(config).silence(template.silenced, BY_TEMPLATE).for_file(str(template.path))
    found = lint_text(note, limit=limit, name=str(result.path), select=config.select, ignore=config.ignored)
    findings, suppressed = policy.apply(found)
    for finding in findings:
        if finding.severity not in (ERROR, WARNING) or finding.rule == "too-long":
            continue  # the length budget below reports the length, against both tiers
        # The note's lines are not the body's: point at where the body starts.
        result.add(finding.severity, f"lint:{finding.rule}", f"example note: {describe(finding)}", template.body_line)
    if suppressed:
        rules = ", ".join(sorted({item.finding.rule for item in suppressed}))
        result.add(INFO, "suppressed", f"example note: {suppressed_line(suppressed)} ({rules})", template.body_line)


def _length_budget(result: FileResult, budget: Budget, failure: str | None, account: str) -> None:
    template = result.parsed.template
    assert template is not None
    line = template.body_line
    result.budget = budget
    if failure is not None:
        result.add(WARNING, "length", f"the worst case does not render: {failure}", line)
        return
    severity, message = budget_message(budget, account)
    result.add(severity, "length", message, line)
    room = room_message(result.budget)
    if room:
        result.add(INFO, "room", room, line)


# --------------------------------------------------------------------------- many files


@dataclass
class Report:
    """Every file checked, in order, and the totals."""

    results: list[FileResult]
    account: str = "free"

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.results)

    @property
    def failed(self) -> list[FileResult]:
        return [r for r in self.results if not r.ok]

    @property
    def warnings(self) -> int:
        return sum(1 for r in self.results for p in r.problems if p.severity == WARNING)

    def summary(self) -> str:
        count = len(self.results)
        return (
            f"checked {count} template{'s' if count != 1 else ''}: {count - len(self.failed)} passed, "
            f"{len(self.failed)} failed, {self.warnings} warning{'s' if self.warnings != 1 else ''}"
        )

    def to_dict(self) -> dict[str, object]:
        return {
            "ok": self.ok,
            "account": self.account,
            "limit": ACCOUNT_LIMITS[self.account],
            "summary": {
                "checked": len(self.results),
                "passed": len(self.results) - len(self.failed),
                "failed": len(self.failed),
                "warnings": self.warnings,
            },
            "templates": [r.to_dict() for r in self.results],
        }


def check_files(
    files: Iterable[tuple[str, Path]],
    *,
    account: str = "free",
    lint: bool = True,
    library: Iterable[tuple[str, Path]] = (),
    config: LintDefaults | None = None,
) -> Report:
    """Check (source, path) pairs given in override order; add cross-file problems.

    `library` is every template file a draft could switch to (discovered, in override order): the
    checked files' shared answers are compared with those too. `config` is the `[lint]` in use.
    """
    files = list(files)
    parsed = parse_files(files)
    checked = {path.resolve() for _, path in files}
    others = _parsed_library(tuple(_stamped(source, path) for source, path in library if path.resolve() not in checked))
    _shared_answers(parsed, list(others))
    for index, found in link(parsed).items():
        item = parsed[index]
        if found.duplicate_of is not None:
            item.add(ERROR, "duplicate-id", f"duplicate template id {item.id!r} (also in {found.duplicate_of})", item.id_line)
        elif found.overrides is not None:
            previous = found.overrides
            message = f"overrides the {previous.source} template {item.id!r} ({previous.path})"
            item.add(INFO, "overrides", message, item.id_line)
    return Report(results=[check_parsed(p, account=account, lint=lint, config=config) for p in parsed], account=account)


def check_text(
    path: Path,
    text: str,
    *,
    account: str = "free",
    library: Iterable[tuple[str, Path]] = (),
    config: LintDefaults | None = None,
) -> FileResult:
    """One template as an editor holds it, unsaved edits and all (`invite lsp`): what `check` finds in
    that one file, with its answers compared against the rest of `library` as on disk."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_TEMPLATE_BYTES:
        parsed = Parsed(path=path, source="file")
        parsed.add(ERROR, "format", f"larger than {MAX_TEMPLATE_BYTES // 1024} KB; a template is a few lines", 1)
        return FileResult(parsed=parsed)
    parsed = parse_file(path, "file", text=text)
    mine = path.resolve()
    others = _parsed_library(tuple(_stamped(source, p) for source, p in library if p.resolve() != mine))
    _shared_answers([parsed], list(others))
    return check_parsed(parsed, account=account, config=config)


def _stamped(source: str, path: Path) -> tuple[str, Path, int, int]:
    """A library file with its modification time and size: a changed file is parsed again."""
    try:
        info = path.stat()
    except OSError:
        return source, path, 0, -1
    return source, path, info.st_mtime_ns, info.st_size


@lru_cache(maxsize=4)
def _parsed_library(files: tuple[tuple[str, Path, int, int], ...]) -> tuple[Parsed, ...]:
    """The library's files parsed, once per process for the same files: they are only read, never reported on."""
    return tuple(parse_files([(source, path) for source, path, _, _ in files]))


def _shared_answers(parsed: list[Parsed], others: list[Parsed]) -> None:
    """Warn where a template asks for an answer another template of its relationship asks with another meaning."""
    winners: dict[str, Template] = {}
    for item in [*others, *parsed]:  # the checked files last: they win their id, as when they are used
        if item.template is not None and item.ok:
            winners[item.template.id] = item.template
    for item in parsed:
        template = item.template
        if template is None or not item.ok:
            continue  # a file that does not load is not offered in a draft: its other problems come first
        related = [t for t in winners.values() if t.relationship == template.relationship]
        meanings = _declared_meanings(related)
        peers = [t for t in related if t.id != template.id]
        for question in template.questions:
            same = _same_meaning(question, meanings)
            clash = next((p for p in peers for q in p.all_questions() if q.name == question.name and not same(q)), None)
            if clash is not None:
                theirs = next(q for q in clash.all_questions() if q.name == question.name)
                message = (
                    f"answer {question.name!r} means something else in template {clash.id!r} ({theirs.prompt!r} there, "
                    f"{question.prompt!r} here); a draft that switches between them keeps the answer: rename one, "
                    "or give both the same `meaning:`"
                )
                item.add(WARNING, "shared-answer", visible(message), _question_line(template, question.name))


def _declared_meanings(templates: list[Template]) -> dict[tuple[str, str], str]:
    """(answer name, prompt) -> the meaning a template of the relationship declares for that question."""
    return {(q.name, q.prompt): q.meaning for t in templates for q in t.all_questions() if q.meaning is not None}


def _same_meaning(question: Question, meanings: dict[tuple[str, str], str]) -> Callable[[Question], bool]:
    """Whether another question of the same name means the same: the same prompt, or the same meaning.

    A question without `meaning:` means what the relationship's question with its very prompt declares,
    so a copy of a built-in (same prompt) agrees with every template the built-in agrees with.
    """

    def meaning(q: Question) -> str | None:
        return q.meaning or meanings.get((q.name, q.prompt))

    mine = meaning(question)
    return lambda other: other.prompt == question.prompt or (mine is not None and meaning(other) == mine)


def _question_line(template: Template, name: str) -> int | None:
    """The line of `- name: NAME` in the template's file (None when it cannot be read)."""
    try:
        lines = template.path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    marker = re.compile(rf"^\s*-?\s*name:\s*['\"]?{re.escape(name)}['\"]?\s*$")
    return next((number for number, line in enumerate(lines, 1) if marker.match(line)), None)


def format_text(report: Report, relative_to: Path | None = None) -> list[str]:
    """`path:line: severity: message` lines (terminal-safe), then the summary line."""
    lines: list[str] = []
    for result in report.results:
        where = _display(result.path, relative_to)
        for problem in sorted_problems(result.problems):
            position = f"{where}:{problem.line}" if problem.line else where
            lines.append(visible(f"{position}: {problem.severity}: {problem.message}"))
    lines.append(report.summary())
    return lines


def _display(path: Path, relative_to: Path | None) -> str:
    if relative_to is not None:
        try:
            return str(path.resolve().relative_to(relative_to.resolve()))
        except ValueError:
            pass
    return str(path)


# --------------------------------------------------------------------------- what to check


def select_files(targets: list[str], extra_dirs: list[Path]) -> list[tuple[str, Path]]:
    """(source, path) to check: every discovered file, or the ids, files and folders named."""
    discovered = template_files(extra_dirs)
    if not targets:
        return discovered
    chosen: list[tuple[str, Path]] = []
    ids: dict[str, tuple[str, Path]] | None = None
    for target in targets:
        path = Path(target).expanduser()
        if path.is_dir():
            chosen.extend(("folder", p) for p in folder_files(path))
        elif path.is_file():
            chosen.append(("file", path))
        elif target.endswith(TEMPLATE_SUFFIX) or "/" in target or "\\" in target:
            raise UsageError(f"{target}: no such template file or folder")
        else:
            if ids is None:
                ids = _ids(discovered)
            if target not in ids:
                valid = ", ".join(sorted(ids)) or "(none)"
                raise UsageError(f"unknown template {target!r}; valid ids: {valid}")
            chosen.append(ids[target])
    unique: dict[Path, tuple[str, Path]] = {}
    for source, path in chosen:
        unique.setdefault(path.resolve(), (source, path))
    return list(unique.values())


def _ids(discovered: list[tuple[str, Path]]) -> dict[str, tuple[str, Path]]:
    """id -> the (source, path) that wins it, as in discovery; broken files count when their id is readable."""
    ids: dict[str, tuple[str, Path]] = {}
    for (source, path), parsed in zip(discovered, parse_files(discovered), strict=True):
        if parsed.id is not None:
            ids[parsed.id] = (source, path)
    return ids
