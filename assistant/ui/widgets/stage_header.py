"""Where the patient is in recovery, in words: "Day 10 after the operation: week 2"."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.widgets import Button, Static


class StageHeader(Horizontal):
    """One line under the title; hidden while the operation date is not known."""

    text: reactive[str] = reactive("")

    def compose(self) -> ComposeResult:
        yield Static(id="stage-text", markup=False)
        yield Button("F12 This week", id="this-week", action="app.this_week", compact=True,
                     tooltip="What the guide says about this stage: what to do, what to "
                             "avoid, what is normal")

    def watch_text(self, text: str) -> None:
        self.set_class(bool(text), "known")
        self.query_one("#stage-text", Static).update(text)
