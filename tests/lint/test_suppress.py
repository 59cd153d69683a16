"""`[lint.severity]` and `[lint.per-file-ignores]` in a project's config, as `invite lint` users meet them.

A project folder (a `.git` so the config search stops there) with `.invite.toml` and note files in
nested folders; every check runs the real command in it and reads what a person or a CI job reads:
the text output and its summary, JSON lines, GitHub annotations, a SARIF log valid against its schema.
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from composer.config import Config, LintDefaults
from composer.lint.suppress import glob_regex
from composer.settings import Settings
from tests.helpers import REPO, one_line_error, run_cli

CANNED = "I'd like to add you to my professional network on LinkedIn."
#: One specific note: no findings of its own, unless a rule is made stricter.
SPECIFIC = "Hi Ana, great meeting you at PyCon US on Saturday; your talk on packaging stuck with me."


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A repository with a `.invite.toml` (written by the test) and note files; the tests run at its root."""
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    monkeypatch.chdir(root)

    def make(config: str, notes: dict[str, str] | None = None) -> Path:
        (root / ".invite.toml").write_text(config, encoding="utf-8")
        for name, text in (notes or {}).items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text + "\n", encoding="utf-8")
        return root

    return make


def rules_of(stdout: str) -> dict[str, list[tuple[str, str]]]:
    """path -> [(rule, severity)] from `--format json` lines."""
    lines = [json.loads(line) for line in stdout.splitlines()]
    return {line["path"]: [(f["rule"], f["severity"]) for f in line["findings"]] for line in lines}


# --------------------------------------------------------------------------- [lint.severity]


def test_a_configured_severity_shows_in_every_format_and_decides_fail_on(project):
    project('[lint]\nfail_on = "error"\n[lint.severity]\ngeneric-phrase = "error"\n', {"n.txt": CANNED})
    text = run_cli("lint", "n.txt")
    assert text.exit_code == 1  # a warning made an error reaches fail_on = "error"
    assert "n.txt:1:1: error[generic-phrase]" in text.stdout
    assert "warning[no-specifics]" in text.stdout  # the others keep their own
    assert ("generic-phrase", "error") in rules_of(run_cli("lint", "n.txt", "--format", "json").stdout)["n.txt"]
    github = run_cli("lint", "n.txt", "--format", "github").stdout.splitlines()
    assert any(line.startswith("::error ") and "title=generic-phrase" in line for line in github)
    project('[lint.severity]\ngeneric-phrase = "info"\nno-specifics = "info"\n')
    assert run_cli("lint", "n.txt").exit_code == 0  # nothing left at warning
    assert run_cli("lint", "n.txt", "--fail-on", "info").exit_code == 1  # the flag still decides


