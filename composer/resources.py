"""The package's own data files (`composer/data/`): rules, phrase lists, relationships, settings.

Modules ask here instead of working out `Path(__file__).parent.parent / "data"` each, so the data
folder can move (or be read from a zip one day) by changing one line; and they read YAML here, so
every data file is parsed the same way. yaml is imported on the first read, never at start-up
(`invite --help` must not import it).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"


def data_path(*parts: str) -> Path:
    """A file or folder inside `composer/data/`, e.g. `data_path("lint", "rules.yaml")`."""
    return DATA_DIR.joinpath(*parts)


def load_yaml(path: Path) -> Any:
    """A YAML file, parsed with libyaml's safe loader when PyYAML has it (10x the pure-Python one)."""
    import yaml

    return yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def load_data(*parts: str) -> Any:
    """A packaged YAML data file, parsed: `load_data("lint", "rules.yaml")`."""
    return load_yaml(data_path(*parts))
