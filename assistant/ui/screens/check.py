"""The daily warning-sign check (F10): one sign of the guide at a time.

Yes, No or Not sure by key (Y, N, S), by click, or by voice (F9). A Yes or a
Not sure ends the check at once; the screen dismisses with the result and
the app shows it as it shows any warning: the banner, spoken first.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from ...answering.checkup import (
    ASK_AGAIN,
    NO,
    NO_LIST,
    NOT_SURE,
    TITLE,
    YES,
    Check,
    CheckResult,
)

if TYPE_CHECKING:
    from ...records.history import History
    from ...voice.listen import AudioSource
    from ...voice.speech import SpeechLayer
    from ...voice.whisper import Transcriber
    from ...voice.yes_no import AnswerListener
    from ..app import AssistantApp

HOW = "Answer with the buttons, or press Y for yes, N for no, S for not sure"
_listeners: dict[int, AnswerListener] = {}      # one per knowledge base, made once


class CheckScreen(ModalScreen[CheckResult]):
    BINDINGS = [
        Binding("y", "answer('yes')", "Yes", key_display="Y"),
        Binding("n", "answer('no')", "No", key_display="N"),
        Binding("s,question_mark", "answer('not sure')", "Not sure", key_display="S"),
        Binding("escape,f10", "stop", "Stop the check", key_display="Esc"),
        Binding("f9", "listen", "Answer aloud", key_display="F9"),
    ]

    def __init__(self, check: Check, speech: SpeechLayer | None = None,
                 header: str | None = None, voice_problem: str | None = None,
                 audio_source: Callable[[], AudioSource] | None = None,
                 recognizer: Transcriber | None = None) -> None:
        super().__init__()
        self.recognizer = recognizer                # the app's: Whisper hears answers best
        self.check = check
        self.speech = speech
        self.header = header
        self.voice_problem = voice_problem          # why answering aloud cannot work now
        self.audio_source = audio_source            # None: the microphone
        self._stop_listening: threading.Event | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="check-box"):
            yield Static(TITLE, id="check-title")
            if self.header:
                yield Static(self.header, id="check-stage", markup=False)
            yield Static(id="check-count")
            yield Static(id="check-sign", markup=False)
            yield Static(HOW + ("." if self.voice_problem else ", or press F9 and say it."),
                         id="check-how")
            with Horizontal(id="check-buttons"):
                yield Button("Y  Yes", id="yes", action=f"screen.answer('{YES}')")
                yield Button("N  No", id="no", action=f"screen.answer('{NO}')")
                yield Button("S  Not sure", id="not-sure", action=f"screen.answer('{NOT_SURE}')")
                yield Button("F9  Say it", id="check-voice", action="screen.listen",
                             disabled=self.voice_problem is not None,
                             tooltip=self.voice_problem or "Say yes, no or not sure")
            yield Button("Esc  Stop the check", id="check-stop", action="screen.stop",
                         compact=True)

    def on_mount(self) -> None:
        self._ask()
        self.query_one("#no", Button).focus()

    def _ask(self) -> None:
        sign = self.check.current
        assert sign is not None
        self.query_one("#check-count", Static).update(
            f"Sign {self.check.number} of {len(self.check.signs)}")
        self.query_one("#check-sign", Static).update(sign.question)
        self._say(sign.question)

    def _say(self, text: str) -> None:
        if self.speech is not None:
            self.speech.speak([text])

    def action_answer(self, said: str) -> None:
        self.answer(said)

    def answer(self, said: str) -> bool:
        """Record yes / no / not sure in any words; False (and asks again) otherwise."""
        if self.check.answer(said) is None:
            self.notify(ASK_AGAIN, severity="warning")
            self._say(ASK_AGAIN)
            return False
        if self.check.done:
            self.dismiss(self.check.result())
        else:
            self._ask()
        return True

    def action_stop(self) -> None:
        if self._stop_listening is not None:
            self._stop_listening.set()
        self.dismiss(self.check.result())

    def action_listen(self) -> None:
        """F9: listen for one answer (F9 again stops listening)."""
        if self._stop_listening is not None:
            self._stop_listening.set()
            return
        if self.voice_problem is not None:
            self.notify(f"{self.voice_problem} Please press Y, N or S.", severity="warning")
            return
        if self.speech is not None:
            self.speech.stop()
        self._stop_listening = threading.Event()
        self.query_one("#check-voice", Button).label = "F9  Listening..."
        self._listen(self._stop_listening)

    @work(thread=True, exclusive=True, group="check-listen", exit_on_error=False)
    def _listen(self, stop: threading.Event) -> None:
        from ...voice.listen import ListenError, MicrophoneSource, record_question
        from ...voice.yes_no import AnswerListener

        kb = self.check.assistant.kb
        try:
            recognizer = _listeners.get(id(kb))
            if recognizer is None or recognizer.whisper is not self.recognizer:
                recognizer = _listeners[id(kb)] = AnswerListener(kb, self.recognizer)
            source = self.audio_source() if self.audio_source else MicrophoneSource()
            speech = record_question(source, stop)
            heard, said = recognizer.answer(speech) if speech.seconds >= 0.2 else ("", None)
        except (ListenError, OSError, RuntimeError) as exc:
            self.app.call_from_thread(self._heard, "", None, str(exc))
            return
        self.app.call_from_thread(self._heard, heard, said, None)

    def _heard(self, heard: str, said: str | None, problem: str | None) -> None:
        self._stop_listening = None
        if not self.is_attached:
            return
        self.query_one("#check-voice", Button).label = "F9  Say it"
        if said is None:
            text = problem or (f'I heard "{heard}". ' if heard else "I did not hear an answer. ")
            self.notify(f"{text} {ASK_AGAIN} Or press Y, N or S.", severity="warning",
                        timeout=10)
            self._say(ASK_AGAIN)
            return
        self.notify(f"I heard: {said}.", timeout=5)
        self.answer(said)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()


def start_daily_check(app: AssistantApp) -> None:
    """F10: the check over the conversation. Its result is shown as any warning is
    (the banner, the advice spoken first) and kept in the history."""
    assistant = app.services.assistant
    if assistant is None or isinstance(app.screen, CheckScreen):
        return
    if assistant.companion is None:
        app.notify(NO_LIST, severity="error", timeout=15)
        return

    def checked(result: CheckResult | None) -> None:
        if result is None or not result.answers:
            return
        reply = result.as_reply()
        app.present(reply, asked=reply.question)
        if app.services.history is not None:
            keep(app.services.history, result)

    def keep(history: History, result: CheckResult) -> None:
        app.run_worker(lambda: history.add_check(result), thread=True, group="history",
                       exit_on_error=False)     # a full sync to disk: off the main thread

    app.action_stop_speaking()
    app.push_screen(CheckScreen(Check(assistant), app.services.speech if app.auto_read else None,
                                assistant.header(), app.services.voice_problem,
                                app.audio_source, app.services.recognizer),
                    checked)