@pytest.fixture(scope="module")
def validator() -> jsonschema.protocols.Validator:
    schema = json.loads((REPO / "tests" / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema)


def test_sarif_gives_the_configured_level_and_lists_the_override_and_the_suppressed(project, validator):
    config = '[lint.severity]\ngeneric-phrase = "error"\n[lint.per-file-ignores]\n"drafts/**" = ["no-greeting"]\n'
    project(config, {"drafts/n.txt": CANNED})
    log = json.loads(run_cli("lint", "drafts/n.txt", "--format", "sarif").stdout)
    validator.validate(log)
    run = log["runs"][0]
    levels = {r["ruleId"]: r["level"] for r in run["results"]}
    assert levels["generic-phrase"] == "error"
    descriptor = next(r for r in run["tool"]["driver"]["rules"] if r["id"] == "generic-phrase")
    assert descriptor["defaultConfiguration"]["level"] == "warning"  # the rule's own, and the run's override
    (override,) = run["invocations"][0]["ruleConfigurationOverrides"]
    assert override["descriptor"]["id"] == "generic-phrase" and override["configuration"] == {"level": "error"}
    (silenced,) = [r for r in run["results"] if "suppressions" in r]
    assert silenced["ruleId"] == "no-greeting" and silenced["suppressions"][0]["kind"] == "external"


def test_off_leaves_a_rule_out_unless_select_names_it(project):
    project('[lint.severity]\nno-greeting = "off"\n', {"n.txt": CANNED})
    assert "no-greeting" not in run_cli("lint", "n.txt").stdout
    assert "no-greeting" in run_cli("lint", "n.txt", "--select", "no-greeting").stdout
    assert "no-greeting" not in run_cli("lint", "n.txt", "--ignore", "shouting").stdout  # --ignore alone keeps it off


def test_off_and_select_in_settings():
    config = Config(lint=LintDefaults(ignore=("shouting",), severity=(("no-greeting", "off"), ("link", "error"))))
    assert Settings.from_flags(config).ignore == ("shouting", "no-greeting")
    assert Settings.from_flags(config, ignore="empty").ignore == ("empty", "no-greeting")
    assert Settings.from_flags(config, select="no-greeting,link").ignore == ("shouting",)
    assert config.lint.severities == {"link": "error"}


def test_the_project_severity_beats_the_users_rule_by_rule(project, tmp_path, monkeypatch):
    user = tmp_path / "user.toml"
    user.write_text('[lint.severity]\ngeneric-phrase = "info"\nno-specifics = "error"\n', encoding="utf-8")
    monkeypatch.setenv("INVITE_COMPOSER_CONFIG", str(user))
    project('[lint.severity]\ngeneric-phrase = "error"\n', {"n.txt": CANNED})
    found = dict(rules_of(run_cli("lint", "n.txt", "--format", "json").stdout)["n.txt"])
    assert found["generic-phrase"] == "error" and found["no-specifics"] == "error"


@pytest.mark.parametrize(
    ("config", "says"),
    [
        ('[lint.severity]\ngeneric-phrse = "error"\n', "'generic-phrse' is not a rule (did you mean 'generic-phrase'?)"),
        ('[lint.severity]\ngeneric-phrase = "fatal"\n', "generic-phrase must be one of info, warning, error, off, got 'fatal'"),
        ('[lint]\nseverity = "error"\n', "[lint.severity] must be a table of rule ids"),
        ('[lint.per-file-ignores]\n"drafts/*.txt" = ["nope"]\n', "[lint.per-file-ignores] 'drafts/*.txt': 'nope' is not a rule"),
        ('[lint.per-file-ignores]\n"drafts/*.txt" = 3\n', "'drafts/*.txt' must be a glob and a list of rule ids"),
        ('[lint]\nper-file-ignores = ["drafts"]\n', "[lint.per-file-ignores] must be a table"),
        ('[lint]\nseverities = {}\n', "unknown [lint] key 'severities'"),
    ],
    ids=["unknown-rule", "unknown-severity", "not-a-table", "ignores-unknown-rule", "ignores-not-a-list", "ignores-list", "typo"],
)  # fmt: skip
def test_a_bad_lint_setting_is_one_line_naming_the_file_and_key(project, config, says):
    root = project(config, {"n.txt": SPECIFIC})
    for args in (("lint", "n.txt"), ("draft", "-r", "event", "--set", "first_name=Ana", "--set", "event=PyCon", "--no-input")):
        message = one_line_error(run_cli(*args))
        assert message.startswith(f"error: {root / '.invite.toml'}: ") and says in message, message


# --------------------------------------------------------------------------- [lint.per-file-ignores]

NESTED = {
    "drafts/n.txt": CANNED,
    "drafts/2026/march/n.txt": CANNED,
    "drafts/2026/march/n.md": CANNED,
    "notes/n.txt": CANNED,
}


def test_per_file_ignores_follow_globs_relative_to_the_config_file(project, monkeypatch):
    root = project('[lint.per-file-ignores]\n"drafts/**/*.txt" = ["no-specifics", "no-greeting"]\n', NESTED)
    result = run_cli("lint", *NESTED, "--format", "json")
    found = {path: {rule for rule, _ in rules} for path, rules in rules_of(result.stdout).items()}
    assert found["drafts/n.txt"] == found["drafts/2026/march/n.txt"] == {"generic-phrase"}  # ** is any depth, none too
    assert found["drafts/2026/march/n.md"] == found["notes/n.txt"] == {"generic-phrase", "no-specifics", "no-greeting"}
    silenced = json.loads(result.stdout.splitlines()[0])["suppressed"]
    assert {(s["rule"], s["suppressed_by"]) for s in silenced} == {
        ("no-specifics", "[lint.per-file-ignores]"),
        ("no-greeting", "[lint.per-file-ignores]"),
    }
    assert "suppressed" not in json.loads(result.stdout.splitlines()[-1])  # only where something was
    monkeypatch.chdir(root / "drafts" / "2026")  # from below: still relative to the config's folder
    deeper = run_cli("lint", "march/n.txt")
    assert "no-specifics" not in deeper.stdout
    assert deeper.stdout.splitlines()[-1] == "1 finding in 1 note; 2 findings suppressed by [lint.per-file-ignores]"


def test_a_glob_without_a_slash_matches_a_name_anywhere_and_a_folder_everything_in_it(project):
    project('[lint.per-file-ignores]\n"*.md" = ["no-specifics"]\n"notes" = ["generic-phrase"]\n', NESTED)
    found = rules_of(run_cli("lint", *NESTED, "--format", "json").stdout)
    assert "no-specifics" not in dict(found["drafts/2026/march/n.md"]) and "no-specifics" in dict(found["drafts/n.txt"])
    assert "generic-phrase" not in dict(found["notes/n.txt"]) and "generic-phrase" in dict(found["drafts/n.txt"])


def test_per_file_ignores_cover_a_batch_file_but_not_stdin(project):
    batch = json.dumps({"id": "a", "text": CANNED}) + "\n"
    project('[lint.per-file-ignores]\n"batches/*.jsonl" = ["no-greeting"]\n', {"batches/b.jsonl": batch})
    assert "no-greeting" not in run_cli("lint", "--jsonl", "batches/b.jsonl").stdout
    assert "no-greeting" in run_cli("lint", "-", input=CANNED).stdout


def test_fix_leaves_a_silenced_rule_unfixed(project):
    doubled = "Hi Ana,  great meeting you at PyCon US on Saturday; your talk on packaging stuck with me."
    root = project('[lint.per-file-ignores]\n"kept/*" = ["double-space"]\n', {"kept/n.txt": doubled, "fixed/n.txt": doubled})
    result = run_cli("lint", "--fix", "kept/n.txt", "fixed/n.txt")
    assert (root / "kept" / "n.txt").read_text(encoding="utf-8") == doubled + "\n"
    assert (root / "fixed" / "n.txt").read_text(encoding="utf-8") == doubled.replace("  ", " ") + "\n"
    assert "1 finding suppressed by [lint.per-file-ignores]" in result.stdout


@pytest.mark.parametrize(
    ("pattern", "path", "matches"),
    [
        ("drafts/**/*.txt", "drafts/a.txt", True),
        ("drafts/**/*.txt", "drafts/x/y/a.txt", True),
        ("drafts/**/*.txt", "drafts/x/a.md", False),
        ("drafts/*.txt", "drafts/x/a.txt", False),
        ("n?.txt", "n1.txt", True),
        ("[!a]b", "cb", True),
        ("[!a]b", "ab", False),
        ("a+b(1).txt", "a+b(1).txt", True),
    ],
)
def test_glob_syntax(pattern: str, path: str, matches: bool):
    assert bool(glob_regex(pattern).match(path)) is matches
