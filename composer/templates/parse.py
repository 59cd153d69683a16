"""Reading one template file: front matter and schema, then the body, into a `Parsed` result.

Discovery and `templates check` both parse through `parse_file`, so they agree on what a template
is. Parsing never raises for anything wrong with the file: every problem is a `Problem` with the
file's own line, and `Parsed.template` is set when the file can be used (front matter, metadata and
Jinja syntax are sound). Problems that do not stop a template from loading (a variable that is used
but not declared, a question never used, a sandbox refusal) are still found here, statically, and
`templates check` reports them; rendering refuses what the sandbox refuses.

This module imports yaml and jinja2 (through `sandbox`); `composer.templates.model` does not.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from jinja2 import TemplateSyntaxError, nodes

from composer.errors import SandboxError, TemplateError
from composer.templates import isolation
from composer.templates.directives import directives
from composer.templates.model import RESERVED_PREFIX, TONES, Question, Template, common_questions, question_keys, relationships
from composer.templates.sandbox import REFUSED_NAMES, RESERVED_NAMES, TOO_DEEP, environment, undeclared_variables, unsafe_uses

FRONT_MATTER_FENCE = "---"
TEMPLATE_KEYS = {"id", "relationship", "title", "description", "tone", "questions"}
REQUIRED_TEMPLATE_KEYS = ("id", "relationship", "title", "description", "questions")

#: Template files larger than this are not read (the largest built-in is about 1 KB).
MAX_TEMPLATE_BYTES = 256 * 1024
#: Control characters (line breaks included: these fields are one line in every listing), DEL, C1 and invisible
#: format characters (bidi overrides and isolates, zero-width spaces) that metadata must not carry: they would
#: reach the terminal in every listing, or forge a row of one.
CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
#: Metadata strings shown to people (a question's are marked in its schema, `model.Question`).
SHOWN_KEYS = ("id", "relationship", "title", "description", "tone")

ERROR, WARNING, INFO = "error", "warning", "info"
#: Problem codes that keep a file from loading as a template at all.
BLOCKING = frozenset({"format", "metadata", "syntax"})

KeyLines = dict[tuple[Any, ...], int]


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
class Parsed:
    """What one file holds: the template when it loads, and every problem found without running it."""

    path: Path
    source: str
    template: Template | None = None
    problems: list[Problem] = field(default_factory=list)
    id: str | None = None
    id_line: int | None = None
    relationship: str | None = None

    def add(self, severity: str, code: str, message: str, line: int | None = None) -> None:
        self.problems.append(Problem(severity, code, message, line))

    @property
    def ok(self) -> bool:
        return not any(p.severity == ERROR for p in self.problems)

    def load_error(self) -> TemplateError | None:
        """Why the file cannot load (its first blocking problem), or None when it can."""
        if self.template is not None:
            return None
        first = next((p for p in self.problems if p.code in BLOCKING), None) or next(iter(self.problems), None)
        return TemplateError(self.path, first.message if first else "cannot be loaded", line=first.line if first else None)


# --------------------------------------------------------------------------- the file


def read_template_text(path: Path) -> str:
    """Read a template file as UTF-8 (a BOM is dropped): regular files only, at most MAX_TEMPLATE_BYTES.

    A `*.jinja` symlink to /dev/zero, a FIFO or a huge file in a templates folder must not block or
    exhaust every command that loads templates: such a file is a TemplateError like any broken one.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as exc:
        raise TemplateError(path, f"cannot read: {exc.strerror or exc}") from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise TemplateError(path, "not a regular file (a template must be a plain text file)")
        if info.st_size > MAX_TEMPLATE_BYTES:
            raise TemplateError(path, f"larger than {MAX_TEMPLATE_BYTES // 1024} KB; a template is a few lines")
        try:
            data = handle.read(MAX_TEMPLATE_BYTES + 1)
        except OSError as exc:
            raise TemplateError(path, f"cannot read: {exc.strerror or exc}") from None
    if len(data) > MAX_TEMPLATE_BYTES:
        raise TemplateError(path, f"larger than {MAX_TEMPLATE_BYTES // 1024} KB; a template is a few lines")
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        raise TemplateError(path, "not UTF-8 text") from None


