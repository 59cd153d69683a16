"""The `invite` command line: parsing and dispatch only.

Each subcommand lives in `composer.commands.<name>`; this module wires them into one typer app and
owns the single error handler that turns an `InviteError` into one line on stderr and its exit code.
Nothing here imports spaCy, so `invite --help` stays fast.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from composer import __version__, output
from composer.commands import draft as draft_cmd
from composer.commands import lint as lint_cmd
from composer.commands import templates as templates_cmd
from composer.errors import EXIT_INTERRUPTED, InviteError


class InviteGroup(TyperGroup):
    """A typer group whose subcommands' user errors end as one line and an exit code."""

    def invoke(self, ctx: typer.Context) -> Any:
        try:
            return super().invoke(ctx)
        except InviteError as exc:
            # An interrupt is the user's choice, not a mistake: say what happened without "error:".
            (output.info if exc.exit_code == EXIT_INTERRUPTED else output.error)(str(exc))
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            output.info("interrupted")
            raise typer.Exit(EXIT_INTERRUPTED) from None


app = typer.Typer(
    cls=InviteGroup,
    name="invite",
    help="Write a personal note for a LinkedIn connection request, lint it, and manage templates.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        output.out(f"invite-composer {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit."),
    ] = False,
) -> None:
    """Write a personal note for a LinkedIn connection request, lint it, and manage templates."""


app.command("draft")(draft_cmd.draft)
app.add_typer(templates_cmd.app, name="templates")
app.command("lint")(lint_cmd.lint)
app.command("rules")(lint_cmd.rules)


def main() -> None:
    """Console-script entry point for `invite` and `python -m composer`."""
    app(prog_name="invite")
