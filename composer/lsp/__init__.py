"""`invite lsp`: a language server that lints notes and checks templates as they are edited.

Editors start it and speak the Language Server Protocol with it on stdin and stdout; pygls does the
protocol (JSON-RPC framing, the lifecycle, the documents), this package what is said. It joins the
linter and `templates check` (`composer.template_check`), like the commands, and neither imports it.

The package's modules, leaf first:

* `positions`: offsets into a text and the protocol's (line, character) positions, in UTF-16 units
  unless the client chose another encoding;
* `documents`: which documents are notes, which are templates, and the settings that apply to one;
* `checks`: a document checked, findings and problems as diagnostics;
* `actions`: the safe fixes findings carry, as quick fixes and one fix-all;
* `server`: the pygls server: when documents are checked (didChange debounced) and what is published;
* `stdio`: start-up (the config and the linter loaded first), the loop on stdin and stdout, the end.

Importing this package imports nothing heavy; `serve` imports pygls when called, so `invite --help`
never does.
"""

from __future__ import annotations

from composer.errors import InviteError


def serve() -> int:
    """Run the server on stdin and stdout until the client ends the session; the exit code.

    A config that cannot be used does not stop the start: it is said in each document it applies
    to, and the next check after it is fixed finds it fixed, with no restart.
    """
    try:
        from composer.lsp.stdio import serve as serve_stdio
    except ImportError as exc:  # pygls (or lsprotocol) is missing: a broken install, said in one line
        missing = (exc.name or "pygls").split(".")[0]
        raise InviteError(f"invite lsp needs {missing}, which is not installed: pip install 'pygls>=2.1'") from None
    return serve_stdio()
