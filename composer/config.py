"""Configuration: the user's `config.toml`, a project's settings, and the per-user folders.

Two files can hold settings, with the same keys:

- the user config, `config.toml` in the platformdirs user config dir (or wherever
  `INVITE_COMPOSER_CONFIG` points): a user's name, account tier, extra template folders and lint
  defaults;
- a project config, for teams that keep templates and notes in a repository: the first
  `.invite.toml`, or `pyproject.toml` with a `[tool.invite]` table, found from the current folder
  upwards, but never above the repository root (the folder holding `.git`) or the home folder,
  whichever comes first; outside both, only the current folder counts. A file planted higher up
  (`/tmp/.invite.toml`) must not silently replace templates or turn recording off, so the
  commands also name a project config that does either (`Project`).

Flags win over the project, and the project over the user; template folders add up (user's first,
so the project's override them). Relative folders are relative to the file that names them.
"""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

from composer.errors import InputError, UsageError
from composer.fileio import parse_toml, read_text
from composer.linkedin_limits import ACCOUNT_LIMITS, DEFAULT_ACCOUNT, MONTHLY_NOTE_QUOTA, QUOTA_RESET_DAY
from composer.resources import load_data

APP_NAME = "invite-composer"
CONFIG_ENV = "INVITE_COMPOSER_CONFIG"
PROJECT_FILE = ".invite.toml"

SEVERITIES = ("info", "warning", "error")
#: What `[lint.severity]` may set a rule to besides a severity: not run at all, as `[lint] ignore` does.
OFF = "off"

_KNOWN_KEYS = {"sender_name", "account", "template_dirs", "lint", "history", "merge"}
_LINT_KEYS = {"select", "ignore", "fail_on", "severity", "per-file-ignores"}


def _user_dir(kind: str) -> Path:
    """A per-user folder of this app from platformdirs (imported here: `invite --help` never needs it)."""
    import platformdirs

    folders = {"config": platformdirs.user_config_dir, "state": platformdirs.user_state_dir, "data": platformdirs.user_data_dir}
    return Path(folders[kind](APP_NAME, appauthor=False))


def user_config_dir() -> Path:
    """The per-user config folder (holds config.toml and templates/)."""
    return _user_dir("config")


def user_state_dir() -> Path:
    """The per-user state folder (holds the drafts in progress)."""
    return _user_dir("state")


def user_data_dir() -> Path:
    """The per-user data folder (holds the history database)."""
    return _user_dir("data")


def user_templates_dir() -> Path:
    """Where a user's own templates live; they override built-ins with the same id."""
    return user_config_dir() / "templates"


def config_path() -> Path:
    """The config file in use: `$INVITE_COMPOSER_CONFIG`, else the user config dir's config.toml."""
    override = os.environ.get(CONFIG_ENV)
    return Path(override).expanduser() if override else user_config_dir() / "config.toml"


@dataclass(frozen=True)
class FileIgnores:
    """One `[lint.per-file-ignores]` entry: a glob, the folder it is relative to (its file's), the rules it silences."""

    pattern: str
    folder: Path
    rules: tuple[str, ...]


@dataclass(frozen=True)
class LintDefaults:
    """`[lint]`: what `invite lint`, `draft`, `merge` and `templates check` use when no flag says otherwise."""

    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] | None = None
    fail_on: str | None = None
    #: `[lint.severity]`: (rule id, a severity or "off"), the project's over the user's
    severity: tuple[tuple[str, str], ...] = ()
    #: `[lint.per-file-ignores]` of every file read (they add up)
    per_file_ignores: tuple[FileIgnores, ...] = ()

    @property
    def off(self) -> tuple[str, ...]:
        """The rules `[lint.severity]` turns off."""
        return tuple(rule for rule, level in self.severity if level == OFF)

    @property
    def ignored(self) -> tuple[str, ...] | None:
        """`ignore` and the rules turned off: what is left out when no flag chooses the rules."""
        return (*(self.ignore or ()), *self.off) if self.off else self.ignore

    @property
    def severities(self) -> dict[str, str]:
        """Rule id -> the severity its findings get instead of their own (the rules turned off are not here)."""
        return {rule: level for rule, level in self.severity if level != OFF}


