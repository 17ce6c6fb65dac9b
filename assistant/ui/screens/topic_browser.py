"""Every topic the guide covers, grouped the way a patient thinks about them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, OptionList, Static
from textual.widgets.option_list import Option

from ..widgets.answer_block import AnswerBlock

if TYPE_CHECKING:
    from ...answering.knowledge import KnowledgeBase
    from ..app import AssistantApp


class TopicBrowser(ModalScreen[str | None]):
    """Dismisses with the chosen entry's id, or None when closed."""

    BINDINGS = [
        Binding("escape", "close", "Close", tooltip="Close the topic list"),
        Binding("f2", "close", "Close", show=False),
    ]

    def __init__(self, kb: KnowledgeBase) -> None:
        super().__init__()
        self.kb = kb

    def _options(self) -> list[Option | None]:
        options: list[Option | None] = []
        for group in dict.fromkeys(t.group for t in self.kb.topics):
            if options:
                options.append(None)
            options.append(Option(f"[b]{group}[/b]", disabled=True))
            for topic in (t for t in self.kb.topics if t.group == group):
                entries = self.kb.entries_for(topic.id)
                if entries:
                    options.append(Option(f"   {topic.title}", id=entries[0].id))
        return options

    def compose(self) -> ComposeResult:
        with Vertical(id="topics-box"):
            yield Static("Choose a topic: arrow keys and Enter, or click one.",
                         id="topics-intro")
            yield OptionList(*self._options(), id="topics")
            yield Button("Close (Esc)", action="screen.close", compact=True)

    def on_mount(self) -> None:
        topics = self.query_one("#topics", OptionList)
        topics.focus()
        topics.highlighted = next(i for i, o in enumerate(topics.options) if not o.disabled)

    @on(OptionList.OptionSelected, "#topics")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_close(self) -> None:
        self.dismiss(None)


def browse_topics(app: AssistantApp) -> None:
    """F2: every topic, once the knowledge base has loaded; a chosen topic is
    answered as a chosen link is."""
    assistant = app.services.assistant
    if assistant is None or isinstance(app.screen, TopicBrowser):
        return
    app.push_screen(TopicBrowser(assistant.kb),
                    lambda chosen: app.show_entry(AnswerBlock.EntryChosen(chosen))
                    if chosen else None)
