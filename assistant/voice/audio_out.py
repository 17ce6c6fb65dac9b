"""Playing sound through a player that can be killed at once.

Stopping speech must be instant, so sound is never played by the engine:
frames go to a small player program (pacat or aplay on Linux, afplay on
macOS) that runs in its own process group and dies on request, taking its
buffered audio with it.
"""

from __future__ import annotations

import array
import contextlib
import itertools
import os
import shutil
import signal
import subprocess
import sys
import threading
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

CHUNK_SECONDS = 0.1
PROBE_TIMEOUT = 3.0


@dataclass(frozen=True)
class AudioFormat:
    rate: int
    channels: int = 1
    width: int = 2                 # bytes per sample


def read_wav(path: Path) -> tuple[AudioFormat, bytes]:
    with wave.open(str(path), "rb") as w:
        fmt = AudioFormat(w.getframerate(), w.getnchannels(), w.getsampwidth())
        return fmt, w.readframes(w.getnframes())


def write_wav(path: Path, fmt: AudioFormat, frames: bytes) -> None:
    # The file is opened first: when wave.open() itself cannot open it, the half-made
    # writer complains again from its __del__ ("Exception ignored in ...").
    with path.open("wb") as f, wave.open(f, "wb") as w:
        w.setnchannels(fmt.channels)
        w.setsampwidth(fmt.width)
        w.setframerate(fmt.rate)
        w.writeframes(frames)


def with_volume(fmt: AudioFormat, frames: bytes, volume: float) -> bytes:
    """Scale 16-bit samples; the engines' own volume settings are not reliable."""
    if fmt.width != 2 or volume >= 0.999:
        return frames
    samples = array.array("h", frames)
    for i, s in enumerate(samples):
        samples[i] = int(s * max(volume, 0.0))
    return samples.tobytes()


def _kill(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is not None:
        return
    if hasattr(os, "killpg"):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
    else:
        proc.kill()
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=1)


def _start(cmd: list[str], stdin: int | None = None) -> subprocess.Popen[bytes]:
    return subprocess.Popen(cmd, stdin=stdin, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)


def _wait_unless(proc: subprocess.Popen[bytes], cancelled: threading.Event) -> bool | None:
    """The player's success once it ends, or None if cancelled first."""
    while not cancelled.is_set():
        try:
            return proc.wait(timeout=0.02) == 0
        except subprocess.TimeoutExpired:
            continue
    return None


class Stream(Protocol):
    def write(self, frames: bytes) -> bool: ...
    def drain(self, cancelled: threading.Event) -> bool: ...
    def kill(self) -> None: ...


class PipeStream:
    """A player reading raw frames on stdin: the first sound comes quickly."""

    def __init__(self, cmd: list[str], fmt: AudioFormat) -> None:
        self.proc = _start(cmd, stdin=subprocess.PIPE)
        self.chunk = max(1, int(fmt.rate * CHUNK_SECONDS)) * fmt.width * fmt.channels

    def write(self, frames: bytes) -> bool:
        assert self.proc.stdin
        try:
            for i in range(0, len(frames), self.chunk):
                self.proc.stdin.write(frames[i:i + self.chunk])
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError, ValueError):
            return False
        return True

    def drain(self, cancelled: threading.Event) -> bool:
        with contextlib.suppress(BrokenPipeError, OSError):
            assert self.proc.stdin
            self.proc.stdin.close()
        finished = _wait_unless(self.proc, cancelled)
        if finished is None:
            self.kill()
        return finished is not False

    def kill(self) -> None:
        _kill(self.proc)


class FileStream:
    """A player given one WAV file per sentence (macOS afplay)."""

    def __init__(self, cmd: list[str], fmt: AudioFormat, folder: Path) -> None:
        self.cmd, self.fmt, self.folder = cmd, fmt, folder
        self.proc: subprocess.Popen[bytes] | None = None
        self.killed = False
        self.names = itertools.count()

    def write(self, frames: bytes) -> bool:
        if not self._wait() or self.killed:
            return False
        path = self.folder / f"play-{next(self.names)}.wav"
        write_wav(path, self.fmt, frames)
        self.proc = _start([*self.cmd, str(path)])
        return True

    def _wait(self) -> bool:
        return self.proc is None or self.proc.wait() == 0

    def drain(self, cancelled: threading.Event) -> bool:
        finished = _wait_unless(self.proc, cancelled) if self.proc else None
        if finished is None:
            self.kill()
        return finished is not False

    def kill(self) -> None:
        self.killed = True
        if self.proc:
            _kill(self.proc)


@dataclass(frozen=True)
class Output:
    """A way to play sound on this machine."""

    name: str
    raw: bool                      # frames on stdin, or a file per sentence

    def command(self, fmt: AudioFormat) -> list[str]:
        if self.name == "pacat":
            return ["pacat", "--playback", "--format=s16le", f"--rate={fmt.rate}",
                    f"--channels={fmt.channels}", "--latency-msec=50",
                    "--client-name=laminectomy-assistant"]
        if self.name == "aplay":
            return ["aplay", "-q", "-t", "raw", "-f", "S16_LE", "-r", str(fmt.rate),
                    "-c", str(fmt.channels), "-"]
        return [self.name]

    def open(self, fmt: AudioFormat, folder: Path) -> Stream:
        if self.raw:
            return PipeStream(self.command(fmt), fmt)
        return FileStream(self.command(fmt), fmt, folder)

    def works(self) -> bool:
        """Play a moment of silence: the only sure test that a device is there."""
        fmt = AudioFormat(22050)
        if not self.raw:
            return True
        try:
            proc = subprocess.run(self.command(fmt), input=bytes(441 * 2),
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                  timeout=PROBE_TIMEOUT, start_new_session=True)
        except (OSError, subprocess.TimeoutExpired):
            return False
        return proc.returncode == 0


PLAYERS = ("pacat", "aplay")        # Linux; macOS always has afplay


def player_installed() -> bool:
    """Whether a player program is there at all: without one, the device is not to blame."""
    return sys.platform == "darwin" or any(shutil.which(name) for name in PLAYERS)


def find_output() -> Output | None:
    """The first player that can really play here, or None (no sound device)."""
    if sys.platform == "darwin":
        return Output("afplay", raw=False)
    for name in PLAYERS:
        if shutil.which(name) and Output(name, raw=True).works():
            return Output(name, raw=True)
    return None
