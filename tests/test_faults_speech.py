"""Fault suite, reading aloud: long lowercase text, a missing folder, values the
settings would refuse, and missing player programs (issue 15, items 10, 14-16)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import wave
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.voice.speech_text import MAX_PIECE, for_the_ear

from .audio import NullSink

pytestmark = pytest.mark.faults
needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None,
                                  reason="espeak-ng does the speaking")

LOWERCASE = ("walk a little more each day and rest when you are tired. "
             "do not lift anything heavier than a gallon of milk, and ask for help. ")


def speak(*args: str, env: dict[str, str] | None = None,
          stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "assistant", "speak", *args], input=stdin,
                          capture_output=True, text=True, timeout=300, env=env)


@pytest.mark.parametrize("text", [
    LOWERCASE * 160,                                             # 20 kB, no capital letter
    "walk a little more each day " * 700,                        # no stop at all
    "a" * 5_000 + " then rest",                                  # one endless word
], ids=["lowercase-sentences", "no-stops", "endless-word"])
def test_long_text_is_spoken_in_bounded_pieces_whatever_its_case(text: str) -> None:
    pieces = for_the_ear(text)
    assert pieces and max(len(p) for p in pieces) <= MAX_PIECE
    assert "".join(pieces).replace(" ", "") == text.replace(" ", "")   # nothing lost


@needs_espeak
def test_twenty_kilobytes_of_lowercase_text_make_a_wav(tmp_path: Path) -> None:
    out = tmp_path / "long.wav"
    done = speak("--to", str(out), stdin=LOWERCASE * 160)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    with wave.open(str(out), "rb") as w:
        minutes = w.getnframes() / w.getframerate() / 60
    assert minutes > 10                    # about 3,300 words at 145 words a minute


@needs_espeak
def test_a_missing_folder_is_one_message_and_nothing_more(tmp_path: Path) -> None:
    done = speak("--to", str(tmp_path / "no-such-folder" / "out.wav"), "Hello there.")
    assert done.returncode == 1
    assert done.stderr.startswith("Could not write") and "no-such-folder" in done.stderr
    assert "Exception ignored" not in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(("option", "value", "why"), [
    ("--rate", "5", "from 80 to 260"),
    ("--rate", "fast", "whole number"),
    ("--volume", "nan", "0.0 (silent) to 1.0"),
    ("--volume", "2", "0.0 (silent) to 1.0"),
])
def test_speak_refuses_what_the_settings_refuse(option: str, value: str, why: str,
                                                tmp_path: Path) -> None:
    out = tmp_path / "out.wav"
    done = speak(option, value, "--to", str(out), "Hello there.")
    assert done.returncode == 2 and why in done.stderr and option in done.stderr, done.stderr
    assert not out.exists() and "Traceback" not in done.stderr
    key = option.removeprefix("--")
    refused = subprocess.run([sys.executable, "-m", "assistant", "settings", "set", key, value],
                             capture_output=True, text=True, timeout=60)
    assert refused.returncode == 2 and why in refused.stderr     # the same rule, said alike


@needs_espeak
def test_an_unknown_voice_is_refused_and_a_known_one_used(tmp_path: Path) -> None:
    done = speak("--voice", "nosuch", "--to", str(tmp_path / "a.wav"), "Hello there.")
    assert done.returncode == 2 and "nosuch" in done.stderr and "--list-voices" in done.stderr
    assert not (tmp_path / "a.wav").exists()
    for voice in ("gmw/en-US", "en-us"):
        done = speak("--voice", voice, "--to", str(tmp_path / "b.wav"), "Hello there.")
        assert done.returncode == 0, done.stderr


@pytest.fixture(scope="module")
def sink() -> Iterator[NullSink]:
    if not NullSink.available():
        pytest.skip("pulseaudio/pulseaudio-utils are missing; `make test` installs them")
    sink = NullSink().start()
    yield sink
    sink.stop()


@needs_espeak
def test_missing_player_programs_are_named_not_blamed_on_the_device(
        sink: NullSink, tmp_path: Path) -> None:
    only_espeak = tmp_path / "bin"
    only_espeak.mkdir()
    (only_espeak / "espeak-ng").symlink_to(shutil.which("espeak-ng") or "espeak-ng")
    path = os.pathsep.join([str(Path(sys.executable).parent), str(only_espeak)])
    done = speak("Hello there.", env={**sink.env(), "PATH": path})
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "no sound device" not in done.stderr
    assert "pacat" in done.stderr and "aplay" in done.stderr, done.stderr
    # With the players back, the same sink plays it: the device was never the problem.
    assert speak("Hello there.", env=sink.env()).returncode == 0
