"""Options and helpers shared by several subcommands."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from composer import output
from composer.config import Config, load_config
from composer.templates import Library, discover

TemplatesDirOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--templates-dir",
        help="Extra folder of templates (repeatable); overrides built-in and user templates with the same id.",
        show_default=False,
    ),
]
AccountOption = Annotated[
    str | None,
    typer.Option("--account", help="LinkedIn account tier: free (200 characters) or premium (300).", show_default=False),
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
        help="Character limit for the note (overrides --account and config).",
        show_default=False,
        parser=_whole_number,
    ),
]
FormatOption = Annotated[str, typer.Option("--format", help="Output format: text or json.")]


def load_library(templates_dirs: list[Path] | None, config: Config | None = None) -> Library:
    """Discover templates from every source and warn (on stderr) about files that did not load."""
    config = config or load_config()
    library = discover([*config.template_dirs, *(templates_dirs or [])])
    for problem in library.problems:
        output.warn(f"skipped {problem}")
    return library


def check_format(value: str, allowed: tuple[str, ...] = ("text", "json")) -> str:
    """Validate --format with a one-line error."""
    from composer.errors import UsageError

    if value not in allowed:
        raise UsageError(f"unknown --format {value!r}; use one of {', '.join(allowed)}")
    return value
