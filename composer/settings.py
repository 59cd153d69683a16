"""What a command runs with: its flags over the config files, resolved once.

`invite lint`, `draft` and `merge` share the flags for the note's limit (--limit, --account), the
severity that fails the run (--fail-on) and the rules (--select, --ignore). Each falls back to the
config (`[lint]`, `account`) and then to a default; `Settings.from_flags` applies that order in
one place and checks each value, so a bad one is one usage error before any work starts. A rule
`[lint.severity]` turns off is left out as an ignored one is, unless --select names it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from composer.config import SEVERITIES, Config, resolve_limit
from composer.errors import UsageError
from composer.linkedin_limits import DEFAULT_ACCOUNT

#: The severity that fails a run when neither --fail-on nor `[lint] fail_on` says.
DEFAULT_FAIL_ON = "warning"

#: Rule ids as a flag gives them (`"a,b"`) or as the config does (a list).
RuleIds = str | Iterable[str] | None


@dataclass(frozen=True)
class Settings:
    """The config, and the values the flags and config decide together."""

    config: Config
    #: the note's character limit
    limit: int
    #: the account tier the note is recorded under in the history
    account: str
    #: the least severe finding that makes the run exit 1
    fail_on: str
    #: rule ids to run (None: all) and to leave out, as `composer.lint.select_rules` takes them
    select: RuleIds = None
    ignore: RuleIds = None

    @classmethod
    def from_flags(
        cls,
        config: Config,
        *,
        limit: int | None = None,
        account: str | None = None,
        fail_on: str | None = None,
        select: RuleIds = None,
        ignore: RuleIds = None,
    ) -> Settings:
        """Each flag given wins over the config, the config over the default; values are checked here."""
        level = fail_on or config.lint.fail_on or DEFAULT_FAIL_ON
        if level not in SEVERITIES:
            raise UsageError(f"unknown --fail-on {level!r}; use one of {', '.join(SEVERITIES)}")
        return cls(
            config=config,
            limit=resolve_limit(limit, account, config),
            account=account or config.account or DEFAULT_ACCOUNT,
            fail_on=level,
            select=select if select is not None else config.lint.select,
            ignore=_left_out(ignore if ignore is not None else config.lint.ignore, config.lint.off, select),
        )


def _left_out(ignore: RuleIds, off: tuple[str, ...], select: RuleIds) -> RuleIds:
    """The rules ignored, and those `[lint.severity]` turns off that --select does not name."""
    named = set(_ids(select))
    off = tuple(rule for rule in off if rule not in named)
    return (*_ids(ignore), *off) if off else ignore


def _ids(value: RuleIds) -> list[str]:
    """Rule ids as a flag (`"a,b"`) or the config (a list) gives them."""
    items = [value] if isinstance(value, str) else list(value or ())
    return [part.strip() for item in items for part in item.split(",") if part.strip()]
