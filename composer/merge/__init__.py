"""Many notes at once: the subsystem behind `invite merge`.

Modules, leaf first (CSV reading itself is `composer.csvtable`, shared with `invite import`):
`columns` (which column is which answer, and who the recipient is), `run` (per row: template,
answers, render, lint; then the history checks and `batch-duplicate`), `write` (the output CSV or
JSON lines), `report` (what the terminal is told), `job` (one whole merge, the entry point
`invite merge` calls: `MergeOptions` in, rows out, exit status back). It imports the templates,
draft answers, lint and history packages; none of them imports it.
"""
