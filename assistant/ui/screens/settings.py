"""Settings: speed, loudness, voice, reading aloud, the emergency number, colours,
keeping the history, and the date of the operation.

Dismisses with the new `Settings`, or None when cancelled; the app saves
them and puts them into effect.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Select, Static, Switch

from ...answering.dates import DATE_EXAMPLE
from ...config import MAX_RATE, MIN_RATE, RATE_STEP
from ...records.settings import (
    EMERGENCY_NUMBERS,
    THEMES,
    BadValue,
    Settings,
    check_value,
    settings_path,
)

if TYPE_CHECKING:
    from ...voice.speech_engine import Voice
    from ..app import AssistantApp

OTHER = "other"
LOUDNESS = [(f"{p}%", p / 100) for p in (100, 80, 60, 40, 20)]


def english(voices: list[Voice]) -> list[Voice]:
    """The guide is in English: only voices that can read it well."""
    return [v for v in voices if any(lang.lower().startswith("en") for lang in v.languages)]


class SettingsScreen(ModalScreen[Settings | None]):
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", key_display="Esc", tooltip="Close, change nothing"),
        Binding("ctrl+s", "save", "Save", key_display="Ctrl+S", tooltip="Save and close"),
        Binding("f4", "cancel", "Close", show=False),
    ]

    def __init__(self, current: Settings, path: Path, voices: list[Voice] | None = None) -> None:
        super().__init__()
        self.current = current
        self.path = path
        self.rate = current.rate
        self.voices = voices

    def compose(self) -> ComposeResult:
        s = self.current
        number_known = s.emergency_number in EMERGENCY_NUMBERS
        with Vertical(id="settings-box"):
            yield Static("Settings", id="settings-title")
            with VerticalScroll(id="settings-form"):
                with Horizontal(classes="setting"):
                    yield Static("Speaking speed", classes="setting-name")
                    yield Button("Slower", id="rate-down", compact=True)
                    yield Static(id="rate-value")
                    yield Button("Faster", id="rate-up", compact=True)
                with Horizontal(classes="setting"):
                    yield Static("Loudness", classes="setting-name")
                    nearest = min(LOUDNESS, key=lambda o: abs(o[1] - s.volume))[1]
                    yield Select(LOUDNESS, value=nearest, allow_blank=False, id="volume")
                with Horizontal(classes="setting"):
                    yield Static("Voice", classes="setting-name")
                    yield Select([("Default voice", "")], value="", allow_blank=False, id="voice")
                with Horizontal(classes="setting"):
                    yield Static("Read every answer aloud", classes="setting-name")
                    yield Switch(value=s.auto_read, id="auto-read-switch")
                with Horizontal(classes="setting"):
                    yield Static("Emergency number", classes="setting-name")
                    yield Select([(f"{n} ({where})", n) for n, where in EMERGENCY_NUMBERS.items()]
                                 + [("Another number", OTHER)],
                                 value=s.emergency_number if number_known else OTHER,
                                 allow_blank=False, id="emergency")
                with Horizontal(classes="setting", id="other-number-row"):
                    yield Static("Your emergency number", classes="setting-name")
                    yield Input("" if number_known else s.emergency_number, id="other-number",
                                placeholder="for example 000", max_length=20)
                with Horizontal(classes="setting"):
                    yield Static("Colours", classes="setting-name")
                    yield Select([(f"{text[0].upper()}{text[1:]}", name)
                                  for name, text in THEMES.items()],
                                 value=s.theme, allow_blank=False, id="theme-choice")
                with Horizontal(classes="setting"):
                    yield Static("Keep a list of my questions", classes="setting-name")
                    yield Switch(value=s.keep_history, id="history-switch")
                with Horizontal(classes="setting"):
                    yield Static("Date of the operation", classes="setting-name")
                    yield Input(s.surgery_date, id="surgery-date-setting", max_length=40,
                                placeholder=f"{DATE_EXAMPLE}; empty if not known")
                yield Static(f"Saved in {self.path}", id="settings-path", markup=False)
            with Horizontal(id="settings-buttons"):
                yield Button("Ctrl+S Save", id="save", variant="primary", action="screen.save")
                yield Button("Esc Cancel", id="cancel", action="screen.cancel")

    def on_mount(self) -> None:
        self._show_rate()
        self._other_number_shown()
        self.query_one("#rate-down").focus()
        if self.voices is None:
            self._load_voices()
        else:
            self._fill_voices(self.voices)

    @work(thread=True, exclusive=True, group="voices", exit_on_error=False)
    def _load_voices(self) -> None:
        voices_of = getattr(self.app, "speech", None)
        try:
            found = voices_of.voices() if voices_of and hasattr(voices_of, "voices") else []
        except Exception:           # no engine: the default voice is the only choice
            found = []
        self.app.call_from_thread(self._fill_voices, found)

    def _fill_voices(self, voices: list[Voice]) -> None:
        choices = [("Default voice", "")] + [(v.name, v.id) for v in english(voices)]
        if self.current.voice and self.current.voice not in {c[1] for c in choices}:
            choices.append((self.current.voice, self.current.voice))
        select = self.query_one("#voice", Select)
        select.set_options(choices)
        select.value = self.current.voice

    def _show_rate(self) -> None:
        self.query_one("#rate-value", Static).update(f" {self.rate} words a minute ")

    def _other_number_shown(self) -> None:
        other = self.query_one("#emergency", Select).value == OTHER
        self.query_one("#other-number-row").display = other

    @on(Button.Pressed, "#rate-down, #rate-up")
    def _rate(self, event: Button.Pressed) -> None:
        event.stop()
        step = RATE_STEP if event.button.id == "rate-up" else -RATE_STEP
        self.rate = max(MIN_RATE, min(MAX_RATE, self.rate + step))
        self._show_rate()

    @on(Select.Changed, "#emergency")
    def _emergency(self, event: Select.Changed) -> None:
        event.stop()
        self._other_number_shown()
        if event.value == OTHER:
            self.query_one("#other-number", Input).focus()

    def chosen(self) -> Settings:
        """The settings as now chosen on screen; raises BadValue for a bad number."""
        number = self.query_one("#emergency", Select).value
        if number == OTHER:
            number = check_value("emergency_number", self.query_one("#other-number", Input).value)
        return replace(
            self.current, rate=self.rate,
            volume=float(self.query_one("#volume", Select).value),  # type: ignore[arg-type]
            voice=str(self.query_one("#voice", Select).value),
            auto_read=self.query_one("#auto-read-switch", Switch).value,
            emergency_number=str(number),
            theme=str(self.query_one("#theme-choice", Select).value),
            keep_history=self.query_one("#history-switch", Switch).value,
            surgery_date=check_value("surgery_date",
                                     self.query_one("#surgery-date-setting", Input).value))

    def action_save(self) -> None:
        date_box = self.query_one("#surgery-date-setting", Input)
        try:
            check_value("surgery_date", date_box.value)
        except BadValue as exc:
            self.notify(f"The date of the operation {exc}.", severity="error", timeout=15)
            date_box.focus()
            return
        try:
            settings = self.chosen()
        except BadValue as exc:
            self.notify(f"The emergency number {exc}.", severity="error")
            self.query_one("#other-number", Input).focus()
            return
        self.dismiss(settings)

    def action_cancel(self) -> None:
        self.dismiss(None)


def open_settings(app: AssistantApp) -> None:
    """F4: the settings, shown once; what is saved there applies at once."""
    if not isinstance(app.screen, SettingsScreen):
        app.push_screen(SettingsScreen(app.services.settings(app.auto_read, app.theme),
                                       settings_path()),
                        lambda chosen: app.use_settings(chosen) if chosen else None)
