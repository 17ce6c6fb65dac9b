"""The yardstick for start-up time: the smallest Textual app with an Input and a Static."""

from textual.app import App, ComposeResult
from textual.widgets import Input, Static


class Bare(App[None]):
    def compose(self) -> ComposeResult:
        yield Static("A bare Textual app")
        yield Input(placeholder="Type your question here")


if __name__ == "__main__":
    Bare().run()
