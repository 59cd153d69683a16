"""The config files (user and project): found where documented, flags win, a bad file is one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import (
    ANSWERED,
    one_line_error,
    run_cli,
)


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("config.toml", "account = [1]\n", 'account must be "free" or "premium"'),
        ("config.toml", "x = " + "9" * 5000 + "\n", "unusable config"),
        ("config.toml", "x = " + "[" * 2000 + "]" * 2000 + "\n", "config"),
        ("config.toml", "\ufeffaccount = 'premium'\n", None),  # a BOM is fine
    ],
    ids=["list-account", "huge-number", "deep", "bom"],
)
@pytest.mark.slow
def test_parsed_config_inputs_are_one_line(tmp_path, monkeypatch, name, content, says):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    monkeypatch.setenv("INVITE_COMPOSER_CONFIG", str(path))
    result = run_cli("draft", "-t", "event-brief", *ANSWERED)
    if says is None:
        assert result.exit_code == 0, result.output
    else:
        assert says in one_line_error(result)


def test_lint_defaults_from_the_user_config(tmp_path, monkeypatch):
    config = tmp_path / "config.toml"
    config.write_text('[lint]\nignore = ["no-greeting", "self-focus"]\nfail_on = "error"\n', encoding="utf-8")
    monkeypatch.setenv("INVITE_COMPOSER_CONFIG", str(config))
    note = tmp_path / "n.txt"
    note.write_text("I'd like to add you to my professional network on LinkedIn.", encoding="utf-8")
    result = run_cli("lint", str(note), "--format", "json")
    assert result.exit_code == 0  # fail_on = error: warnings do not fail
    assert "no-greeting" not in result.stdout and "generic-phrase" in result.stdout
    assert run_cli("lint", str(note), "--fail-on", "warning").exit_code == 1  # the flag wins


@pytest.mark.parametrize("kind", [".invite.toml", "pyproject.toml"])
def test_a_project_config_is_found_upwards_and_beats_the_user_one(tmp_path, monkeypatch, kind):
    user = tmp_path / "config.toml"
    user.write_text('account = "free"\n[lint]\nfail_on = "info"\n', encoding="utf-8")
    monkeypatch.setenv("INVITE_COMPOSER_CONFIG", str(user))
    project = tmp_path / "repo"
    (project / "notes" / "deep").mkdir(parents=True)
    (project / ".git").mkdir()  # the search stops at the repository root
    table = 'account = "premium"\n[lint]\nselect = ["too-long"]\n'
    in_pyproject = "[project]\nname = 'x'\n[tool.invite]\n" + table.replace("[lint]", "[tool.invite.lint]")
    text = table if kind == ".invite.toml" else in_pyproject
    (project / kind).write_text(text, encoding="utf-8")
    monkeypatch.chdir(project / "notes" / "deep")
    note = Path("n.txt")
    note.write_text("x" * 250, encoding="utf-8")
    result = run_cli("lint", "n.txt", "--format", "json")
    assert '"limit": 300' in result.stdout and '"findings": []' in result.stdout  # premium, only too-long
    assert result.exit_code == 0
    assert run_cli("lint", "n.txt", "--account", "free").exit_code == 1  # flags beat the project


def test_config_with_a_non_string_account_is_one_line(tmp_path, monkeypatch):
    config = tmp_path / "config.toml"
    config.write_text("account = [1]\n", encoding="utf-8")
    monkeypatch.setenv("INVITE_COMPOSER_CONFIG", str(config))
    result = run_cli("lint", "-", input="Hi")
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert 'account must be "free" or "premium", got [1]' in result.stderr
