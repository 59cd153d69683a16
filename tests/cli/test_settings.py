"""`Settings`: a flag wins over the config, the config over the default, and a bad value is one usage error."""

from __future__ import annotations

import pytest

from composer.config import Config, LintDefaults
from composer.errors import UsageError
from composer.linkedin_limits import ACCOUNT_LIMITS
from composer.settings import Settings

PROJECT = Config(account="premium", lint=LintDefaults(select=("too-long",), ignore=("empty",), fail_on="error"))


def test_without_flags_the_config_decides():
    settings = Settings.from_flags(PROJECT)
    assert (settings.limit, settings.account, settings.fail_on) == (ACCOUNT_LIMITS["premium"], "premium", "error")
    assert (settings.select, settings.ignore) == (("too-long",), ("empty",))


def test_flags_win_over_the_config():
    settings = Settings.from_flags(PROJECT, account="free", fail_on="info", select="empty", ignore="")
    assert (settings.limit, settings.account, settings.fail_on) == (ACCOUNT_LIMITS["free"], "free", "info")
    assert (settings.select, settings.ignore) == ("empty", "")


def test_a_limit_wins_over_any_account():
    assert Settings.from_flags(PROJECT, limit=120, account="free").limit == 120


def test_without_flags_or_config_the_defaults_apply():
    settings = Settings.from_flags(Config())
    assert (settings.limit, settings.account, settings.fail_on) == (ACCOUNT_LIMITS["free"], "free", "warning")
    assert (settings.select, settings.ignore) == (None, None)


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        ({"fail_on": "fatal"}, "unknown --fail-on 'fatal'; use one of info, warning, error"),
        ({"limit": 0}, "--limit must be a positive number of characters, got 0"),
        ({"account": "gold"}, "unknown account 'gold': use one of free, premium"),
    ],
)
def test_a_bad_value_is_a_usage_error(flags: dict[str, object], message: str):
    with pytest.raises(UsageError) as caught:
        Settings.from_flags(Config(), **flags)  # type: ignore[arg-type]
    assert str(caught.value) == message
