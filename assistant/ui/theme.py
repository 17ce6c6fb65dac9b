"""High contrast: white on black by default, or black on white; one strong
colour for what can be pressed. The names match `records.settings.THEMES`."""

from __future__ import annotations

from typing import Any

from textual.app import App
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


def start_with_theme(app: App[Any], name: str) -> None:
    """Register the themes and make `name` (or the first) the app's theme, from its
    constructor, before any CSS is read. Setting `app.theme` there would do the same
    but also queue a second parse of every rule once the app runs (about 8 ms of
    start-up), so the theme's own parts are put in place here: its CSS variables,
    its classes and the ANSI colours it maps to."""
    for theme in THEMES:
        app.register_theme(theme)
    name = name if name in app.available_themes else THEMES[0].name
    app.set_reactive(App.theme, name)
    app.stylesheet.set_variables(app.get_css_variables())
    dark = app.current_theme.dark
    app.update_classes({f"-theme-{name}": True, "-dark-mode": dark, "-light-mode": not dark},
                       update=False)
    app._refresh_truecolor_filter(app.ansi_theme)
