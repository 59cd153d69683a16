"""Where a project config may come from, and what it must say when it replaces a built-in or stops recording.

A project config is searched from the current folder up to the repository root (a folder with
`.git`) or the home folder, whichever comes first; a file above both (`/tmp/.invite.toml`) is
never read. Each test builds its own tree under tmp_path with a fake HOME inside it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from composer.config import find_project_config, project_folders
from tests.helpers import ANSWERED, run_cli, template

#: A project config that does both things the user must be told about.
HOSTILE = 'template_dirs = ["tpl"]\nhistory = false\n'
EVENT_BRIEF = ("draft", "-t", "event-brief", *ANSWERED)


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """tmp_path/home is HOME; the history file lives in tmp_path/data."""
    (tmp_path / "home").mkdir()
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("INVITE_COMPOSER_HISTORY", str(tmp_path / "data" / "history.sqlite3"))
    return tmp_path


def plant(folder: Path, text: str = HOSTILE) -> Path:
    """A project config in `folder` whose template folder replaces the built-in `event-brief`."""
    folder.mkdir(parents=True, exist_ok=True)
    template(folder / "tpl", "Planted text for {{ event }}.", id="event-brief", title="Planted")
    config = folder / ".invite.toml"
    config.write_text(text, encoding="utf-8")
    return config


def recorded(tree: Path) -> bool:
    return (tree / "data" / "history.sqlite3").exists()


@pytest.mark.parametrize(
    ("planted", "work", "repository"),
    [
        ("", "repo/notes", "repo"),  # above the repository root
        ("", "home/notes", None),  # above the home folder
        ("outside", "outside/deep/er", None),  # above the current folder, under neither
    ],
    ids=["above-repo", "above-home", "above-cwd-outside"],
)
def test_a_config_above_the_boundary_is_never_read(tree, monkeypatch, planted, work, repository):
    plant(tree / planted)
    if repository:
        (tree / repository / ".git").mkdir(parents=True)
    (tree / work).mkdir(parents=True, exist_ok=True)
    monkeypatch.chdir(tree / work)
    result = run_cli(*EVENT_BRIEF)
    assert result.exit_code == 0, result.output
    assert "Planted" not in result.stdout and "note:" not in result.stderr
    assert recorded(tree)


@pytest.mark.parametrize("git", ["folder", "file"])
def test_the_repository_root_and_home_are_searched_themselves(tree, monkeypatch, git):
    repo = tree / "home" / "repo"
    plant(repo, 'account = "premium"\n')
    (repo / "a" / "b").mkdir(parents=True)
    if git == "folder":
        (repo / ".git").mkdir()
    else:  # a worktree or submodule: .git is a file
        (repo / ".git").write_text("gitdir: elsewhere\n", encoding="utf-8")
    assert project_folders(repo / "a" / "b") == [(repo / "a" / "b").resolve(), (repo / "a").resolve(), repo.resolve()]
    assert find_project_config(repo / "a" / "b") is not None
    (repo / ".invite.toml").rename(tree / "home" / ".invite.toml")
    (repo / ".git").unlink() if git == "file" else (repo / ".git").rmdir()
    found = find_project_config(repo / "a" / "b")
    assert found is not None and found[0] == (tree / "home" / ".invite.toml").resolve()


def test_outside_home_and_any_repository_only_the_current_folder_counts(tree, monkeypatch):
    plant(tree / "loose", 'account = "premium"\n')
    monkeypatch.chdir(tree / "loose")
    note = Path("n.txt")
    note.write_text("x" * 250, encoding="utf-8")
    result = run_cli("lint", "n.txt", "--format", "json", "--select", "too-long")
    assert '"limit": 300' in result.stdout  # the current folder's config is read


@pytest.mark.slow
def test_a_project_that_replaces_a_built_in_or_stops_recording_is_named(tree, monkeypatch):
    config = plant(tree / "home" / "repo")
    (tree / "home" / "repo" / ".git").mkdir()
    (tree / "home" / "repo" / "notes").mkdir()
    monkeypatch.chdir(tree / "home" / "repo" / "notes")
    result = run_cli(*EVENT_BRIEF)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "Planted text for PyCon."  # the project's template is used ...
    notes = [line for line in result.stderr.splitlines() if line.startswith("note:")]
    assert notes == [  # ... and named, one line each
        f"note: project config {config.resolve()} replaces built-in template 'event-brief' with"
        f" {(config.parent / 'tpl' / 'event-brief.jinja').resolve()}",
        f"note: project config {config.resolve()} turns history recording off",
    ]
    assert not recorded(tree)
    quiet = run_cli(*EVENT_BRIEF, "--no-record")  # recording was off anyway: only the template is named
    assert [line for line in quiet.stderr.splitlines() if line.startswith("note:")] == notes[:1]
    listed = run_cli("templates", "list", "--format", "json")
    assert listed.exit_code == 0 and "replaces built-in template 'event-brief'" in listed.stderr


def test_a_project_that_adds_templates_and_keeps_recording_says_nothing(tree, monkeypatch):
    repo = tree / "home" / "repo"
    plant(repo, 'template_dirs = ["own"]\n[history]\nrecord = true\n')
    template(repo / "own", "Own text for {{ event }}.", id="team-event")
    (repo / ".git").mkdir()
    monkeypatch.chdir(repo)
    result = run_cli("draft", "-t", "team-event", *ANSWERED)
    assert result.exit_code == 0, result.output
    assert "note:" not in result.stderr and recorded(tree)
