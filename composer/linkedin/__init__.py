"""Your LinkedIn data export, on this machine: `invite import`, `invite inbox` and `invite stats`.

Modules, leaf first: `settings` (what inbox and stats decide by, `composer/data/inbox_stats.yaml`,
and the caps an import reads within, `composer/data/linkedin_import.yaml`), `intervals` (95 %
intervals for a rate and for a difference of two, and the words of a comparison), `export` (the
export's zip or folder: its files, the zip-bomb caps, the export's own date), `reading` (each CSV
row by row into the import's staging area, refusing rows that cannot be read or dated, and whose
export it is), `importer` (`invite import`: staging, then one short merge into the history, with
messages.csv for replies), `verdicts` (each imported note linted once, its verdict stored, linted
again only when the linter changed), `accounts` (which account's exports inbox and stats read: yours,
or `--profile`), `inbox` (received invitations still pending, a page at a time, each with a suggestion), `stats`
(which sent invitations were accepted, and answered, by what their notes were like), `show` (what
import, inbox and stats print, terminal-safe in every format). It sits above `history`, whose store
keeps what was imported (and holds all the SQL), and uses `lint` to judge notes; `history`, `lint`,
`templates` and `draft` never import it. Nothing leaves the machine.
"""
