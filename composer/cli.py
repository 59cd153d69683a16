"""The `invite` command line: parsing and dispatch only.

Each subcommand lives in `composer.commands.<name>`; this module wires them into one typer app and
owns the single error handler that turns an `InviteError` into one line on stderr and its exit code.
Nothing here imports spaCy, so `invite --help` stays fast.

Exit codes (`composer.exitcodes.ExitCode`): 0 fine, 1 findings, 2 usage or input error (click's
parsing errors too, as two plain lines), 74 the output could not be written (stdout full or
failing), 130 interrupted (Ctrl-C), 141 stdout closed early (`invite lint ... | head -1`: quiet, as
a process killed by SIGPIPE would be), 143 terminated (SIGTERM, handled as Ctrl-C: `composer.shutdown`).
"""

from __future__ import annotations

import errno
import os
import sys
from collections.abc import Sequence
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from composer import __version__, output, shutdown
from composer.commands import draft as draft_cmd
from composer.commands import history as history_cmd
from composer.commands import linkedin as linkedin_cmd
from composer.commands import lint as lint_cmd
from composer.commands import merge as merge_cmd
from composer.commands import templates as templates_cmd
from composer.commands.common import InviteCommand, PlainFlagsMixin
from composer.compat import ClickException, ClickUsageError, Context, NoArgsIsHelpError
from composer.errors import InviteError, OutputError
from composer.exitcodes import ExitCode


class InviteGroup(PlainFlagsMixin, TyperGroup):
    """A typer group whose subcommands' user errors end as one line and an exit code."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        """Like typer's, but click's usage errors print as `error: ...` plus a `Try ... -h` line, not a box."""
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, windows_expand_args, **extra)
        try:
            code = super().main(args, prog_name, complete_var, False, windows_expand_args, **extra)
        except NoArgsIsHelpError:
            code = ExitCode.USAGE  # the help has been printed already
        except ClickUsageError as exc:
            show_usage_error(exc)
            code = exc.exit_code
        except ClickException as exc:
            output.error(exc.format_message())
            code = exc.exit_code
        except typer.Abort:
            output.info("aborted")
            code = ExitCode.DECLINED
        except (InviteError, KeyboardInterrupt, OSError) as exc:  # from an eager option such as --version
            code = handle(exc)
        # Without standalone mode typer returns the command's value (None) or an Exit's code.
        sys.exit(code if isinstance(code, int) else ExitCode.OK)

    def invoke(self, ctx: Context) -> Any:
        try:
            return super().invoke(ctx)
        except (InviteError, KeyboardInterrupt, OSError) as exc:
            raise typer.Exit(handle(exc)) from None


#: OSErrors without a file name that mean "the output could not be written" (stdout: typer writes help itself).
WRITE_ERRORS = frozenset({errno.ENOSPC, errno.EIO, errno.EBADF, errno.EDQUOT, errno.EFBIG})


def handle(exc: InviteError | KeyboardInterrupt | OSError) -> int:
    """The one place an exception becomes what the user sees: one line on stderr, and the exit code."""
    if isinstance(exc, KeyboardInterrupt):  # Ctrl-C, or SIGTERM (`shutdown.Terminated`)
        message, code = shutdown.stop_message(exc)
        output.info(message)
        return code
    if isinstance(exc, BrokenPipeError):
        # The reader went away (`| head -1`): stop quietly; further writes and the final flush go nowhere.
        silence_stdout()
        return ExitCode.BROKEN_PIPE
    if isinstance(exc, OSError):
        if exc.filename is None and (exc.errno in WRITE_ERRORS or not output.stdout_works()):  # e.g. help into a full disk
            silence_stdout()
            output.error(f"cannot write to stdout: {exc.strerror or exc}")
            return ExitCode.OUTPUT
        # A file the tool itself touches (a name too long, a folder gone): name it, never a traceback.
        where = f"{exc.filename}: " if exc.filename else ""
        output.error(f"{where}{exc.strerror or exc}")
        return ExitCode.USAGE
    if isinstance(exc, OutputError):
        silence_stdout()  # what is still buffered for stdout would fail again at exit
    # An interrupt is the user's choice, not a mistake: say what happened without "error:".
    if exc.exit_code == ExitCode.INTERRUPTED:
        output.info(str(exc))
        return shutdown.stop_message()[1]  # 143 when it was SIGTERM
    output.error(str(exc))
    return exc.exit_code


def show_usage_error(exc: ClickUsageError) -> None:
    """`error: <what>` and, when the command has a help option, `Try 'invite lint -h' for help.`"""
    output.error(exc.format_message())
    ctx = exc.ctx
    if ctx is not None and ctx.command.get_help_option(ctx) is not None:
        output.info(f"Try '{ctx.command_path} {ctx.help_option_names[0]}' for help.")


def silence_stdout() -> None:
    """Point stdout's file descriptor at /dev/null, so nothing raises BrokenPipeError again at exit."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (AttributeError, OSError, ValueError):  # not a real file (e.g. under CliRunner)
        pass


app = typer.Typer(
    cls=InviteGroup,
    name="invite",
    help="Write a personal note for a LinkedIn connection request, lint it, and manage templates.",
    no_args_is_help=True,
    add_completion=True,
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


app.command("draft", cls=InviteCommand, help=draft_cmd.HELP)(draft_cmd.draft)
app.add_typer(templates_cmd.app, name="templates", cls=InviteGroup)
app.command("lint", cls=InviteCommand)(lint_cmd.lint)
app.command("rules", cls=InviteCommand)(lint_cmd.rules)
app.command("lsp", cls=InviteCommand)(lint_cmd.lsp)
app.command("merge", cls=InviteCommand)(merge_cmd.merge)
app.add_typer(history_cmd.app, name="history", cls=InviteGroup)
app.command("import", cls=InviteCommand)(linkedin_cmd.import_export)
app.add_typer(linkedin_cmd.inbox_app, name="inbox", cls=InviteGroup)
app.command("stats", cls=InviteCommand)(linkedin_cmd.stats)


def main() -> None:
    """Console-script entry point for `invite` and `python -m composer`."""
    app(prog_name="invite")
