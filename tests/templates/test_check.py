"""`invite templates check`: each kind of mistake is reported as `path:line: ...` and exits 1."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from composer.template_check import check_file
from composer.templates.budget import Budget, budget_message
from composer.templates.library import builtin_templates_dir
from tests.helpers import (
    run_cli,
)
from tests.helpers import run_cli as run

GOOD = """\
---
id: {id}
relationship: event
title: Met at a meetup
description: Names the meetup and the talk.
questions:
  - name: event
    prompt: Which event did you meet at?
    max_length: 30
    example: PyData Berlin
  - name: topic
    prompt: What did you talk about?
    required: false
    max_length: 30
    example: testing data pipelines
---
Hi {{{{ first_name }}}}, great meeting you at {{{{ event }}}}{{% if topic %}} \
and talking about {{{{ topic }}}}{{% endif %}}. I'd enjoy staying in touch here.
"""


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def good(template_id: str = "meetup") -> str:
    return GOOD.format(id=template_id)


def check_one(path: Path):
    result = run("templates", "check", str(path))
    assert "Traceback" not in result.output
    return result


def lines_of(result) -> list[str]:
    return result.stdout.splitlines()


# --------------------------------------------------------------------------- passing


def test_good_template_passes_with_length_budget(tmp_path):
    path = write(tmp_path, "meetup.jinja", good())
    result = check_one(path)
    assert result.exit_code == 0, result.output
    assert f"{path}:17: info: fits free with examples (" in result.stdout
    assert "worst case" in result.stdout
    assert lines_of(result)[-1] == "checked 1 template: 1 passed, 0 failed, 0 warnings"


# --------------------------------------------------------------------------- each mistake


@pytest.mark.parametrize(
    ("old", "new", "line", "message"),
    [
        ("title: Met at a meetup\n", "title: Met at a meetup\ncolour: blue\n", 5, "unknown metadata key 'colour'"),
        ("description: Names the meetup and the talk.\n", "", 2, "missing metadata key 'description'"),
        ("title: Met at a meetup", "title: [a, list]", 4, "'title' must be a non-empty string"),
        ("relationship: event", "relationship: conference", 3, "unknown relationship 'conference'"),
        (
            "    max_length: 30\n    example: PyData",
            "    max_length: thirty\n    example: PyData",
            9,
            "'max_length' must be a positive integer",
        ),
        ("    required: false", "    required: maybe", 13, "'required' must be true or false"),
        ("  - name: topic", "  - name: event", 11, "duplicate question 'event'"),
        (
            "    prompt: Which event did you meet at?\n",
            "    prompt: Which event did you meet at?\n    colour: red\n",
            9,
            "question event: unknown key 'colour'",
        ),
        ("    max_length: 30\n    example: PyData Berlin\n", "    max_length: 30\n", 7, "question event: missing key 'example'"),
        ("title: Met at a meetup", "title: Met: at a meetup", 4, "metadata is not valid YAML"),
    ],
)
def test_metadata_mistakes(tmp_path, old, new, line, message):
    text = good()
    assert old in text
    path = write(tmp_path, "broken.jinja", text.replace(old, new, 1))
    result = check_one(path)
    assert result.exit_code == 1, result.output
    assert any(entry.startswith(f"{path}:{line}: error: ") and message in entry for entry in lines_of(result)), result.stdout
    assert "1 failed" in lines_of(result)[-1]


def test_every_metadata_problem_is_reported_not_just_the_first(tmp_path):
    text = good().replace("title: Met at a meetup\n", "colour: blue\n").replace("relationship: event", "relationship: nope")
    path = write(tmp_path, "many.jinja", text)
    result = check_one(path)
    assert result.exit_code == 1
    errors = [entry for entry in lines_of(result) if ": error: " in entry]
    assert any(":4: error: unknown metadata key 'colour'" in e for e in errors)
    assert any(":3: error: unknown relationship 'nope'" in e for e in errors)
    assert any(":2: error: missing metadata key 'title'" in e for e in errors)


def test_missing_front_matter(tmp_path):
    path = write(tmp_path, "plain.jinja", "Hi {{ first_name }}, good to meet you.\n")
    result = check_one(path)
    assert result.exit_code == 1
    assert f"{path}:1: error: missing front matter" in result.stdout


def test_jinja_syntax_error_has_the_files_own_line(tmp_path):
    body = "Hi {{ first_name }},\ngreat meeting you at {{ event }}{% if topic %} about {{ topic }}.\nSee you.\n"
    text = good().split("---\n", 2)
    path = write(tmp_path, "syntax.jinja", f"---\n{text[1]}---\n{body}")
    result = check_one(path)
    assert result.exit_code == 1
    # the body starts on line 17; the unclosed {% if %} is reported where Jinja gives up (end of body)
    entry = next(e for e in lines_of(result) if ": error: Jinja syntax error" in e)
    assert entry.startswith(f"{path}:") and int(entry.split(":")[1]) >= 17


def test_syntax_error_line_on_the_offending_line(tmp_path):
    text = good().replace("I'd enjoy staying in touch here.\n", "I'd enjoy staying in touch here.\n\n{{ event | }}\n")
    path = write(tmp_path, "syntax2.jinja", text)
    result = check_one(path)
    assert result.exit_code == 1
    assert f"{path}:19: error: Jinja syntax error" in result.stdout


def test_undeclared_variable_is_reported_at_its_use(tmp_path):
    text = good().replace("staying in touch here.\n", "staying in touch here.\n\nSay hi to {{ mutual_friend }}.\n")
    path = write(tmp_path, "undeclared.jinja", text)
    result = check_one(path)
    assert result.exit_code == 1
    assert f"{path}:19: error: variable 'mutual_friend' is used but not declared as a question" in result.stdout


def test_common_answers_and_jinja_globals_count_as_declared(tmp_path):
    text = good().replace(
        "staying in touch here.\n",
        "staying in touch here.{% if sender_name %} - {{ sender_name }}{% endif %}{% for _ in range(1) %}{% endfor %}\n",
    )
    path = write(tmp_path, "common.jinja", text)
    result = check_one(path)
    assert result.exit_code == 0, result.output


def test_declared_question_never_used_is_reported_at_its_name(tmp_path):
    text = good().replace("{% if topic %} and talking about {{ topic }}{% endif %}", "")
    path = write(tmp_path, "unused.jinja", text)
    result = check_one(path)
    assert result.exit_code == 1
    assert f"{path}:11: error: question 'topic' is declared but never used in the body" in result.stdout


def test_example_that_does_not_render_is_reported(tmp_path):
    text = good().replace("{{ event }}", "{{ event.upper(1) }}")
    path = write(tmp_path, "render.jinja", text)
    result = check_one(path)
    assert result.exit_code == 1
    assert f"{path}:17: error: does not render with its example answers" in result.stdout


def test_linter_error_in_the_example_note_fails(tmp_path):
    text = good().replace("I'd enjoy staying in touch here.", "Hi [Name], I'd enjoy staying in touch here.")
    path = write(tmp_path, "lint.jinja", text)
    result = check_one(path)
    assert result.exit_code == 1, result.output
    entry = next(e for e in lines_of(result) if "[placeholder]" in e)
    assert entry.startswith(f"{path}:17: error: example note:")


def test_linter_warning_is_reported_but_passes(tmp_path):
    text = good().replace("I'd enjoy staying in touch here.", "I'd like to add you to my professional network.")
    path = write(tmp_path, "warn.jinja", text)
    result = check_one(path)
    assert result.exit_code == 0, result.output
    assert any(e.startswith(f"{path}:17: warning: example note:") and "[generic-phrase]" in e for e in lines_of(result))
    assert "0 failed, 1 warning" in lines_of(result)[-1]


def test_duplicate_ids_within_one_folder(tmp_path):
    folder = tmp_path / "mine"
    write(folder, "a.jinja", good("same"))
    second = write(folder, "b.jinja", good("same"))
    result = run("templates", "check", "--templates-dir", str(folder), "same", str(folder / "b.jinja"), str(folder))
    assert result.exit_code == 1, result.output
    assert f"{second}:2: error: duplicate template id 'same' (also in {folder / 'a.jinja'})" in result.stdout


def test_broken_files_do_not_stop_the_others(tmp_path):
    folder = tmp_path / "mixed"
    write(folder, "ok.jinja", good("fine"))
    write(folder, "bad.jinja", "no front matter\n")
    result = run("templates", "check", str(folder))
    assert result.exit_code == 1
    assert lines_of(result)[-1] == "checked 2 templates: 1 passed, 1 failed, 0 warnings"


# --------------------------------------------------------------------------- length budget


def _sized(event_max: int, topic_max: int, event_example: str = "PyData Berlin", filler: str = "") -> str:
    return (
        good()
        .replace("    max_length: 30\n    example: PyData Berlin", f"    max_length: {event_max}\n    example: {event_example}")
        .replace("    max_length: 30\n    example: testing", f"    max_length: {topic_max}\n    example: testing")
        .replace("staying in touch here.", f"staying in touch here.{filler}")
    )


def test_worst_case_over_free_is_a_warning_naming_the_longest_answers(tmp_path):
    path = write(tmp_path, "long.jinja", _sized(80, 60))
    result = check_one(path)
    assert result.exit_code == 0, result.output
    entry = next(e for e in lines_of(result) if "worst case" in e)
    assert entry.startswith(f"{path}:17: warning: fits free with examples (")
    assert "> 200: lower max_length of event or topic (fits premium)" in entry


def test_worst_case_counts_first_name_and_an_optional_fallback(tmp_path):
    # the {% else %} fallback is longer than the optional answer: the worst case leaves topic out
    text = good().replace(
        "{% endif %}", "{% else %} and hearing about everything you are building with your team this year{% endif %}"
    )
    path = write(tmp_path, "fallback.jinja", text)
    result = check_file(path, lint=False)
    assert result.ok, result.problems
    full = len("Hi , great meeting you at . I'd enjoy staying in touch here.") + 20 + 30
    assert result.budget.worst_case == full + len(" and hearing about everything you are building with your team this year")
    assert result.budget.worst_case_omits == ["topic"]


def test_examples_over_free_is_a_failure(tmp_path):
    filler = " Your talk on the history of spreadsheets made me rethink how our small team ships reports every week."
    path = write(tmp_path, "examples.jinja", _sized(30, 30, filler=filler))
    result = check_one(path)
    assert result.exit_code == 1, result.output
    entry = next(e for e in lines_of(result) if "too long with examples" in e)
    assert entry.startswith(f"{path}:17: error: too long with examples: ")
    assert "> 200 (free); fits premium" in entry


def test_question_without_max_length_cannot_be_bounded(tmp_path):
    path = write(
        tmp_path,
        "unbounded.jinja",
        good().replace("    max_length: 30\n    example: PyData Berlin", "    example: PyData Berlin"),
    )
    result = check_one(path)
    assert result.exit_code == 0, result.output
    assert "warning: fits free with examples" in result.stdout
    assert "worst case cannot be bounded: give event a max_length" in result.stdout


def test_premium_account_moves_the_gate(tmp_path):
    filler = " Your talk on the history of spreadsheets made me rethink how our small team ships reports every week."
    path = write(tmp_path, "examples.jinja", _sized(30, 30, filler=filler))
    result = run("templates", "check", "--account", "premium", str(path))
    assert result.exit_code == 0, result.output
    assert "fits premium with examples" in result.stdout
    assert run("templates", "check", "--account", "gold", str(path)).exit_code == 2


@pytest.mark.parametrize(
    ("budget", "severity", "message"),
    [
        (Budget(examples=143, worst_case=187), "info", "fits free with examples (143); worst case 187 fits free"),
        (
            Budget(examples=143, worst_case=231, longest=["topic", "event"]),
            "warning",
            "fits free with examples (143); worst case 231 > 200: lower max_length of topic or event (fits premium)",
        ),
        (Budget(examples=143, worst_case=331, longest=["topic"]), "warning", "worst case 331 > 200 and 331 > 300: lower"),
        (Budget(examples=250, worst_case=280), "error", "too long with examples: 250 > 200 (free); fits premium"),
        (Budget(examples=301, worst_case=301), "error", "301 > 200 (free), 301 > 300 (premium); shorten"),
        (Budget(examples=90, unbounded=["topic"]), "warning", "worst case cannot be bounded: give topic a max_length"),
    ],
)
def test_budget_messages(budget, severity, message):
    got_severity, got = budget_message(budget)
    assert got_severity == severity
    assert message in got


# --------------------------------------------------------------------------- selection and formats


def test_json_format(tmp_path):
    folder = tmp_path / "t"
    write(folder, "ok.jinja", good("fine"))
    write(folder, "bad.jinja", good("bad").replace("relationship: event", "relationship: nope"))
    result = run("templates", "check", "--format", "json", str(folder))
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["ok"] is False and data["limit"] == 200
    assert data["summary"] == {"checked": 2, "passed": 1, "failed": 1, "warnings": 0}
    by_id = {t["id"]: t for t in data["templates"]}
    assert by_id["fine"]["ok"] and by_id["fine"]["example"].startswith("Hi Ana, great meeting you at PyData Berlin")
    assert by_id["fine"]["length"]["examples"] == len(by_id["fine"]["example"])
    assert by_id["fine"]["length"]["worst_case_bounded"] is True
    problem = by_id["bad"]["problems"][0]
    assert problem["line"] == 3 and problem["severity"] == "error" and problem["code"] == "metadata"


def test_check_by_id_picks_the_winning_file(tmp_path):
    folder = tmp_path / "over"
    mine = write(folder, "event-brief.jinja", good("event-brief"))
    result = run("templates", "check", "--templates-dir", str(folder), "event-brief")
    assert result.exit_code == 0, result.output
    assert str(mine) in result.stdout and "message_templates" not in result.stdout


def test_default_checks_every_source_and_notes_overrides(tmp_path, xdg):
    user = xdg / "invite-composer" / "templates"
    mine = write(user, "event-brief.jinja", good("event-brief"))
    result = run("templates", "check")
    assert result.exit_code == 0, result.output
    assert "checked 19 templates: 19 passed" in lines_of(result)[-1]
    assert f"{mine}:2: info: overrides the built-in template 'event-brief'" in result.stdout


def test_unknown_id_and_missing_path_are_usage_errors(tmp_path):
    unknown = run("templates", "check", "no-such-template")
    assert unknown.exit_code == 2 and "unknown template 'no-such-template'; valid ids:" in unknown.stderr
    missing = run("templates", "check", str(tmp_path / "nope.jinja"))
    assert missing.exit_code == 2 and "no such template file or folder" in missing.stderr
    folder = run("templates", "check", "--templates-dir", str(tmp_path / "absent"))
    assert folder.exit_code == 2 and "templates folder not found" in folder.stderr
    assert run("templates", "check", "--format", "xml").exit_code == 2


# --------------------------------------------------------------------------- CI gate


def test_every_builtin_passes_and_its_worst_case_fits_free():
    result = run("templates", "check", "--format", "json", str(builtin_templates_dir()))
    assert result.exit_code == 0, result.stdout
    data = json.loads(result.stdout)
    assert data["summary"]["checked"] == len(list(builtin_templates_dir().glob("*.jinja"))) >= 17
    for template in data["templates"]:
        assert template["ok"], template
        length = template["length"]
        assert length["worst_case_bounded"], template["path"]
        assert length["examples"] <= 200, template["path"]
        assert length["worst_case"] <= 200, f"{template['path']}: worst case {length['worst_case']} > 200"


@pytest.mark.slow
def test_list_and_show_never_import_spacy():
    code = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from composer.cli import app\n"
        "for args in (['templates', 'list'], ['templates', 'show', 'event-brief']):\n"
        "    r = CliRunner().invoke(app, args)\n"
        "    assert r.exit_code == 0, r.output\n"
        "assert 'spacy' not in sys.modules, 'spacy imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


@pytest.mark.slow
def test_show_and_check_give_the_room_per_answer_on_each_tier(xdg):
    shown = run_cli("templates", "show", "event-brief", env={"COLUMNS": "200"})
    assert re.search(r"event \(required, max 40\): .*room: \d+ free / \d+ premium", shown.stdout), shown.stdout
    data = run_cli("templates", "show", "event-brief", "--format", "json")
    import json

    room = json.loads(data.stdout)["room"]
    assert set(room) == {"first_name", "event", "topic"} and room["event"]["premium"] - room["event"]["free"] == 100
    checked = run_cli("templates", "check", "event-brief")
    assert "info: room per answer with the others at their examples: first_name " in checked.stdout


def test_check_for_premium_says_premium():
    result = run_cli("templates", "check", "event-brief", "--account", "premium")
    assert "fits premium with examples" in result.stdout and "fits free" not in result.stdout


def test_templates_check_reports_a_template_nested_too_deeply(invoke, workdir):
    result = invoke("templates", "check", "tpl-deep/deep.jinja")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.stdout.startswith("tpl-deep/deep.jinja:11: error: the template nests too deeply")


# --------------------------------------------------------------------------- answers shared between templates

SHARED = """\
---
id: {id}
relationship: event
title: {title}
description: For the shared-answer check.
questions:
  - name: event
    prompt: {prompt}
    max_length: 30
    example: PyData Berlin
{meaning}---
Hi {{{{ first_name }}}}, thanks for {{{{ event }}}}. I'd enjoy staying in touch here.
"""


def test_an_answer_asked_with_another_meaning_in_the_relationship_is_a_warning(tmp_path):
    """A draft that switches from event-brief to this template would keep `event` as "PyCon US": say so."""
    mine = write(
        tmp_path, "event-talk.jinja", SHARED.format(id="event-talk", title="Talk", prompt="Which talk did you enjoy?", meaning="")
    )
    result = check_one(mine)
    assert result.exit_code == 0  # a warning, not a failure
    [line] = [line for line in lines_of(result) if "means something else" in line]
    assert line.startswith(f"{mine}:7: warning: answer 'event' means something else in template 'event-")
    assert "'Which talk did you enjoy?' here" in line and "`meaning:`" in line


def test_the_same_declared_meaning_or_prompt_is_fine(tmp_path):
    meaning = "    meaning: the event's name\n"
    same_meaning = write(
        tmp_path / "a",
        "event-met.jinja",
        SHARED.format(id="event-met", title="Met", prompt="Where did we meet?", meaning=meaning),
    )
    same_prompt = write(
        tmp_path / "b",
        "event-again.jinja",
        SHARED.format(id="event-again", title="Again", prompt="Which event did you meet at?", meaning=""),
    )
    for path in (same_meaning, same_prompt):
        result = check_one(path)
        assert "means something else" not in result.stdout, result.stdout


def test_two_checked_files_are_compared_with_each_other(tmp_path):
    write(tmp_path, "one.jinja", SHARED.format(id="one", title="One", prompt="Which stand?", meaning="    meaning: a stand\n"))
    write(tmp_path, "two.jinja", SHARED.format(id="two", title="Two", prompt="Which booth?", meaning="    meaning: a booth\n"))
    result = run("templates", "check", "--format", "json", str(tmp_path))
    problems = {Path(t["path"]).name: [p["code"] for p in t["problems"]] for t in json.loads(result.stdout)["templates"]}
    assert "shared-answer" in problems["one.jinja"] and "shared-answer" in problems["two.jinja"]


def test_builtin_templates_of_one_relationship_share_the_meaning_of_every_answer_they_share():
    from composer.templates.library import discover

    asked: dict[tuple[str, str], dict[str, tuple[str, str | None]]] = {}
    for template in discover().templates.values():
        for question in template.all_questions():
            asked.setdefault((template.relationship, question.name), {})[template.id] = (question.prompt, question.meaning)
    for (relationship, name), by_template in asked.items():
        prompts = {prompt for prompt, _ in by_template.values()}
        meanings = {meaning for _, meaning in by_template.values()}
        assert len(prompts) == 1 or (len(meanings) == 1 and None not in meanings), (relationship, name, by_template)
    result = run("templates", "check", "--format", "json")
    codes = [p["code"] for t in json.loads(result.stdout)["templates"] for p in t["problems"]]
    assert "shared-answer" not in codes
