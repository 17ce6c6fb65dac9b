"""High contrast: white on black by default, or black on white; one strong
colour for what can be pressed. The names match `core.settings.THEMES`."""

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

HIGH_CONTRAST_LIGHT = Theme(
    name="high-contrast-light",
    primary="#00348A",
    secondary="#6B0080",
    accent="#00348A",
    warning="#FFD700",
    error="#A00000",
    success="#005F00",
    foreground="#000000",
    background="#FFFFFF",
    surface="#FFFFFF",
    panel="#E0E0E0",
    dark=False,
)

THEMES = (HIGH_CONTRAST, HIGH_CONTRAST_LIGHT)
