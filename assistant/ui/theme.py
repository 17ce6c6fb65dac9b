"""High contrast by default: white on black, gold for what can be pressed."""

from __future__ import annotations

from textual.theme import Theme

HIGH_CONTRAST = Theme(
    name="high-contrast",
    primary="#FFD700",
    secondary="#87D7FF",
    accent="#FFD700",
    warning="#FFD700",
    error="#FF8787",
    success="#87FF87",
    foreground="#FFFFFF",
    background="#000000",
    surface="#000000",
    panel="#262626",
    dark=True,
)
