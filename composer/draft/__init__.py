"""Drafting a note: the subsystem behind `invite draft`.

Modules, leaf first: `answers` (where answers come from and which wins; the only merge), `resolve`
(template, answers and what is missing, decided once), `prompts` (every questionary call), `panel`
(the note and its findings), `clipboard`, `state` (the saved draft file: format, place, lock),
`saved` (a session's draft file through its life), `flow` (the questions, in order), `actions`
(the menu after the note), `session` (one interactive session, start to end, and Ctrl-C), and `run`
(`draft_note`, the one function the command calls: decide, ask or render, deliver, lint, record).
"""
