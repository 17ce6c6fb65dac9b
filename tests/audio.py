"""Real audio for tests and benchmarks: a throw-away PulseAudio null sink and a
recorder of what actually reached it, plus WAV measurements with the
standard `wave` and `array` modules."""

from __future__ import annotations

import array
import math
import os
import shutil
import subprocess
import tempfile
import threading
import time
import wave
from pathlib import Path

RATE = 16_000
CHUNK = RATE // 100 * 2            # 10 ms of 16-bit mono
LOUD_RMS = 300.0                   # espeak speech is in the thousands; silence is 0


def rms(samples: array.array) -> float:
    return math.sqrt(sum(s * s for s in samples) / len(samples)) if samples else 0.0


def wav_samples(path: Path) -> tuple[array.array, int]:
    with wave.open(str(path), "rb") as w:
        assert w.getsampwidth() == 2 and w.getnchannels() == 1
        return array.array("h", w.readframes(w.getnframes())), w.getframerate()


def wav_seconds(path: Path) -> float:
    samples, rate = wav_samples(path)
    return len(samples) / rate


def voiced_seconds(path: Path, window: float = 0.01) -> float:
    """Length from the first to the last loud moment: the spoken part only."""
    samples, rate = wav_samples(path)
    step = max(1, int(rate * window))
    loud = [i for i in range(0, len(samples), step) if rms(samples[i:i + step]) > LOUD_RMS]
    return (loud[-1] - loud[0] + step) / rate if loud else 0.0


class NullSink:
    """A private PulseAudio with one null sink; clients reach it via PULSE_SERVER."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="pa-test-"))
        self.server = f"unix:{self.folder / 'native'}"
        self.proc: subprocess.Popen[bytes] | None = None

    @staticmethod
    def available() -> bool:
        return all(shutil.which(p) for p in ("pulseaudio", "parec", "pactl", "pacat"))

    def env(self) -> dict[str, str]:
        return {**os.environ, "PULSE_SERVER": self.server}

    def start(self) -> NullSink:
        env = {**os.environ, "HOME": str(self.folder), "XDG_RUNTIME_DIR": str(self.folder)}
        self.proc = subprocess.Popen(
            ["pulseaudio", "-n", "--daemonize=no", "--exit-idle-time=-1", "--use-pid-file=no",
             "--disable-shm=yes", "-L", "module-null-sink sink_name=nullsink",
             "-L", f"module-native-protocol-unix auth-anonymous=1 "
                   f"socket={self.folder / 'native'}",
             "-L", "module-always-sink"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            probe = subprocess.run(["pactl", "info"], env=self.env(), capture_output=True)
            if probe.returncode == 0:
                return self
            time.sleep(0.05)
        self.stop()
        raise RuntimeError("the test PulseAudio server did not start")

    def stop(self) -> None:
        if self.proc:
            self.proc.terminate()
            self.proc.wait(timeout=10)
            self.proc = None
        shutil.rmtree(self.folder, ignore_errors=True)

    def record(self) -> Recorder:
        return Recorder(self.env())


class Recorder:
    """Records the sink's monitor, stamping every 10 ms chunk with its arrival time."""

    def __init__(self, env: dict[str, str]) -> None:
        self.chunks: list[tuple[float, float]] = []       # (arrival time, rms)
        self.proc = subprocess.Popen(
            ["parec", "-d", "nullsink.monitor", "--format=s16le", f"--rate={RATE}",
             "--channels=1", "--raw", "--latency-msec=10"],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()
        while not self.chunks:                             # recording has begun
            time.sleep(0.005)

    def _read(self) -> None:
        assert self.proc.stdout
        while data := self.proc.stdout.read(CHUNK):
            self.chunks.append((time.perf_counter(), rms(array.array("h", data))))

    def close(self) -> None:
        self.proc.kill()
        self.proc.wait()

    def loud_times(self, since: float = 0.0, until: float = math.inf) -> list[float]:
        return [t for t, level in list(self.chunks) if since <= t <= until and level > LOUD_RMS]

    def first_loud(self, since: float, timeout: float = 5.0) -> float | None:
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if times := self.loud_times(since):
                return times[0]
            time.sleep(0.005)
        return None

    def last_sound_after(self, since: float, listen: float = 1.0) -> float:
        """Listen a while, then say when sound last reached the sink after `since`."""
        time.sleep(listen)
        times = self.loud_times(since)
        return times[-1] if times else since
