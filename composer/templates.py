"""Message templates: the file format, its metadata schema, and discovery.

A template is one `*.jinja` file: YAML front matter between `---` lines, then a Jinja body.
Templates come from three places, later ones overriding earlier ones by `id`:
built-ins (`message_templates/`, shipped in the wheel), the user folder
(`<user config dir>/templates/`), and extra folders (config `template_dirs`, then
`--templates-dir`). A broken file is reported by path and line and never stops the others.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from composer.errors import TemplateError, UsageError

TEMPLATE_SUFFIX = ".jinja"
FRONT_MATTER_FENCE = "---"

TEMPLATE_KEYS = {"id", "relationship", "title", "description", "tone", "questions"}
REQUIRED_TEMPLATE_KEYS = ("id", "relationship", "title", "description", "questions")
QUESTION_KEYS = {"name", "prompt", "help", "required", "default", "max_length", "example"}
REQUIRED_QUESTION_KEYS = ("name", "prompt", "example")
TONES = ("brief", "warm")

DATA_DIR = Path(__file__).parent / "data"


@dataclass(frozen=True)
class Relationship:
    """How the sender knows the recipient; chosen first, it narrows the templates offered."""

    id: str
    label: str
    description: str
    default_template: str


@dataclass(frozen=True)
class Question:
    """One answer a template needs, declared in its metadata (never hard-coded in prompts)."""

    name: str
    prompt: str
    help: str | None = None
    required: bool = True
    default: str | None = None
    max_length: int | None = None
    example: str | None = None


@dataclass(frozen=True)
class Template:
    """A parsed template file. `source` is where it came from: built-in, user or folder."""

    id: str
    relationship: str
    title: str
    description: str
    body: str
    path: Path
    source: str
    questions: tuple[Question, ...] = ()
    tone: str | None = None
    body_line: int = 1
    variables: frozenset[str] = frozenset()
    overrides: str | None = None

    def all_questions(self) -> list[Question]:
        """Every answer the body uses, in asking order: first_name, declared ones, sender_name."""
        declared = {q.name for q in self.questions}
        common = [q for q in common_questions() if q.name in self.variables and q.name not in declared]
        leading = [q for q in common if q.name == "first_name"]
        trailing = [q for q in common if q.name != "first_name"]
        return [*leading, *self.questions, *trailing]

    def examples(self) -> dict[str, str]:
        """The example answers, used by `templates show` and `templates check`."""
        return {q.name: q.example for q in self.all_questions() if q.example is not None}


@dataclass
class Library:
    """Every template that loaded, by id, plus the files that did not."""

    templates: dict[str, Template] = field(default_factory=dict)
    problems: list[TemplateError] = field(default_factory=list)

    def get(self, template_id: str) -> Template:
        """Look up a template; an unknown id is a usage error listing the valid ones."""
        try:
            return self.templates[template_id]
        except KeyError:
            valid = ", ".join(sorted(self.templates)) or "(none)"
            raise UsageError(f"unknown template {template_id!r}; valid ids: {valid}") from None

    def for_relationship(self, relationship: str) -> list[Template]:
        """Templates of one relationship, sorted by id."""
        return sorted(
            (t for t in self.templates.values() if t.relationship == relationship),
            key=lambda t: t.id,
        )


# --------------------------------------------------------------------------- data files


def _load_yaml_list(name: str) -> list[dict[str, Any]]:
    import yaml

    return yaml.safe_load((DATA_DIR / name).read_text(encoding="utf-8"))


@cache
def relationships() -> dict[str, Relationship]:
    """The relationships, in display order, from data/relationships.yaml."""
    return {item["id"]: Relationship(**item) for item in _load_yaml_list("relationships.yaml")}


def get_relationship(relationship_id: str) -> Relationship:
    """Look up a relationship; an unknown id is a usage error listing the valid ones."""
    known = relationships()
    try:
        return known[relationship_id]
    except KeyError:
        valid = ", ".join(known)
        raise UsageError(f"unknown relationship {relationship_id!r}; valid: {valid}") from None


@cache
def common_questions() -> tuple[Question, ...]:
    """Answers any template may use without declaring them (first_name, sender_name)."""
    return tuple(Question(**item) for item in _load_yaml_list("common_questions.yaml"))


def __getattr__(name: str) -> Any:
    """`COMMON_NAMES` (the common answers' names) is computed on first use: reading it needs yaml,
    which `invite --help` should not import."""
    if name == "COMMON_NAMES":
        return frozenset(q.name for q in common_questions())
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# --------------------------------------------------------------------------- parsing


def split_front_matter(text: str, path: Path) -> tuple[str, str, int]:
    """Return (metadata text, body, line number where the body starts)."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != FRONT_MATTER_FENCE:
        raise TemplateError(path, "missing front matter: the file must start with a '---' line", line=1)
    for index in range(1, len(lines)):
        if lines[index].strip() == FRONT_MATTER_FENCE:
            return "".join(lines[1:index]), "".join(lines[index + 1 :]), index + 2
    raise TemplateError(path, "front matter is not closed: add a '---' line after the metadata", line=1)


def key_lines(meta_text: str, first_line: int = 2) -> dict[tuple, int]:
    """Map each metadata key path, e.g. ('questions', 0, 'max_length'), to its line in the file."""
    import yaml

    lines: dict[tuple, int] = {}

    def walk(node: Any, prefix: tuple) -> None:
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                key = (*prefix, key_node.value)
                lines[key] = key_node.start_mark.line + first_line
                walk(value_node, key)
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                lines[(*prefix, index)] = item.start_mark.line + first_line
                walk(item, (*prefix, index))

    walk(yaml.compose(meta_text, Loader=yaml.SafeLoader), ())
    return lines


def load_metadata(meta_text: str, path: Path) -> tuple[dict[str, Any], dict[tuple, int]]:
    """Parse the YAML front matter; a syntax error becomes a TemplateError at its line."""
    import yaml

    try:
        data = yaml.safe_load(meta_text)
        lines = key_lines(meta_text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc)
        raise TemplateError(path, f"metadata is not valid YAML: {problem}", line=line) from None
    if not isinstance(data, dict):
        raise TemplateError(path, "metadata must be a mapping of keys to values", line=2)
    return data, lines


def metadata_problems(data: dict[str, Any], lines: dict[tuple, int]) -> list[tuple[int, str]]:
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
    problems: list[tuple[int, str]] = []
    seen: set[str] = set()
    for index, question in enumerate(questions):
        if not isinstance(question, dict):
            problems.append((at("questions", index), "each question must be a mapping"))
            continue
        label = f"question {question.get('name', index + 1)!s}"
        for key in sorted(set(question) - QUESTION_KEYS, key=str):
            problems.append((at("questions", index, key), f"{label}: unknown key {key!r}"))
        for key in REQUIRED_QUESTION_KEYS:
            if key not in question:
                problems.append((at("questions", index), f"{label}: missing key {key!r}"))
        name = question.get("name")
        if "name" in question and not (isinstance(name, str) and name.isidentifier()):
            problems.append((at("questions", index, "name"), f"{label}: name must be an identifier"))
        elif isinstance(name, str):
            if name in seen:
                problems.append((at("questions", index, "name"), f"duplicate question {name!r}"))
            seen.add(name)
        for key in ("prompt", "help", "default", "example"):
            if key in question and not isinstance(question[key], str):
                problems.append((at("questions", index, key), f"{label}: {key!r} must be a string"))
        if "required" in question and not isinstance(question["required"], bool):
            problems.append((at("questions", index, "required"), f"{label}: 'required' must be true or false"))
        max_length = question.get("max_length")
        if "max_length" in question and not (isinstance(max_length, int) and not isinstance(max_length, bool) and max_length > 0):
            problems.append((at("questions", index, "max_length"), f"{label}: 'max_length' must be a positive integer"))
    return problems


def parse_template(path: Path, source: str, text: str | None = None) -> Template:
    """Parse one template file; raise TemplateError (with path and line) on the first problem."""
    from composer.render import parse_body

    if text is None:
        text = read_template_text(path)
    meta_text, body, body_line = split_front_matter(text, path)
    data, lines = load_metadata(meta_text, path)
    problems = metadata_problems(data, lines)
    if problems:
        line, message = problems[0]
        raise TemplateError(path, message, line=line)
    variables = parse_body(body, path, body_line)
    return Template(
        id=data["id"],
        relationship=data["relationship"],
        title=data["title"],
        description=data["description"],
        tone=data.get("tone"),
        questions=tuple(Question(**q) for q in data["questions"]),
        body=body,
        path=path,
        source=source,
        body_line=body_line,
        variables=frozenset(variables),
    )


def read_template_text(path: Path) -> str:
    """Read a template file as UTF-8; unreadable or binary files are TemplateErrors."""
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise TemplateError(path, "not UTF-8 text") from None
    except OSError as exc:
        raise TemplateError(path, f"cannot read: {exc.strerror or exc}") from None


# --------------------------------------------------------------------------- discovery


def builtin_templates_dir() -> Path:
    """Built-ins ship inside the wheel as composer/message_templates; a checkout has them at top level."""
    packaged = Path(__file__).parent / "message_templates"
    if packaged.is_dir():
        return packaged
    return Path(__file__).parent.parent / "message_templates"


def template_sources(extra_dirs: list[Path] | tuple[Path, ...] = ()) -> list[tuple[str, Path]]:
    """(source label, folder) in override order: later folders win."""
    from composer.config import user_templates_dir

    sources = [("built-in", builtin_templates_dir()), ("user", user_templates_dir())]
    sources.extend(("folder", Path(folder)) for folder in extra_dirs)
    return sources


def discover(extra_dirs: list[Path] | tuple[Path, ...] = ()) -> Library:
    """Load every template from every source; later sources override earlier ones by id."""
    library = Library()
    for source, folder in template_sources(extra_dirs):
        if not folder.is_dir():
            if source == "folder":
                raise UsageError(f"{folder}: templates folder not found")
            continue
        seen_here: dict[str, Path] = {}
        for path in sorted(folder.glob(f"*{TEMPLATE_SUFFIX}")):
            try:
                template = parse_template(path, source)
            except TemplateError as exc:
                library.problems.append(exc)
                continue
            if template.id in seen_here:
                library.problems.append(
                    TemplateError(path, f"duplicate template id {template.id!r} (also in {seen_here[template.id]})", line=2)
                )
                continue
            seen_here[template.id] = path
            previous = library.templates.get(template.id)
            if previous is not None:
                template = _replace(template, overrides=previous.source)
            library.templates[template.id] = template
    return library


def _replace(template: Template, **changes: Any) -> Template:
    from dataclasses import replace

    return replace(template, **changes)
