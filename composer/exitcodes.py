"""The exit codes of `invite`, in one place so that scripts can tell the outcomes apart.

This module imports only `enum`: the console-script entry point (`composer.__main__`) needs
`INTERRUPTED` and `TERMINATED` (through `composer.shutdown`) before anything else is loaded.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """How a run of `invite` ended. The numbers are part of the interface (README, "Exit codes")."""

    #: Done, nothing at or above --fail-on.
    OK = 0
    #: Done, and a note has a finding at --fail-on (or a merge row made no note).
    FINDINGS = 1
    #: The user said no to a confirmation (or aborted it): not a mistake, but nothing was done.
    DECLINED = 1  # the same number as FINDINGS (an alias): "did not succeed", as click's Abort exits
    #: A flag, file or stream the user gave cannot be used: nothing was done.
    USAGE = 2
    #: The work was done but stdout could not take the result (full disk, failing device); sysexits' EX_IOERR.
    OUTPUT = 74
    #: Ctrl-C: 128 + SIGINT, as a shell reports a process Ctrl-C killed.
    INTERRUPTED = 130
    #: SIGTERM (`kill`, `timeout`, a CI runner cancelling a step): handled as Ctrl-C is, exit 128 + SIGTERM.
    TERMINATED = 143
    #: The reader of stdout went away (`invite lint ... | head -1`): 128 + SIGPIPE, as a killed process.
    BROKEN_PIPE = 141
