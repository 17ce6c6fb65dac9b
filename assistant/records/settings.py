"""The user's settings: one small TOML file in their config folder.

A missing file means the defaults. A file the user broke is never thrown
away: each bad key falls back to its default with a message saying which key
and where the file is, and before anything is saved over a file with
mistakes, the old file is kept beside it under another name.
"""

from __future__ import annotations

import os
import re
import tempfile
import tomllib
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ..answering.dates import DATE_EXAMPLE, parse_date
from ..config import APP_NAME, MAX_RATE, MIN_RATE, AppConfig, SpeechSettings

THEMES = {"high-contrast": "light text on black", "high-contrast-light": "dark text on white"}
EMERGENCY_NUMBERS = {"911": "USA and Canada", "999": "United Kingdom", "112": "Europe"}
MAX_FILE_BYTES = 64_000       # a real settings file is under 1 kB; never read a huge one
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


# ---- one rule per key: what kind of value it holds, and its limits --------------
#
# A value is first read as its kind (whole number, number, yes/no, text), by
# type alone, so a list, a table or a date in the file is "the wrong kind" and
# never reaches a check that would trip on it; then the key's own limit is
# applied. A new setting is one Rule (and a reader, if it is a new kind).

class BadValue(ValueError):
    pass


def _whole_number(value: object) -> int | None:
    if isinstance(value, str):
        text = value.strip()
        return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _number(value: object) -> float | None:
    if isinstance(value, str):
        text = value.strip()
        try:
            return float(text.rstrip("%")) / (100 if text.endswith("%") else 1)
        except ValueError:
            return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return None


def _yes_no(value: object) -> bool | None:
    if isinstance(value, str):
        return {"true": True, "on": True, "yes": True,
                "false": False, "off": False, "no": False}.get(value.strip().lower())
    return value if isinstance(value, bool) else None


def _text(value: object) -> str | None:
    """Text without control characters (a NUL in a voice id once killed the speech)."""
    return value.strip() if isinstance(value, str) and value.isprintable() else None


def _digits_or_text(value: object) -> str | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return _text(value)


@dataclass(frozen=True)
class Rule:
    read: Callable[[object], Any]           # the value as its kind, or None if it is not one
    expect: str                             # "should be ...": what a good value looks like
    help: str                               # one line for `settings` and the file
    within: Callable[[Any], bool] = lambda value: True


def _date(value: object) -> str | None:
    """An operation date as "YYYY-MM-DD", "" when not known."""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    if not isinstance(value, str):
        return None
    if not value.strip():
        return ""
    try:
        return parse_date(value).isoformat()
    except ValueError:
        return None


RULES: dict[str, Rule] = {
    "rate": Rule(_whole_number, f"should be a whole number from {MIN_RATE} to {MAX_RATE} "
                 "(words a minute)", "speaking speed in words a minute",
                 lambda n: MIN_RATE <= n <= MAX_RATE),
    "volume": Rule(_number, "should be a number from 0.0 (silent) to 1.0 (full)",
                   "loudness from 0.0 to 1.0", lambda x: 0.0 <= x <= 1.0),
    "voice": Rule(_text, 'should be text in quotes, for example "en-us"',
                  'voice id from "laminectomy-assistant speak --list-voices"; "" is the default'),
    "auto_read": Rule(_yes_no, "should be true or false", "read every answer aloud as it appears"),
    "emergency_number": Rule(
        _digits_or_text, 'should be a telephone number in quotes, such as "911", "999" or "112"',
        "the number to call in an emergency: 911, 999, 112 or your own",
        lambda text: bool(_PHONE.match(text))),
    "theme": Rule(_text, "should be one of " + ", ".join(f'"{t}"' for t in THEMES),
                  "colours: " + ", ".join(f'"{k}" ({v})' for k, v in THEMES.items()),
                  lambda text: text in THEMES),
    "keep_history": Rule(_yes_no, "should be true or false",
                         "keep a list of your questions on this computer (for your doctor)"),
    "surgery_date": Rule(_date, f'should be the date of the operation in quotes, like '
                         f'"{DATE_EXAMPLE.split()[0]}", or "" when not known',
                         'the date of the operation, like "2026-11-14"; "" when not known'),
}
HELP = {key: rule.help for key, rule in RULES.items()}
assert set(RULES) == {f.name for f in fields(Settings)}


def check_value(key: str, value: object) -> Any:
    """The value to store for `key`; raises BadValue with a sentence about why not."""
    if key not in RULES:
        raise BadValue(f"'{key}' is not a setting; the settings are: {', '.join(RULES)}")
    rule = RULES[key]
    read = rule.read(value)
    if read is None or not rule.within(read):
        raise BadValue(rule.expect)
    return read


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
        with path.open("rb") as f:
            raw = f.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        return Loaded(Settings(), path)
    except OSError as exc:
        return Loaded(Settings(), path, (f"The settings file {path} could not be read "
                                         f"({exc.strerror}); using the default settings.",), True)
    if len(raw) > MAX_FILE_BYTES:
        return Loaded(Settings(), path, (
            f"The settings file {path} is too large to be a settings file (over "
            f"{MAX_FILE_BYTES // 1000} kB). Using the default settings; the file is kept as "
            "it is.",), True)
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError) as exc:   # tomllib: also 5,000 digits or 5,000 [
        reason = ("it is not text" if isinstance(exc, UnicodeDecodeError) else
                  str(exc) if isinstance(exc, tomllib.TOMLDecodeError) else "it is not settings")
        return Loaded(Settings(), path, (
            f"The settings file {path} has a mistake ({reason}). Using the default settings; "
            "the file is kept as it is for you to fix.",), True)
    values: dict[str, Any] = {}
    problems: list[str] = []
    for key, value in data.items():
        if key not in RULES:
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
