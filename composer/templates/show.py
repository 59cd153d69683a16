"""What `invite templates list` and `invite templates show` print, as a table or text, or as JSON.

Everything a template file says (its title, description, prompts, body, even its path) is shown
through `output.visible`/`output.cell`, so a shared template cannot send escape sequences to the
terminal. This module imports rich and renders through `render` (jinja2): commands import it when
they run, never at start-up.
"""

from __future__ import annotations

import json

from composer import output
from composer.length import length_style, note_length
from composer.output import visible
from composer.templates.budget import answer_room
from composer.templates.model import Template
from composer.templates.render import render


def print_templates(templates: list[Template], format_: str) -> None:
    """The templates as a JSON list of summaries or a table (id, relationship, tone, title, source)."""
    from rich.table import Table

    if format_ == "json":
        output.out(json.dumps([t.summary() for t in templates], indent=2, ensure_ascii=False))
        return
    table = Table(box=None, pad_edge=False, header_style="bold")
    for column in ("id", "relationship", "tone", "title", "source"):
        table.add_column(column)
    for t in templates:
        source = f"{t.source} (overrides {t.overrides})" if t.overrides else t.source
        table.add_row(output.cell(t.id), t.relationship, t.tone or "", output.cell(t.title), source)
    output.console(stdout=True).print(table)


def print_template(template: Template, limit: int, format_: str) -> None:
    """One template in full: metadata, questions, body, the note its examples make, and each answer's room."""
    example = render(template, template.examples())
    room = answer_room(template)
    if format_ == "json":
        data = template.summary() | {
            "questions": [q.__dict__ for q in template.all_questions()],
            "body": template.body,
            "example": example,
            "length": note_length(example),
            "limit": limit,
            "room": room,
        }
        output.out(json.dumps(data, indent=2, ensure_ascii=False))
        return
    _print_text(template, example, limit, room)


def _print_text(template: Template, example: str, limit: int, room: dict[str, dict[str, int | None]]) -> None:
    from rich.panel import Panel
    from rich.text import Text

    console = output.console(stdout=True)

    def line(text: str, style: str | None = None) -> None:
        console.print(Text(visible(text), style=style or ""))

    line(f"{template.title}  ({template.id})", "bold")
    line(f"relationship: {template.relationship}    tone: {template.tone or '-'}    source: {template.source}")
    line(f"path: {template.path}")
    line(template.description)
    line("")
    line("Questions", "bold")
    for q in template.all_questions():
        flags = "required" if q.required else "optional"
        if q.max_length:
            flags += f", max {q.max_length}"
        tiers = " / ".join(f"{n} {tier}" for tier, n in room.get(q.name, {}).items() if n is not None)
        line(f"  {q.name} ({flags}): {q.prompt}  e.g. {q.example or ''!r}" + (f"  room: {tiers}" if tiers else ""))
    line("")
    line("Body", "bold")
    line(template.body.rstrip("\n"))
    length = note_length(example)
    style = length_style(length, limit)
    console.print(
        Panel(
            Text(visible(example)),
            title="Example",
            subtitle=Text(f"{length} / {limit}", style=style),
            expand=False,
            width=min(console.width, 72),
        )
    )
    console.print(Text("room: how long each answer may be, with the others at their examples", style="dim"))
