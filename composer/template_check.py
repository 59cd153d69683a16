"""`invite templates check`: everything that can be wrong with a template file, with file and line.

One file is checked in stages; a stage that cannot run (the metadata is not YAML, the body does not
parse) stops the stages that depend on it, never the others:

1. front matter and metadata schema (every problem, via `metadata_problems`);
2. the body: Jinja syntax, the sandbox's static refusals, variables used but not declared and
   questions declared but never used (at the line of the use / of the question's `name`);
3. the note its examples produce: it must render, and pass the linter with no error-level finding;
4. the length budget: with the examples and in the worst case (every answer as long as its
   `max_length`, each optional answer both given and left out, since an `{% else %}` fallback can be
   longer), against the free (200) and premium (300) limits.

Across files: duplicate ids within one source folder, and (as information) which template a file
overrides. The linter (and so spaCy) is imported only when a template gets as far as stage 3.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from composer.config import ACCOUNT_LIMITS
from composer.errors import TemplateError
from composer.length import note_length

ERROR, WARNING, INFO = "error", "warning", "info"

#: Beyond this many optional answers, the worst case tries "all given" and "all left out" only.
MAX_OPTIONAL_COMBINATIONS = 10
#: The character a worst-case answer is made of: one UTF-16 unit, untouched by normalisation.
FILLER = "x"


@dataclass(frozen=True)
class Problem:
    """One finding about one template file; `line` is the file's own line (1-based) or None."""

    severity: str
    code: str
    message: str
    line: int | None = None

    def to_dict(self) -> dict[str, object]:
        return {"line": self.line, "severity": self.severity, "code": self.code, "message": self.message}


@dataclass
class Budget:
    """Note lengths in UTF-16 units, as LinkedIn counts them."""

    examples: int | None = None
    worst_case: int | None = None
    #: the question(s) without max_length that make the worst case unbounded
    unbounded: list[str] = field(default_factory=list)
    #: answers contributing most to the worst case, longest first
    longest: list[str] = field(default_factory=list)
    #: the optional answers left out in the worst case
    worst_case_omits: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return {
            "examples": self.examples,
            "worst_case": self.worst_case,
            "worst_case_bounded": not self.unbounded,
            "unbounded_by": self.unbounded,
            "longest_answers": self.longest,
            "worst_case_omits": self.worst_case_omits,
            "limits": dict(ACCOUNT_LIMITS),
        }


@dataclass
class FileResult:
    """What `check` found in one file."""

    path: Path
    source: str
    id: str | None = None
    relationship: str | None = None
    example: str | None = None
    budget: Budget = field(default_factory=Budget)
    problems: list[Problem] = field(default_factory=list)
    id_line: int | None = None

    @property
    def ok(self) -> bool:
        return not any(p.severity == ERROR for p in self.problems)

    @property
    def sandbox(self) -> bool:
        return any(p.code == "sandbox" for p in self.problems)

    def add(self, severity: str, code: str, message: str, line: int | None = None) -> None:
        self.problems.append(Problem(severity, code, message, line))

    def to_dict(self) -> dict[str, object]:
        return {
            "path": str(self.path),
            "id": self.id,
            "source": self.source,
            "relationship": self.relationship,
            "ok": self.ok,
            "example": self.example,
            "length": self.budget.to_dict(),
            "problems": [p.to_dict() for p in sorted_problems(self.problems)],
        }


def sorted_problems(problems: Iterable[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.line or 0, p.code == "length"))


# --------------------------------------------------------------------------- one file


def check_file(path: Path, source: str = "file", *, account: str = "free", lint: bool = True) -> FileResult:
    """Check one template file; never raises for anything wrong with the file itself."""
    from composer.templates import read_template_text, split_front_matter

    result = FileResult(path=path, source=source)
    try:
        text = read_template_text(path)
        meta_text, body, body_line = split_front_matter(text, path)
    except TemplateError as exc:
        result.add(ERROR, "format", exc.detail, exc.line)
        return result
    try:
        return _check_parts(result, path, meta_text, body, body_line, account=account, lint=lint)
    except RecursionError:  # Jinja's parser and our AST walks recurse; a 3,000-deep expression must not crash
        from composer.render import TOO_DEEP

        result.add(ERROR, "syntax", TOO_DEEP, body_line)
        return result