def split_front_matter(text: str, path: Path) -> tuple[str, str, int]:
    """Return (metadata text, body, line number where the body starts)."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != FRONT_MATTER_FENCE:
        raise TemplateError(path, "missing front matter: the file must start with a '---' line", line=1)
    for index in range(1, len(lines)):
        if lines[index].strip() == FRONT_MATTER_FENCE:
            return "".join(lines[1:index]), "".join(lines[index + 1 :]), index + 2
    raise TemplateError(path, "front matter is not closed: add a '---' line after the metadata", line=1)


# --------------------------------------------------------------------------- metadata


# libyaml's loader when PyYAML was built with it (its wheels are): the pure-Python one is most of
# what loading the template library costs a draft.
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def compose_metadata(meta_text: str) -> tuple[Any, KeyLines]:
    """The front matter's value and the line of each key path, from one YAML parse."""
    loader = _LOADER(meta_text)
    try:
        root = loader.get_single_node()
        data = loader.construct_document(root) if root is not None else None
    finally:
        loader.dispose()
    return data, key_lines(root)


def key_lines(root: Any, first_line: int = 2) -> KeyLines:
    """Map each metadata key path, e.g. ('questions', 0, 'max_length'), to its line in the file.

    The walk is iterative and visits each node once: YAML aliases make the node graph a DAG, and
    following every alias (an "alias bomb") would take exponential time and memory.
    """
    lines: KeyLines = {}
    seen: set[int] = set()
    stack: list[tuple[Any, tuple[Any, ...]]] = [(root, ())]
    while stack:
        node, prefix = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                key = (*prefix, key_node.value)
                lines.setdefault(key, key_node.start_mark.line + first_line)
                stack.append((value_node, key))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                lines.setdefault((*prefix, index), item.start_mark.line + first_line)
                stack.append((item, (*prefix, index)))
    return lines


def load_metadata(meta_text: str, path: Path) -> tuple[dict[str, Any], KeyLines]:
    """Parse the YAML front matter; a syntax error becomes a TemplateError at its line."""
    try:
        data, lines = compose_metadata(meta_text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc)
        raise TemplateError(path, f"metadata is not valid YAML: {problem}", line=line) from None
    except RecursionError:
        raise TemplateError(path, "metadata nests too deeply", line=2) from None
    if not isinstance(data, dict):
        raise TemplateError(path, "metadata must be a mapping of keys to values", line=2)
    return data, lines


def metadata_problems(data: dict[str, Any], lines: KeyLines) -> list[tuple[int, str]]:
    """Check metadata against the schema; return (line, message) for every problem found."""
    problems: list[tuple[int, str]] = []

    def at(*key: Any) -> int:
        return lines.get(tuple(key), 2)

    for key in sorted(set(data) - TEMPLATE_KEYS, key=str):
        problems.append((at(key), f"unknown metadata key {key!r}"))
    for key in REQUIRED_TEMPLATE_KEYS:
        if key not in data:
            problems.append((2, f"missing metadata key {key!r}"))
    for key in ("id", "relationship", "title", "description"):
        if key in data and not (isinstance(data[key], str) and data[key].strip()):
            problems.append((at(key), f"{key!r} must be a non-empty string"))
    for key in SHOWN_KEYS:
        if isinstance(data.get(key), str) and CONTROL.search(data[key].strip()):
            problems.append((at(key), f"{key!r} contains control or invisible characters"))
    if isinstance(data.get("relationship"), str) and data["relationship"] not in relationships():
        valid = ", ".join(relationships())
        problems.append((at("relationship"), f"unknown relationship {data['relationship']!r}; valid: {valid}"))
    if "tone" in data and data["tone"] not in TONES:
        problems.append((at("tone"), f"tone must be one of {', '.join(TONES)}"))
    questions = data.get("questions")
    if "questions" in data and not isinstance(questions, list):
        problems.append((at("questions"), "'questions' must be a list"))
    elif isinstance(questions, list):
        problems.extend(_question_problems(questions, at))
    return problems


