"""Listening for a spoken question: a plain instruction, a level meter, and the
worker that records and recognises, which tells the app what it heard."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Static

if TYPE_CHECKING:
    from ...voice import listen as voice
    from ...voice.listen import AudioSource
    from ...voice.whisper import Transcriber

METER_CELLS = 20
NOTHING_HEARD = ("I did not hear a question. Press F9 and speak when the green bar shows, "
                 "or type.")
GETTING_READY = "Getting ready to listen... ask your question; the words will show in a moment."
NO_WORDS = "Sorry, I could not make out the words. Please try again, a little closer, or type."


class ListeningBar(Horizontal):
    """Hidden until listening; the meter shows that the microphone hears the speaker."""

    level: reactive[float] = reactive(0.0)
    listening: reactive[bool] = reactive(False)

    class Heard(Message):
        """Listening ended: what was heard (its text "" when no words could be made
        out; None when nobody spoke), or the problem that stopped it."""

        def __init__(self, heard: voice.Heard | None, problem: str | None) -> None:
            super().__init__()
            self.heard = heard
            self.problem = problem

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._stop: threading.Event | None = None

    def _parts(self) -> ComposeResult:
        """Mounted on first use: hidden until then, and start-up is faster without."""
        yield Static("Listening... ask your question now. Press F9 when you have finished.",
                     id="listening-text")
        yield Static(id="level-meter")

    def start(self, recognizer: Transcriber,
              source: Callable[[], AudioSource] | None) -> None:
        """Record from `source` (None: the microphone) until the speaker stops. A
        recogniser still loading (Whisper, the first time) loads while it records."""
        if not getattr(recognizer, "ready", True):
            recognizer.start()                                  # type: ignore[attr-defined]
            self.notify(GETTING_READY, timeout=8)
        if not self.children:
            self.mount_all(list(self._parts()))
        self._stop = threading.Event()
        self.listening = True
        self._listen(recognizer, source, self._stop)

    def stop(self) -> bool:
        """End listening early; False when it was not listening."""
        if self._stop is None:
            return False
        self._stop.set()
        return True

    @work(thread=True, exclusive=True, group="listen", exit_on_error=False)
    def _listen(self, recognizer: Transcriber, source: Callable[[], AudioSource] | None,
                stop: threading.Event) -> None:
        from ...voice.listen import ListenError, MicrophoneSource, record_question

        def show_level(value: float) -> None:
            with contextlib.suppress(RuntimeError):       # the app is closing
                self.app.call_from_thread(setattr, self, "level", value)

        try:
            speech = record_question(source() if source else MicrophoneSource(), stop,
                                     on_level=show_level)
            heard = recognizer.hear(speech) if speech.seconds >= 0.2 else None
        except ListenError as exc:
            self.post_message(self.Heard(None, str(exc)))
            return
        self.post_message(self.Heard(heard, None))

    def on_listening_bar_heard(self, event: Heard) -> None:
        """Say what went wrong here; only words heard go on to the app."""
        self._stop = None
        self.listening = False
        if event.problem or event.heard is None or not event.heard.text:
            event.stop()
            self.notify(event.problem or (NOTHING_HEARD if event.heard is None else NO_WORDS),
                        severity="warning", timeout=10)

    def on_unmount(self) -> None:
        self.stop()

    def watch_listening(self, on: bool) -> None:
        self.set_class(on, "listening")
        if not on:
            self.level = 0.0

    def watch_level(self, value: float) -> None:
        filled = round(max(0.0, min(1.0, value)) * METER_CELLS)
        for meter in self.query("#level-meter").results(Static):
            meter.update("█" * filled + "░" * (METER_CELLS - filled))
