"""The conversation: questions in, answers (and warnings) out."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from ..widgets.answer_block import AnswerBlock
from ..widgets.conversation import Conversation
from ..widgets.key_button import KeyButton
from ..widgets.listening_bar import ListeningBar
from ..widgets.question_input import QuestionInput
from ..widgets.speech_controls import SpeechControls
from ..widgets.stage_header import StageHeader
from ..widgets.urgent_banner import UrgentBanner

if TYPE_CHECKING:
    from ...answering.answer import Reply

TITLE = "Laminectomy assistant"
NO_DATE = "Operation date: not set (F4 Settings)"
WELCOME = (
    "Hello. I answer questions about your lumbar laminectomy from your patient guide: "
    "getting ready, the operation, recovery week by week, everyday activities, "
    "physical therapy, pain, and the warning signs to watch for.\n\n"
    "For example: When can I drive again?  Is it normal to be sore?\n\n"
    "Not sure what to ask? Press F2 to see every topic."
)


class MainScreen(Screen[None]):
    """Coordinates the widgets; the app owns the assistant and the speech, and
    hears from the screen by messages: a question asked, typing begun, and
    (from the widgets, passed up) a topic chosen and what was heard."""

    class Asked(Message):
        """A question to answer; `heard_also` is what else a recogniser may have
        heard (read for warning signs only)."""

        def __init__(self, question: str, heard_also: tuple[str, ...] = ()) -> None:
            super().__init__()
            self.question = question
            self.heard_also = heard_also

    class Typing(Message):
        """The user started typing: reading aloud stops for them."""

    def __init__(self, rate: int, auto_read: bool) -> None:
        """`rate` and `auto_read`: the speech line as the settings have it."""
        super().__init__()
        self._speech = rate, auto_read

    def compose(self) -> ComposeResult:
        with Horizontal(id="title-bar"):
            yield Static(TITLE, id="title")
            yield KeyButton("F2 Topics", action="app.browse_topics",
                            tooltip="See every topic the guide covers")
            yield KeyButton("F4 Settings", action="app.settings",
                            tooltip="Speed, voice, emergency number, colours")
            yield KeyButton("^P Export", action="app.export",
                            tooltip="Save a printable list of your questions for your doctor")
            yield KeyButton("F1 Help", action="app.help",
                            tooltip="Every key, in plain words")
        yield StageHeader(id="stage")
        yield UrgentBanner(id="banner")
        with Conversation(id="conversation"):
            yield Static(WELCOME, id="welcome", markup=False)
        yield SpeechControls(*self._speech, id="controls")
        yield ListeningBar(id="listening")
        with Horizontal(id="ask-bar"):
            yield QuestionInput()
            yield KeyButton("F9 Voice", id="voice", action="app.ask_by_voice",
                            tooltip="Ask your question aloud")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(QuestionInput).focus()

    @on(Input.Submitted, "#question")
    def _asked(self, event: Input.Submitted) -> None:
        event.stop()
        question = event.value
        if not question.strip():
            return
        event.input.clear()
        self.post_message(self.Asked(question))

    @on(Input.Changed, "#question")
    def _typing(self, event: Input.Changed) -> None:
        if event.value:
            self.post_message(self.Typing())

    def show(self, reply: Reply, asked: str | None, tier_title: str, number: str) -> None:
        if reply.triage != "none":
            self.query_one(UrgentBanner).show(reply, tier_title, number)
        block = AnswerBlock(reply, asked)
        self.query_one(Conversation).mount(block)
        self._reveal(block)

    def show_stage(self, header: str | None) -> None:
        """"Day 10 after the operation: week 2"; None: the date is not known."""
        self.query_one(StageHeader).text = header or NO_DATE

    def voice_unavailable(self, reason: str) -> None:
        """The voice button stays on screen, disabled, and the box says why."""
        button = self.query_one("#voice", KeyButton)
        button.disabled = True
        button.tooltip = reason
        self.query_one(QuestionInput).placeholder = f"{reason} Please type."

    def put_question(self, text: str) -> None:
        """Show what was heard in the box, without the typing that stops speech."""
        box = self.query_one(QuestionInput)
        with box.prevent(Input.Changed):
            box.value = text

    def action_scroll(self, where: str) -> None:
        """Page Up and Page Down: through earlier answers."""
        conversation = self.query_one(Conversation)
        conversation.forget_target()
        getattr(conversation, f"scroll_{where}")()

    def action_hide_warning(self) -> None:
        """F3, or the banner's button."""
        self.query_one(UrgentBanner).hide()
        blocks = self.query(AnswerBlock)
        if blocks:                     # the room the banner leaves must not scroll it away
            self._reveal(blocks.last())

    def _reveal(self, block: AnswerBlock) -> None:
        self.query_one(Conversation).reveal(block)
