"""What `invite inbox` and `invite stats` decide by: `composer/data/inbox_stats.yaml`, read once.

Phrase lists, the rules that count as generic or a pitch, length bands and group sizes are data,
so tuning them is a data change.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from composer.resources import load_data


@cache
def settings() -> dict[str, Any]:
    """The `inbox` and `stats` sections of `composer/data/inbox_stats.yaml`."""
    data: dict[str, Any] = load_data("inbox_stats.yaml")
    return data
