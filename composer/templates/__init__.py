"""Message templates: the subsystem that turns a template file and answers into a note.

Modules, leaf first: `model` (Template, Question and its schema, relationships; light), `isolation`
(the worker process that parses and renders untrusted templates under OS limits), `sandbox` (the
Jinja environment and what it refuses), `directives` (the `{# invite: ignore=RULE #}` comments that
silence lint rules for a template's notes), `parse` (one file -> a `Parsed` with the template or its
problems), `library` (the folder walk, discovery and overrides), `render`, `budget` (lengths and
room per answer), `scaffold` (`templates new`), `show` (what `templates list` and `show` print).
Everything but `model` and `isolation` imports jinja2 or yaml, so the CLI imports them when a
command needs them, never at start-up. Only `model`'s names are re-exported here, to keep `import
composer.templates` cheap.
"""

from composer.templates.model import TEMPLATE_SUFFIX, Question, Relationship, Template, get_relationship, relationships

__all__ = ["TEMPLATE_SUFFIX", "Question", "Relationship", "Template", "get_relationship", "relationships"]
