"""The speech buttons, each showing its key, and what speech is doing now."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.widgets import Button, Static


class SpeechControls(Horizontal):
    """Read again, stop, slower, faster, and auto-read on or off."""

    rate: reactive[int] = reactive(145)
    auto_read: reactive[bool] = reactive(True)
    speaking: reactive[bool] = reactive(False)

    def compose(self) -> ComposeResult:
        yield Button("F5 Read", action="app.read_aloud", compact=True,
                     tooltip="Read the last answer aloud again")
        yield Button("Esc Stop", action="app.stop_speaking", compact=True,
                     tooltip="Stop reading aloud")
        yield Button("F6 Slower", action="app.speed('slower')", compact=True,
                     tooltip="Speak more slowly")
        yield Button("F7 Faster", action="app.speed('faster')", compact=True,
                     tooltip="Speak more quickly")
        yield Button("F8 Auto-read", id="auto-read", action="app.toggle_auto_read",
                     compact=True, tooltip="Read every answer aloud as it appears, or not")
        yield Static(id="speech-status")

    def _refresh_status(self) -> None:
        state = "  Speaking..." if self.speaking else ""
        self.query_one("#speech-status", Static).update(f"Speed {self.rate}{state}")
        self.query_one("#auto-read", Button).label = (
            "F8 Auto-read: on" if self.auto_read else "F8 Auto-read: off")

    def on_mount(self) -> None:
        self._refresh_status()

    def watch_rate(self) -> None:
        if self.is_mounted:
            self._refresh_status()

    def watch_auto_read(self) -> None:
        if self.is_mounted:
            self._refresh_status()

    def watch_speaking(self) -> None:
        if self.is_mounted:
            self._refresh_status()
        self.set_class(self.speaking, "speaking")
