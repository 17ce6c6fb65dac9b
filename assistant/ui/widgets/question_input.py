"""The question box: where every question starts, typed or (later) spoken."""

from __future__ import annotations

from textual.widgets import Input

PLACEHOLDER = "Type your question, or press F9 to ask by voice"


class QuestionInput(Input):
    """An Input with a friendly placeholder; Enter posts `Input.Submitted`."""

    def __init__(self) -> None:
        super().__init__(placeholder=PLACEHOLDER, id="question", select_on_focus=False)
