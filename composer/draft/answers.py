"""Where answers come from, and which wins.

Precedence (as in copier): flags (`--set`) > answers file (`--answers`) > user config
(`sender_name`) > the template's own defaults. The interactive prompt only asks for what is still
missing after that.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from composer.config import Config
from composer.errors import InputError, UsageError
from composer.fileio import parse_toml, read_text
from composer.output import unicode_safe
from composer.templates.model import Question, Template

#: Keys an answers file may hold besides answers: they choose the template.
SELECTOR_KEYS = ("relationship", "template")


def parse_set_options(values: Iterable[str]) -> dict[str, str]:
    """Turn repeated `--set KEY=VALUE` into a mapping; a value without `=` is a usage error."""
    answers: dict[str, str] = {}
    for item in values:
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or not key:
            raise UsageError(f"--set expects KEY=VALUE, got {item!r}")
        answers[unicode_safe(key)] = unicode_safe(value)  # argv keeps undecodable bytes as lone surrogates
    return answers


def _parse_json(text: str, path: Path) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}:{exc.lineno}: malformed JSON: {exc.msg}") from None
    except (ValueError, RecursionError) as exc:  # a 5,000-digit number, nesting deeper than Python's stack
        raise InputError(f"{path}: unusable JSON: {_short(exc)}") from None


def _parse_toml(text: str, path: Path) -> Any:
    return parse_toml(text, str(path))


def _parse_yaml(text: str, path: Path) -> Any:
    import yaml

    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
        raise InputError(f"{where}: malformed YAML: {getattr(exc, 'problem', None) or exc}") from None
    except (ValueError, RecursionError) as exc:
        raise InputError(f"{path}: unusable YAML: {_short(exc)}") from None


def _short(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text if len(text) <= 120 else text[:117] + "..."


#: How each answers-file format is read, by file suffix; anything else is read as YAML.
PARSERS = {".json": _parse_json, ".toml": _parse_toml}


def load_answers_file(path: Path) -> dict[str, str]:
    """Read a YAML, TOML or JSON mapping of answers; say which file, which format and where when it is broken."""
    text = read_text(path, what="answers file")
    data = PARSERS.get(path.suffix.lower(), _parse_yaml)(text, path)
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise InputError(f"{path}: answers file must be a mapping of name: value, not a {type(data).__name__}")
    return {unicode_safe(str(key)): unicode_safe(_as_text(path, str(key), value)) for key, value in data.items()}


def _as_text(path: Path, key: str, value: Any) -> str:
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return str(value)
    raise InputError(f"{path}: answer {key!r} must be text, not a {type(value).__name__}")


@dataclass(frozen=True)
class AnswerSources:
    """Answers known before any prompt, each layer kept apart so precedence stays explicit."""

    flags: Mapping[str, str]
    file: Mapping[str, str]
    config: Config
    #: the answers file, as the user named it (for warnings about its keys)
    file_name: str | None = None

    def selector(self, key: str) -> str | None:
        """relationship / template chosen by the answers file (flags are passed separately)."""
        return self.file.get(key)

    def value_for(self, question: Question) -> str | None:
        """The answer for one question from flags, file, config, then the template default."""
        for layer in (self.flags, self.file, self._config_answers()):
            if question.name in layer:
                return layer[question.name]
        return question.default

    def _config_answers(self) -> dict[str, str]:
        return {"sender_name": self.config.sender_name} if self.config.sender_name else {}


def known_answers(template: Template, sources: AnswerSources) -> dict[str, str]:
    """Every answer already known for a template's questions (unknown ones are left out)."""
    answers = {}
    for question in template.all_questions():
        value = sources.value_for(question)
        if value is not None:
            answers[question.name] = value
    return answers


def answer_problem(question: Question, value: str | None) -> str | None:
    """Why an answer is not acceptable (missing or too long), or None when it is fine; said with the question's prompt."""
    text = (value or "").strip()
    if question.required and not text:
        return f'"{question.prompt}" needs an answer'
    if question.max_length is not None and len(text) > question.max_length:
        return f'"{question.prompt}" ({question.name}) is {len(text)} characters; the template allows {question.max_length}'
    return None


def unknown_answers(template: Template, sources: AnswerSources) -> list[str]:
    """`--set` keys the template never asks for (they would be silently dropped otherwise)."""
    asked = {q.name for q in template.all_questions()}
    return [key for key in sources.flags if key not in asked and key not in SELECTOR_KEYS]


def unknown_answer_warnings(template: Template, sources: AnswerSources) -> list[str]:
    """One warning per answer the template never asks for, from `--set` or the answers file, with the closest name.

    A typo (`topik = ...`) would otherwise vanish: the answer is dropped and the template's default
    or a prompt takes its place. Keys the answers file also gives as flags are named once, as flags.
    """
    import difflib

    questions = [q.name for q in template.all_questions()]
    listed = ", ".join(questions)
    where = {key: "--set" for key in unknown_answers(template, sources)}
    for key in sources.file:
        if key not in questions and key not in SELECTOR_KEYS and key not in where:
            where[key] = f"{sources.file_name or 'answers file'}:"
    lines = []
    for key, source in where.items():
        line = f"{source} {key}: template {template.id!r} does not ask for it (its questions: {listed})"
        close = difflib.get_close_matches(key, questions, n=1, cutoff=0.6)
        lines.append(line + (f"; did you mean {close[0]}?" if close else ""))
    return lines


def missing_required(template: Template, answers: Mapping[str, str]) -> list[Question]:
    """Required questions with no non-blank answer."""
    return [q for q in template.all_questions() if q.required and not (answers.get(q.name) or "").strip()]
