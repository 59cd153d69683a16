"""`invite history [forget|path]`: what the local history holds, and removing it.

The history is a SQLite file on this machine (`invite history path` prints where); nothing in it is
ever sent anywhere. Listing never creates it. `forget` removes one recipient's notes (by profile
URL or exact name), the last command's (`--last`), or everything (`--all`, after a yes).
"""

from typing import Annotated

import typer

from composer import output
from composer.commands.common import FormatOption, check_format, parse_since, template_option
from composer.errors import UsageError
from composer.exitcodes import ExitCode

app = typer.Typer(
    help="List the notes recorded in the local history, or forget them.",
    invoke_without_command=True,
    no_args_is_help=False,
)


@app.callback()
def history(
    ctx: typer.Context,
    since: Annotated[
        str | None, typer.Option("--since", metavar="DATE", help="Only notes from this date (2026-01-31) or days back (30d).")
    ] = None,
    template: Annotated[str | None, template_option("Only notes from this template.")] = None,
    search: Annotated[
        str | None, typer.Option("--search", metavar="TEXT", help="Only notes whose text, recipient or URL contains TEXT.")
    ] = None,
    format_: FormatOption = "text",
) -> None:
    """List the notes `invite draft` and `invite merge` recorded, newest first."""
    if ctx.invoked_subcommand is not None:
        return
    from composer.history.show import print_notes
    from composer.history.store import list_notes

    check_format(format_, ("text", "json", "csv"))
    print_notes(list_notes(since=parse_since(since), template=template, search=search), format_)


def _path() -> str:
    from composer.history.store import history_path

    return str(history_path())


@app.command("forget")
def forget(
    recipient: Annotated[
        str | None,
        typer.Argument(metavar="[RECIPIENT]", help="A profile URL, or a name as recorded (any case).", show_default=False),
    ] = None,
    last: Annotated[bool, typer.Option("--last", help="Forget the notes of the last draft or merge.")] = False,
    all_: Annotated[bool, typer.Option("--all", help="Forget every recorded note and everything imported.")] = False,
    source: Annotated[
        str | None,
        typer.Option("--source", metavar="SOURCE", help="Forget what came from there: export (what `invite import` added)."),
    ] = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask before --all.")] = False,
) -> None:
    """Remove one recipient's notes (and their imported invitations), the last command's notes, an import, or everything."""
    from composer.history.show import print_forgotten
    from composer.history.store import forget_notes

    chosen = [bool(recipient), last, all_, source is not None]
    if sum(chosen) != 1:
        raise UsageError("say what to forget: a RECIPIENT (profile URL or name), --last, --source export, or --all")
    if source is not None and source != "export":
        raise UsageError(f"unknown --source {source!r}; use export (what `invite import` added)")
    if all_ and not yes:
        _confirm_all()
    imported = source is not None
    forgotten = forget_notes(recipient=recipient, everything=all_, last_run=last, imported=imported)
    print_forgotten(forgotten, recipient=recipient, everything=all_, last_run=last, imported=imported)


def _confirm_all() -> None:
    if not output.is_terminal():
        raise UsageError("--all forgets every recorded note; confirm on a terminal, or add --yes")
    if not typer.confirm(f"Forget every note recorded in {_path()}?", default=False, err=True):
        output.info("nothing forgotten")
        raise typer.Exit(ExitCode.DECLINED)


@app.command("path")
def path() -> None:
    """Print where the history is kept (delete that file, or `invite history forget --all`, to remove it)."""
    output.out(_path())