def _question_problems(questions: list[Any], at: Any) -> list[tuple[int, str]]:
    """Check each question against its schema (`model.Question`'s keys), and the names against each other."""
    schema = question_keys()
    problems: list[tuple[int, str]] = []
    seen: set[str] = set()
    for index, question in enumerate(questions):
        if not isinstance(question, dict):
            problems.append((at("questions", index), "each question must be a mapping"))
            continue
        label = f"question {question.get('name', index + 1)!s}"
        for key in sorted(set(question) - set(schema), key=str):
            problems.append((at("questions", index, key), f"{label}: unknown key {key!r}"))
        for key in (key for key, how in schema.items() if how.required and key not in question):
            problems.append((at("questions", index), f"{label}: missing key {key!r}"))
        for key, how in schema.items():
            if key not in question:
                continue
            problem = how.problem(key, question[key])
            if problem is not None:
                problems.append((at("questions", index, key), f"{label}: {problem}"))
            elif key == "name" and (taken := _name_taken(question["name"], label, seen)):
                problems.append((at("questions", index, key), taken))
        for key in (key for key, how in schema.items() if how.shown):
            if isinstance(question.get(key), str) and CONTROL.search(question[key].strip()):
                problems.append((at("questions", index, key), f"{label}: {key!r} contains control or invisible characters"))
    return problems


def _name_taken(name: str, label: str, seen: set[str]) -> str | None:
    """Why a well-formed name cannot be used (Jinja reserves it, or an earlier question has it); `seen` learns it."""
    if name in RESERVED_NAMES or name.startswith("_"):
        return f"{label}: {name!r} is reserved by Jinja; choose another name"
    if name.startswith(RESERVED_PREFIX):
        return f"{label}: names starting {RESERVED_PREFIX!r} are the tool's own (merge's invite_ignore column); choose another"
    if name in seen:
        return f"duplicate question {name!r}"
    seen.add(name)
    return None


# --------------------------------------------------------------------------- one file


def parse_file(path: Path, source: str = "file", text: str | None = None) -> Parsed:
    """Read one template file here, then parse it in the sandbox's worker process (`isolation`).

    Parsing runs YAML and Jinja on untrusted text; the worker's OS limits bound what that can cost.
    """
    try:
        if text is None:
            text = read_template_text(path)
        return isolation.call(parse_text, path, source, text, path=path)
    except SandboxError as exc:
        parsed = Parsed(path=path, source=source)
        parsed.add(ERROR, "sandbox", exc.detail, exc.line)
        return parsed
    except TemplateError as exc:
        parsed = Parsed(path=path, source=source)
        parsed.add(ERROR, "format", exc.detail, exc.line)
        return parsed


def parse_files(files: list[tuple[str, Path]]) -> list[Parsed]:
    """Many files at once: read here, parsed in one worker task (one round trip for a whole folder).

    If that task is refused (one of the files exhausted the worker's time or memory), each file is
    parsed in its own task, so the refusal names the culprit and the others still load.
    """
    texts: list[tuple[Path, str, str | None]] = []
    failures: dict[int, Parsed] = {}
    for index, (source, path) in enumerate(files):
        try:
            texts.append((path, source, read_template_text(path)))
        except TemplateError as exc:
            failures[index] = Parsed(path=path, source=source)
            failures[index].add(ERROR, "format", exc.detail, exc.line)
            texts.append((path, source, None))
    readable = [(path, source, text) for path, source, text in texts if text is not None]
    try:
        parsed = iter(isolation.call(parse_texts, readable, path=", ".join(str(p) for p, _, _ in readable[:3]) or "<none>"))
    except (SandboxError, TemplateError):
        return [parse_file(path, source) for source, path in files]
    return [failures[index] if index in failures else next(parsed) for index in range(len(files))]


def parse_texts(items: list[tuple[Path, str, str]]) -> list[Parsed]:
    """`parse_text` for each (path, source, text): the worker's side of `parse_files`."""
    return [parse_text(path, source, text) for path, source, text in items]


def parse_text(path: Path, source: str, text: str) -> Parsed:
    """Parse a template's text in stages; a stage that cannot run stops only the stages that need it."""
    parsed = Parsed(path=path, source=source)
    try:
        meta_text, body, body_line = split_front_matter(text.removeprefix("\ufeff"), path)
    except TemplateError as exc:
        parsed.add(ERROR, "format", exc.detail, exc.line)
        return parsed
    try:
        _parse_parts(parsed, meta_text, body, body_line)
    except RecursionError:  # Jinja's parser and the AST walks recurse; a 3,000-deep expression must not crash
        parsed.template = None
        parsed.add(ERROR, "syntax", TOO_DEEP, body_line)
    return parsed


