"""The Textual app: start-up, the global keys and routing between the screens
and the services (assistant, speech, history, recogniser) in services.py."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import App
from textual.binding import Binding
from textual.dom import DOMNode

from ..config import AppConfig
from .screens.main import MainScreen
from .services import Services, from_thread
from .theme import start_with_theme
from .widgets.answer_block import AnswerBlock
from .widgets.listening_bar import ListeningBar
from .widgets.speech_controls import SpeechControls

if TYPE_CHECKING:
    from ..answering.answer import Assistant, Reply
    from ..records.history import History
    from ..records.settings import Settings
    from ..voice.listen import AudioSource
    from ..voice.speech import SpeechLayer

class AssistantApp(App[None]):
    CSS_PATH = Path(__file__).with_name("app.tcss")
    TITLE = "Laminectomy assistant"
    ENABLE_COMMAND_PALETTE = False      # one way to do things, shown on screen
    BINDINGS = [
        Binding("f1", "help", "Help", key_display="F1", tooltip="Every key, in plain words"),
        Binding("f2", "browse_topics", "Topics", key_display="F2", tooltip="See every topic"),
        Binding("f3", "screen.hide_warning", "Hide warning", show=False),
        Binding("f4", "settings", "Settings", key_display="F4",
                tooltip="Speed, voice, emergency number, colours"),
        Binding("f5", "read_aloud", "Read again", key_display="F5",
                tooltip="Read the last answer aloud"),
        Binding("escape", "stop_speaking", "Stop", key_display="Esc", tooltip="Stop reading aloud"),
        Binding("f6", "speed('slower')", "Slower", show=False),
        Binding("f7", "speed('faster')", "Faster", show=False),
        Binding("f8", "toggle_auto_read", "Auto-read", show=False),
        Binding("f9", "ask_by_voice", "Voice", key_display="F9", tooltip="Ask aloud"),
        Binding("f10", "daily_check", "Check", show=False, tooltip="The daily warning-sign check"),
        Binding("f12", "this_week", "This week", show=False, tooltip="This stage of recovery"),
        Binding("ctrl+p", "export", "Export", show=False,
                tooltip="Save a printable list of your questions for your doctor"),
        Binding("pageup", "screen.scroll('page_up')", "Scroll up", show=False),
        Binding("pagedown", "screen.scroll('page_down')", "Scroll down", show=False),
        Binding("ctrl+q", "quit", "Quit", key_display="Ctrl+Q", priority=True),
    ]

    def __init__(self, config: AppConfig, speech: SpeechLayer | None = None,
                 audio_source: Callable[[], AudioSource] | None = None) -> None:
        super().__init__()
        self.config = config
        self.services = Services(config, speech, lambda text, **options: from_thread(self,
            self.notify, text, **options))
        self.audio_source = audio_source          # None: the microphone
        self.auto_read = config.auto_read
        self.last_reply: Reply | None = None
        self.ready = asyncio.Event()
        self._in_order = asyncio.Lock()
        start_with_theme(self, config.theme)

    def get_default_screen(self) -> MainScreen:
        return MainScreen(self.config.speech.rate, self.auto_read)

    def update_styles(self, node: DOMNode, animate: bool = True) -> None:
        """A widget is styled when it is mounted; styling it before, as a Button's
        constructor does three times, is work thrown away."""
        if node is self or node.is_attached:
            super().update_styles(node, animate)

    def on_ready(self) -> None:
        for notice in self.config.notices:
            self.notify(notice, title="Settings", severity="warning", timeout=30)
        self._load()
        if self.config.first_run:
            from .screens.first_run import ask_operation_date

            ask_operation_date(self)

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def _load(self) -> None:
        """Knowledge and speech start after the first frame, off the main thread;
        asking by voice last, so that questions can be typed while it loads."""
        self.services.load(on_speaking=lambda on: from_thread(self, self._speaking, on))
        if self.services.assistant is not None:
            from_thread(self, self.main.show_stage, self.services.assistant.header())
        self.call_from_thread(self.ready.set)
        problem = self.services.prepare_listening(microphone=self.audio_source is None)
        if problem:
            from_thread(self, self.main.voice_unavailable, problem)

    def _speaking(self, on: bool) -> None:
        self.controls.speaking = on

    @property
    def main(self) -> MainScreen:
        return next(s for s in self.screen_stack if isinstance(s, MainScreen))

    @property
    def controls(self) -> SpeechControls:
        return self.main.query_one(SpeechControls)

    # ---- answering -------------------------------------------------------

    @on(MainScreen.Asked)
    def ask(self, event: MainScreen.Asked) -> None:
        self._reply(lambda a: a.ask(event.question, event.heard_also), event.question, True)

    @work(group="answers", exit_on_error=False)
    async def _reply(self, answer: Callable[[Assistant], Reply], asked: str | None,
                     record: bool = False) -> None:
        """Answer in a thread, and show the answers in the order asked; a question
        asked while loading waits for it here, while every key keeps working."""
        async with self._in_order:          # an asyncio.Lock wakes its waiters in turn
            await self.ready.wait()
            reply = await asyncio.to_thread(self.services.answer, answer)
            if reply is None:
                return                          # services.answer has said why
            self.present(reply, asked)
            if record and self.services.history is not None:
                self._record(self.services.history, reply)

    @work(thread=True, group="history", exit_on_error=False)
    def _record(self, history: History, reply: Reply) -> None:
        history.add(reply)              # a full sync to disk: kept off the main thread

    @on(AnswerBlock.EntryChosen)
    def show_entry(self, event: AnswerBlock.EntryChosen) -> None:
        self._reply(lambda assistant: assistant.answer_entry(event.entry_id), asked=None)

    def present(self, reply: Reply, asked: str | None) -> None:
        """Show a reply, and read it: urgent advice first, and always."""
        assert self.services.assistant is not None
        tier = self.services.assistant.kb.triage.tiers.get(reply.triage)
        self.main.show(reply, asked, tier.title if tier else "", self.config.emergency_number)
        self.last_reply = reply
        self.services.read(reply, whole=self.auto_read)

    # ---- actions (keys and buttons) ------------------------------------------

    def action_help(self) -> None:
        from .screens.help import HelpScreen  # imported when first needed: faster start

        self.push_screen(HelpScreen())        # where F1 again closes it

    def action_browse_topics(self) -> None:
        from .screens.topic_browser import browse_topics

        browse_topics(self)

    def action_read_aloud(self) -> None:
        if self.services.speech is not None and self.last_reply is not None:
            self.services.speech.speak(self.last_reply.spoken())

    @on(MainScreen.Typing)
    def action_stop_speaking(self) -> None:
        if self.services.speech is not None:
            self.services.speech.stop()

    def action_speed(self, change: str) -> None:
        """F6 and F7: read more slowly or more quickly ("slower" or "faster")."""
        if self.services.speech is not None:
            self.controls.rate = getattr(self.services.speech, change)()

    def action_toggle_auto_read(self) -> None:
        self.auto_read = not self.auto_read
        self.controls.auto_read = self.auto_read
        self.notify("Answers will be read aloud." if self.auto_read
                    else "Answers will not be read aloud; press F5 to hear one.")

    def action_settings(self) -> None:
        from .screens.settings import open_settings

        open_settings(self)

    def use_settings(self, settings: Settings, quiet: bool = False) -> None:
        """Save the settings, then put every one of them into effect now."""
        self.services.apply(settings, quiet)
        self.config = self.services.config
        self.controls.rate = settings.rate
        self.auto_read = self.controls.auto_read = settings.auto_read
        self.theme = settings.theme
        if self.services.assistant is not None:
            self.main.show_stage(self.services.assistant.header())

    def action_this_week(self) -> None:
        if self.services.assistant is not None:
            self._reply(lambda assistant: assistant.this_week_reply(), asked="This week")

    def action_daily_check(self) -> None:
        from .screens.check import start_daily_check

        start_daily_check(self)

    @work(thread=True, exclusive=True, group="export", exit_on_error=False)
    def action_export(self) -> None:
        self.services.export()

    def action_ask_by_voice(self) -> None:
        """F9 starts listening; F9 again ends it (it also ends by itself)."""
        bar = self.main.query_one(ListeningBar)
        if bar.stop():
            return
        recognizer, problem = self.services.recognizer, self.services.voice_problem
        if problem or recognizer is None:
            self.notify(f"{problem or 'Asking by voice is not ready.'} "
                        "Please type your question.", severity="warning")
            return
        self.action_stop_speaking()
        bar.start(recognizer, self.audio_source)

    def on_listening_bar_heard(self, event: ListeningBar.Heard) -> None:
        if event.heard and event.heard.text:    # the bar has told the user about the rest
            self.main.put_question(event.heard.text)
            self.ask(MainScreen.Asked(event.heard.text, event.heard.others))

    def on_unmount(self) -> None:
        self.services.close()


def make_app(config: AppConfig | None = None, speech: SpeechLayer | None = None,
             audio_source: Callable[[], AudioSource] | None = None) -> AssistantApp:
    """The one way to build the app: the CLI and the tests both use it. Tests pass a
    recording as `audio_source`; it goes the same way the microphone's sound does."""
    return AssistantApp(config or AppConfig(), speech, audio_source)
