"""What the app shows while it listens: a plain instruction and a level meter."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.widgets import Static

METER_CELLS = 20


class ListeningBar(Horizontal):
    """Hidden until listening; the meter shows that the microphone hears the speaker."""

    level: reactive[float] = reactive(0.0)
    listening: reactive[bool] = reactive(False)

    def compose(self) -> ComposeResult:
        yield Static("Listening... ask your question now. Press F9 when you have finished.",
                     id="listening-text")
        yield Static(id="level-meter")

    def watch_listening(self, on: bool) -> None:
        self.set_class(on, "listening")
        if not on:
            self.level = 0.0

    def watch_level(self, value: float) -> None:
        filled = round(max(0.0, min(1.0, value)) * METER_CELLS)
        if self.is_mounted:
            self.query_one("#level-meter", Static).update(
                "█" * filled + "░" * (METER_CELLS - filled))
