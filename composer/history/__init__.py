"""The local history of delivered notes, and the rules that read it.

Modules, leaf first: `people` (profile URL and name keys), `store` (the SQLite file: WAL, busy
timeout, numbered migrations in `migrations/`, record / query / forget), `checks`
(`already-invited`, `repeated-note`, `note-quota`), `log` (how `draft` and `merge` check and record,
never fatally). Nothing leaves the machine. It imports `lint` (the catalog and findings) and
`similarity`; `lint`, `templates` and `draft` never import it.
"""
