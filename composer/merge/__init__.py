"""Many notes at once: the subsystem behind `invite merge`.

Modules, leaf first (CSV reading itself is `composer.csvtable`, shared with `invite import`):
`columns` (which column is which answer, and who the recipient is), `run` (per row: template,
answers, render, lint, the history checks; then the batch rules over every note), `spool` (the
rows between the merge's two passes, on disk), `write` (the output CSV or JSON lines, a few rows at
a time), `deliver` (where the output goes, published as the history records it), `report` (what
the terminal is told), `job` (one whole merge, the entry point `invite merge` calls: `MergeOptions`
in, rows out, exit status back). It imports the templates, draft answers, lint and history
packages; none of them imports it.
"""
