"""What `invite inbox`, `invite stats` and `invite import` decide by: `composer/data/inbox_stats.yaml` and
`composer/data/linkedin_import.yaml`, each read once.

Phrase lists, the rules that count as generic or a pitch, length bands and group sizes are data, and so
are the caps an import reads an export within (archive size and compression ratio, cell and line
length, the dates a row may carry), so tuning them is a data change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from composer.resources import load_data

#: What `inbox`, `inbox reply` and `stats` say before any export was imported.
NOTHING_IMPORTED = "no LinkedIn export imported yet: download yours ('Get a copy of your data') and run `invite import EXPORT`"


@cache
def settings() -> dict[str, Any]:
    """The `inbox` and `stats` sections of `composer/data/inbox_stats.yaml`."""
    data: dict[str, Any] = load_data("inbox_stats.yaml")
    return data


@dataclass(frozen=True)
class ImportLimits:
    """The caps an export is read within (`composer/data/linkedin_import.yaml`)."""

    max_total_bytes: int
    max_ratio: float
    ratio_floor_bytes: int
    max_cell_characters: int
    max_line_characters: int
    future_days: int
    earliest: date
    batch: int


@cache
def import_limits() -> ImportLimits:
    """The archive and row caps of `invite import`."""
    data: dict[str, Any] = load_data("linkedin_import.yaml")
    archive, rows = data["archive"], data["rows"]
    return ImportLimits(
        max_total_bytes=int(archive["max_total_bytes"]),
        max_ratio=float(archive["max_ratio"]),
        ratio_floor_bytes=int(archive["ratio_floor_bytes"]),
        max_cell_characters=int(rows["max_cell_characters"]),
        max_line_characters=int(rows["max_line_characters"]),
        future_days=int(rows["future_days"]),
        earliest=date.fromisoformat(str(rows["earliest"])),
        batch=int(rows["batch"]),
    )
