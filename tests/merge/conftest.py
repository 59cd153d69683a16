"""Every merge test gets its own history file (never the real one)."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def history(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "history" / "history.sqlite3"
    monkeypatch.setenv("INVITE_COMPOSER_HISTORY", str(path))
    return path