def _check_parts(
    result: FileResult, path: Path, meta_text: str, body: str, body_line: int, *, account: str, lint: bool
) -> FileResult:
    metadata, key_lines = _check_metadata(result, meta_text, path)
    ast = _check_syntax(result, body, body_line)
    if ast is None:
        return result
    declared = _declared_questions(metadata)
    _check_sandbox(result, ast, body_line, declared)
    if metadata is None or not result.ok:
        _check_variables(result, ast, body_line, metadata, declared, key_lines, report_unused=False)
        return result
    questions = _check_variables(result, ast, body_line, metadata, declared, key_lines, report_unused=True)
    if not result.ok:
        return result
    example = _render_examples(result, body, body_line, questions)
    if example is None:
        return result
    result.example = example
    if lint:
        _lint(result, example, body_line, ACCOUNT_LIMITS[account])
    _length_budget(result, body, body_line, questions, account)
    return result


def _check_metadata(result: FileResult, meta_text: str, path: Path) -> tuple[dict[str, Any] | None, dict[tuple, int]]:
    """The metadata and its key lines; every schema problem is added to the result."""
    from composer.templates import load_metadata, metadata_problems

    try:
        data, lines = load_metadata(meta_text, path)
    except TemplateError as exc:
        result.add(ERROR, "metadata", exc.detail, exc.line)
        return None, {}
    for line, message in metadata_problems(data, lines):
        result.add(ERROR, "metadata", message, line)
    if isinstance(data.get("id"), str):
        result.id = data["id"]
        result.id_line = lines.get(("id",))
    if isinstance(data.get("relationship"), str):
        result.relationship = data["relationship"]
    return data, lines


def _check_syntax(result: FileResult, body: str, body_line: int) -> Any:
    from jinja2 import TemplateSyntaxError

    from composer.render import environment

    try:
        return environment().parse(body)
    except TemplateSyntaxError as exc:
        result.add(ERROR, "syntax", f"Jinja syntax error: {exc.message}", body_line + (exc.lineno or 1) - 1)
        return None


def _declared_questions(metadata: dict[str, Any] | None) -> dict[str, tuple[int, dict[str, Any]]]:
    """Declared question name -> (index, the question's mapping), for well-formed questions only."""
    declared: dict[str, tuple[int, dict[str, Any]]] = {}
    questions = (metadata or {}).get("questions")
    if isinstance(questions, list):
        for index, question in enumerate(questions):
            if isinstance(question, dict) and isinstance(question.get("name"), str):
                declared.setdefault(question["name"], (index, question))
    return declared


def _check_sandbox(result: FileResult, ast: Any, body_line: int, declared: Mapping[str, Any]) -> None:
    from composer.sandbox import unsafe_uses

    for line, message in unsafe_uses(ast, declared):
        result.add(ERROR, "sandbox", message, body_line + line - 1)


def _check_variables(
    result: FileResult,
    ast: Any,
    body_line: int,
    metadata: dict[str, Any] | None,
    declared: Mapping[str, tuple[int, dict[str, Any]]],
    key_lines: Mapping[tuple, int],
    *,
    report_unused: bool,
) -> list[Any]:
    """Report undeclared and unused variables; return the Questions the body uses, in asking order."""
    from jinja2 import meta, nodes

    from composer.render import environment
    from composer.sandbox import REFUSED_NAMES
    from composer.templates import Question, common_questions

    used = set(meta.find_undeclared_variables(ast)) - set(environment().globals)
    common = {q.name: q for q in common_questions()}
    first_use: dict[str, int] = {}
    for node in ast.find_all(nodes.Name):
        if node.ctx == "load":
            first_use[node.name] = min(first_use.get(node.name, node.lineno), node.lineno)
    if metadata is not None:
        for name in sorted(used - set(declared) - set(common), key=lambda n: (first_use.get(n, 1), n)):
            if name in REFUSED_NAMES or name.startswith("_"):
                continue  # already a sandbox error
            result.add(
                ERROR,
                "undeclared",
                f"variable {name!r} is used but not declared as a question (add it under 'questions')",
                body_line + first_use.get(name, 1) - 1,
            )
    if report_unused:
        for name, (index, _question) in declared.items():
            if name not in used:
                result.add(
                    ERROR,
                    "unused",
                    f"question {name!r} is declared but never used in the body",
                    key_lines.get(("questions", index, "name"), 2),
                )
    if not report_unused:  # the metadata has problems: its questions cannot be built
        return []
    questions: list[Any] = [common["first_name"]] if "first_name" in used and "first_name" not in declared else []
    for name, (_index, question) in declared.items():
        if name in used:
            questions.append(Question(**question))
    questions.extend(q for name, q in common.items() if name != "first_name" and name in used and name not in declared)
    return questions


