"""invite-composer: write a personal note for a LinkedIn connection request.

The map. Subsystems are packages, each with its own map in its `__init__`; shared infrastructure
is flat and imports no subsystem (tests/test_architecture.py keeps both true, and
tests/test_package_maps.py keeps these maps complete).

Packages, leaf first: `templates` (template files to notes), `lint` (the linter and every rule),
`history` (the local SQLite history; the only SQL), `draft` (`invite draft`), `linkedin` (your
LinkedIn data export: import, inbox, stats), `merge` (`invite merge`), `lsp` (`invite lsp`, the
language server for editors), `commands` (one module per command group: parse the flags, call the
subsystem, print). `data/` holds the packaged data files.

Flat modules: `__main__` (the console script, and Ctrl-C during start-up), `cli` (the typer app and
the one error handler), `template_check` (`templates check`, joining templates and lint), and the
infrastructure: `errors` and `exitcodes` (user errors, exit codes), `output` (stdout vs stderr,
every rich console), `fileio` (safe reads, atomic writes), `config` (user and project settings)
and `settings` (flags over config, once), `resources` (the packaged data files, and the YAML
loader), `length` (counting as LinkedIn does), `linkedin_limits` (LinkedIn's limits and quota),
`editor` (`$VISUAL`/`$EDITOR`), `csvtable` (CSV reading), `similarity` (near-identical notes), `names`
(people's names cleaned for greetings and matching),
`compat` (typer's private API), `shutdown` (ending early after stopped workers).
"""

__version__ = "0.1.0"
