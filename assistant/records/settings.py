"""The user's settings: one small TOML file in their config folder.

A missing file means the defaults. A file the user broke is never thrown
away: each bad key falls back to its default with a message saying which key
and where the file is, and before anything is saved over a file with
mistakes, the old file is kept beside it under another name.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import tomllib
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ..answering.recovery import DATE_EXAMPLE, parse_date
from ..config import APP_NAME, MAX_RATE, MIN_RATE, AppConfig, SpeechSettings

THEMES = {"high-contrast": "light text on black", "high-contrast-light": "dark text on white"}
EMERGENCY_NUMBERS = {"911": "USA and Canada", "999": "United Kingdom", "112": "Europe"}
_PHONE = re.compile(r"^\+?[0-9][0-9 -]{0,18}[0-9]$|^[0-9]$")


def settings_path() -> Path:
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME)) / "settings.toml"


@dataclass(frozen=True)
class Settings:
    rate: int = SpeechSettings.rate
    volume: float = SpeechSettings.volume
    voice: str = ""                         # "" is the system's default voice
    auto_read: bool = True
    emergency_number: str = "911"
    theme: str = "high-contrast"
    keep_history: bool = True
    surgery_date: str = ""                  # "2026-11-14"; "" is not known

    def speech(self) -> SpeechSettings:
        return SpeechSettings(self.rate, self.volume, self.voice or None)

    def app_config(self, **overrides: Any) -> AppConfig:
        values = {"surgery_date": self.surgery_date or None, **overrides}
        return AppConfig(speech=self.speech(), auto_read=self.auto_read,
                         emergency_number=self.emergency_number, theme=self.theme,
                         keep_history=self.keep_history, **values)


# ---- one checker per key: the value to use, or why it cannot be used ---------

class BadValue(ValueError):
    pass


def _whole_number(value: object) -> int:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadValue(f"should be a whole number from {MIN_RATE} to {MAX_RATE}")
    if not MIN_RATE <= value <= MAX_RATE:
        raise BadValue(f"should be from {MIN_RATE} to {MAX_RATE} words a minute")
    return value


def _fraction(value: object) -> float:
    if isinstance(value, str):
        text = value.strip()
        with contextlib.suppress(ValueError):
            value = float(text.rstrip("%")) / (100 if text.endswith("%") else 1)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise BadValue("should be a number from 0.0 (silent) to 1.0 (full)")
    if not 0.0 <= value <= 1.0:
        raise BadValue("should be from 0.0 (silent) to 1.0 (full)")
    return float(value)


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise BadValue('should be text in quotes, for example "en-us"')
    return value.strip()


def _yes_no(value: object) -> bool:
    if isinstance(value, str):
        value = {"true": True, "on": True, "yes": True,
                 "false": False, "off": False, "no": False}.get(value.strip().lower(), value)
    if not isinstance(value, bool):
        raise BadValue("should be true or false")
    return value


def _phone_number(value: object) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not _PHONE.match(value.strip()):
        raise BadValue('should be a telephone number in quotes, such as "911", "999" or "112"')
    return value.strip()


def _theme(value: object) -> str:
    if value not in THEMES:
        raise BadValue("should be one of " + ", ".join(f'"{t}"' for t in THEMES))
    return str(value)


def _date(value: object) -> str:
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        value = value.isoformat()
    if not isinstance(value, str):
        raise BadValue(f'should be a date in quotes, like "{DATE_EXAMPLE.split()[0]}", '
                       'or "" when not known')
    if not value.strip():
        return ""
    try:
        return parse_date(value).isoformat()
    except ValueError as exc:
        raise BadValue(f"should be the date of the operation: {exc}") from None


CHECKS: dict[str, Callable[[object], Any]] = {
    "rate": _whole_number, "volume": _fraction, "voice": _text, "auto_read": _yes_no,
    "emergency_number": _phone_number, "theme": _theme, "keep_history": _yes_no,
    "surgery_date": _date,
}
HELP = {
    "rate": "speaking speed in words a minute",
    "volume": "loudness from 0.0 to 1.0",
    "voice": 'voice id from "laminectomy-assistant speak --list-voices"; "" is the default',
    "auto_read": "read every answer aloud as it appears",
    "emergency_number": "the number to call in an emergency: 911, 999, 112 or your own",
    "theme": "colours: " + ", ".join(f'"{k}" ({v})' for k, v in THEMES.items()),
    "keep_history": "keep a list of your questions on this computer (for your doctor)",
    "surgery_date": 'the date of the operation, like "2026-11-14"; "" when not known',
}
assert set(CHECKS) == {f.name for f in fields(Settings)} == set(HELP)


def check_value(key: str, value: object) -> Any:
    """The value to store for `key`; raises BadValue with a sentence about why not."""
    if key not in CHECKS:
        raise BadValue(f"'{key}' is not a setting; the settings are: {', '.join(CHECKS)}")
    return CHECKS[key](value)


# ---- reading and writing the file -------------------------------------------

@dataclass(frozen=True)
class Loaded:
    settings: Settings
    path: Path
    problems: tuple[str, ...] = ()
    exists: bool = False

    @property
    def clean(self) -> bool:
        return not self.problems


def load_settings(path: Path | None = None) -> Loaded:
    path = path or settings_path()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Loaded(Settings(), path)
    except OSError as exc:
        return Loaded(Settings(), path, (f"The settings file {path} could not be read "
                                         f"({exc.strerror}); using the default settings.",), True)
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        reason = "it is not text" if isinstance(exc, UnicodeDecodeError) else str(exc)
        return Loaded(Settings(), path, (
            f"The settings file {path} has a mistake ({reason}). Using the default settings; "
            "the file is kept as it is for you to fix.",), True)
    values: dict[str, Any] = {}
    problems: list[str] = []
    for key, value in data.items():
        if key not in CHECKS:
            problems.append(f"In {path}, '{key}' is not a setting, so it is ignored.")
            continue
        try:
            values[key] = check_value(key, value)
        except BadValue as exc:
            problems.append(f"In {path}, '{key}' {exc}; "
                            f"using {getattr(Settings(), key)!r} instead.")
    return Loaded(replace(Settings(), **values), path, tuple(problems), True)


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


def to_toml(settings: Settings) -> str:
    lines = ["# Settings for the laminectomy assistant. Edit here, in the app (F4), or with",
             "#   laminectomy-assistant settings set KEY VALUE", ""]
    for key, value in asdict(settings).items():
        lines += [f"# {HELP[key]}", f"{key} = {_toml_value(value)}", ""]
    return "\n".join(lines)


@dataclass(frozen=True)
class Saved:
    path: Path
    kept: Path | None = field(default=None)   # where the old file with mistakes now is

    def message(self) -> str:
        text = f"Settings saved in {self.path}."
        if self.kept:
            text += f" Your old settings file had mistakes; it is kept as {self.kept}."
        return text


def save_settings(settings: Settings, path: Path | None = None) -> Saved:
    """Write atomically; a file with mistakes is first kept under another name."""
    path = path or settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    kept = None
    if path.exists() and not load_settings(path).clean:
        kept = path.with_name(f"{path.stem}-with-mistakes-"
                              f"{datetime.now():%Y%m%d-%H%M%S}{path.suffix}")
        os.replace(path, kept)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".settings-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(to_toml(settings))
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Saved(path, kept)
