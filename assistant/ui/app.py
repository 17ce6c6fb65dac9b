"""The Textual app: holds the assistant, the speech layer and the global keys."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import App
from textual.binding import Binding

from ..config import AppConfig
from .screens.main import MainScreen
from .theme import THEMES
from .widgets.conversation import Conversation
from .widgets.listening_bar import ListeningBar
from .widgets.speech_controls import SpeechControls

if TYPE_CHECKING:
    from ..answering.answer import Assistant, Reply
    from ..answering.knowledge import KnowledgeBase
    from ..records.history import History
    from ..records.settings import Settings
    from ..voice.listen import AudioSource, Recognizer
    from ..voice.speech import SpeechLayer

NOTHING_HEARD = ("I did not hear a question. Press F9 and speak when the green bar shows, "
                 "or type.")
NO_WORDS = "Sorry, I could not make out the words. Please try again, a little closer, or type."


class AssistantApp(App[None]):
    CSS_PATH = Path(__file__).with_name("app.tcss")
    TITLE = "Laminectomy assistant"
    ENABLE_COMMAND_PALETTE = False      # one way to do things, shown on screen
    BINDINGS = [
        Binding("f1", "help", "Help", key_display="F1", tooltip="Every key, in plain words"),
        Binding("f2", "browse_topics", "Topics", key_display="F2", tooltip="See every topic"),
        Binding("f3", "dismiss_warning", "Hide warning", show=False),
        Binding("f4", "settings", "Settings", key_display="F4",
                tooltip="Speed, voice, emergency number, colours"),
        Binding("f5", "read_aloud", "Read again", key_display="F5",
                tooltip="Read the last answer aloud"),
        Binding("escape", "stop_speaking", "Stop", key_display="Esc", tooltip="Stop reading aloud"),
        Binding("f6", "slower", "Slower", show=False),
        Binding("f7", "faster", "Faster", show=False),
        Binding("f8", "toggle_auto_read", "Auto-read", show=False),
        Binding("f9", "ask_by_voice", "Voice", key_display="F9", tooltip="Ask aloud"),
        Binding("f10", "daily_check", "Check", show=False,
                tooltip="The daily warning-sign check"),
        Binding("f12", "this_week", "This week", show=False,
                tooltip="What the guide says about this stage of recovery"),
        Binding("ctrl+p", "export", "Export", show=False,
                tooltip="Save a printable list of your questions for your doctor"),
        Binding("pageup", "scroll('page_up')", "Scroll up", show=False),
        Binding("pagedown", "scroll('page_down')", "Scroll down", show=False),
        Binding("ctrl+q", "quit", "Quit", key_display="Ctrl+Q", priority=True),
    ]

    def __init__(self, config: AppConfig, speech: SpeechLayer | None = None,
                 audio_source: Callable[[], AudioSource] | None = None) -> None:
        super().__init__()
        self.config = config
        self.speech = speech
        self.audio_source = audio_source          # None: the microphone
        self.recognizer: Recognizer | None = None
        self.voice_problem: str | None = "Asking by voice is starting; one moment."
        self._stop_listening: threading.Event | None = None
        self.assistant: Assistant | None = None
        self.auto_read = config.auto_read
        self.last_reply: Reply | None = None
        self.history: History | None = None
        self.ready = asyncio.Event()
        # Set before the first stylesheet pass: switching later parses all CSS twice.
        for theme in THEMES:
            self.register_theme(theme)
        self.theme = config.theme if config.theme in self.available_themes else THEMES[0].name

    def get_default_screen(self) -> MainScreen:
        return MainScreen()

    def on_ready(self) -> None:
        for notice in self.config.notices:
            self.notify(notice, title="Settings", severity="warning", timeout=30)
        self._load()
        if self.config.first_run:
            from .screens.first_run import ask_operation_date

            ask_operation_date(self)

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def _load(self) -> None:
        """Knowledge and speech start after the first frame, off the main thread."""
        from ..answering.answer import Assistant
        from ..answering.knowledge import KnowledgeError, load_knowledge
        from ..voice.speech import Speaker

        try:
            kb = load_knowledge(self.config.kb_root)
        except KnowledgeError as exc:
            problems = "\n".join(str(p) for p in exc.problems[:5])
            self.call_from_thread(self.notify, "The knowledge base has problems, so questions "
                                  f"cannot be answered:\n{problems}", severity="error",
                                  timeout=3600)
            self.call_from_thread(self.ready.set)
            return
        surgery, today = self.config.recovery_dates()
        assistant = Assistant(kb, self.config.emergency_number, surgery_date=surgery,
                              today=today)
        speech = self.speech
        if speech is None and self.config.speech_enabled:
            speech = Speaker(self.config.speech, kb.pronunciations)
        if speech is not None:
            speech.on_notice = lambda text: self._from_thread(
                self.notify, text, severity="warning", timeout=10)
            speech.on_speaking = lambda on: self._from_thread(self._speaking, on)
        history = self._open_history() if self.config.keep_history else None
        self.call_from_thread(self._loaded, assistant, speech, history)
        self._prepare_listening(kb)

    def _prepare_listening(self, kb: KnowledgeBase) -> None:
        """Last, so that questions can be typed while the speech model loads."""
        from ..voice.listen import ListenError, Recognizer, microphone_problem

        problem = None if self.audio_source else microphone_problem()
        recognizer = None
        if problem is None:
            try:
                recognizer = Recognizer(kb)
            except (ListenError, OSError, RuntimeError) as exc:
                problem = f"Asking by voice is off: {exc}"
        self.call_from_thread(self._listening_ready, recognizer, problem)

    def _listening_ready(self, recognizer: Recognizer | None, problem: str | None) -> None:
        self.recognizer, self.voice_problem = recognizer, problem
        if problem:
            self.main.voice_unavailable(problem)

    def _open_history(self) -> History:
        from ..records.history import History

        return History(on_notice=lambda text: self._from_thread(
            self.notify, text, title="History", severity="warning", timeout=30))

    def _loaded(self, assistant: Assistant, speech: SpeechLayer | None,
                history: History | None) -> None:
        self.assistant, self.speech, self.history = assistant, speech, history
        self.main.show_stage(assistant.header())
        self.ready.set()

    def _from_thread(self, callback: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        if threading.get_ident() == self._thread_id:
            callback(*args, **kwargs)
            return
        with contextlib.suppress(RuntimeError):     # the app is closing
            self.call_from_thread(callback, *args, **kwargs)

    def _speaking(self, on: bool) -> None:
        self.controls.speaking = on

    @property
    def main(self) -> MainScreen:
        return next(s for s in self.screen_stack if isinstance(s, MainScreen))

    @property
    def controls(self) -> SpeechControls:
        return self.main.query_one(SpeechControls)

    # ---- answering -------------------------------------------------------

    async def ask(self, question: str) -> None:
        await self.ready.wait()
        if self.assistant is None:
            self.notify("Questions cannot be answered until the knowledge base is fixed.",
                        severity="error")
            return
        reply = self.assistant.ask(question)
        self.present(reply, asked=question)
        if self.history is not None:
            self._record(self.history, reply)

    @work(thread=True, group="history", exit_on_error=False)
    def _record(self, history: History, reply: Reply) -> None:
        history.add(reply)              # a full sync to disk: kept off the main thread

    def show_entry(self, entry_id: str) -> None:
        if self.assistant is not None:
            self.present(self.assistant.answer_entry(entry_id), asked=None)

    def present(self, reply: Reply, asked: str | None) -> None:
        """Show a reply, and read it: urgent advice first, and always."""
        assert self.assistant is not None
        tier = self.assistant.kb.triage.tiers.get(reply.triage)
        self.main.show(reply, asked, tier.title if tier else "", self.config.emergency_number)
        self.last_reply = reply
        if self.speech is None:
            return
        if self.auto_read:
            self.speech.speak(reply.spoken())
        elif reply.spoken_advice:
            self.speech.speak([reply.spoken_advice])
        else:
            self.speech.stop()

    # ---- actions (keys and buttons) ------------------------------------------

    def action_help(self) -> None:
        from .screens.help import HelpScreen  # imported when first needed: faster start

        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss(None)
        else:
            self.push_screen(HelpScreen())

    def action_browse_topics(self) -> None:
        from .screens.topic_browser import TopicBrowser

        if self.assistant is None or isinstance(self.screen, TopicBrowser):
            return
        self.push_screen(TopicBrowser(self.assistant.kb),
                         lambda chosen: self.show_entry(chosen) if chosen else None)

    def action_dismiss_warning(self) -> None:
        self.main.hide_warning()

    def action_read_aloud(self) -> None:
        if self.speech is not None and self.last_reply is not None:
            self.speech.speak(self.last_reply.spoken())

    def action_stop_speaking(self) -> None:
        if self.speech is not None:
            self.speech.stop()

    def action_slower(self) -> None:
        if self.speech is not None:
            self.controls.rate = self.speech.slower()

    def action_faster(self) -> None:
        if self.speech is not None:
            self.controls.rate = self.speech.faster()

    def action_toggle_auto_read(self) -> None:
        self.auto_read = not self.auto_read
        self.controls.auto_read = self.auto_read
        self.notify("Answers will be read aloud." if self.auto_read
                    else "Answers will not be read aloud; press F5 to hear one.")

    def current_settings(self) -> Settings:
        from ..records.settings import Settings

        speech = self.speech.settings if self.speech is not None else self.config.speech
        return Settings(rate=speech.rate, volume=speech.volume, voice=speech.voice or "",
                        auto_read=self.auto_read, emergency_number=self.config.emergency_number,
                        theme=self.theme, keep_history=self.config.keep_history,
                        surgery_date=self.config.surgery_date or "")

    def action_settings(self) -> None:
        from ..records.settings import settings_path
        from .screens.settings import SettingsScreen

        if isinstance(self.screen, SettingsScreen):
            return
        self.push_screen(SettingsScreen(self.current_settings(), settings_path()),
                         lambda chosen: self.use_settings(chosen) if chosen else None)

    def use_settings(self, settings: Settings) -> None:
        """Save the settings, then put every one of them into effect now."""
        from ..records.settings import save_settings

        try:
            self.notify(save_settings(settings).message(), title="Settings", timeout=10)
        except OSError as exc:
            self.notify(f"The settings could not be saved ({exc.strerror}); they apply "
                        "until you close the assistant.", severity="error", timeout=20)
        self.config = settings.app_config(kb_root=self.config.kb_root,
                                          speech_enabled=self.config.speech_enabled,
                                          today=self.config.today)
        if self.speech is not None:
            self.speech.apply(settings.speech())
        self.controls.rate = settings.rate
        self.auto_read = self.controls.auto_read = settings.auto_read
        if self.assistant is not None:
            self.assistant.emergency_number = settings.emergency_number
            self.assistant.surgery_date = self.config.recovery_dates()[0]
            self.main.show_stage(self.assistant.header())
        self.theme = settings.theme
        if settings.keep_history and self.history is None:
            self.history = self._open_history()
        elif not settings.keep_history and self.history is not None:
            self.history.close()
            self.history = None

    def action_this_week(self) -> None:
        if self.assistant is not None:
            self.present(self.assistant.this_week_reply(), asked="This week")

    def action_daily_check(self) -> None:
        from .screens.check import start_daily_check

        start_daily_check(self)

    def action_export(self) -> None:
        if self.history is None:
            self.notify("Your questions are not being kept, so there is nothing to export. "
                        "Turn on 'Keep a list of my questions' in Settings (F4).",
                        severity="warning", timeout=15)
            return
        self._export(self.history)

    @work(thread=True, exclusive=True, group="export", exit_on_error=False)
    def _export(self, history: History) -> None:
        import platformdirs

        from ..records.transcript import default_export_name, render_text

        folder = Path(platformdirs.user_documents_dir())
        path = folder / default_export_name()
        records = history.records()
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path.write_text(render_text(records, checks=history.checks()), encoding="utf-8")
        except OSError as exc:
            self.call_from_thread(self.notify, f"Could not write {path} ({exc.strerror}).",
                                  severity="error", timeout=20)
            return
        self.call_from_thread(self.notify, f"Saved {len(records)} question(s) for your "
                              f"doctor in {path}. You can print it from there.",
                              title="Export", timeout=20)

    def action_ask_by_voice(self) -> None:
        """F9 starts listening; F9 again ends it (it also ends by itself)."""
        if self._stop_listening is not None:
            self._stop_listening.set()
            return
        if self.voice_problem or self.recognizer is None:
            self.notify(f"{self.voice_problem or 'Asking by voice is not ready.'} "
                        "Please type your question.", severity="warning")
            return
        self.action_stop_speaking()
        self._stop_listening = threading.Event()
        self.main.query_one(ListeningBar).listening = True
        self._listen(self.recognizer, self._stop_listening)

    @work(thread=True, exclusive=True, group="listen", exit_on_error=False)
    def _listen(self, recognizer: Recognizer, stop: threading.Event) -> None:
        from ..voice.listen import ListenError, MicrophoneSource, record_question

        bar = self.main.query_one(ListeningBar)
        try:
            source = self.audio_source() if self.audio_source else MicrophoneSource()
            speech = record_question(source, stop, on_level=lambda value: self._from_thread(
                setattr, bar, "level", value))
            transcript = recognizer.transcribe(speech) if speech.seconds >= 0.2 else None
        except ListenError as exc:
            self._from_thread(self._heard, None, str(exc))
            return
        self._from_thread(self._heard, transcript, None)

    async def _heard(self, transcript: str | None, problem: str | None) -> None:
        self._stop_listening = None
        self.main.query_one(ListeningBar).listening = False
        if problem or not transcript:
            self.notify(problem or (NO_WORDS if transcript == "" else NOTHING_HEARD),
                        severity="warning", timeout=10)
            return
        self.main.put_question(transcript)
        await self.ask(transcript)

    def action_scroll(self, where: str) -> None:
        conversation = self.main.query_one(Conversation)
        conversation.forget_target()
        getattr(conversation, f"scroll_{where}")()

    def on_unmount(self) -> None:
        if self._stop_listening is not None:
            self._stop_listening.set()
        if self.speech is not None:
            self.speech.close()
        if self.history is not None:
            self.history.close()


def make_app(config: AppConfig | None = None, speech: SpeechLayer | None = None,
             audio_source: Callable[[], AudioSource] | None = None) -> AssistantApp:
    """The one way to build the app: the CLI and the tests both use it. Tests pass a
    recording as `audio_source`; it goes the same way the microphone's sound does."""
    return AssistantApp(config or AppConfig(), speech, audio_source)
