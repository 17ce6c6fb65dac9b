"""The warning that cannot be missed: shown above everything until dismissed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.reactive import reactive
from textual.widgets import Button, Static

if TYPE_CHECKING:
    from ...answering.answer import Reply



class UrgentBanner(Vertical):
    """Urgent or emergency advice, with the sign that was recognised."""

    tier: reactive[str] = reactive("none")

    def _parts(self) -> ComposeResult:
        """Mounted on first use: most sessions never need them, and start-up is faster."""
        yield Static(id="banner-title")
        yield Static(id="banner-advice")
        yield Static(id="banner-signs")
        yield Button("I have read this (F3)", id="banner-dismiss", compact=True,
                     action="screen.hide_warning",
                     tooltip="Hide this warning; it stays in the conversation below")

    def show(self, reply: Reply, title: str, emergency_number: str) -> None:
        if not self.children:
            self.mount_all(list(self._parts()))
        heading = f"!! {title.upper()} !!"
        if reply.triage == "emergency":
            heading = f"!! {title.upper()}: CALL {emergency_number} NOW !!"
        self.query_one("#banner-title", Static).update(Content(heading))
        self.query_one("#banner-advice", Static).update(Content(reply.advice or ""))
        signs = ", ".join(s.label for s in reply.signs)
        self.query_one("#banner-signs", Static).update(Content(f"You mentioned: {signs}"))
        self.tier = reply.triage

    def hide(self) -> None:
        self.tier = "none"

    def watch_tier(self, old: str, new: str) -> None:
        self.set_class(new != "none", "shown")
        self.set_class(new == "emergency", "emergency")
