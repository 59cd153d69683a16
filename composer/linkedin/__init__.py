"""Your LinkedIn data export, on this machine: `invite import`, `invite inbox` and `invite stats`.

Modules, leaf first: `settings` (what inbox and stats decide by, `composer/data/inbox_stats.yaml`),
`intervals` (95 % intervals for a rate and for a difference of two, and the words of a comparison),
`importer` (reading the export's zip or folder into the history, with messages.csv for replies),
`inbox` (received invitations still pending, each with a suggestion), `stats` (which sent
invitations were accepted, and answered, by what their notes were like), `show` (what import,
inbox and stats print). It sits above `history`, whose store
keeps what was imported (and holds all the SQL), and uses `lint` to judge notes; `history`, `lint`,
`templates` and `draft` never import it. Nothing leaves the machine.
"""
