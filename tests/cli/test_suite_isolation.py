"""The suite never reads the real home: conftest replaces it before any fixture runs."""

from __future__ import annotations

import os
import pwd
from pathlib import Path

import pytest

from composer.config import user_templates_dir
from composer.templates.library import discover

REAL_HOME = Path(pwd.getpwuid(os.getuid()).pw_dir)


@pytest.fixture(scope="module")
def module_time_templates_dir() -> Path:
    """Computed when the module's fixtures run, before any function-scoped fixture."""
    return user_templates_dir()


def test_module_scoped_fixtures_never_see_the_real_home(module_time_templates_dir: Path):
    assert not module_time_templates_dir.is_relative_to(REAL_HOME)
    assert Path(os.environ["HOME"]).resolve() != REAL_HOME.resolve()


def test_a_users_own_override_cannot_leak_into_the_suite(module_time_templates_dir: Path):
    """The documented way to customise (a user template with a built-in's id) must not change what tests see."""
    builtin = discover().templates["event-brief"]
    assert builtin.source == "built-in"
