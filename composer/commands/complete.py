"""Shell completion of the ids a user types: templates, relationships, rules, and the fixed choices.

typer calls these when the shell asks (`invite --install-completion` sets that up; the shell runs
`invite` with `_INVITE_COMPLETE` set). Each returns `(value, help)` pairs and typer keeps those that
start with what was typed. They import the subsystems only when called, so `invite --help` stays
light, and they never print: a broken config or template folder completes nothing rather than
writing a warning into the user's command line.
"""

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import typer

Completions = list[tuple[str, str]]


def _quietly(find: Callable[[], Completions]) -> Completions:
    """What `find` returns, or nothing: completion must never raise or print into the shell."""
    try:
        return find()
    except Exception:  # anything (a bad config, an unreadable folder) completes nothing
        return []


def template(ctx: typer.Context, incomplete: str) -> Completions:
    """Template ids (built-in, user, config folders and any --templates-dir given), with their titles."""

    def find() -> Completions:
        from composer.config import load_config
        from composer.templates.library import discover

        given: Sequence[Path] = ctx.params.get("templates_dir") or ()
        library = discover([*load_config().template_dirs, *given])
        return [(t.id, t.title) for t in sorted(library.templates.values(), key=lambda t: t.id)]

    return _quietly(find)


def relationship(ctx: typer.Context, incomplete: str) -> Completions:
    """Relationship ids, with how you know them."""

    def find() -> Completions:
        from composer.templates.model import relationships

        return [(r.id, r.label) for r in relationships().values()]

    return _quietly(find)


def rule(ctx: typer.Context, incomplete: str) -> Completions:
    """Rule ids, with their severity and what they catch."""

    def find() -> Completions:
        from composer.lint import load_rules

        return [(r.id, f"{r.severity}: {_short(r.description)}") for r in load_rules().values()]

    return _quietly(find)


def _short(text: str, width: int = 50) -> str:
    """A help short enough for one line of a shell's completion menu."""
    first = text.split(". ")[0].split("; ")[0].rstrip(".")
    return first if len(first) <= width else first[: width - 3].rstrip() + "..."


def rule_list(ctx: typer.Context, incomplete: str) -> Completions:
    """`--select`/`--ignore`: comma-separated rule ids; the last one is completed, the ones before kept."""
    done, _, _last = incomplete.rpartition(",")
    prefix = f"{done}," if done else ""
    typed = set(done.split(",")) if done else set()
    return [(prefix + value, help) for value, help in rule(ctx, incomplete) if value not in typed]


def choices(values: Sequence[str]) -> Callable[..., Any]:
    """A completion of fixed words (--format, --account, --fail-on)."""

    def complete(incomplete: str) -> list[str]:
        return list(values)

    return complete
