"""Which account's exports `invite inbox` and `invite stats` read: yours, unless `--profile` names others.

The history records whose export each import was (`composer.history.store.accounts`); the first
account is yours. `--profile NAME|URL` (repeatable, or `all`) chooses among the recorded accounts
by profile URL (any spelling) or full name; one the history does not hold is a usage error that
lists those it does.
"""

from __future__ import annotations

from collections.abc import Sequence

from composer.errors import UsageError
from composer.history.people import looks_like_url, profile_key, recipient_key
from composer.history.store import Account, History

#: `--profile all`: every account the history holds.
ALL = "all"


def chosen_accounts(history: History, wanted: Sequence[str] | None) -> tuple[int, ...] | None:
    """The ids of the accounts asked for (yours when none is); None for a history whose imports predate accounts."""
    known = history.accounts()
    if not known:
        if wanted:
            raise UsageError("--profile: no LinkedIn export imported yet, so there is no account to choose")
        return None
    if not wanted:
        return (known[0].id,)
    ids: list[int] = []
    for text in wanted:
        if text.strip().casefold() == ALL:
            return tuple(account.id for account in known)
        found = [account.id for account in known if _names(account, text)]
        if not found:
            held = "; ".join(account.label() for account in known)
            raise UsageError(f"--profile {text!r}: no imported export is of that account (the history holds: {held})")
        ids += found
    return tuple(dict.fromkeys(ids))


def _names(account: Account, text: str) -> bool:
    """Whether `text` (a profile URL in any spelling, or a full name in any case) names the account."""
    if looks_like_url(text):
        return account.profile_key is not None and account.profile_key == profile_key(text)
    return account.name_key is not None and account.name_key == recipient_key(text)
