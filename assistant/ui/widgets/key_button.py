"""A key's name and what it does, as one line that can be clicked, focused with
Tab and pressed with Enter or Space: "F5 Read", "F9 Voice".

The first screen shows twelve of them. Textual's Button would do, but it brings
what these lines never use (variants, borders, its own stylesheet of some 300
lines, parsed at every start) and costs about 9 ms of start-up for the twelve
(bench/startup.py). Dialogs and the links under an answer keep Textual's Button.
"""

from __future__ import annotations

from textual import events
from textual.binding import Binding
from textual.widgets import Static

PRESSED_FOR = 0.2       # seconds the line shows it was pressed


class KeyButton(Static, can_focus=True):
    """Runs `action` (as Button's `action=` does) when clicked, or pressed with
    Enter or Space while focused; does nothing while disabled."""

    DEFAULT_CSS = """
    KeyButton {
        width: auto;
        height: 1;
        padding: 0 1;
        background: $surface;
        text-style: bold;
        pointer: pointer;
        &:hover { text-style: bold underline; }
        &:focus, &.-pressed { text-style: bold reverse; }
        &:disabled { text-opacity: 0.6; pointer: not-allowed; }
    }
    """
    BINDINGS = [Binding("enter,space", "press", "Press", show=False)]

    def __init__(self, label: str, *, action: str, id: str | None = None,
                 tooltip: str | None = None) -> None:
        super().__init__(label, id=id, markup=False)
        self.action = action
        if tooltip:
            self.tooltip = tooltip

    @property
    def label(self) -> str:
        return str(self.content)

    @label.setter
    def label(self, text: str) -> None:
        self.update(text)

    async def _on_click(self, event: events.Click) -> None:
        event.stop()
        self.action_press()

    def action_press(self) -> None:
        if self.disabled or not self.display or self.has_class("-pressed"):
            return
        self.add_class("-pressed")
        self.set_timer(PRESSED_FOR, lambda: self.remove_class("-pressed"))
        self.call_later(self.app.run_action, self.action, default_namespace=self.parent)
