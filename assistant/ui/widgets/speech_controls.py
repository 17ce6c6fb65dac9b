"""The speech buttons, each showing its key, and what speech is doing now."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.widgets import Static

from .key_button import KeyButton


class SpeechControls(Horizontal):
    """Read again, stop, slower, faster, and auto-read on or off."""

    rate: reactive[int] = reactive(145)
    auto_read: reactive[bool] = reactive(True)
    speaking: reactive[bool] = reactive(False)

    def __init__(self, rate: int, auto_read: bool, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.set_reactive(SpeechControls.rate, rate)
        self.set_reactive(SpeechControls.auto_read, auto_read)

    def compose(self) -> ComposeResult:
        yield KeyButton("F5 Read", action="app.read_aloud",
                        tooltip="Read the last answer aloud again")
        yield KeyButton("Esc Stop", action="app.stop_speaking",
                        tooltip="Stop reading aloud")
        yield KeyButton("F6 Slower", action="app.speed('slower')",
                        tooltip="Speak more slowly")
        yield KeyButton("F7 Faster", action="app.speed('faster')",
                        tooltip="Speak more quickly")
        yield KeyButton(self._auto_read_label(), id="auto-read", action="app.toggle_auto_read",
                        tooltip="Read every answer aloud as it appears, or not")
        yield Static(self._status(), id="speech-status")

    def _status(self) -> str:
        return f"Speed {self.rate}{'  Speaking...' if self.speaking else ''}"

    def _auto_read_label(self) -> str:
        return "F8 Auto-read: on" if self.auto_read else "F8 Auto-read: off"

    def _refresh_status(self) -> None:
        """Composed with the right words; changed here only when they change, so that
        the first screen is laid out once."""
        if self.is_mounted:
            self.query_one("#speech-status", Static).update(self._status())
            self.query_one("#auto-read", KeyButton).label = self._auto_read_label()

    def watch_rate(self) -> None:
        self._refresh_status()

    def watch_auto_read(self) -> None:
        self._refresh_status()

    def watch_speaking(self) -> None:
        self._refresh_status()
        self.set_class(self.speaking, "speaking")
