"""The daily warning-sign check (F10): one sign of the guide at a time.

Yes, No or Not sure by key (Y, N, S), by click, or by voice (F9). A Yes or a
Not sure ends the check at once; the screen dismisses with the result and
the app shows it as it shows any warning: the banner, spoken first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from ...answering.checkup import ASK_AGAIN, NO, NOT_SURE, TITLE, YES, Check, CheckResult

if TYPE_CHECKING:
    from ...voice.speech import SpeechLayer

HOW = "Answer with the buttons, or press Y for yes, N for no, S for not sure."


class CheckScreen(ModalScreen[CheckResult]):
    BINDINGS = [
        Binding("y", "answer('yes')", "Yes", key_display="Y"),
        Binding("n", "answer('no')", "No", key_display="N"),
        Binding("s,question_mark", "answer('not sure')", "Not sure", key_display="S"),
        Binding("escape,f10", "stop", "Stop the check", key_display="Esc"),
    ]

    def __init__(self, check: Check, speech: SpeechLayer | None = None,
                 header: str | None = None) -> None:
        super().__init__()
        self.check = check
        self.speech = speech
        self.header = header

    def compose(self) -> ComposeResult:
        with Vertical(id="check-box"):
            yield Static(TITLE, id="check-title")
            if self.header:
                yield Static(self.header, id="check-stage", markup=False)
            yield Static(id="check-count")
            yield Static(id="check-sign", markup=False)
            yield Static(HOW, id="check-how")
            with Horizontal(id="check-buttons"):
                yield Button("Y  Yes", id="yes", action=f"screen.answer('{YES}')")
                yield Button("N  No", id="no", action=f"screen.answer('{NO}')")
                yield Button("S  Not sure", id="not-sure", action=f"screen.answer('{NOT_SURE}')")
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
        self.dismiss(self.check.result())

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
