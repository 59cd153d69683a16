"""User configuration and the per-user folders.

`config.toml` lives in the platformdirs user config dir (or wherever `INVITE_COMPOSER_CONFIG`
points). It holds defaults a user would otherwise type every time: their name, their LinkedIn
account tier (which sets the character limit) and extra template folders.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from composer.errors import InputError, UsageError

APP_NAME = "invite-composer"
CONFIG_ENV = "INVITE_COMPOSER_CONFIG"

#: LinkedIn's note limits per account tier, in UTF-16 code units as the browser counts them.
ACCOUNT_LIMITS: dict[str, int] = {"free": 200, "premium": 300}
DEFAULT_ACCOUNT = "free"

_KNOWN_KEYS = {"sender_name", "account", "template_dirs"}


def user_config_dir() -> Path:
    """The per-user config folder (holds config.toml and templates/)."""
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def user_state_dir() -> Path:
    """The per-user state folder (holds the draft in progress)."""
    import platformdirs

    return Path(platformdirs.user_state_dir(APP_NAME, appauthor=False))


def user_templates_dir() -> Path:
    """Where a user's own templates live; they override built-ins with the same id."""
    return user_config_dir() / "templates"


def config_path() -> Path:
    """The config file in use: `$INVITE_COMPOSER_CONFIG`, else the user config dir's config.toml."""
    override = os.environ.get(CONFIG_ENV)
    return Path(override).expanduser() if override else user_config_dir() / "config.toml"


@dataclass(frozen=True)
class Config:
    """Settings from config.toml; every field has a sensible default when the file is absent."""

    sender_name: str | None = None
    account: str | None = None
    template_dirs: tuple[Path, ...] = field(default_factory=tuple)
    path: Path | None = None


def limit_for_account(account: str) -> int:
    """The character limit for an account tier; unknown tiers are a usage error."""
    try:
        return ACCOUNT_LIMITS[account]
    except KeyError:
        valid = ", ".join(ACCOUNT_LIMITS)
        raise UsageError(f"unknown account {account!r}: use one of {valid}") from None


def resolve_limit(limit: int | None, account: str | None, config: Config) -> int:
    """Pick the note limit: --limit, else --account, else config's account, else the free tier."""
    if limit is not None:
        if limit <= 0:
            raise UsageError(f"--limit must be a positive number of characters, got {limit}")
        return limit
    if account is not None:
        return limit_for_account(account)
    return limit_for_account(config.account or DEFAULT_ACCOUNT)


def load_config(path: Path | None = None) -> Config:
    """Read config.toml; a missing file is an empty config, a malformed one an error naming it."""
    path = path or config_path()
    if not path.exists():
        if os.environ.get(CONFIG_ENV):
            raise InputError(f"{path}: config file not found (set by {CONFIG_ENV})")
        return Config()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path}: malformed config: {exc}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read config: {_reason(exc)}") from None
    return _config_from_mapping(data, path)


def _config_from_mapping(data: dict, path: Path) -> Config:
    unknown = sorted(set(data) - _KNOWN_KEYS)
    if unknown:
        known = ", ".join(sorted(_KNOWN_KEYS))
        raise InputError(f"{path}: unknown config key {unknown[0]!r} (known keys: {known})")
    sender = data.get("sender_name")
    if sender is not None and not isinstance(sender, str):
        raise InputError(f"{path}: sender_name must be a string")
    account = data.get("account")
    if account is not None and account not in ACCOUNT_LIMITS:
        raise InputError(f'{path}: account must be "free" or "premium", got {account!r}')
    dirs = data.get("template_dirs", [])
    if isinstance(dirs, str):
        dirs = [dirs]
    if not isinstance(dirs, list) or not all(isinstance(d, str) for d in dirs):
        raise InputError(f"{path}: template_dirs must be a list of folder paths")
    resolved = tuple((path.parent / Path(d).expanduser()).resolve() for d in dirs)
    for folder in resolved:
        if not folder.is_dir():
            raise InputError(f"{path}: template_dirs entry {str(folder)!r} is not a folder")
    return Config(sender_name=sender, account=account, template_dirs=resolved, path=path)


def _reason(exc: Exception) -> str:
    if isinstance(exc, UnicodeDecodeError):
        return "not UTF-8 text"
    return getattr(exc, "strerror", None) or str(exc)
