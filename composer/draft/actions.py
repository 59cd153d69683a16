"""The menu after the note is shown: copy, edit, change an answer, another template or relationship, save, done.

`review` loops on the menu until Done. Each action is one function of the running `Session`
(`flow`), reusing its steps to re-ask and re-render. A note copied or saved to a file has left the
tool, so the action tells the session (`Session.delivered`) and the note is recorded even when the
user then presses Ctrl-C.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any

from composer.draft import clipboard
from composer.draft.flow import BACK, Session
from composer.draft.panel import draft_policy, show_findings, show_note
from composer.draft.prompts import Option
from composer.editor import configured_editor, editor_command, open_in_editor
from composer.errors import InviteError, UsageError
from composer.fileio import write_atomic
from composer.length import note_length
from composer.output import is_tty, visible
from composer.templates.model import Template

COPY, EDIT, CHANGE, TEMPLATE, RELATIONSHIP, SAVE, DONE = "copy", "edit", "change", "template", "relationship", "save", "done"


def review(session: Session, template: Template) -> str:
    """Steps 4-5: show the panel and loop on the action menu until Done; return the finished note."""
    show = True
    while True:
        text = session.state.text or ""
        if show:
            show_panel(session, template, text)
        show = False
        action = session.prompter.select("What next?", menu(session, template))
        if action == COPY:
            copy(session, text)
        elif action == EDIT:
            show = edit(session, text)
        elif action == CHANGE:
            show = change_answer(session, template)
        elif action in (TEMPLATE, RELATIONSHIP):
            chosen = another_template(session, template) if action == TEMPLATE else another_relationship(session, template)
            if chosen is not None:
                template, show = chosen, True
        elif action == SAVE:
            save_to_file(session, text)
        elif action == DONE and finish_ok(session, text):
            return text


def menu(session: Session, template: Template) -> list[Option]:
    """The actions on offer ("Try another template" only when the relationship has another)."""
    options = [
        Option(COPY, "Copy to clipboard"),
        Option(EDIT, "Edit the text", _edit_description()),
        Option(CHANGE, "Change an answer", "Pick one question, answer it again and re-render."),
    ]
    if len(session.library.for_relationship(template.relationship)) > 1:
        options.append(Option(TEMPLATE, "Try another template", "Same relationship; your answers are kept."))
    options.append(Option(RELATIONSHIP, "Change how you know them", "Another relationship and its template; answers are kept."))
    options.append(Option(SAVE, "Save to file"))
    options.append(Option(DONE, "Done", "Print the note and exit."))
    return options


def show_panel(session: Session, template: Template, text: str) -> None:
    """The note in its panel, then the lint findings and their hints."""
    title = template.title + (" (edited)" if session.state.edited else "")
    show_note(session.console, title, text, session.limit)
    show_findings(session.console, text, session.limit, session.lint, draft_policy(session.sources.config, template))


def copy(session: Session, text: str) -> None:
    """Copy to the clipboard, or print the note for the user to copy when no clipboard is reachable."""
    session.delivered(text)  # copied, or printed below for the user to copy: either way it left the session
    result = clipboard.copy(text, session.terminal)
    style = "green" if result.certain else "yellow"
    session.console.print(result.message, style=style, markup=False)
    if not result.copied:
        session.console.print(visible(text), markup=False, highlight=False)


def edit(session: Session, text: str) -> bool:
    """Edit in $VISUAL/$EDITOR when set, else inline; return whether the text changed."""
    editor = configured_editor()
    new: str | None = None
    if editor:
        new = edit_in_editor(session, text, editor)
    if new is None:
        new = session.prompter.edit("Edit the note:", text)
    session.draft.entered = True
    new = new.strip()
    if not new or new == text:
        session.console.print("The note is unchanged.", style="dim")
        return False
    session.state.text = new
    session.state.edited = True
    session.save()
    return True


def edit_in_editor(session: Session, text: str, editor: str) -> str | None:
    """Run the editor on a temporary file and read it back; None (with a reason) if it failed."""
    console = session.console
    with tempfile.TemporaryDirectory(prefix="invite-") as folder:
        path = Path(folder) / "note.txt"
        path.write_text(text + "\n", encoding="utf-8")
        try:
            # stdout may be redirected to the note's file: an editor must draw on the terminal.
            status = open_in_editor(editor_command(editor), path, stdout=_editor_stdout())
        except UsageError as exc:
            console.print(f"{exc}; editing inline instead.", style="yellow", markup=False)
            return None
        if status != 0:
            console.print(f"The editor exited with {status}; the note is unchanged.", style="yellow")
            return text
        try:
            return path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            reason = "it is not UTF-8 text" if isinstance(exc, UnicodeDecodeError) else exc.strerror or str(exc)
            console.print(f"Could not read the edited note ({reason}); the note is unchanged.", style="yellow", markup=False)
            return text


def change_answer(session: Session, template: Template) -> bool:
    """Answer one question again and re-render; return whether the note changed."""
    answers = session.state.answers
    questions = template.all_questions()
    options = [
        Option(q.name, visible(f"{q.prompt}  [{answers.get(q.name) or '(blank)'}]"), visible(q.help or "") or None)
        for q in questions
    ]
    options.append(Option(BACK, "Back"))
    name = session.prompter.select("Which answer?", options)
    if not name or not drop_edits_ok(session):
        return False
    question = next(q for q in questions if q.name == name)
    answers[name] = session.ask(template, question, answers.get(name))
    session.save()
    session.render(template)
    return True


def another_template(session: Session, template: Template) -> Template | None:
    """Another template of the same relationship; None when the user goes back."""
    chosen = session.choose_template(template.relationship, exclude=template.id, back=True)
    return switch(session, chosen)


def another_relationship(session: Session, template: Template) -> Template | None:
    """Another relationship and its template; None when it is the same one."""
    relationship = session.choose_relationship()
    if relationship == template.relationship:
        return None
    return switch(session, session.choose_template(relationship))


def switch(session: Session, chosen: Template | None) -> Template | None:
    """Move the draft to `chosen`: ask what it needs that is not answered yet, and re-render."""
    if chosen is None or not drop_edits_ok(session):
        return None
    session.use_template(chosen)
    session.ask_missing(chosen)
    session.render(chosen)
    return chosen


def save_to_file(session: Session, text: str) -> None:
    """Save to a file the user names; an existing file is replaced only after a yes."""
    prompter, console = session.prompter, session.console
    name = prompter.text("Save to which file?", default="note.txt")
    path = Path(name).expanduser()
    force = False
    if path.exists() and not path.is_dir():
        if not prompter.confirm(f"{visible(str(path))} already exists. Replace it?", default=False):
            console.print(f"Not saved; {visible(str(path))} is unchanged.", style="yellow", markup=False)
            return
        force = True
    try:
        write_atomic(path, text + "\n", force=force)
    except InviteError as exc:
        console.print(f"Not saved: {visible(str(exc))}", style="red", markup=False)
        return
    session.delivered(text)
    console.print(f"Saved to {visible(str(path))}", style="green", markup=False)


def finish_ok(session: Session, text: str) -> bool:
    """Done: at once within the limit, else only after the user confirms a note LinkedIn will refuse."""
    length = note_length(text)
    if length <= session.limit:
        return True
    return session.prompter.confirm(
        f"The note is {length} / {session.limit} characters; LinkedIn will refuse it. Finish anyway?", default=False
    )


def drop_edits_ok(session: Session) -> bool:
    """Whether re-rendering may go ahead: no manual edits, or the user agrees to drop them."""
    if not session.state.edited:
        return True
    return session.prompter.confirm("This re-renders the note and drops your manual edits. Go on?", default=False)


def _edit_description() -> str:
    editor = configured_editor()
    return f"Opens {visible(editor)}." if editor else "Inline; set $EDITOR to use your editor."


def _editor_stdout() -> Any:
    if is_tty(sys.stdout):
        return None
    try:
        sys.stderr.fileno()
    except (AttributeError, ValueError, OSError):
        return None
    return sys.stderr
