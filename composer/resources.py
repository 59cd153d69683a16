"""The package's own data files (`composer/data/`): rules, phrase lists, relationships, settings.

Modules ask here instead of working out `Path(__file__).parent.parent / "data"` each, so the data
folder can move (or be read from a zip one day) by changing one line.
"""

from __future__ import annotations

from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"


def data_path(*parts: str) -> Path:
    """A file or folder inside `composer/data/`, e.g. `data_path("lint", "rules.yaml")`."""
    return DATA_DIR.joinpath(*parts)
