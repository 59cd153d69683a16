"""The local history of delivered notes, and the rules that read it.

Modules, leaf first: `people` (profile URL and name keys), `store` (a package, and the only place
with SQL: the SQLite file with WAL, busy timeout and numbered migrations in `migrations/`; rows as
dataclasses; recording, looking up and forgetting notes; storing and reading imported LinkedIn
invitations), `checks` (`already-invited`, `repeated-note`, `note-quota`), `duplicates` (a merge's
`batch-duplicate` groups, candidates narrowed in SQL), `log` (how `draft` and `merge` check and
record, never fatally), `show` (what `invite history` prints). Nothing leaves the
machine. It imports `lint` (the catalog and findings) and `similarity`; `lint`, `templates`, `draft`
and `linkedin` sit elsewhere: the first three never import it, and it never imports `linkedin`
(which reads the LinkedIn export into it).
"""
