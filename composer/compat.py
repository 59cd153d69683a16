"""The parts of typer's private API this project uses, imported in this one place.

typer (>= 0.29, see pyproject.toml) vendors click as `typer._click` and exports no public name for
its context, parameter or exception classes. When typer moves them, only this module changes.
"""

from __future__ import annotations

from typer._click.core import Context, Parameter
from typer._click.exceptions import ClickException, NoArgsIsHelpError
from typer._click.exceptions import UsageError as ClickUsageError

__all__ = ["ClickException", "ClickUsageError", "Context", "NoArgsIsHelpError", "Parameter"]
