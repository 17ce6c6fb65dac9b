"""Where the patient is in recovery, in words ("Day 10 after the operation: week 2"),
with the two keys that go with it: the daily check (F10) and "This week" (F12)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.widgets import Static

from .key_button import KeyButton


class StageHeader(Horizontal):
    """One line under the title."""

    text: reactive[str] = reactive("")

    def compose(self) -> ComposeResult:
        yield Static(id="stage-text", markup=False)
        yield KeyButton("F10 Daily check", id="daily-check", action="app.daily_check",
                        tooltip="The warning signs, one at a time: yes, no or "
                                "not sure")
        yield KeyButton("F12 This week", id="this-week", action="app.this_week",
                        tooltip="What the guide says about this stage: what to do, what to "
                                "avoid, what is normal")

    def watch_text(self, text: str) -> None:
        self.query_one("#stage-text", Static).update(text)
