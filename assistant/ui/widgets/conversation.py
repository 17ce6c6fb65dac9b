"""The scrolling conversation, which keeps the newest answer in view."""

from __future__ import annotations

from textual.containers import VerticalScroll
from textual.widget import Widget


class Conversation(VerticalScroll, can_focus=False):
    """Scrolls a new answer to the top, and keeps it there while the layout settles.

    A new block and the warning banner above it are laid out over several
    refreshes, so one scroll "after refresh" lands too early; scrolling again
    whenever the content or the room for it changes does not.
    """

    _target: Widget | None = None

    def reveal(self, widget: Widget) -> None:
        self._target = widget
        self._scroll_to_target()

    def forget_target(self) -> None:
        """The reader scrolled: stop pulling the view back."""
        self._target = None

    def _scroll_to_target(self) -> None:
        if self._target is not None and self._target.is_attached:
            self.scroll_to_widget(self._target, top=True, animate=False)

    def watch_virtual_size(self) -> None:
        self.call_after_refresh(self._scroll_to_target)

    def on_resize(self) -> None:
        self.call_after_refresh(self._scroll_to_target)