@dataclass(frozen=True)
class HistorySettings:
    """`[history]` (or `history = false`): recording delivered notes, and the checks that read them."""

    #: record every delivered note (`history = false` or `record = false` turns it off)
    record: bool = True
    #: notes a free account may attach per month (LinkedIn's, by default)
    notes_per_month: int = MONTHLY_NOTE_QUOTA
    #: the day of the month the quota starts again (1-28)
    reset_day: int = QUOTA_RESET_DAY
    #: how far back `repeated-note` looks, in days
    repeat_days: int = 30
    #: word-pair overlap (0-1) at which two notes count as near-identical (`repeated-note`)
    similarity: float = 0.8


@dataclass(frozen=True)
class MergeSettings:
    """`[merge]`: the batch checks of `invite merge`."""

    #: word-pair overlap (0-1) at which two notes of a batch count as near-identical (`batch-duplicate`)
    duplicate_similarity: float = 0.8


@dataclass(frozen=True)
class Project:
    """The project config in use: where it is, its template folders, and whether it turns recording off."""

    path: Path
    template_dirs: tuple[Path, ...] = ()
    records: bool | None = None

    @property
    def turns_recording_off(self) -> bool:
        return self.records is False


@dataclass(frozen=True)
class Config:
    """Settings from config files; every field has a sensible default when no file sets it."""

    sender_name: str | None = None
    account: str | None = None
    template_dirs: tuple[Path, ...] = field(default_factory=tuple)
    lint: LintDefaults = field(default_factory=LintDefaults)
    history: HistorySettings = field(default_factory=HistorySettings)
    merge: MergeSettings = field(default_factory=MergeSettings)
    #: the files the settings came from, user first
    paths: tuple[Path, ...] = ()
    #: the project config in use, if any, and what of it the commands name on stderr
    project: Project | None = None

    @property
    def path(self) -> Path | None:
        """The last file read (the one whose settings won)."""
        return self.paths[-1] if self.paths else None


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


# --------------------------------------------------------------------------- reading


def load_config(path: Path | None = None, *, project_from: Path | None = None) -> Config:
    """The user config (or `path`), then the project config found upwards from `project_from` (default: cwd)."""
    path = path or config_path()
    config = Config()
    if path.exists() or os.environ.get(CONFIG_ENV):
        if not path.exists():
            raise InputError(f"{path}: config file not found (set by {CONFIG_ENV})")
        config = merge(config, _settings(_read_toml(path), path), path)
    project = find_project_config(project_from or Path.cwd())
    if project is not None:
        project_path, data = project
        settings = _settings(data, project_path)
        found = Project(project_path, settings.get("template_dirs", ()), settings.get("history", {}).get("record"))
        config = replace(merge(config, settings, project_path), project=found)
    return config


def _read_toml(path: Path) -> dict[str, Any]:
    return parse_toml(read_text(path, "config file"), str(path), "config")


def _home() -> Path | None:
    """The home folder, when it can bound a walk: `/` as home (some containers) bounds nothing."""
    try:
        home = Path.home().resolve()
    except (RuntimeError, KeyError, OSError):  # no HOME and no passwd entry
        return None
    return home if home.parent != home else None


def _is_repository_root(folder: Path) -> bool:
    """Whether a folder holds `.git` (a folder, or a file in a worktree or submodule)."""
    try:
        return (folder / ".git").exists()
    except OSError:  # a folder we may not look into is no repository of ours
        return False


def project_folders(start: Path) -> list[Path]:
    """The folders a project config may be in: start and its parents up to the repository root or home.

    Whichever of the two comes first ends the walk (and is included). When start is under
    neither, only start itself counts: a folder above it is nobody's project.
    """
    folder = start.resolve()
    home = _home()
    walked: list[Path] = []
    for candidate in (folder, *folder.parents):
        walked.append(candidate)
        if candidate == home or _is_repository_root(candidate):
            return walked
    return walked[:1]


