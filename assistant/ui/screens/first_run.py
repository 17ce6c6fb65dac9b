"""The first-run question: "When was (or is) the operation?" Asked once, skippable.

Dismisses with the date as "YYYY-MM-DD", or "" when skipped; the app saves
the settings either way, so the question is never asked again.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from ...answering.dates import DATE_EXAMPLE, parse_date

if TYPE_CHECKING:
    from ..app import AssistantApp

QUESTION = "When was (or is) the operation?"
WHY = ("If you tell me the date, I can say which day and week of recovery it is, and "
       "answer for that stage. You can skip this, and set or change it later in "
       "Settings (F4).")


class FirstRunScreen(ModalScreen[str]):
    BINDINGS = [Binding("escape", "skip", "Skip", key_display="Esc")]

    def compose(self) -> ComposeResult:
        with Vertical(id="first-run-box"):
            yield Static(QUESTION, id="first-run-title")
            yield Static(WHY, id="first-run-why")
            yield Input(id="surgery-date", placeholder=f"for example {DATE_EXAMPLE}",
                        max_length=40)
            yield Static("", id="first-run-problem", markup=False)
            with Horizontal(id="first-run-buttons"):
                yield Button("Enter  Save the date", id="first-run-save", variant="primary",
                             action="screen.save")
                yield Button("Esc  Skip", id="first-run-skip", action="screen.skip")

    def on_mount(self) -> None:
        self.query_one("#surgery-date", Input).focus()

    @on(Input.Submitted, "#surgery-date")
    def _entered(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def action_save(self) -> None:
        text = self.query_one("#surgery-date", Input).value
        if not text.strip():
            self.query_one("#first-run-problem", Static).update(
                "Please type the date, or press Esc to skip.")
            return
        try:
            chosen = parse_date(text)
        except ValueError as exc:
            self.query_one("#first-run-problem", Static).update(f"{exc}.")
            return
        self.dismiss(chosen.isoformat())

    def action_skip(self) -> None:
        self.dismiss("")


def ask_operation_date(app: AssistantApp) -> None:
    """Ask once; the answer, or the skip, is saved so it is never asked again."""
    def answered(surgery_date: str | None) -> None:
        # Saved so that it is asked once; the header shows the date, or where to set it.
        app.use_settings(replace(app.services.settings(app.auto_read, app.theme),
                                 surgery_date=surgery_date or ""), quiet=True)

    app.push_screen(FirstRunScreen(), answered)
