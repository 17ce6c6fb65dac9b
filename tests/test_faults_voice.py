"""Fault suite, asking by voice from a file: recordings that are empty, cut short,
at telephone rates, or ten minutes long (issue 15, items 4, 5 and 6)."""

from __future__ import annotations

import json
import resource
import shutil
import subprocess
import sys
import wave
from pathlib import Path

import numpy as np
import pytest

pytestmark = [pytest.mark.faults,
              pytest.mark.skipif(shutil.which("espeak-ng") is None,
                                 reason="espeak-ng makes the spoken questions")]

QUESTION = "when can I drive again after my surgery"
HEADER = 44                                   # bytes before the samples in a plain WAV


def say(text: str, path: Path) -> np.ndarray:
    """espeak-ng's speech (22,050 Hz) as samples."""
    subprocess.run(["espeak-ng", "-v", "en-us", "-s", "150", "-w", str(path), text],
                   check=True, capture_output=True)
    with wave.open(str(path), "rb") as w:
        return np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")


def write(path: Path, samples: np.ndarray, rate: int) -> Path:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(samples.astype("<i2").tobytes())
    return path


def ask_wav(path: Path, limit: int | None = None) -> subprocess.CompletedProcess[str]:
    def bounded() -> None:
        if limit is not None:
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    # The bound is on reading the recording in the app's process: with it, the light
    # recogniser, since Whisper's own process would inherit the bound (and fall back).
    model = ["--model", "domain"] if limit is not None else []
    return subprocess.run([sys.executable, "-m", "assistant", "ask", "--json", "--wav",
                           str(path), *model], capture_output=True, text=True, timeout=120,
                          preexec_fn=bounded)


def test_an_empty_recording_is_a_message_not_a_traceback(tmp_path: Path) -> None:
    empty = write(tmp_path / "empty.wav", np.zeros(0), 16_000)
    # A header that promises a second of sound, and nothing after it.
    promised = write(tmp_path / "promised.wav", np.zeros(16_000), 16_000)
    promised.write_bytes(promised.read_bytes()[:HEADER])
    for path in (empty, promised):
        done = ask_wav(path)
        assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
        assert "holds no sound" in done.stderr and str(path) in done.stderr


def test_a_recording_cut_short_is_used_with_a_note(tmp_path: Path) -> None:
    whole = write(tmp_path / "whole.wav", say(QUESTION, tmp_path / "q.wav"), 22_050)
    data = whole.read_bytes()
    for cut in (len(data) * 3 // 4, len(data) * 3 // 4 + 1):       # even and odd
        short = tmp_path / f"short-{cut}.wav"
        short.write_bytes(data[:cut])
        done = ask_wav(short)
        assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
        assert "ends before its header says" in done.stderr
        assert "drive" in json.loads(done.stdout)["transcript"]


def _band_limited(samples: np.ndarray, rate: int, new_rate: int) -> np.ndarray:
    """Down-sample the way a telephone line does: nothing above the new Nyquist."""
    n = round(len(samples) * new_rate / rate)
    spectrum = np.fft.rfft(samples.astype(float))[: n // 2 + 1]
    return np.fft.irfft(spectrum, n) * n / len(samples)


@pytest.mark.parametrize("rate", [8_000, 11_025])
def test_telephone_rates_are_heard(rate: int, tmp_path: Path) -> None:
    samples = _band_limited(say(QUESTION, tmp_path / "q.wav"), 22_050, rate)
    done = ask_wav(write(tmp_path / f"{rate}.wav", samples, rate))
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    assert "drive" in json.loads(done.stdout)["transcript"]


def _peak_memory(tmp_path: Path) -> int:
    """The address space `ask --wav` needs for a short question, in bytes."""
    path = write(tmp_path / "short.wav", say(QUESTION, tmp_path / "q.wav"), 22_050)
    code = ("import runpy, sys\n"
            f"sys.argv = ['assistant', 'ask', '--json', '--wav', {str(path)!r}, "
            "'--model', 'domain']\n"
            "try:\n"
            "    runpy.run_module('assistant', run_name='__main__')\n"
            "finally:\n"
            "    peak = [l for l in open('/proc/self/status') if l.startswith('VmPeak')]\n"
            "    sys.stderr.write(peak[0])\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    return int(done.stderr.split("VmPeak:")[1].split()[0]) * 1024


def test_ten_minutes_of_recording_are_trimmed_and_capped_in_bounded_memory(
        tmp_path: Path) -> None:
    limit = _peak_memory(tmp_path) + 48 * 2**20
    minutes = 16_000 * 600
    silent = write(tmp_path / "silent.wav", np.zeros(minutes), 16_000)
    done = ask_wav(silent, limit)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    assert json.loads(done.stdout)["transcript"] == ""
    # Speech in the middle of ten minutes of quiet is found; talk that goes on
    # and on is cut, and the user is told.
    speech = _band_limited(say(QUESTION, tmp_path / "q.wav"), 22_050, 16_000)
    middle = np.zeros(minutes)
    middle[minutes // 2: minutes // 2 + len(speech)] = speech
    done = ask_wav(write(tmp_path / "middle.wav", middle, 16_000), limit)
    assert done.returncode == 0 and "drive" in json.loads(done.stdout)["transcript"]
    assert "Note" not in done.stderr, done.stderr
    talk = np.resize(np.concatenate([speech, np.zeros(8_000)]), minutes)
    done = ask_wav(write(tmp_path / "talk.wav", talk, 16_000), limit)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    assert "only the first 30 seconds" in done.stderr
