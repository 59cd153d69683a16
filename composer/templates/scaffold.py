"""`invite templates new`: a complete, valid template to start from.

The scaffold declares two questions (a required one and an optional one whose `{% if %}` has an
`{% else %}` fallback), named as no built-in template names its answers (so switching to a built-in
never carries an answer over with another meaning), uses the common `first_name`, and renders with
its examples to a note that
passes `invite templates check`: personal, specific, and well inside the free limit even in the
worst case. The example answers are chosen per relationship so the note reads true.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from composer.errors import UsageError
from composer.fileio import write_atomic
from composer.templates.model import TEMPLATE_SUFFIX, Template, get_relationship
from composer.templates.parse import FRONT_MATTER_FENCE

TEMPLATE_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

#: relationship -> (prompt, example) for the scaffold's first question, `how_we_know`.
HOW_WE_KNOW: dict[str, tuple[str, str]] = {
    "event": ("Where did you meet? Say it as a clause.", "we met at PyData Berlin"),
    "referral": ("Who suggested you connect? Say it as a clause.", "Tariq Aziz suggested I reach out"),
    "content": ("What of theirs did you read or watch? Say it as a clause.", "I read your post on feature flags"),
    "profile-view": ("What did you notice? Say it as a clause.", "I saw you viewed my profile after my data talk"),
    "colleague": ("Where did you work together? Say it as a clause.", "we worked together at Globex on billing"),
    "group": ("Which group do you share? Say it as a clause.", "I follow your posts in the Python Zurich meetup"),
    "alumni": ("Which school do you share? Say it as a clause.", "we both studied at ETH Zurich"),
    "recruiting": ("What role is this about? Say it as a clause.", "I'm hiring a data engineer at Globex"),
    "reconnect": ("When did you know each other? Say it as a clause.", "it's been a while since Globex"),
    "reply": ("What do you remember of them? Say it as a clause.", "thanks for the invitation after the meetup"),
}

SCAFFOLD = """\
---
# A message template for `invite draft`. Reference: docs/templates.md
id: {id}
relationship: {relationship}
title: {title}
description: {description}
tone: warm
# Questions are asked in this order (first_name is asked first without being declared).
# Each needs a name, a prompt and an example; max_length keeps the note inside LinkedIn's limit.
questions:
  - name: how_we_know
    prompt: {prompt}
    help: A few words they will recognise, e.g. "{example}".
    max_length: 50
    example: {example}
  - name: their_point
    prompt: What did they say or do that stayed with you?
    help: Optional. A few words, e.g. "testing data pipelines"; leave it blank to use the fallback.
    required: false
    max_length: 40
    example: testing data pipelines
---
Hi {{{{ first_name }}}}, {{{{ how_we_know }}}}{{% if their_point %}} - your point about {{{{ their_point }}}} \
stayed with me{{% else %}} - I'd like to hear what you're working on now{{% endif %}}. Glad to connect here.
"""


def validate_id(template_id: str) -> str:
    """Template ids are kebab-case: lowercase letters and digits joined by single hyphens."""
    if not TEMPLATE_ID.fullmatch(template_id):
        raise UsageError(f"invalid template id {template_id!r}: use lowercase letters, digits and hyphens, e.g. 'event-pycon'")
    return template_id


def scaffold(template_id: str, relationship_id: str) -> str:
    """The text of a new template with this id, for this relationship."""
    relationship = get_relationship(relationship_id)
    prompt, example = HOW_WE_KNOW.get(relationship.id, ("How do you know them? Say it as a clause.", "we met at PyData Berlin"))
    title = template_id.replace("-", " ").capitalize()
    return SCAFFOLD.format(
        id=template_id,
        relationship=relationship.id,
        title=_yaml_str(title),
        description=_yaml_str(f"{relationship.label}: says how you know them and what stayed with you. Edit me."),
        prompt=_yaml_str(prompt),
        example=example,
    )


def _yaml_str(value: str) -> str:
    """Quote a scalar only when YAML would misread it."""
    dumped = yaml.safe_dump(value, default_flow_style=True, width=1000).strip()
    return dumped.removesuffix("...").strip()


_ID_LINE = re.compile(r"^id:.*$", re.MULTILINE)
#: The `title:` line, and the lines of a block or folded title that follow it (indented).
_TITLE_LINES = re.compile(r"^title:.*(?:\n[ \t]+.*)*$", re.MULTILINE)


def copy_of(template: Template, new_id: str) -> str:
    """A template's own file text with a new id and title, to edit into a new template (`templates new ID --from OTHER`).

    The front matter keeps its comments and order; only the `id:` and `title:` lines change. The
    title names the new id, so the picker never shows two identical entries ("Met at an event
    (event-pycon)"). A template whose front matter does not have a plain `id:` line gets one added.
    """
    text = template.path.read_text(encoding="utf-8")
    lines = text.split("\n")
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == FRONT_MATTER_FENCE), len(lines))
    front = "\n".join(lines[1:end])
    front = _ID_LINE.sub(f"id: {new_id}", front, count=1) if _ID_LINE.search(front) else f"id: {new_id}\n{front}"
    title = f"title: {_yaml_str(f'{template.title} ({new_id})')}"
    front = _TITLE_LINES.sub(lambda _: title, front, count=1) if _TITLE_LINES.search(front) else f"{front}\n{title}"
    return "\n".join([lines[0], front, *lines[end:]])


def new_template(template_id: str, folder: Path, *, relationship: str | None, source: Template | None, force: bool) -> Path:
    """Write a new template into folder: a copy of `source` with the new id, else a scaffold for `relationship`.

    Return its path. A copy keeps its source's relationship: naming another one is a usage error.
    """
    if source is not None:
        if relationship and relationship != source.relationship:
            raise UsageError(
                f"--from {source.id!r} is a {source.relationship!r} template; drop -r or pick one for {relationship!r}"
            )
        text = copy_of(source, template_id)
    else:
        assert relationship is not None  # the command asks for -r or --from
        text = scaffold(template_id, relationship)
    return create(template_id, text, folder, force=force)


def create(template_id: str, text: str, folder: Path, *, force: bool = False) -> Path:
    """Write a new template's text into folder (created if needed) as ID.jinja; refuse to overwrite without force."""
    validate_id(template_id)
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder}: is not a folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"{folder}: cannot create folder: {exc.strerror or exc}") from None
    path = folder / f"{template_id}{TEMPLATE_SUFFIX}"
    write_atomic(path, text, force=force)
    return path
