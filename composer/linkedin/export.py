"""An export on disk: finding its files in a zip or a folder, refusing a zip bomb, and the export's own date.

The export is a zip (`Basic_LinkedInDataExport_MM-DD-YYYY.zip` or `Complete_...`) or its unpacked
folder; the files used are found by name, case-insensitively and ignoring spaces and underscores,
wherever they sit in it. A zip is checked before anything is extracted: its files' unpacked sizes
(in all) and each file's compression ratio must be under the caps of
`composer/data/linkedin_import.yaml`, so a small zip that would unpack to gigabytes is one line,
not a full disk or a MemoryError. (zipfile never yields more than the size a member declares, so
the check holds against a zip that lies about it: the member then fails its CRC and is called damaged.)

The export's date comes from the export itself: the date in its name, else the day its files were
written (the zip's entries, a folder's files); never from its rows, which one misread year
(`12/31/68` as 2068) would make "the newest export" for good. A date after tomorrow is no date.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TextIO

from composer.csvtable import Table, read_table
from composer.errors import InputError
from composer.linkedin.settings import ImportLimits

INVITATIONS = "invitations.csv"
CONNECTIONS = "connections.csv"
MESSAGES = "messages.csv"
PROFILE = "profile.csv"
#: The files `open_export` looks for; Invitations.csv is the one required.
FILES = (INVITATIONS, CONNECTIONS, MESSAGES, PROFILE)
EXPECTED = (
    "expected LinkedIn's data export: the .zip from 'Get a copy of your data' "
    "(Basic_LinkedInDataExport_MM-DD-YYYY.zip) or its unpacked folder, with Invitations.csv in it"
)
_EXPORT_DATE = re.compile(r"(\d{2})-(\d{2})-(\d{4})")


def file_key(name: str) -> str:
    """How export files are recognised: the base name, lower-cased, without spaces and underscores."""
    return re.sub(r"[\s_]+", "", name.rsplit("/", 1)[-1]).lower()


@dataclass
class Export:
    """An export on disk: its path, where its files are, and the caps its CSVs are read within."""

    path: Path
    members: dict[str, str]
    limits: ImportLimits
    archive: zipfile.ZipFile | None = None

    @property
    def named_date(self) -> date | None:
        """The date in the export's name (`..._MM-DD-YYYY`), or None."""
        found = _EXPORT_DATE.search(self.path.name)
        if not found:
            return None
        month, day, year = (int(part) for part in found.groups())
        try:
            return date(year, month, day)
        except ValueError:
            return None

    def written_date(self) -> date | None:
        """The day the export's files were written: the newest of the zip's entries (or the folder's files)."""
        days = []
        for name in self.members.values():
            try:
                if self.archive is not None:
                    days.append(datetime(*self.archive.getinfo(name).date_time).date())
                else:
                    days.append(datetime.fromtimestamp(Path(name).stat().st_mtime).date())
            except (KeyError, OSError, ValueError):
                continue
        return max(days, default=None)

    def label(self, key: str) -> str:
        return f"{self.path}:{self.members[key]}" if self.archive else self.members[key]

    @contextmanager
    def open(self, key: str) -> Iterator[Table]:
        """One of the export's CSV files, as a streamed table within the caps on cells and lines."""
        handle: TextIO
        if self.archive is not None:
            raw = self.archive.open(self.members[key])
            handle = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
        else:
            handle = Path(self.members[key]).open("r", encoding="utf-8-sig", newline="")  # noqa: SIM115 (the table closes it)
        limits = self.limits
        with read_table(
            handle, self.label(key), max_cell=limits.max_cell_characters, max_line=limits.max_line_characters
        ) as table:
            yield table

    def close(self) -> None:
        if self.archive is not None:
            self.archive.close()


def open_export(path: Path, limits: ImportLimits) -> Export:
    """Find Invitations.csv (required), Connections.csv, messages.csv and Profile.csv (optional) in a zip or a
    folder; a zip over the caps is refused before anything in it is read."""
    if not path.exists():
        raise InputError(f"{path}: no such file or folder; {EXPECTED}")
    archive = None
    members: dict[str, str] = {}
    if path.is_dir():
        for found in sorted(path.rglob("*")):
            if found.is_file() and file_key(found.name) in FILES:
                members.setdefault(file_key(found.name), str(found))
    else:
        try:
            archive = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError):
            raise InputError(f"{path}: not a zip file or a folder; {EXPECTED}") from None
        try:
            check_archive(path, archive, limits)
        except InputError:
            archive.close()
            raise
        for name in archive.namelist():
            if not name.endswith("/") and file_key(name) in FILES:
                members.setdefault(file_key(name), name)
    if INVITATIONS not in members:
        if archive is not None:
            archive.close()
        raise InputError(f"{path}: no Invitations.csv in it; {EXPECTED}")
    return Export(path, members, limits, archive)


def check_archive(path: Path, archive: zipfile.ZipFile, limits: ImportLimits) -> None:
    """Refuse, before extracting anything, a zip whose files would unpack over the size cap, or one that expands
    more than the ratio cap (a zip bomb): the sizes its directory declares are what zipfile will yield at most."""
    total = 0
    for info in archive.infolist():
        if info.is_dir():
            continue
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size >= limits.ratio_floor_bytes and ratio > limits.max_ratio:
            raise InputError(
                f"{path}: refused before extracting: {info.filename} would expand {ratio:,.0f} times, to {_size(info.file_size)}"
                f" (at most {limits.max_ratio:g} times: a LinkedIn export's CSVs expand 5 to 15 times); download the export again"
            )
    if total > limits.max_total_bytes:
        raise InputError(
            f"{path}: refused before extracting: its files would take {_size(total)} unpacked, over the"
            f" {_size(limits.max_total_bytes)} an import reads; is it LinkedIn's data export?"
        )


def _size(count: int) -> str:
    """Bytes in words: `1.5 GB`, `400 MB`, `12 KB`."""
    for unit, scale in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if count >= scale:
            return f"{count / scale:.3g} {unit}"
    return f"{count} bytes"


def export_date(export: Export, today: date, report: Callable[[str], None] = lambda problem: None) -> date:
    """The export's date: the one in its name, else the day its files were written, else today; a date after
    tomorrow (or before LinkedIn) is no date. A name whose date cannot be is `report`ed."""
    latest = today + timedelta(days=export.limits.future_days)
    named = export.named_date
    if named is not None and not export.limits.earliest <= named <= latest:
        report(f"{export.path}: the date in its name ({named.isoformat()}) cannot be right; dated by its files")
        named = None
    written = export.written_date()
    if written is not None and not export.limits.earliest <= written <= latest:
        written = None
    return named or written or today