def find_project_config(start: Path) -> tuple[Path, dict[str, Any]] | None:
    """The nearest `.invite.toml`, or `pyproject.toml` with `[tool.invite]`, within `project_folders(start)`."""
    for folder in project_folders(start):
        candidate = folder / PROJECT_FILE
        if candidate.is_file():
            return candidate, _read_toml(candidate)
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            table = _read_toml(pyproject).get("tool", {}).get("invite")
            if table is not None:
                if not isinstance(table, dict):
                    raise InputError(f"{pyproject}: [tool.invite] must be a table")
                return pyproject, table
    return None


def merge(base: Config, settings: dict[str, Any], path: Path) -> Config:
    """`settings` (already checked) over `base`; template folders and per-file ignores add up, severities per rule."""
    lint_settings = settings.pop("lint", {})
    if "severity" in lint_settings:
        lint_settings["severity"] = tuple((dict(base.lint.severity) | dict(lint_settings["severity"])).items())
    if "per_file_ignores" in lint_settings:
        lint_settings["per_file_ignores"] = base.lint.per_file_ignores + lint_settings["per_file_ignores"]
    lint = replace(base.lint, **lint_settings)
    history = replace(base.history, **settings.pop("history", {}))
    merge_settings = replace(base.merge, **settings.pop("merge", {}))
    dirs = base.template_dirs + settings.pop("template_dirs", ())
    return replace(
        base, **settings, lint=lint, history=history, merge=merge_settings, template_dirs=dirs, paths=(*base.paths, path)
    )


def _settings(data: dict[str, Any], path: Path) -> dict[str, Any]:
    """Check one file's settings and return them as Config fields; a wrong one is an error naming the file."""
    unknown = sorted(set(data) - _KNOWN_KEYS)
    if unknown:
        known = ", ".join(sorted(_KNOWN_KEYS))
        raise InputError(f"{path}: unknown config key {unknown[0]!r} (known keys: {known})")
    settings: dict[str, Any] = {}
    sender = data.get("sender_name")
    if sender is not None:
        if not isinstance(sender, str):
            raise InputError(f"{path}: sender_name must be a string")
        settings["sender_name"] = sender
    account = data.get("account")
    if account is not None:
        if not isinstance(account, str) or account not in ACCOUNT_LIMITS:
            raise InputError(f'{path}: account must be "free" or "premium", got {_short(account)}')
        settings["account"] = account
    if "template_dirs" in data:
        settings["template_dirs"] = _template_dirs(data["template_dirs"], path)
    if "lint" in data:
        settings["lint"] = _lint_settings(data["lint"], path)
    if "history" in data:
        settings["history"] = _history_settings(data["history"], path)
    if "merge" in data:
        settings["merge"] = _table(data["merge"], path, "merge", MergeSettings)
    return settings


def _template_dirs(dirs: Any, path: Path) -> tuple[Path, ...]:
    if isinstance(dirs, str):
        dirs = [dirs]
    if not isinstance(dirs, list) or not all(isinstance(d, str) for d in dirs):
        raise InputError(f"{path}: template_dirs must be a list of folder paths")
    resolved = tuple((path.parent / Path(d).expanduser()).resolve() for d in dirs)
    for folder in resolved:
        if not folder.is_dir():
            raise InputError(f"{path}: template_dirs entry {str(folder)!r} is not a folder")
    return resolved


def _lint_settings(table: Any, path: Path) -> dict[str, Any]:
    if not isinstance(table, dict):
        raise InputError(f"{path}: [lint] must be a table")
    unknown = sorted(set(table) - _LINT_KEYS)
    if unknown:
        raise InputError(f"{path}: unknown [lint] key {unknown[0]!r} (known keys: {', '.join(sorted(_LINT_KEYS))})")
    settings: dict[str, Any] = {}
    for key in ("select", "ignore"):
        if key in table:
            value = table[key]
            if isinstance(value, str):
                value = [part.strip() for part in value.split(",") if part.strip()]
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise InputError(f"{path}: [lint] {key} must be a list of rule ids")
            settings[key] = tuple(value)
    if "fail_on" in table:
        if table["fail_on"] not in SEVERITIES:
            raise InputError(f"{path}: [lint] fail_on must be one of {', '.join(SEVERITIES)}, got {_short(table['fail_on'])}")
        settings["fail_on"] = table["fail_on"]
    if "severity" in table:
        settings["severity"] = _severities(table["severity"], path)
    if "per-file-ignores" in table:
        settings["per_file_ignores"] = _per_file_ignores(table["per-file-ignores"], path)
    return settings


