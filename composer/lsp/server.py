"""The language server: documents in, diagnostics and code actions out (pygls does the protocol).

Documents are synchronised whole (`TextDocumentSyncKind.Full`): a note is a few hundred characters
and a template about a kilobyte, and pygls applies incremental edits by `str.splitlines`, which
breaks lines where the protocol does not (U+2028, form feeds: what `invisible-character` reports).

When the server checks:

* `didOpen` and `didSave`: at once;
* `didChange`: `DEBOUNCE_SECONDS` after the last change (a new change restarts the wait), so a burst
  of typing is checked once; the check reads the document as it is then and publishes with its
  version, so the last diagnostics sent are always for the latest text;
* `codeAction`: from the last check, checked again first if the document changed since;
* `didClose`: the document's diagnostics are cleared.

Checks run on the event loop, one at a time; the spaCy pipeline is loaded once per process
(`composer.lint`), before the server answers `initialize` (`composer.lsp.stdio`).
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from composer import __version__
from composer.lsp.actions import code_actions
from composer.lsp.checks import Checked, check
from composer.lsp.documents import kind_of, path_of
from composer.lsp.positions import UTF16

#: How long after the last change a document is checked.
DEBOUNCE_SECONDS = 0.15

logger = logging.getLogger("composer.lsp")


class InviteServer(LanguageServer):
    """`invite lsp`: the linter and `templates check` over the Language Server Protocol."""

    def __init__(self) -> None:
        super().__init__("invite", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Full)
        self.checked: dict[str, Checked] = {}
        self.pending: dict[str, asyncio.TimerHandle] = {}
        self.shutting_down = False

    # ------------------------------------------------------------------ notifications

    def did_change(self, params: types.DidChangeTextDocumentParams) -> None:
        uri = params.text_document.uri
        self._cancel(uri)
        loop = asyncio.get_running_loop()
        self.pending[uri] = loop.call_later(DEBOUNCE_SECONDS, self._debounced, uri)

    def did_close(self, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        self._cancel(uri)
        if self.checked.pop(uri, None) is not None:
            self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    def on_shutdown(self, params: None) -> None:
        """Nothing is checked after `shutdown`: the waits still running are dropped."""
        self.shutting_down = True
        for uri in list(self.pending):
            self._cancel(uri)

    # ------------------------------------------------------------------ requests

    def code_action(self, params: types.CodeActionParams) -> list[types.CodeAction] | None:
        uri = params.text_document.uri
        document = self.workspace.text_documents.get(uri)
        checked = self.checked.get(uri)
        if document is None or checked is None:
            return None
        if checked.version != document.version or checked.text != document.source:
            checked = self.check_now(uri)
            if checked is None:
                return None
        start = checked.lines.offset(params.range.start.line, params.range.start.character)
        end = checked.lines.offset(params.range.end.line, params.range.end.character)
        return code_actions(uri, checked, start, end, params.context.only) or None

    # ------------------------------------------------------------------ checking

    def check_now(self, uri: str) -> Checked | None:
        """Check an open document as it is now and publish its diagnostics (None: not open, or not ours)."""
        self._cancel(uri)
        document = self.workspace.text_documents.get(uri)
        if document is None or self.shutting_down:
            return None
        kind = kind_of(uri, document.language_id)
        if kind is None:
            return None
        checked = check(kind, path_of(uri), self._roots(), document.source, document.version, self._encoding())
        self.checked[uri] = checked
        params = types.PublishDiagnosticsParams(uri=uri, diagnostics=checked.diagnostics, version=checked.version)
        self.text_document_publish_diagnostics(params)
        return checked

    def _debounced(self, uri: str) -> None:
        self.pending.pop(uri, None)
        try:
            self.check_now(uri)
        except Exception as exc:  # a bug of ours: say so in the editor's log, keep serving the other documents
            logger.error("checking %s failed: %s: %s", uri, type(exc).__name__, exc)

    def _cancel(self, uri: str) -> None:
        handle = self.pending.pop(uri, None)
        if handle is not None:
            handle.cancel()

    def _encoding(self) -> str:
        """The position encoding agreed at `initialize` (UTF-16 unless the client offered another)."""
        encoding = self.workspace.position_encoding
        return str(getattr(encoding, "value", encoding) or UTF16)

    def _roots(self) -> list[Path]:
        """The workspace's folders (`workspaceFolders`, else `rootUri`) that are local folders."""
        uris = [folder.uri for folder in self.workspace.folders.values()] or [self.workspace.root_uri]
        return [path for path in (path_of(uri) for uri in uris if uri) if path is not None]


def create_server() -> InviteServer:
    """A server with its features registered (pygls passes the server to each as `ls`)."""
    server = InviteServer()
    server.feature(types.TEXT_DOCUMENT_DID_OPEN)(_did_open)
    server.feature(types.TEXT_DOCUMENT_DID_CHANGE)(_did_change)
    server.feature(types.TEXT_DOCUMENT_DID_SAVE, types.SaveOptions(include_text=False))(_did_save)
    server.feature(types.TEXT_DOCUMENT_DID_CLOSE)(_did_close)
    kinds = [types.CodeActionKind.QuickFix, types.CodeActionKind.SourceFixAll]
    server.feature(types.TEXT_DOCUMENT_CODE_ACTION, types.CodeActionOptions(code_action_kinds=kinds))(_code_action)
    server.feature(types.SHUTDOWN)(_shutdown)
    return server


def _did_open(ls: InviteServer, params: types.DidOpenTextDocumentParams) -> None:
    ls.check_now(params.text_document.uri)


def _did_change(ls: InviteServer, params: types.DidChangeTextDocumentParams) -> None:
    ls.did_change(params)


def _did_save(ls: InviteServer, params: types.DidSaveTextDocumentParams) -> None:
    ls.check_now(params.text_document.uri)


def _did_close(ls: InviteServer, params: types.DidCloseTextDocumentParams) -> None:
    ls.did_close(params)


def _code_action(ls: InviteServer, params: types.CodeActionParams) -> list[types.CodeAction] | None:
    return ls.code_action(params)


def _shutdown(ls: InviteServer, params: None) -> None:
    ls.on_shutdown(params)