def _render_examples(result: FileResult, body: str, body_line: int, questions: list[Any]) -> str | None:
    from composer.errors import SandboxError
    from composer.render import render_body

    answers = {q.name: q.example or "" for q in questions}
    try:
        return render_body(body, answers, result.path, body_line)
    except SandboxError as exc:
        result.add(ERROR, "sandbox", exc.detail, exc.line or body_line)
    except TemplateError as exc:
        result.add(ERROR, "render", f"does not render with its example answers: {exc.detail}", exc.line or body_line)
    return None


def _lint(result: FileResult, note: str, body_line: int, limit: int) -> None:
    try:
        from composer.lint import lint_text
    except ImportError as exc:
        result.add(WARNING, "lint", f"the linter is not available, the example note was not linted ({exc})", body_line)
        return
    for finding in lint_text(note, limit=limit, name=str(result.path)):
        if finding.severity not in (ERROR, WARNING) or finding.rule == "too-long":
            continue  # the length budget below reports the length, against both tiers
        excerpt = f" ({finding.excerpt!r})" if finding.excerpt and finding.excerpt not in finding.message else ""
        result.add(
            finding.severity,
            f"lint:{finding.rule}",
            f"example note: {finding.message}{excerpt} [{finding.rule}]",
            body_line,  # the note's lines are not the body's: point at where the body starts
        )


# --------------------------------------------------------------------------- length budget


def _length_budget(result: FileResult, body: str, body_line: int, questions: list[Any], account: str) -> None:
    budget = result.budget
    budget.examples = note_length(result.example or "")
    budget.unbounded = [q.name for q in questions if q.max_length is None]
    if not budget.unbounded:
        try:
            _worst_case(budget, body, body_line, questions, result.path)
        except TemplateError as exc:
            result.add(WARNING, "length", f"the worst case does not render: {exc.detail}", body_line)
    severity, message = budget_message(budget, account)
    result.add(severity, "length", message, body_line)


def _worst_case(budget: Budget, body: str, body_line: int, questions: list[Any], path: Path) -> None:
    from composer.render import render_body

    optional = [q.name for q in questions if not q.required]
    if len(optional) <= MAX_OPTIONAL_COMBINATIONS:
        omissions = [set(c) for r in range(len(optional) + 1) for c in itertools.combinations(optional, r)]
    else:
        omissions = [set(), set(optional)]
    full = {q.name: FILLER * q.max_length for q in questions}
    examples = {q.name: q.example or "" for q in questions}
    worst, worst_omits = -1, set()
    for omit in omissions:
        answers = {name: "" if name in omit else value for name, value in full.items()}
        length = note_length(render_body(body, answers, path, body_line))
        if length > worst:
            worst, worst_omits = length, omit
    budget.worst_case = worst
    budget.worst_case_omits = sorted(worst_omits)
    savings: list[tuple[int, str]] = []
    for name in full:
        if name in worst_omits:
            continue
        answers = {n: "" if n in worst_omits else v for n, v in full.items()} | {name: examples[name]}
        saved = worst - note_length(render_body(body, answers, path, body_line))
        if saved > 0:
            savings.append((saved, name))
    budget.longest = [name for _saved, name in sorted(savings, key=lambda s: (-s[0], s[1]))[:2]]


def budget_message(budget: Budget, account: str = "free") -> tuple[str, str]:
    """(severity, message), e.g. `fits free with examples (143); worst case 231 > 200: lower max_length of topic or event`."""
    limit = ACCOUNT_LIMITS[account]
    examples = budget.examples or 0
    if examples > limit:
        over = [f"{examples} > {lim} ({tier})" for tier, lim in ACCOUNT_LIMITS.items() if examples > lim]
        fits = [tier for tier, lim in ACCOUNT_LIMITS.items() if examples <= lim]
        also = f"; fits {fits[0]}" if fits else ""
        return ERROR, f"too long with examples: {', '.join(over)}{also}; shorten the body or the example answers"
    fits = [tier for tier, lim in ACCOUNT_LIMITS.items() if examples <= lim and lim <= limit] or [account]
    head = f"fits {fits[0]} with examples ({examples})"
    if budget.unbounded:
        names = " and ".join(budget.unbounded)
        return WARNING, f"{head}; worst case cannot be bounded: give {names} a max_length"
    worst = budget.worst_case or 0
    if worst <= limit:
        return INFO, f"{head}; worst case {worst} fits {account}"
    tiers = [f"{worst} > {lim}" for _tier, lim in ACCOUNT_LIMITS.items() if lim >= limit and worst > lim]
    premium = [tier for tier, lim in ACCOUNT_LIMITS.items() if worst <= lim]
    fix = f": lower max_length of {' or '.join(budget.longest)}" if budget.longest else ""
    still = f" (fits {premium[0]})" if premium else ""
    return WARNING, f"{head}; worst case {' and '.join(tiers)}{fix}{still}"


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


