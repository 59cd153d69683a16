"""Options and helpers shared by several subcommands.

This module is imported when the CLI starts (for `invite --help`), so it imports nothing heavy:
the templates subsystem (jinja2, yaml) is imported inside `load_library`, when a command runs.
"""

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperArgument, TyperCommand

from composer import output
from composer.commands import complete
from composer.compat import Context, Parameter
from composer.config import Config, load_config
from composer.errors import UsageError
from composer.linkedin_limits import ACCOUNT_LIMITS

if TYPE_CHECKING:
    from composer.templates.library import Library


class PlainArgument(TyperArgument):
    """An argument whose help shows its metavar only (typer adds the Python type, e.g. `<list[str]>`)."""

    def display_type_rich(self, ctx: Context) -> str | None:
        return None


class PlainFlagsMixin:
    """Help in words, not Python types: no `<bool>` beside --force or --help, no `<list[str]>` beside FILE..."""

    def get_params(self, ctx: Context) -> list[Parameter]:
        params: list[Parameter] = super().get_params(ctx)  # type: ignore[misc]
        for param in params:
            if getattr(param, "is_flag", False) and param.metavar is None:
                param.metavar = ""
            elif type(param) is TyperArgument and param.metavar is not None:
                param.__class__ = PlainArgument  # the same argument, shown by its metavar
        return params


class InviteCommand(PlainFlagsMixin, TyperCommand):
    """Every subcommand: plain flags in help."""


TemplatesDirOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--templates-dir",
        metavar="DIR",
        help="Extra folder of templates (repeatable); overrides built-in and user templates with the same id.",
        show_default=False,
    ),
]
AccountOption = Annotated[
    str | None,
    typer.Option(
        "--account",
        metavar="TIER",
        help=f"LinkedIn account tier: free ({ACCOUNT_LIMITS['free']} characters) or premium ({ACCOUNT_LIMITS['premium']}).",
        show_default=False,
        autocompletion=complete.choices(tuple(ACCOUNT_LIMITS)),
    ),
]


def _whole_number(value: str | int) -> int:
    """Parse --limit; a word or a fraction is a usage error that repeats what was given."""
    try:
        return int(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a whole number of characters") from None


LimitOption = Annotated[
    int | None,
    typer.Option(
        "--limit",
        metavar="N",
        help="Character limit for the note (overrides --account and config).",
        show_default=False,
        parser=_whole_number,
    ),
]
FormatOption = Annotated[
    str,
    typer.Option(
        "--format", metavar="FORMAT", help="Output format: text or json.", autocompletion=complete.choices(("text", "json"))
    ),
]


def template_option(help: str) -> Any:
    """`-t/--template ID`, completed from the template library."""
    return typer.Option("--template", "-t", metavar="ID", help=help, autocompletion=complete.template)


def relationship_option(help: str) -> Any:
    """`-r/--relationship ID`, completed from the relationships."""
    return typer.Option("--relationship", "-r", metavar="ID", help=help, autocompletion=complete.relationship)


FailOnOption = Annotated[
    str | None,
    typer.Option(
        "--fail-on",
        metavar="SEVERITY",
        help="Exit 1 when a finding is at least this severe: error, warning (the default) or info.",
        show_default=False,
        autocompletion=complete.choices(("error", "warning", "info")),
    ),
]
ForceOption = Annotated[bool, typer.Option("--force", help="Replace an existing file.")]
NoRecordOption = Annotated[
    bool,
    typer.Option(
        "--no-record",
        "--no-history",
        help="For trying things out: record nothing in the local history, so the note spends none of the monthly"
        " note quota and is no earlier invitation later (the checks still read the history). --no-history is the"
        " same flag, its older name.",
    ),
]


def load_library(templates_dirs: list[Path] | None, config: Config | None = None) -> "Library":
    """Discover templates from every source and warn (on stderr) about files that did not load."""
    from composer.templates.library import discover

    config = config or load_config()
    library = discover([*config.template_dirs, *(templates_dirs or [])])
    for problem in library.problems:
        output.warn(output.visible(f"skipped {problem}"))
    if config.project is not None:
        for template_id, path in library.replaced_builtins(config.project.template_dirs):
            where = f"project config {config.project.path}"
            output.info(output.visible(f"note: {where} replaces built-in template {template_id!r} with {path}"))
    return library


def check_format(value: str, allowed: tuple[str, ...] = ("text", "json")) -> str:
    """Validate --format with a one-line error."""
    if value not in allowed:
        raise UsageError(f"unknown --format {value!r}; use one of {', '.join(allowed)}")
    return value


_DAYS = re.compile(r"^(\d+)\s*d(?:ays?)?$", re.IGNORECASE)


def parse_since(value: str | None) -> datetime | None:
    """`--since`: a date (`2026-01-31`, local midnight), a date and time, or `30d` (days ago)."""
    if value is None:
        return None
    text = value.strip()
    days = _DAYS.match(text)
    if days:
        return datetime.now(UTC) - timedelta(days=int(days.group(1)))
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise UsageError(f"--since {value!r}: give a date (2026-01-31), a date and time, or days back (30d)") from None
    return moment if moment.tzinfo else moment.astimezone()
