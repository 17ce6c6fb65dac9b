"""What a front end needs to start: plain data, filled in by the command line
(and later by the settings file), used by `make_app()` and the tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .speech import SpeechSettings


@dataclass(frozen=True)
class AppConfig:
    kb_root: Path | None = None
    speech: SpeechSettings = field(default_factory=SpeechSettings)
    speech_enabled: bool = True        # False: text only, no engine started
    auto_read: bool = True             # read every answer aloud as it appears
    emergency_number: str = "911"
