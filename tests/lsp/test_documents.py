"""Where a finding is, as an editor counts: UTF-16 units (or the encoding agreed), the protocol's line breaks;
and which documents are notes, templates or neither, with whose settings. Quick: no server, no spaCy."""

from __future__ import annotations

from pathlib import Path

import pytest

from composer.lsp.documents import NOTE, TEMPLATE, kind_of, note_text, path_of, settings_for
from composer.lsp.positions import Lines


def test_an_astral_emoji_counts_two_utf16_units():
    text = "👋 Hi Ana,  great"
    double_space = text.index("  ")
    assert Lines(text).position(double_space) == (0, double_space + 1)
    assert Lines(text).offset(0, double_space + 1) == double_space


@pytest.mark.parametrize(("encoding", "character"), [("utf-16", 3), ("utf-8", 6), ("utf-32", 2)])
def test_the_agreed_encoding_decides_the_units(encoding: str, character: int):
    assert Lines("é👋x", encoding).position(2) == (0, character)


def test_lines_break_where_the_protocol_breaks_them():
    text = "a\r\nb\rc\nd\u2028e\x0cf"
    lines = Lines(text)
    assert [lines.position(text.index(c)) for c in "abcd"] == [(0, 0), (1, 0), (2, 0), (3, 0)]
    # U+2028 and a form feed are characters of the line, not line breaks (str.splitlines disagrees)
    assert lines.position(text.index("f")) == (3, 4)


def test_a_position_past_a_line_or_the_text_is_clamped():
    lines = Lines("ab\ncd")
    assert lines.offset(0, 99) == 2
    assert lines.offset(7, 0) == 5
    assert lines.position(99) == (1, 2)


@pytest.mark.parametrize(
    ("uri", "language", "kind"),
    [
        ("file:///w/notes/ana.txt", "plaintext", NOTE),
        ("file:///w/notes/ana.md", "markdown", NOTE),
        ("file:///w/notes/ana", "", NOTE),
        ("file:///w/notes/ana.note", "plaintext", NOTE),
        ("untitled:Untitled-1", "plaintext", NOTE),
        ("file:///w/templates/mine.jinja", "jinja", TEMPLATE),
        ("file:///w/templates/mine.j2", "", TEMPLATE),
        ("file:///w/templates/mine.html", "jinja-html", TEMPLATE),
        ("untitled:Untitled-2", "jinja", TEMPLATE),
        ("file:///w/composer/cli.py", "python", None),
        ("file:///w/Dockerfile", "dockerfile", None),
    ],
)
def test_the_file_name_then_the_language_decides_what_is_checked(uri: str, language: str, kind: str | None):
    assert kind_of(uri, language) == kind


def test_a_file_uri_is_its_path_and_a_note_ends_before_its_final_line_break():
    assert str(path_of("file:///w/my%20notes/ana.txt")) == "/w/my notes/ana.txt"
    assert path_of("untitled:Untitled-1") is None
    assert [note_text(t) for t in ("Hi\n", "Hi\r\n", "Hi\n\n", "Hi")] == ["Hi", "Hi", "Hi\n", "Hi"]


def test_settings_come_from_the_documents_folder_or_else_the_workspace_folder_holding_it(tmp_path: Path):
    workspace, repository = tmp_path / "workspace", tmp_path / "workspace" / "repo"
    (workspace / "drafts").mkdir(parents=True)
    (repository / "notes").mkdir(parents=True)
    (repository / ".git").mkdir()
    (workspace / ".invite.toml").write_text('[lint]\nignore = ["double-space"]\n', encoding="utf-8")
    (repository / ".invite.toml").write_text('[lint]\nignore = ["shouting"]\n', encoding="utf-8")
    # outside any repository only the folder itself is searched: the workspace folder's config then applies
    assert settings_for(workspace / "drafts" / "ana.txt", [workspace]).ignore == ("double-space",)
    # in a repository, its config, found upwards from the document as a command run there finds it
    assert settings_for(repository / "notes" / "ana.txt", [workspace]).ignore == ("shouting",)
    assert settings_for(None, [workspace]).ignore == ("double-space",)  # an unsaved document
