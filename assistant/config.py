"""What a front end needs to start: plain data, filled in by the command line
and the settings file, used by `make_app()` and the tests. Kept
free of heavy imports: the app imports it before its first screen."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

APP_NAME = "laminectomy-assistant"     # names the user folders: config, data, cache
MIN_RATE, MAX_RATE, RATE_STEP = 80, 260, 15


@dataclass(frozen=True)
class SpeechSettings:
    rate: int = 145                # words per minute; engines default to 200
    volume: float = 1.0
    voice: str | None = None

    def clamped(self) -> SpeechSettings:
        return replace(self, rate=max(MIN_RATE, min(MAX_RATE, int(self.rate))),
                       volume=max(0.0, min(1.0, float(self.volume))))


@dataclass(frozen=True)
class AppConfig:
    kb_root: Path | None = None
    speech: SpeechSettings = field(default_factory=SpeechSettings)
    speech_enabled: bool = True        # False: text only, no engine started
    auto_read: bool = True             # read every answer aloud as it appears
    emergency_number: str = "911"
    theme: str = "high-contrast"
    keep_history: bool = True          # record questions in the history database
    notices: tuple[str, ...] = ()      # problems found in the settings file, to show
    recogniser: str = "whisper"        # for F9: whisper, or pocketsphinx's domain or general
    surgery_date: str | None = None    # "2026-11-14": the day counts from here
    today: str | None = None           # a fixed "today" (tests, audits); None: the clock
    first_run: bool = False            # no settings file yet: ask for the operation date

    def recovery_dates(self) -> tuple[date | None, date | None]:
        """The operation date and a fixed today, as `Assistant` takes them."""
        return (date.fromisoformat(self.surgery_date) if self.surgery_date else None,
                date.fromisoformat(self.today) if self.today else None)
