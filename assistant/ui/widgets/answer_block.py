"""One question and its answer, as a block in the conversation."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Static

if TYPE_CHECKING:
    from ...answering.answer import Alternative, Reply

ECHO_CHARS = 160        # a longer question is echoed shortened: the answer stays in view


def shortened(question: str, limit: int = ECHO_CHARS) -> str:
    """The question as echoed above its answer: whole when short, else its start
    cut at a word and how long it was ("... (3,000 characters)")."""
    question = " ".join(question.split())
    if len(question) <= limit:
        return question
    start = question[:limit].rsplit(" ", 1)[0] or question[:limit]
    return f"{start} ... ({len(question):,} characters)"


class AnswerBlock(Vertical):
    """The question asked, the answer, where it comes from, and where to go next."""

    class EntryChosen(Message):
        """A "did you mean" or "related" link was chosen."""

        def __init__(self, entry_id: str) -> None:
            super().__init__()
            self.entry_id = entry_id

    def __init__(self, reply: Reply, asked: str | None = None) -> None:
        super().__init__(classes="answer-block")
        self.reply = reply
        self.asked = asked

    def compose(self) -> ComposeResult:
        reply = self.reply
        if self.asked:
            yield Static(Content.assemble(("You asked: ", "bold"),
                                                  shortened(self.asked)), classes="asked")
        if reply.triage != "none":
            signs = ", ".join(s.label for s in reply.signs)
            yield Static(Content(f"Warning sign: {signs}. {reply.advice}"), classes="warning")
        if reply.note:
            yield Static(Content(reply.note), classes="note")
        yield Static(Content(reply.answer), classes="answer")
        if reply.section:
            yield Static(Content(f"From the guide, section: {reply.section}"), classes="source")
        if reply.band == "fairly-sure" and reply.alternatives:
            # Fairly sure: the answer, and the next best readings under it.
            yield from self._links("Or did you mean:", reply.alternatives)
        elif reply.kind == "unknown" and reply.alternatives:
            yield from self._links("Did you mean:", reply.alternatives)
        elif reply.related:
            yield from self._links("Related:", reply.related)

    def _links(self, heading: str, items: tuple[Alternative, ...]) -> ComposeResult:
        yield Static(heading, classes="links-heading")
        for item in items:
            yield Button(Content(f"→ {item.title}"), name=item.entry, classes="link",
                         compact=True, tooltip=f"Show the answer about {item.title}")

    @on(Button.Pressed, ".link")
    def _chosen(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.name:
            self.post_message(self.EntryChosen(event.button.name))
