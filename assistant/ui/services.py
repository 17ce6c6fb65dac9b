"""What the app runs on: the assistant, speech, the history and the recogniser.

Kept out of the App class so that it holds only start-up, keys and routing.
Loading happens after the first frame, in the app's worker thread; every
notice goes through `notify`, which the app makes safe to call from there.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..config import AppConfig

if TYPE_CHECKING:
    from textual.app import App

    from ..answering.answer import Assistant, Reply
    from ..records.history import History
    from ..records.settings import Settings
    from ..voice.speech import SpeechLayer
    from ..voice.whisper import Transcriber

Notify = Callable[..., None]        # the app's notify(), safe from any thread


def from_thread(app: App[Any], callback: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
    """Call `callback` on the app's thread, from this one or any other; nothing
    once the app is closing."""
    if threading.get_ident() == app._thread_id:
        callback(*args, **kwargs)
        return
    with contextlib.suppress(RuntimeError):
        app.call_from_thread(callback, *args, **kwargs)


class Services:
    def __init__(self, config: AppConfig, speech: SpeechLayer | None, notify: Notify) -> None:
        self.config = config
        self.speech = speech
        self.notify = notify
        self.assistant: Assistant | None = None
        self.history: History | None = None
        self.recognizer: Transcriber | None = None
        self.voice_problem: str | None = "Asking by voice is starting; one moment."

    def load(self, on_speaking: Callable[[bool], Any]) -> None:
        """The knowledge base, speech and history; a broken knowledge base is told."""
        from ..answering.answer import Assistant
        from ..answering.knowledge import KnowledgeError, load_knowledge
        from ..voice.speech import Speaker

        try:
            kb = load_knowledge(self.config.kb_root)
        except KnowledgeError as exc:
            problems = "\n".join(str(p) for p in exc.problems[:5])
            self.notify("The knowledge base has problems, so questions cannot be answered:"
                        f"\n{problems}", severity="error", timeout=3600)
            return
        if self.speech is None and self.config.speech_enabled:
            self.speech = Speaker(self.config.speech, kb.pronunciations)
        if self.speech is not None:
            self.speech.on_notice = lambda text: self.notify(text, severity="warning",
                                                             timeout=10)
            self.speech.on_speaking = on_speaking
        self.history = self._open_history() if self.config.keep_history else None
        surgery, today = self.config.recovery_dates()
        self.assistant = Assistant(kb, self.config.emergency_number, surgery_date=surgery,
                                   today=today)

    def prepare_listening(self, microphone: bool) -> str | None:
        """The recogniser, last, so that questions can be typed while it loads;
        returns why asking by voice is off, if it is."""
        from ..voice.listen import ListenError, microphone_problem
        from ..voice.whisper import open_recognizer

        problem = microphone_problem() if microphone else None
        if problem is None and self.assistant is not None:
            try:     # Whisper loads on the first F9, in its own process (voice/whisper.py)
                self.recognizer = open_recognizer(
                    self.assistant.kb, self.config.recogniser,
                    on_notice=lambda text: self.notify(text, severity="warning", timeout=15))
            except (ListenError, OSError, RuntimeError) as exc:
                problem = f"Asking by voice is off: {exc}"
        self.voice_problem = problem
        return problem

    def _open_history(self) -> History:
        from ..records.history import History

        return History(on_notice=lambda text: self.notify(text, title="History",
                                                          severity="warning", timeout=30))

    def answer(self, ask: Callable[[Assistant], Reply]) -> Reply | None:
        """`ask` of the assistant (in a thread), or None after saying why there is no
        reply: the knowledge base is broken, or answering failed."""
        if self.assistant is None:
            self.notify("Questions cannot be answered until the knowledge base is fixed.",
                        severity="error")
            return None
        try:
            return ask(self.assistant)
        except Exception as exc:    # a fault of ours must not stop the app: say so instead
            self.notify(f"Sorry, something went wrong while answering that ({exc!r}). "
                        "Please ask again, or in other words.", severity="error", timeout=20)
            return None

    def read(self, reply: Reply, whole: bool) -> None:
        """Read a reply aloud: all of it, or only its urgent advice; nothing older."""
        if self.speech is None:
            return
        if whole:
            self.speech.speak(reply.spoken())
        elif reply.spoken_advice:
            self.speech.speak([reply.spoken_advice])
        else:
            self.speech.stop()

    # ---- settings ------------------------------------------------------------

    def settings(self, auto_read: bool, theme: str) -> Settings:
        from ..records.settings import Settings

        speech = self.speech.settings if self.speech is not None else self.config.speech
        return Settings(rate=speech.rate, volume=speech.volume, voice=speech.voice or "",
                        auto_read=auto_read, emergency_number=self.config.emergency_number,
                        theme=theme, keep_history=self.config.keep_history,
                        surgery_date=self.config.surgery_date or "")

    def apply(self, settings: Settings, quiet: bool = False) -> None:
        """Save the settings and put those of the services into effect now; `quiet`
        says nothing when all went well (the first-run question)."""
        from ..records.settings import save_settings

        try:
            saved = save_settings(settings)
            if not quiet:
                self.notify(saved.message(), title="Settings", timeout=10)
        except OSError as exc:
            self.notify(f"The settings could not be saved ({exc.strerror}); they apply "
                        "until you close the assistant.", severity="error", timeout=20)
        self.config = settings.app_config(kb_root=self.config.kb_root,
                                          speech_enabled=self.config.speech_enabled,
                                          today=self.config.today,
                                          recogniser=self.config.recogniser)
        if self.speech is not None:
            self.speech.apply(settings.speech())
        if self.assistant is not None:
            self.assistant.emergency_number = settings.emergency_number
            self.assistant.surgery_date = self.config.recovery_dates()[0]
        if settings.keep_history and self.history is None:
            self.history = self._open_history()
        elif not settings.keep_history and self.history is not None:
            self.history.close()
            self.history = None

    # ---- export ----------------------------------------------------------------

    def export(self) -> None:
        """Write the questions kept so far where the user finds their documents."""
        import platformdirs

        from ..records.transcript import default_export_name, render_text

        if self.history is None:
            self.notify("Your questions are not being kept, so there is nothing to export. "
                        "Turn on 'Keep a list of my questions' in Settings (F4).",
                        severity="warning", timeout=15)
            return
        folder = Path(platformdirs.user_documents_dir())
        path = folder / default_export_name()
        records = self.history.records()
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path.write_text(render_text(records, checks=self.history.checks()),
                            encoding="utf-8")
        except OSError as exc:
            self.notify(f"Could not write {path} ({exc.strerror}).", severity="error",
                        timeout=20)
            return
        self.notify(f"Saved {len(records)} question(s) for your doctor in {path}. "
                    "You can print it from there.", title="Export", timeout=20)

    def close(self) -> None:
        getattr(self.recognizer, "close", lambda: None)()     # Whisper's process
        if self.speech is not None:
            self.speech.close()
        if self.history is not None:
            self.history.close()
