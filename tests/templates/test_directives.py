"""`{# invite: ignore=RULE #}` in a template: the rule is silenced for every note made from it.

The template lives where a user keeps theirs (the user templates folder); each test runs the real
command, `draft --no-input`, `merge` with a CSV and `templates check`, or a scripted terminal session.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from composer.config import Config, LintDefaults
from composer.templates.directives import SYNTAX, directives
from composer.templates.library import discover
from tests.helpers import menu, run_cli, session

CANNED = """\
---
id: canned
relationship: event
title: Canned on purpose
description: Ends with LinkedIn's own sentence.
questions:
  - name: event
    prompt: Which event did you meet at?
    max_length: 30
    example: PyData Berlin
---
{comment}
We met at {{{{ event }}}}, {{{{ first_name }}}}. I'd like to add you to my professional network on LinkedIn.
"""
#: The line of `{comment}` in CANNED: where its body starts.
COMMENT_LINE = 12
DRAFT = ("draft", "-t", "canned", "--set", "first_name=Ana", "--set", "event=PyCon US", "--no-input", "--no-record")


@pytest.fixture
def user_template(user_config_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Write the user's `canned` template with a comment; the tests run in an empty folder."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("INVITE_COMPOSER_HISTORY", str(tmp_path / "history.sqlite3"))

    def make(comment: str) -> Path:
        folder = user_config_dir / "templates"
        folder.mkdir(exist_ok=True)
        path = folder / "canned.jinja"
        path.write_text(CANNED.format(comment=comment), encoding="utf-8")
        return path

    return make


def test_draft_leaves_out_the_rule_and_says_it_did(user_template):
    user_template("{# an ordinary comment #}")
    plain = run_cli(*DRAFT)
    assert plain.exit_code == 1 and "warning[generic-phrase]" in plain.stderr
    user_template("{# invite: ignore=generic-phrase #}")
    silenced = run_cli(*DRAFT)
    assert silenced.exit_code == 0, silenced.output
    assert silenced.stdout.endswith("professional network on LinkedIn.\n")  # a comment is never rendered
    assert "generic-phrase" not in silenced.stderr
    assert silenced.stderr.splitlines()[-1] == "1 finding suppressed by template comment"


def test_draft_shows_the_configured_severity_beside_the_silenced_rule(user_template, user_config_dir: Path):
    user_template("{#- invite: ignore = generic-phrase, shouting -#}")
    (user_config_dir / "config.toml").write_text('[lint.severity]\nno-greeting = "warning"\n', encoding="utf-8")
    result = run_cli(*DRAFT)
    assert result.exit_code == 1  # no-greeting, raised to a warning, reaches the default --fail-on
    assert "draft:1:1: warning[no-greeting]" in result.stderr and "generic-phrase" not in result.stderr


def test_the_session_panel_silences_the_rule_and_shows_configured_severities(user_template):
    from composer.draft.panel import default_lint

    user_template("{# invite: ignore=generic-phrase #}")
    config = Config(lint=LintDefaults(severity=(("no-greeting", "warning"),)))
    flags = {"first_name": "Ana", "event": "PyCon US"}
    _, shown = session(discover(), [menu("done")], flags=flags, template_id="canned", config=config, lint=default_lint)
    assert "warning[no-greeting]" in shown and "generic-phrase" not in shown
    assert "1 finding suppressed by template comment" in shown


def test_merge_silences_the_rule_for_every_row_of_the_template(user_template, tmp_path: Path):
    user_template("{# invite: ignore=generic-phrase #}")
    people = tmp_path / "people.csv"
    people.write_text("First Name,Event\nAna,PyCon US\nBen,RustConf\n", encoding="utf-8")
    result = run_cli("merge", str(people), "-t", "canned", "--no-record", "--ignore", "batch-duplicate")
    assert result.exit_code == 0, result.output
    assert "generic-phrase" not in result.stdout
    assert result.stderr.splitlines()[-1].endswith("; 2 findings suppressed by template comment")


def test_templates_check_counts_what_the_comment_silences(user_template):
    path = user_template("{# invite: ignore=generic-phrase #}")
    result = run_cli("templates", "check", str(path))
    assert result.exit_code == 0, result.output
    assert f"{path}:{COMMENT_LINE}: info: example note: 1 finding suppressed by template comment (generic-phrase)" in (
        result.stdout
    )
    assert "warning: example note" not in result.stdout


@pytest.mark.parametrize(
    ("comment", "says"),
    [
        ("{# invite: ignore=generic-phrse #}", "names unknown rule 'generic-phrse' (did you mean 'generic-phrase'?)"),
        ("{# invite: ignore=no-greeting, nope #}", "template comment names unknown rule 'nope'"),
        ("{# invite: disable=generic-phrase #}", "is not a directive; write {# invite: ignore=RULE[, RULE...] #}"),
        ("{# invite: ignore= #}", "is not a directive"),
    ],
    ids=["typo", "one-of-two", "other-verb", "no-rule"],
)  # fmt: skip
def test_templates_check_reports_a_comment_that_silences_nothing_at_its_line(user_template, comment, says):
    path = user_template(comment)
    result = run_cli("templates", "check", str(path))
    assert result.exit_code == 1
    assert f"{path}:{COMMENT_LINE}: error: " in result.stdout and says in result.stdout, result.stdout


def test_per_file_ignores_cover_template_files(user_template, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    team = tmp_path / "team"
    (team / ".git").mkdir(parents=True)
    (team / "templates").mkdir()
    (team / "templates" / "canned.jinja").write_text(CANNED.format(comment=""), encoding="utf-8")
    monkeypatch.chdir(team)
    assert "warning: example note: " in run_cli("templates", "check", "templates/canned.jinja").stdout
    (team / ".invite.toml").write_text('[lint.per-file-ignores]\n"templates/*.jinja" = ["generic-phrase"]\n', encoding="utf-8")
    result = run_cli("templates", "check", "templates/canned.jinja")
    assert result.exit_code == 0, result.output
    assert "info: example note: 1 finding suppressed by [lint.per-file-ignores] (generic-phrase)" in result.stdout


def test_a_question_may_not_take_the_tools_own_names(user_template, user_config_dir: Path):
    path = user_template("")
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "  - name: event", "  - name: invite_ignore\n    prompt: x\n    example: x\n  - name: event"
        ),
        encoding="utf-8",
    )
    result = run_cli("templates", "check", str(path))
    assert result.exit_code == 1 and "names starting 'invite_' are the tool's own" in result.stdout


def test_only_real_comments_are_directives():
    body = (
        "{{ '{# invite: ignore=link #}' }}\n"  # a string
        "{% raw %}{# invite: ignore=shouting #}{% endraw %}\n"  # raw text
        "{#\n  invite: ignore=no-greeting,self-focus\n#}\n"  # over lines: the directive's own line
        "{# invite : ignore = link ; #}\n"
    )
    silences, problems = directives(body, body_line=10)
    assert silences == (("no-greeting", 13), ("self-focus", 13))
    (problem,) = problems
    assert problem == (15, "template comment 'invite: ignore = link ;' is not a directive; write " + SYNTAX)
