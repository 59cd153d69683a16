"""Shell completion of what a user types after a flag: template, relationship and rule ids, fixed choices.

Driven as the shells drive it: the completion script runs `invite` with `_INVITE_COMPLETE` set and the
words typed so far (`COMP_WORDS`/`COMP_CWORD` for bash, `_TYPER_COMPLETE_ARGS` for zsh); the last test
sources the real bash script `invite --show-completion bash` prints and asks bash's own `complete`.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys

import pytest

from composer.lint import rule_ids
from composer.templates.library import discover
from composer.templates.model import relationships
from tests.helpers import REPO, run_cli, template


def bash_complete(line: str) -> list[str]:
    """What bash would offer after `line` (a trailing space means a new word), as the completion script asks."""
    words = shlex.split(line) + ([""] if line.endswith(" ") else [])
    env = {"_INVITE_COMPLETE": "complete_bash", "COMP_WORDS": " ".join(words), "COMP_CWORD": str(len(words) - 1)}
    result = run_cli(env=env)
    assert result.exit_code == 0, result.output
    return result.stdout.split()


@pytest.mark.slow
def test_template_ids_complete_after_t_and_from():
    ids = sorted(discover().templates)
    assert bash_complete("invite draft -t ") == ids
    assert bash_complete("invite templates new mine --from recr") == ["recruiting-applicant", "recruiting-candidate"]
    assert bash_complete("invite merge x.csv -t refer") == ["referral-brief", "referral-warm"]


def test_templates_of_a_folder_given_on_the_line_complete_too(tmp_path):
    template(tmp_path, "Hi {{ first_name }}, {{ event }}.", id="event-mine", title="Mine")
    assert "event-mine" in bash_complete(f"invite draft --templates-dir {tmp_path} -t event-")
    assert "event-mine" not in bash_complete("invite draft -t event-")


def test_relationship_ids_complete_after_r():
    assert bash_complete("invite draft -r ") == list(relationships())
    assert bash_complete("invite templates list -r re") == ["referral", "recruiting", "reconnect", "reply"]


def test_rule_ids_complete_for_rules_and_for_each_item_of_select_and_ignore():
    assert bash_complete("invite rules no-") == [r for r in rule_ids() if r.startswith("no-")]
    offered = bash_complete("invite lint --select generic-phrase,no-s")
    assert offered == ["generic-phrase,no-specifics"]
    assert "generic-phrase,generic-phrase" not in bash_complete("invite lint --ignore generic-phrase,")


def test_fixed_choices_complete():
    assert bash_complete("invite lint --format ") == ["text", "json", "github", "sarif"]
    assert bash_complete("invite draft --account ") == ["free", "premium"]
    assert bash_complete("invite lint --fail-on w") == ["warning"]


def test_zsh_gets_the_ids_with_their_help():
    result = run_cli(env={"_INVITE_COMPLETE": "complete_zsh", "_TYPER_COMPLETE_ARGS": "invite draft -t content-"})
    assert '"content-brief":"Read their work (brief)"' in result.stdout


def test_a_broken_config_completes_nothing_and_prints_no_error(tmp_path, monkeypatch):
    config = tmp_path / "config.toml"
    config.write_text("account = \n", encoding="utf-8")
    monkeypatch.setenv("INVITE_COMPOSER_CONFIG", str(config))
    result = run_cli(env={"_INVITE_COMPLETE": "complete_bash", "COMP_WORDS": "invite draft -t ", "COMP_CWORD": "3"})
    assert result.exit_code == 0 and result.stdout.strip() == "" and result.stderr == ""


@pytest.mark.slow  # bash runs `invite` once per completion (about half a second each)
@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_the_bash_script_completes_through_bash_itself(tmp_path):
    script = run_cli("--show-completion", "bash").stdout
    assert "complete -o default -F" in script and "_INVITE_COMPLETE=complete_bash" in script
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    invite = bin_dir / "invite"
    invite.write_text(f'#!/bin/sh\nexec {shlex.quote(sys.executable)} -m composer "$@"\n', encoding="utf-8")
    invite.chmod(0o755)
    (tmp_path / "invite.bash").write_text(script, encoding="utf-8")
    ask = (
        "source ./invite.bash\n"
        'COMP_WORDS=(invite draft -r ref); COMP_CWORD=3; "$(complete -p invite | sed "s/.*-F \\([^ ]*\\) .*/\\1/")" invite\n'
        'printf "%s\\n" "${COMPREPLY[@]}"\n'
        "COMP_WORDS=(invite lint --select generic-phrase,sh); COMP_CWORD=3; _invite_completion invite\n"
        'printf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "PYTHONPATH": str(REPO)}
    done = subprocess.run(["bash", "--norc", "-c", ask], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["referral", "generic-phrase,shouting"]
