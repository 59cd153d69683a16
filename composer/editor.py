"""Which editor the user asked for: `$VISUAL`, else `$EDITOR` (the Unix convention)."""

from __future__ import annotations

import os


def configured_editor() -> str | None:
    """The editor command line as set (not yet split), or None when neither variable is set."""
    for variable in ("VISUAL", "EDITOR"):
        value = os.environ.get(variable, "").strip()
        if value:
            return value
    return None
