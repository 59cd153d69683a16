"""What the server does with a document: lint it as a note, check it as a template, or leave it alone.

The file name decides first, then the editor's language id (for a name without a known suffix, or a
document not saved yet):

* templates: `*.jinja` (what `invite templates new` writes and discovery reads), `*.j2`, `*.jinja2`,
  or a language id starting with `jinja` (`jinja`, `jinja-html`, ...) or `j2`;
* notes: `*.txt`, `*.text`, `*.md` and `*.markdown`, the language ids `plaintext`, `text` and
  `markdown`, and a name without a suffix and without a language id (`notes/ana`); as in `invite
  lint FILE`, the file is one note and its final line break is not part of it;
* anything else (a client set up to start the server for every file type) gets no diagnostics.

The settings are a project's, as for a command run in the document's folder (or, when that finds no
project config, in the workspace folder holding the document): the user config, then the nearest
`.invite.toml` or `[tool.invite]` upwards (`composer.config`), read again for each check, so an
edited config applies at the next keystroke.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import url2pathname

from composer.config import load_config
from composer.settings import Settings

NOTE, TEMPLATE = "note", "template"
TEMPLATE_SUFFIXES = (".jinja", ".j2", ".jinja2")
NOTE_SUFFIXES = (".txt", ".text", ".md", ".markdown")
NOTE_LANGUAGES = ("plaintext", "text", "markdown")
#: A document longer than this is not linted as a note (`invite lint` reads notes up to the same length).
MAX_NOTE_CHARS = 100_000


def path_of(uri: str) -> Path | None:
    """The file a `file:` URI names; None for another scheme (`untitled:`, a diff view)."""
    parsed = urlparse(uri)
    if parsed.scheme != "file":
        return None
    return Path(url2pathname(parsed.path))


def kind_of(uri: str, language_id: str | None) -> str | None:
    """NOTE, TEMPLATE or None (not ours) for a document, by its name first, then its language id."""
    path = path_of(uri)
    name = path.name if path is not None else urlparse(uri).path.rsplit("/", 1)[-1]
    suffix = Path(name).suffix.lower() if "." in name.lstrip(".") else ""
    language = (language_id or "").lower()
    is_template_language = language.startswith("jinja") or language == "j2"
    if suffix in TEMPLATE_SUFFIXES or (suffix not in NOTE_SUFFIXES and is_template_language):
        return TEMPLATE
    if suffix in NOTE_SUFFIXES or language in NOTE_LANGUAGES or (not suffix and not language):
        return NOTE
    return None


def note_text(text: str) -> str:
    """The note a document holds: its text without the final line break, as `invite lint FILE` reads it."""
    if text.endswith("\r\n"):
        return text[:-2]
    return text[:-1] if text.endswith(("\n", "\r")) else text


def settings_for(path: Path | None, roots: Sequence[Path]) -> Settings:
    """The settings for a document: the config as a command run in its folder reads it, else as one run in
    the workspace folder holding it (the project config of a folder outside any repository is found from
    that folder only, so a note in `drafts/` would otherwise miss the workspace's `.invite.toml`)."""
    folder = path.parent if path is not None else None
    if folder is None:
        root = roots[0] if roots else None
    else:  # the innermost workspace folder holding the document
        root = max((r for r in roots if r == folder or r in folder.parents), key=lambda r: len(r.parts), default=None)
    config = load_config(project_from=folder) if folder is not None and folder.is_dir() else None
    if (config is None or config.project is None) and root is not None and root.is_dir():
        config = load_config(project_from=root)
    return Settings.from_flags(config or load_config())
