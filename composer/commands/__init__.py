"""One module per command group; `composer.cli` wires them into the typer app.

Each command parses its flags, calls one subsystem function and prints (the subsystems' `show`
modules build the tables and JSON). Modules: `common` (options and helpers several commands share:
--format, --limit, --since, the template library), `complete` (shell completion of template,
relationship and rule ids, and of the fixed choices), `draft`, `lint` (and `rules`), `templates`
(list, show, new, check), `merge`, `history` (list, forget, path), `linkedin` (import, inbox,
stats).

These modules are imported for every `invite` run, `--help` included, so they import nothing heavy
at the top: the subsystems (templates, draft, lint, history, merge) are imported inside the command
functions. They also do without `from __future__ import annotations`: typer reads every command's
signature at start-up, and with postponed annotations it would `eval` each one from its source text
(half the cost of building the command tree; `invite --help` went from 1.43x to 1.24x the time of a
minimal typer app's). Annotations naming types imported only for type checking are quoted.
"""
