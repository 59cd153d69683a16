"""Drafting a note: the subsystem behind `invite draft`.

Modules: `answers` (where answers come from and which wins; the only merge), `resolve` (template,
answers and what is missing, decided once), `prompts` (every questionary call), `panel` (the note
and its findings), `session` (the interactive steps), `state` (the saved draft), `clipboard`.
The command (`composer.commands.draft`) ends both paths the same way: deliver, lint, exit code.
"""
