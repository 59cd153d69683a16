"""The template library: the one folder walk, discovery, and the override rules.

Templates come from three places, later ones overriding earlier ones by `id`: built-ins
(`message_templates/`, shipped in the wheel), the user folder (`<user config dir>/templates/`),
and extra folders (config `template_dirs`, then `--templates-dir`). Within one folder two files
with the same id are a mistake: the first by file name wins and the other is reported. A broken file
is reported by path and line and never stops the others.

`templates check` walks and links files with the same functions (`template_files`, `link`), so it
and discovery always agree on which file is which template.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from composer.config import user_templates_dir
from composer.errors import TemplateError, UsageError
from composer.templates.model import TEMPLATE_SUFFIX, Template
from composer.templates.parse import Parsed, parse_files


@dataclass
class Link:
    """How one parsed file relates to the others: a duplicate id in its folder, or what it overrides."""

    duplicate_of: Path | None = None
    overrides: Parsed | None = None


@dataclass
class Library:
    """Every template that loaded, by id (the winners), every file parsed, and the files that did not load."""

    templates: dict[str, Template] = field(default_factory=dict)
    problems: list[TemplateError] = field(default_factory=list)
    parsed: list[Parsed] = field(default_factory=list)

    def get(self, template_id: str) -> Template:
        """Look up a template; an unknown id is a usage error listing the valid ones."""
        try:
            return self.templates[template_id]
        except KeyError:
            valid = ", ".join(sorted(self.templates)) or "(none)"
            raise UsageError(f"unknown template {template_id!r}; valid ids: {valid}") from None

    def for_relationship(self, relationship: str) -> list[Template]:
        """Templates of one relationship, sorted by id."""
        return sorted((t for t in self.templates.values() if t.relationship == relationship), key=lambda t: t.id)

    def replaced_builtins(self, folders: Iterable[Path]) -> list[tuple[str, Path]]:
        """(id, file) of each built-in template replaced by a file in one of `folders` (a project's, to name it)."""
        inside = {Path(folder).resolve() for folder in folders}
        builtin = {item.id for item in self.parsed if item.source == "built-in" and item.id is not None}
        return [
            (template.id, template.path)
            for template in sorted(self.templates.values(), key=lambda t: t.id)
            if template.id in builtin and template.source != "built-in" and template.path.resolve().parent in inside
        ]

    def listed(self, relationship: str | None = None) -> list[Template]:
        """As `templates list` shows them: by relationship, then id; only one relationship's when given."""
        if relationship:
            return self.for_relationship(relationship)
        return sorted(self.templates.values(), key=lambda t: (t.relationship, t.id))


def builtin_templates_dir() -> Path:
    """Built-ins ship inside the wheel as composer/message_templates; a checkout has them at top level."""
    package = Path(__file__).resolve().parent.parent
    packaged = package / "message_templates"
    return packaged if packaged.is_dir() else package.parent / "message_templates"


def template_sources(extra_dirs: Iterable[Path] = ()) -> list[tuple[str, Path]]:
    """(source label, folder) in override order: later folders win."""
    sources = [("built-in", builtin_templates_dir()), ("user", user_templates_dir())]
    sources.extend(("folder", Path(folder)) for folder in extra_dirs)
    return sources


def folder_files(folder: Path) -> list[Path]:
    """The template files of one folder, by name."""
    return sorted(folder.glob(f"*{TEMPLATE_SUFFIX}"))


def template_files(extra_dirs: Iterable[Path] = ()) -> list[tuple[str, Path]]:
    """(source, path) of every template file, in override order; a missing extra folder is a usage error."""
    files: list[tuple[str, Path]] = []
    for source, folder in template_sources(extra_dirs):
        if not folder.is_dir():
            if source == "folder":
                raise UsageError(f"{folder}: templates folder not found")
            continue
        files.extend((source, path) for path in folder_files(folder))
    return files


def link(parsed: Sequence[Parsed]) -> dict[int, Link]:
    """Duplicate ids within one folder (the first file by name wins) and overrides, for files in override order.

    Keyed by position in `parsed`. Only files that have an id take part.
    """
    links = {index: Link() for index in range(len(parsed))}
    first_in_folder: dict[tuple[Path, str], Parsed] = {}
    for index in sorted(range(len(parsed)), key=lambda i: parsed[i].path.name):
        item = parsed[index]
        if item.id is None:
            continue
        key = (item.path.resolve().parent, item.id)
        if key in first_in_folder:
            links[index].duplicate_of = first_in_folder[key].path
        else:
            first_in_folder[key] = item
    winners: dict[str, Parsed] = {}
    for index, item in enumerate(parsed):
        if item.id is None or links[index].duplicate_of is not None:
            continue
        previous = winners.get(item.id)
        if previous is not None and previous.path.resolve() != item.path.resolve():
            links[index].overrides = previous
        winners[item.id] = item
    return links


def discover(extra_dirs: Iterable[Path] = ()) -> Library:
    """Load every template from every source; later sources override earlier ones by id."""
    library = Library(parsed=parse_files(template_files(extra_dirs)))
    links = link(library.parsed)
    for index, item in enumerate(library.parsed):
        problem = item.load_error()
        if problem is not None:
            library.problems.append(problem)
            continue
        template = item.template
        assert template is not None  # load_error() is None only when it loaded
        duplicate_of = links[index].duplicate_of
        if duplicate_of is not None:
            message = f"duplicate template id {item.id!r} (also in {duplicate_of})"
            library.problems.append(TemplateError(item.path, message, line=item.id_line or 2))
            continue
        previous = library.templates.get(template.id)
        if previous is not None:
            template = replace(template, overrides=previous.source)
        library.templates[template.id] = template
    return library
