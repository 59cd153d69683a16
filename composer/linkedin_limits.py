"""What LinkedIn allows, as this tool assumes it: every user of these numbers reads them here.

When LinkedIn changes a limit, this is the file to edit (and the README's mentions of 200 and 300).
"""

from __future__ import annotations

#: A connection note's length limit per account tier, in UTF-16 code units as the browser counts them.
ACCOUNT_LIMITS: dict[str, int] = {"free": 200, "premium": 300}
#: The tier assumed when neither a flag nor the config names one.
DEFAULT_ACCOUNT = "free"
#: The longest note any tier allows (received invitations are judged against it).
LONGEST_NOTE = max(ACCOUNT_LIMITS.values())
#: Notes a free account may attach per month: LinkedIn's help says five for Basic members.
MONTHLY_NOTE_QUOTA = 5
#: The day of the month the quota starts again, unless the config says otherwise.
QUOTA_RESET_DAY = 1
