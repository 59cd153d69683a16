"""What a template is: `Template`, its `Question`s, and the `Relationship`s it is written for.

A template is one `*.jinja` file: YAML front matter between `---` lines, then a Jinja body (see
`parse`). Relationships and the common questions (`first_name`, `sender_name`) are data files in
`composer/data/`, read through `composer.resources` (which imports yaml on the first read).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import MISSING, dataclass, field, fields
from functools import cache
from pathlib import Path
from typing import Any

from composer.errors import UsageError
from composer.resources import load_data

TEMPLATE_SUFFIX = ".jinja"
TONES = ("brief", "warm")
#: Answer names starting so are the tool's own (a merge CSV's `invite_ignore` column): no question may take one.
RESERVED_PREFIX = "invite_"


@dataclass(frozen=True)
class Relationship:
    """How the sender knows the recipient; chosen first, it narrows the templates offered."""

    id: str
    label: str
    description: str
    default_template: str
    #: "invitation" (a connection note), or "message" (a reply): only invitation notes count for the quota
    kind: str = "invitation"


@dataclass(frozen=True)
class Key:
    """How one key of a question is written in a template file; `parse` derives its checks from these."""

    #: the file must have the key (its field may still have a default, for the questions in data files)
    required: bool = False
    #: what the value must be: a kind in VALUE_CHECKS
    kind: str = "text"
    #: shown to people (prompts, listings): it must carry no control or invisible characters
    shown: bool = False

    def problem(self, key: str, value: Any) -> str | None:
        """What is wrong with a value for this key (the message after the question's label), or None."""
        accepts, message = VALUE_CHECKS[self.kind]
        return None if accepts(value) else message.format(key=key)


#: kind -> (whether a value is one, the message when it is not)
VALUE_CHECKS: dict[str, tuple[Callable[[Any], bool], str]] = {
    "identifier": (lambda v: isinstance(v, str) and v.isidentifier(), "{key} must be an identifier"),
    "text": (lambda v: isinstance(v, str), "{key!r} must be a string"),
    "flag": (lambda v: isinstance(v, bool), "{key!r} must be true or false"),
    "count": (lambda v: isinstance(v, int) and not isinstance(v, bool) and v > 0, "{key!r} must be a positive integer"),
}


def _key(default: Any = MISSING, **how: Any) -> Any:
    """A question field that is also a key of the file: `how` is its `Key`."""
    return field(default=default, metadata={"key": Key(**how)})


@dataclass(frozen=True)
class Question:
    """One answer a template needs, declared in its metadata (never hard-coded in prompts).

    Each field is one key of a question in a template file; its `Key` (the field's metadata) says
    whether the file must have it, what its value must be and whether it is shown. `question_keys`
    reads them, so the schema is written here once.
    """

    name: str = _key(required=True, kind="identifier", shown=True)
    prompt: str = _key(required=True, shown=True)
    help: str | None = _key(None, shown=True)
    required: bool = _key(True, kind="flag")
    default: str | None = _key(None, shown=True)
    max_length: int | None = _key(None, kind="count")
    example: str | None = _key(None, required=True, shown=True)
    #: What the answer is, in words other templates of the relationship repeat when they ask for it with
    #: another prompt: a draft that switches templates carries the answer over (`templates check` compares).
    meaning: str | None = _key(None, shown=True)


def question_keys() -> dict[str, Key]:
    """Every key a question may have, in the order the file's checks run, with how it is written."""
    return {f.name: f.metadata["key"] for f in fields(Question)}


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
    #: the lint rules its `{# invite: ignore=RULE #}` comments silence, each with the comment's line (`directives`)
    silences: tuple[tuple[str, int], ...] = ()

    @property
    def silenced(self) -> frozenset[str]:
        """The lint rules not reported for notes made from this template."""
        return frozenset(rule for rule, _ in self.silences)

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

    def summary(self) -> dict[str, object]:
        """What `templates list` and `templates show` print as JSON about the template itself."""
        return {
            "id": self.id,
            "relationship": self.relationship,
            "title": self.title,
            "tone": self.tone,
            "description": self.description,
            "source": self.source,
            "overrides": self.overrides,
            "path": str(self.path),
        }

    def examples(self) -> dict[str, str]:
        """The example answers, used by `templates show` and `templates check`."""
        return {q.name: q.example for q in self.all_questions() if q.example is not None}


@cache
def relationships() -> dict[str, Relationship]:
    """The relationships, in display order, from data/relationships.yaml."""
    return {item["id"]: Relationship(**item) for item in load_data("relationships.yaml")}


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
    return tuple(Question(**item) for item in load_data("common_questions.yaml"))
