"""The settings file: defaults, round trip, and a broken file kept and reported."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from assistant.records.settings import (
    THEMES,
    BadValue,
    Settings,
    check_value,
    load_settings,
    save_settings,
    settings_path,
)
from assistant.ui.theme import THEMES as UI_THEMES


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "assistant", *args], capture_output=True,
                          text=True, timeout=60)


def test_no_file_means_the_defaults(tmp_path: Path) -> None:
    loaded = load_settings(tmp_path / "settings.toml")
    assert loaded.settings == Settings() and loaded.clean and not loaded.exists
    assert Settings().rate == 145 and Settings().emergency_number == "911"


def test_the_file_lives_in_the_users_config_folder() -> None:
    # conftest points XDG_CONFIG_HOME at a temporary folder
    assert settings_path().parts[-3:] == ("xdg_config_home", "laminectomy-assistant",
                                          "settings.toml")


def test_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "settings.toml"
    chosen = Settings(rate=110, volume=0.6, voice="gmw/en-gb-x-rp", auto_read=False,
                      emergency_number="+61 000", theme="high-contrast-light",
                      keep_history=False)
    saved = save_settings(chosen, path)
    assert saved.kept is None and "Settings saved in" in saved.message()
    loaded = load_settings(path)
    assert loaded.settings == chosen and loaded.clean
    assert not list(path.parent.glob(".settings-*"))          # no temp file left behind


def test_corrupt_file_is_kept_reported_and_not_overwritten_silently(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    broken = b'rate = 160\nvoice = "en-us\n'
    path.write_bytes(broken)
    loaded = load_settings(path)
    assert loaded.settings == Settings()
    (problem,) = loaded.problems
    assert str(path) in problem and "line 2" in problem and "kept" in problem
    assert path.read_bytes() == broken                        # loading never writes

    saved = save_settings(Settings(rate=170), path)
    assert saved.kept is not None and saved.kept.read_bytes() == broken
    assert str(saved.kept) in saved.message()
    assert load_settings(path).settings.rate == 170


def test_binary_file_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_bytes(b"\xff\xfe\x00rate")
    (problem,) = load_settings(path).problems
    assert "not text" in problem and str(path) in problem


def test_bad_values_fall_back_one_key_at_a_time(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_text('rate = "fast"\nvolume = 3\nauto_read = false\ncolour = "red"\n'
                    'emergency_number = "call my son"\ntheme = "neon"\n', encoding="utf-8")
    loaded = load_settings(path)
    assert loaded.settings == Settings(auto_read=False)       # the one good key is kept
    text = "\n".join(loaded.problems)
    for key in ("'rate'", "'volume'", "'colour'", "'emergency_number'", "'theme'"):
        assert key in text
    assert "using 145 instead" in text and "ignored" in text
    assert all(str(path) in p for p in loaded.problems)


@pytest.mark.parametrize(("key", "given", "stored"), [
    ("rate", "160", 160), ("rate", 80, 80), ("volume", "40%", 0.4), ("volume", 1, 1.0),
    ("auto_read", "off", False), ("auto_read", True, True), ("emergency_number", 112, "112"),
    ("emergency_number", " 999 ", "999"), ("voice", "gmw/en-us", "gmw/en-us"),
    ("theme", "high-contrast-light", "high-contrast-light"),
])
def test_values_people_type_are_understood(key: str, given: object, stored: object) -> None:
    assert check_value(key, given) == stored


@pytest.mark.parametrize(("key", "given"), [
    ("rate", 10), ("rate", True), ("rate", 150.5), ("volume", -0.1), ("volume", "loud"),
    ("auto_read", "maybe"), ("emergency_number", "nine one one"), ("emergency_number", ""),
    ("voice", 3), ("theme", "dark"), ("speed", 100), ("rate", "²"), ("rate", "9" * 5000),
    ("theme", ["high-contrast"]), ("volume", float("nan")),
])
def test_bad_values_are_refused_with_a_reason(key: str, given: object) -> None:
    with pytest.raises(BadValue, match=r"should|not a setting"):
        check_value(key, given)


def test_every_theme_setting_has_a_theme_in_the_app() -> None:
    assert set(THEMES) == {t.name for t in UI_THEMES}


def test_cli_set_show_and_refuse() -> None:
    done = run("settings", "set", "emergency-number", "999")
    assert done.returncode == 0 and "Settings saved in" in done.stdout
    assert "emergency_number  = '999'" in done.stdout
    refused = run("settings", "set", "rate", "500")
    assert refused.returncode == 2
    assert "Not changed: 'rate' should be a whole number from 80 to 260" in refused.stderr
    assert load_settings().settings.emergency_number == "999"
    unknown = run("settings", "set", "colour", "red")
    assert unknown.returncode == 2 and "'colour' is not a setting" in unknown.stderr
    assert run("settings", "path").stdout.strip() == str(settings_path())


def test_cli_reports_a_broken_file_and_the_answer_uses_the_good_keys() -> None:
    path = settings_path()
    path.parent.mkdir(parents=True)
    path.write_text('emergency_number = "000"\nrate = []\n', encoding="utf-8")
    done = run("ask", "I can't move my legs and can't control my bladder")
    assert done.returncode == 0
    assert "dial 000." in done.stdout
    assert f"Note: In {path}, 'rate'" in done.stderr
    assert path.read_text(encoding="utf-8").endswith("rate = []\n")     # untouched
