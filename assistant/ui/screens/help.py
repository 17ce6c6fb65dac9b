"""Every key in plain words."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static

KEYS = [
    ("Enter", "Ask the question you typed"),
    ("F1", "Show or hide this help"),
    ("F2", "See every topic, and choose one"),
    ("F3", "Hide the warning box (it stays in the conversation)"),
    ("F4", "Settings: speed, loudness, voice, emergency number, colours"),
    ("F5", "Read the last answer aloud again"),
    ("Escape", "Stop reading aloud"),
    ("F6 / F7", "Speak more slowly / more quickly"),
    ("F8", "Read every answer aloud automatically: on or off"),
    ("F9", "Ask your question aloud"),
    ("F10", "The daily warning-sign check, one sign at a time"),
    ("F12", "What the guide says about this week of recovery"),
    ("Ctrl+P", "Save a printable list of your questions for your doctor"),
    ("Tab", "Move between the buttons; Enter presses one"),
    ("Page Up/Down", "Scroll through earlier answers"),
    ("Ctrl+Q", "Quit"),
]

NOTES = (
    "Every button can also be clicked with the mouse.\n\n"
    "If a warning box appears, please do what it says: call your surgical team, "
    "or emergency services. Warnings are read aloud even when automatic reading "
    "is off.\n\n"
    "This assistant only repeats what your patient guide says. It does not know "
    "your case; your surgical team does.\n\n"
    "Your questions are kept only on this computer, to print for your doctor "
    "(Ctrl+P). Turn this off in Settings (F4).\n\n"
    "To make the text bigger, make your terminal's font bigger: in most terminals "
    "press Ctrl and + (Cmd and + on a Mac)."
)


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape", "close", "Close", tooltip="Close help"),
        Binding("f1", "close", "Close", show=False),
    ]

    def compose(self) -> ComposeResult:
        width = max(len(k) for k, _ in KEYS) + 3
        table = "\n".join(f"{key:<{width}}{what}" for key, what in KEYS)
        with Vertical(id="help-box"):
            with VerticalScroll(id="help-text"):
                yield Static("Keys", classes="help-heading")
                yield Static(table, markup=False)
                yield Static(NOTES, markup=False, classes="help-notes")
            yield Button("Close (Esc)", action="screen.close", compact=True, id="help-close")

    def on_mount(self) -> None:
        self.query_one("#help-text").focus()        # arrows and Page Down scroll it

    def action_close(self) -> None:
        self.dismiss(None)
