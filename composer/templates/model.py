"""What a template is: `Template`, its `Question`s, and the `Relationship`s it is written for.

A template is one `*.jinja` file: YAML front matter between `---` lines, then a Jinja body (see
`parse`). Relationships and the common questions (`first_name`, `sender_name`) are data files in
`composer/data/`; reading them (`_load_yaml_list`) is the one place this module needs yaml.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from composer.errors import UsageError
from composer.resources import data_path

TEMPLATE_SUFFIX = ".jinja"
TONES = ("brief", "warm")

DATA_DIR = data_path()


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
        """Every answer the body uses, in asking order: first_name, declared ones, sender_name.

        The one definition of asking order: the prompt, rendering and `templates check` all use it.
        """
        declared = {q.name for q in self.questions}
        common = [q for q in common_questions() if q.name in self.variables and q.name not in declared]
        leading = [q for q in common if q.name == "first_name"]
        trailing = [q for q in common if q.name != "first_name"]
        return [*leading, *self.questions, *trailing]

    def question(self, name: str) -> Question | None:
        """The question with this name, if the template asks it."""
        return next((q for q in self.all_questions() if q.name == name), None)

    def examples(self) -> dict[str, str]:
        """The example answers, used by `templates show` and `templates check`."""
        return {q.name: q.example for q in self.all_questions() if q.example is not None}


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