def check_files(files: Iterable[tuple[str, Path]], *, account: str = "free", lint: bool = True) -> Report:
    """Check (source, path) pairs given in override order; add cross-file problems."""
    results = [check_file(path, source, account=account, lint=lint) for source, path in files]
    _cross_file(results)
    return Report(results=results, account=account)


def _cross_file(results: list[FileResult]) -> None:
    """Duplicate ids within one folder (the first file by name wins, as in discovery); overrides."""
    by_folder: dict[tuple[Path, str], list[FileResult]] = defaultdict(list)
    for result in results:
        if result.id is not None:
            by_folder[(result.path.resolve().parent, result.id)].append(result)
    duplicates: set[int] = set()
    for same in by_folder.values():
        first, *others = sorted(same, key=lambda r: r.path.name)
        for result in others:
            duplicates.add(id(result))
            result.add(ERROR, "duplicate-id", f"duplicate template id {result.id!r} (also in {first.path})", result.id_line)
    winners: dict[str, FileResult] = {}
    for result in results:
        if result.id is None or id(result) in duplicates:
            continue
        previous = winners.get(result.id)
        if previous is not None and previous.path.resolve() != result.path.resolve():
            result.add(
                INFO, "overrides", f"overrides the {previous.source} template {result.id!r} ({previous.path})", result.id_line
            )
        winners[result.id] = result


def format_text(report: Report, relative_to: Path | None = None) -> list[str]:
    """`path:line: severity: message` lines, then the summary line."""
    lines: list[str] = []
    for result in report.results:
        where = _display(result.path, relative_to)
        for problem in sorted_problems(result.problems):
            position = f"{where}:{problem.line}" if problem.line else where
            lines.append(f"{position}: {problem.severity}: {problem.message}")
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
    from composer.errors import UsageError
    from composer.templates import TEMPLATE_SUFFIX, template_sources

    discovered: list[tuple[str, Path]] = []
    for source, folder in template_sources(extra_dirs):
        if not folder.is_dir():
            if source == "folder":
                raise UsageError(f"{folder}: templates folder not found")
            continue
        discovered.extend((source, path) for path in sorted(folder.glob(f"*{TEMPLATE_SUFFIX}")))
    if not targets:
        return discovered
    chosen: list[tuple[str, Path]] = []
    ids: dict[str, tuple[str, Path]] | None = None
    for target in targets:
        path = Path(target).expanduser()
        if path.is_dir():
            chosen.extend(("folder", p) for p in sorted(path.glob(f"*{TEMPLATE_SUFFIX}")))
        elif path.is_file():
            chosen.append(("file", path))
        elif target.endswith(TEMPLATE_SUFFIX) or "/" in target or "\\" in target:
            raise UsageError(f"{target}: no such template file or folder")
        else:
            if ids is None:
                ids = {}
                for source, candidate in discovered:  # later sources win, as in discovery
                    template_id = _quick_id(candidate)
                    if template_id is not None:
                        ids[template_id] = (source, candidate)
            if target not in ids:
                valid = ", ".join(sorted(ids)) or "(none)"
                raise UsageError(f"unknown template {target!r}; valid ids: {valid}")
            chosen.append(ids[target])
    unique: dict[Path, tuple[str, Path]] = {}
    for source, path in chosen:
        unique.setdefault(path.resolve(), (source, path))
    return list(unique.values())


def _quick_id(path: Path) -> str | None:
    """A file's id if its front matter parses, without checking anything else."""
    from composer.templates import load_metadata, read_template_text, split_front_matter

    try:
        meta_text, _body, _line = split_front_matter(read_template_text(path), path)
        data, _lines = load_metadata(meta_text, path)
    except TemplateError:
        return None
    value = data.get("id")
    return value if isinstance(value, str) else None
