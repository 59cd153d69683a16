"""`invite templates list|show|new|check`: browse, scaffold and check the template library (never imports spaCy,
except `check`, which lints each template's example note).

Everything a template file says (its title, description, prompts, body, even its path) is shown
through `output.visible`, so a shared template cannot send escape sequences to the terminal.
"""

import json
from pathlib import Path
from typing import Annotated

import typer

from composer import output
from composer.commands import complete
from composer.commands.common import (
    FormatOption,
    InviteCommand,
    TemplatesDirOption,
    check_format,
    load_library,
    relationship_option,
)
from composer.config import limit_for_account, load_config, resolve_limit, user_templates_dir
from composer.errors import InviteError
from composer.exitcodes import ExitCode
from composer.linkedin_limits import ACCOUNT_LIMITS
from composer.output import visible

app = typer.Typer(help="List, show, scaffold and check message templates.", no_args_is_help=True)


@app.command("list", cls=InviteCommand)
def list_templates(
    relationship: Annotated[str | None, relationship_option("Only templates for this relationship.")] = None,
    format_: FormatOption = "text",
    templates_dir: TemplatesDirOption = None,
) -> None:
    """List templates with their relationship, title and source (built-in, user or folder)."""
    from composer.templates.model import get_relationship
    from composer.templates.show import print_templates

    check_format(format_)
    if relationship:
        get_relationship(relationship)
    print_templates(load_library(templates_dir).listed(relationship), format_)


@app.command("show", cls=InviteCommand)
def show_template(
    template_id: Annotated[str, typer.Argument(metavar="ID", help="Template id.", autocompletion=complete.template)],
    format_: FormatOption = "text",
    templates_dir: TemplatesDirOption = None,
) -> None:
    """Show a template's metadata, questions, body, the note its examples produce, and the room each answer has."""
    from composer.templates.show import print_template

    check_format(format_)
    config = load_config()
    template = load_library(templates_dir, config).get(template_id)
    print_template(template, resolve_limit(None, None, config), format_)


@app.command("new", cls=InviteCommand)
def new_template(
    template_id: Annotated[str, typer.Argument(metavar="ID", help="The new template's id, in kebab-case (e.g. event-pycon).")],
    relationship: Annotated[
        str | None,
        relationship_option("How the sender knows the recipient (e.g. event, referral)."),
    ] = None,
    from_: Annotated[
        str | None,
        typer.Option(
            "--from",
            metavar="TEMPLATE",
            help="Start from a copy of this template (a built-in one included).",
            autocompletion=complete.template,
        ),
    ] = None,
    folder: Annotated[
        Path | None,
        typer.Option(
            "--dir", metavar="DIR", help="Folder to write into (default: your user templates folder).", show_default=False
        ),
    ] = None,
    edit: Annotated[bool, typer.Option("--edit", help="Open the new file in $VISUAL or $EDITOR.")] = False,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing file of the same name.")] = False,
    templates_dir: TemplatesDirOption = None,
) -> None:
    """Write a new template to start from (a complete scaffold, or a copy of another with --from) and print its path."""
    from composer.editor import open_in_editor, required_editor
    from composer.errors import UsageError
    from composer.templates.model import get_relationship
    from composer.templates.scaffold import new_template, validate_id

    validate_id(template_id)
    if from_ is None and relationship is None:
        raise UsageError("say what the template is for: --relationship/-r ID, or --from TEMPLATE to copy one")
    if relationship:
        get_relationship(relationship)
    editor = required_editor() if edit else None
    source = load_library(templates_dir).get(from_) if from_ is not None else None
    folder = folder or user_templates_dir()
    path = new_template(template_id, folder, relationship=relationship, source=source, force=force)
    output.out(str(path))
    output.info(visible(f"created template {template_id!r}; edit it, then run: invite templates check {path}"))
    if editor is not None:
        status = open_in_editor(editor, path)
        if status != 0:
            output.warn(f"the editor exited with status {status}")


@app.command("check", cls=InviteCommand)
def check_templates(
    targets: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="ID|PATH",
            help="Template ids, files or folders (default: every template found).",
            show_default=False,
            autocompletion=complete.template,
        ),
    ] = None,
    format_: FormatOption = "text",
    account: Annotated[
        str,
        typer.Option(
            "--account",
            metavar="TIER",
            help=f"The tier the note must fit: free ({ACCOUNT_LIMITS['free']}, the default)"
            f" or premium ({ACCOUNT_LIMITS['premium']}).",
        ),
    ] = "free",
    templates_dir: TemplatesDirOption = None,
) -> None:
    """Check templates: metadata, Jinja, variables, sandbox, example note (linted) and length budget."""
    from composer.template_check import check_files, format_text, select_files
    from composer.templates.library import template_files

    check_format(format_)
    limit_for_account(account)
    config = load_config()
    folders = [*config.template_dirs, *(templates_dir or [])]
    files = select_files(targets or [], folders)
    report = check_files(files, account=account, library=template_files(folders), config=config.lint)
    if format_ == "json":
        output.out(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    else:
        output.out("\n".join(format_text(report, relative_to=Path.cwd())))
    refused = [r for r in report.results if r.sandbox]
    if refused:
        names = ", ".join(str(r.path) for r in refused)
        raise InviteError(visible(f"refused by the sandbox (security): {names}"), exit_code=ExitCode.USAGE)
    if not report.ok:
        raise typer.Exit(ExitCode.FINDINGS)