def _severities(table: Any, path: Path) -> tuple[tuple[str, str], ...]:
    """`[lint.severity]`: rule id = "error", "warning", "info" or "off"."""
    if not isinstance(table, dict):
        raise InputError(f'{path}: [lint.severity] must be a table of rule ids, e.g. generic-phrase = "error"')
    levels = (*SEVERITIES, OFF)
    for rule, level in table.items():
        _check_rule(rule, path, "[lint.severity]")
        if level not in levels:
            raise InputError(f"{path}: [lint.severity] {rule} must be one of {', '.join(levels)}, got {_short(level)}")
    return tuple(table.items())


def _per_file_ignores(table: Any, path: Path) -> tuple[FileIgnores, ...]:
    """`[lint.per-file-ignores]`: glob = [rule ids], the globs relative to this file's folder."""
    if not isinstance(table, dict):
        raise InputError(f'{path}: [lint.per-file-ignores] must be a table, e.g. "drafts/**/*.txt" = ["no-greeting"]')
    entries = []
    for pattern, rules in table.items():
        where = f"[lint.per-file-ignores] {pattern!r}"
        if isinstance(rules, str):
            rules = [part.strip() for part in rules.split(",") if part.strip()]
        if not pattern.strip() or not isinstance(rules, list) or not all(isinstance(r, str) for r in rules):
            raise InputError(f"{path}: {where} must be a glob and a list of rule ids")
        for rule in rules:
            _check_rule(rule, path, where)
        entries.append(FileIgnores(pattern.strip(), Path(os.path.abspath(path.parent)), tuple(rules)))
    return tuple(entries)


def _check_rule(rule: str, path: Path, where: str) -> None:
    """A rule id a config file names must be one of the linter's (rules.yaml); a typo is one line naming the key."""
    known = _rule_ids()
    if rule not in known:
        close = difflib.get_close_matches(rule, known, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise InputError(f"{path}: {where}: {_short(rule)} is not a rule{hint}; see `invite rules`")


@cache
def _rule_ids() -> tuple[str, ...]:
    """The linter's rule ids, from its data (read here: the config must not import the linter)."""
    return tuple(entry["id"] for entry in load_data("lint", "rules.yaml"))


#: Numeric settings: (lowest, highest) allowed, and whether a fraction is allowed.
_RANGES: dict[str, tuple[float, float, bool]] = {
    "notes_per_month": (0, 10_000, False),
    "reset_day": (1, 28, False),
    "repeat_days": (1, 3650, False),
    "similarity": (0.05, 1.0, True),
    "duplicate_similarity": (0.05, 1.0, True),
}


def _history_settings(value: Any, path: Path) -> dict[str, Any]:
    """`history = false` (the shorthand) or a `[history]` table."""
    if isinstance(value, bool):
        return {"record": value}
    return _table(value, path, "history", HistorySettings)


def _table(table: Any, path: Path, name: str, kind: type) -> dict[str, Any]:
    """A settings table whose keys are the fields of `kind`, each checked against its type and range."""
    if not isinstance(table, dict):
        raise InputError(f"{path}: [{name}] must be a table")
    defaults = kind()
    known = sorted(vars(defaults))
    unknown = sorted(set(table) - set(known))
    if unknown:
        raise InputError(f"{path}: unknown [{name}] key {unknown[0]!r} (known keys: {', '.join(known)})")
    settings: dict[str, Any] = {}
    for key, value in table.items():
        expected = type(getattr(defaults, key))
        if expected is bool:
            if not isinstance(value, bool):
                raise InputError(f"{path}: [{name}] {key} must be true or false, got {_short(value)}")
        else:
            low, high, fraction = _RANGES[key]
            number_ok = isinstance(value, int | float) and not isinstance(value, bool) and (fraction or isinstance(value, int))
            if not number_ok or not low <= value <= high:
                kind_name = "a number" if fraction else "a whole number"
                raise InputError(f"{path}: [{name}] {key} must be {kind_name} from {low:g} to {high:g}, got {_short(value)}")
            value = float(value) if fraction else value
        settings[key] = value
    return settings


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