def _parse_parts(parsed: Parsed, meta_text: str, body: str, body_line: int) -> None:
    data, lines = _metadata(parsed, meta_text)
    try:
        ast = environment().parse(body)
    except TemplateSyntaxError as exc:
        parsed.add(ERROR, "syntax", f"Jinja syntax error: {exc.message}", body_line + (exc.lineno or 1) - 1)
        return
    declared = _declared_questions(data)
    for line, message in unsafe_uses(ast, declared):
        parsed.add(ERROR, "sandbox", message, body_line + line - 1)
    silences, not_directives = directives(body, body_line)
    for line, message in not_directives:
        parsed.add(ERROR, "directive", message, line)
    metadata_ok = data is not None and parsed.ok
    used = _check_variables(parsed, ast, body_line, data, declared, lines, report_unused=metadata_ok)
    if data is not None and not any(p.code in BLOCKING for p in parsed.problems):
        parsed.template = Template(
            id=data["id"],
            relationship=data["relationship"],
            title=data["title"],
            description=data["description"],
            tone=data.get("tone"),
            questions=tuple(Question(**q) for q in data["questions"]),
            body=body,
            path=parsed.path,
            source=parsed.source,
            body_line=body_line,
            variables=frozenset(used),
            silences=silences,
        )


def _metadata(parsed: Parsed, meta_text: str) -> tuple[dict[str, Any] | None, KeyLines]:
    """The metadata and its key lines; every schema problem is added to the result."""
    try:
        data, lines = load_metadata(meta_text, parsed.path)
    except TemplateError as exc:
        parsed.add(ERROR, "metadata", exc.detail, exc.line)
        return None, {}
    for line, message in metadata_problems(data, lines):
        parsed.add(ERROR, "metadata", message, line)
    if isinstance(data.get("id"), str):
        parsed.id = data["id"]
        parsed.id_line = lines.get(("id",))
    if isinstance(data.get("relationship"), str):
        parsed.relationship = data["relationship"]
    return data, lines


def _declared_questions(metadata: dict[str, Any] | None) -> dict[str, tuple[int, dict[str, Any]]]:
    """Declared question name -> (index, the question's mapping), for well-formed questions only."""
    declared: dict[str, tuple[int, dict[str, Any]]] = {}
    questions = (metadata or {}).get("questions")
    if isinstance(questions, list):
        for index, question in enumerate(questions):
            if isinstance(question, dict) and isinstance(question.get("name"), str):
                declared.setdefault(question["name"], (index, question))
    return declared


def _check_variables(
    parsed: Parsed,
    ast: nodes.Template,
    body_line: int,
    metadata: dict[str, Any] | None,
    declared: dict[str, tuple[int, dict[str, Any]]],
    lines: KeyLines,
    *,
    report_unused: bool,
) -> set[str]:
    """Report undeclared and unused variables; return the names the body uses."""
    used = undeclared_variables(ast) - set(environment().globals)
    common = {q.name for q in common_questions()}
    first_use: dict[str, int] = {}
    for node in ast.find_all(nodes.Name):
        if node.ctx == "load":
            first_use[node.name] = min(first_use.get(node.name, node.lineno), node.lineno)
    if metadata is not None:
        for name in sorted(used - set(declared) - common, key=lambda n: (first_use.get(n, 1), n)):
            if name in REFUSED_NAMES or name.startswith("_"):
                continue  # already a sandbox error
            parsed.add(
                ERROR,
                "undeclared",
                f"variable {name!r} is used but not declared as a question (add it under 'questions')",
                body_line + first_use.get(name, 1) - 1,
            )
    if report_unused:
        for name, (index, _question) in declared.items():
            if name not in used:
                parsed.add(
                    ERROR,
                    "unused",
                    f"question {name!r} is declared but never used in the body",
                    lines.get(("questions", index, "name"), 2),
                )
    return used


def parse_template(path: Path, source: str = "file", text: str | None = None) -> Template:
    """One template file as a `Template`; raise its first blocking problem as a TemplateError (path and line)."""
    parsed = parse_file(path, source, text)
    problem = parsed.load_error()
    if problem is not None:
        raise problem
    assert parsed.template is not None
    return parsed.template
