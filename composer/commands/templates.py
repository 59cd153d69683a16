"""`invite templates list|show`: browse the template library (never imports spaCy)."""

from __future__ import annotations

import json
from pathlib import Path
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


@app.command("new")
def new_template(
    template_id: Annotated[str, typer.Argument(metavar="ID", help="The new template's id, in kebab-case (e.g. event-pycon).")],
    relationship: Annotated[
        str, typer.Option("--relationship", "-r", help="How the sender knows the recipient (e.g. event, referral).")
    ],
    folder: Annotated[
        Path | None,
        typer.Option("--dir", help="Folder to write into (default: your user templates folder).", show_default=False),
    ] = None,
    edit: Annotated[bool, typer.Option("--edit", help="Open the new file in $VISUAL or $EDITOR.")] = False,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing file of the same name.")] = False,
) -> None:
    """Write a complete, valid template to start from, and print its path."""
    from composer.config import user_templates_dir
    from composer.template_new import create, editor_command, open_in_editor, validate_id

    validate_id(template_id)
    get_relationship(relationship)
    editor = editor_command() if edit else None
    path = create(template_id, relationship, folder or user_templates_dir(), force=force)
    output.out(str(path))
    output.info(f"created template {template_id!r}; edit it, then run: invite templates check {path}")
    if editor is not None:
        status = open_in_editor(editor, path)
        if status != 0:
            output.warn(f"the editor exited with status {status}")


@app.command("check")
def check_templates(
    targets: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="ID|PATH", help="Template ids, files or folders (default: every template found).", show_default=False
        ),
    ] = None,
    format_: FormatOption = "text",
    account: Annotated[
        str, typer.Option("--account", help="The tier the note must fit: free (200, the default) or premium (300).")
    ] = "free",
    templates_dir: TemplatesDirOption = None,
) -> None:
    """Check templates: metadata, Jinja, variables, sandbox, example note (linted) and length budget."""
    from composer.config import limit_for_account
    from composer.errors import EXIT_FINDINGS, EXIT_USAGE, InviteError
    from composer.template_check import check_files, format_text, select_files

    check_format(format_)
    limit_for_account(account)
    config = load_config()
    files = select_files(targets or [], [*config.template_dirs, *(templates_dir or [])])
    report = check_files(files, account=account)
    if format_ == "json":
        output.out(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    else:
        output.out("\n".join(format_text(report, relative_to=Path.cwd())))
    refused = [r for r in report.results if r.sandbox]
    if refused:
        names = ", ".join(str(r.path) for r in refused)
        raise InviteError(f"refused by the sandbox (security): {names}", exit_code=EXIT_USAGE)
    if not report.ok:
        raise typer.Exit(EXIT_FINDINGS)
