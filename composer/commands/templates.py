"""`invite templates list|show`: browse the template library (never imports spaCy)."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from composer import output
from composer.commands.common import FormatOption, TemplatesDirOption, check_format, load_library
from composer.config import load_config, resolve_limit
from composer.length import length_style, note_length
from composer.render import render
from composer.templates import Template, get_relationship

app = typer.Typer(help="List, show, scaffold and check message templates.", no_args_is_help=True)


def _summary(template: Template) -> dict[str, object]:
    return {
        "id": template.id,
        "relationship": template.relationship,
        "title": template.title,
        "tone": template.tone,
        "description": template.description,
        "source": template.source,
        "overrides": template.overrides,
        "path": str(template.path),
    }


@app.command("list")
def list_templates(
    relationship: Annotated[
        str | None, typer.Option("--relationship", "-r", help="Only templates for this relationship.")
    ] = None,
    format_: FormatOption = "text",
    templates_dir: TemplatesDirOption = None,
) -> None:
    """List templates with their relationship, title and source (built-in, user or folder)."""
    check_format(format_)
    if relationship:
        get_relationship(relationship)
    library = load_library(templates_dir)
    templates = sorted(library.templates.values(), key=lambda t: (t.relationship, t.id))
    if relationship:
        templates = [t for t in templates if t.relationship == relationship]
    if format_ == "json":
        output.out(json.dumps([_summary(t) for t in templates], indent=2, ensure_ascii=False))
        return
    from rich.table import Table

    table = Table(box=None, pad_edge=False, header_style="bold")
    for column in ("id", "relationship", "tone", "title", "source"):
        table.add_column(column)
    for t in templates:
        source = f"{t.source} (overrides {t.overrides})" if t.overrides else t.source
        table.add_row(t.id, t.relationship, t.tone or "", t.title, source)
    output.stdout_console().print(table)


@app.command("show")
def show_template(
    template_id: Annotated[str, typer.Argument(metavar="ID", help="Template id.")],
    format_: FormatOption = "text",
    templates_dir: TemplatesDirOption = None,
) -> None:
    """Show a template's metadata, questions, body, and the note its examples produce."""
    check_format(format_)
    config = load_config()
    template = load_library(templates_dir, config).get(template_id)
    example = render(template, template.examples())
    limit = resolve_limit(None, None, config)
    length = note_length(example)
    if format_ == "json":
        data = _summary(template) | {
            "questions": [q.__dict__ for q in template.all_questions()],
            "body": template.body,
            "example": example,
            "length": length,
            "limit": limit,
        }
        output.out(json.dumps(data, indent=2, ensure_ascii=False))
        return
    _print_template(template, example, length, limit)


def _print_template(template: Template, example: str, length: int, limit: int) -> None:
    from rich.markup import escape
    from rich.panel import Panel

    console = output.stdout_console()
    console.print(f"[bold]{escape(template.title)}[/bold]  ({template.id})")
    console.print(f"relationship: {template.relationship}    tone: {template.tone or '-'}    source: {template.source}")
    console.print(f"path: {escape(str(template.path))}")
    console.print(escape(template.description))
    console.print("\n[bold]Questions[/bold]")
    for q in template.all_questions():
        flags = "required" if q.required else "optional"
        if q.max_length:
            flags += f", max {q.max_length}"
        console.print(f"  {q.name} ({flags}): {escape(q.prompt)}  e.g. {escape(q.example or '')!r}")
    console.print("\n[bold]Body[/bold]")
    console.print(escape(template.body.rstrip("\n")))
    style = length_style(length, limit)
    console.print(
        Panel(
            escape(example),
            title="Example",
            subtitle=f"[{style}]{length} / {limit}[/{style}]",
            expand=False,
            width=min(console.width, 72),
        )
    )
