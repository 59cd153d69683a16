"""The prompts of a draft session: defaults, the live count, and the menu, through real prompt_toolkit input."""

from __future__ import annotations

import io
import re

import pytest
from prompt_toolkit.data_structures import Size
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output.vt100 import Vt100_Output

from composer.draft.prompts import Prompter, live_count
from composer.templates.library import discover
from composer.templates.model import Question
from tests.helpers import (
    DOWN,
    ENTER,
    answer,
    capturing_output,
    menu,
    pick_relationship,
    pick_template,
    session,
    typing_in_bursts,
)


def ask(keys: str, question: Question, **options) -> tuple[str, str]:
    output, shown = capturing_output()
    with create_pipe_input() as inp:
        inp.send_text(keys)
        inp.close()
        answer = Prompter(inp, output).ask(question, **options)
    return answer, re.sub(r"\x1b\[[0-9;?]*[a-zA-Z]", "", shown.getvalue())


KIND = Question(name="work_kind", prompt="What kind of work was it?", default="article", max_length=10, example="article")


def test_typing_over_a_default_gives_what_was_typed_not_the_default_plus_it():
    answer, shown = ask("talk" + ENTER, KIND, fallback="article")
    assert answer == "talk"  # it used to be "articletalk": the default was typed into the box
    assert "Enter alone keeps 'article'" in shown  # the default is said, not pre-filled


def test_enter_alone_takes_the_default():
    answer, _ = ask(ENTER, KIND, fallback="article")
    assert answer == "article"


@pytest.mark.slow
def test_a_session_with_a_template_default_takes_the_typed_answer(invoke):
    """The README's content session: `talk` typed at the work-kind prompt gives a talk, end to end."""

    library = discover()
    keys = [
        pick_relationship("content"),
        pick_template(library, "content", "content-brief"),
        answer("Priya"),
        answer("talk"),
        answer("Boring Postgres"),
        answer("the part on vacuum tuning"),
        "\x1b[B" * 6 + ENTER,
    ]
    note, _ = session(library, keys)
    assert 'your talk "Boring Postgres"' in note


def test_live_count_shows_the_whole_notes_length_and_turns_red_past_the_limit():
    preview = lambda partial: f"Hi Ana, great meeting you at {partial}."  # noqa: E731
    fine = live_count(preview, 200, "PyCon")
    assert "".join(text for _, text in fine) == " note: 35 / 200, 165 left "
    over = live_count(preview, 40, "PyCon US 2025 in Pittsburgh")
    assert any("ansired" in style and "57 / 40, 17 over" in text for style, text in over)
    emoji = live_count(lambda partial: partial, 200, "👋")
    assert " 2 / 200" in "".join(text for _, text in emoji)  # UTF-16 units, as LinkedIn counts


class Terminal(io.StringIO):
    """What prompt_toolkit writes to, as a terminal that answers cursor-position requests (CPR)."""

    def isatty(self) -> bool:
        return True


@pytest.mark.slow
def test_live_count_is_drawn_in_the_bottom_toolbar_while_typing():
    """The toolbar needs the terminal's height, which a real terminal reports (CPR): the test answers for it."""

    question = Question(name="event", prompt="Which event?", max_length=40, example="PyCon")
    shown = Terminal()
    output = Vt100_Output(shown, lambda: Size(rows=40, columns=120), term="xterm")
    with create_pipe_input() as inp:
        typist = typing_in_bursts(inp, ["\x1b[1;1R", "PyCon", ENTER])
        preview = lambda partial: f"Hi Ana, great meeting you at {partial}."  # noqa: E731
        answer = Prompter(inp, output).ask(question, preview=preview, limit=200)
        typist.join()
    screen = re.sub(r"\x1b\[[0-9;?]*[a-zA-Z]", "", shown.getvalue())
    assert answer == "PyCon"
    assert "note: 30 / 200, 170 left" in screen  # the whole note, rendered with the (empty) partial answer
    assert "5/40, 35 lef" in screen  # and the answer's own room at the right


@pytest.mark.slow  # a whole session or history round trip (~1 s)
def test_the_session_menu_switches_relationship():
    from composer.templates.model import relationships

    library = discover()
    order = list(relationships())
    keys = [
        pick_relationship("event"),
        "\r",  # event-brief
        answer("Ana"),
        answer("PyCon"),
        "\r",  # no topic
        menu("relationship"),
        DOWN * (order.index("alumni") - order.index("event")) + "\r",  # the list starts on the current one
        answer("ETH"),
        "\r",
        answer("robotics"),
        DOWN * 5 + "\r",  # one alumni template: copy, edit, change, relationship, save, DONE
    ]
    note, _ = session(library, keys)
    assert note.startswith("Hi Ana, fellow ETH alum here.")
