"""pyttsx3 in a process of its own, turning one sentence at a time into a WAV.

pyttsx3 is what gives Windows and macOS users their system's better voices,
so it stays the engine. On Linux (espeak-ng) it misbehaves in ways a user
must never meet: `stop()` does not stop, a rate change is sometimes applied
one utterance late or not at all, `save_to_file` now and then writes
nothing, and with no sound card it prints ALSA errors over the screen. So
the engine lives in a child process that only synthesises to files: its
output goes nowhere, every file is checked, the rate is measured, and a
crashed or hung child is simply replaced. Playing is done elsewhere
(`audio_out.py`), by a player that can be killed at once.

Run as `python -m assistant.voice.speech_engine [--voice V]`; it speaks JSON
lines on stdin/stdout.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import queue
import subprocess
import sys
import tempfile
import threading
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# A sentence whose length at a known rate tells the engine's real speed.
CALIBRATION = "Please read this short sentence so that the speaking rate can be checked."
RATE_TOLERANCE = 0.15
START_TIMEOUT = 15.0
SYNTH_TIMEOUT = 10.0


class EngineMissing(RuntimeError):
    """pyttsx3 could not start a speech engine on this machine."""


class EngineFailed(RuntimeError):
    """The engine process died, hung or produced no audio."""


@dataclass(frozen=True)
class Voice:
    id: str
    name: str
    languages: tuple[str, ...]


def wav_seconds(path: Path) -> float:
    with wave.open(str(path), "rb") as w:
        return w.getnframes() / float(w.getframerate())


# ---- the child -----------------------------------------------------------

class _Child:
    """Owns the pyttsx3 engine; created and used in one thread, as it needs."""

    def __init__(self, voice: str | None) -> None:
        import pyttsx3  # imported here: a missing library becomes a reply, not a crash
        self.engine = pyttsx3.init()
        # With espeak, runAndWait() returns while synthesis still runs on
        # espeak's own thread (its loop ends before the utterance does); a
        # rate set then is lost and the file is not written yet. The engine's
        # own "finished-utterance" event comes after the file is complete.
        self.finished = threading.Event()
        self.engine.connect("finished-utterance", lambda **_: self.finished.set())
        self.espeak = None
        if sys.platform.startswith("linux"):
            # espeak also runs setProperty on that thread, and pyttsx3's next
            # runAndWait cancels whatever is still queued there: a rate change
            # is silently dropped. Synchronize() waits until espeak is idle.
            from pyttsx3.drivers import _espeak
            self.espeak = _espeak
        self.default_rate = int(self.engine.getProperty("rate") or 200)
        self.voice_error = None
        if voice:
            try:
                self.engine.setProperty("voice", voice)
            except (ValueError, KeyError, OSError) as exc:
                self.voice_error = str(exc)
        self.scale: float | None = None         # seconds of CALIBRATION x words per minute
        self.rate: int | None = None

    def save(self, text: str, path: Path) -> None:
        """Synthesise and wait for the finished file; retry if none came."""
        for _ in range(3):
            path.unlink(missing_ok=True)
            self.finished.clear()
            self.engine.save_to_file(text, str(path))
            self.engine.runAndWait()
            self.finished.wait(SYNTH_TIMEOUT / 2)
            self._settle()
            try:
                if wav_seconds(path) > 0:
                    return
            except (OSError, EOFError, wave.Error):
                pass
        raise EngineFailed("the engine wrote no audio")

    def _settle(self) -> None:
        if self.espeak is not None:
            self.espeak.Synchronize()

    def measured_rate(self, scratch: Path) -> float:
        self.save(CALIBRATION, scratch)
        return (self.scale or 0.0) / wav_seconds(scratch)

    def use_rate(self, rate: int, scratch: Path) -> bool:
        """Set the rate and measure that it took: engines do not always say."""
        if self.scale is None:                  # a fresh engine is at its default rate
            self.save(CALIBRATION, scratch)
            self.scale = wav_seconds(scratch) * self.default_rate
        for _ in range(3):
            self.engine.setProperty("rate", rate)
            self._settle()
            if abs(self.measured_rate(scratch) / rate - 1) <= RATE_TOLERANCE:
                self.rate = rate
                return True
        self.rate = None
        return False

    def handle(self, request: dict[str, Any]) -> dict[str, Any]:
        if request["op"] == "voices":
            voices = self.engine.getProperty("voices") or []
            return {"ok": True, "voices": [
                {"id": v.id, "name": v.name,
                 "languages": [str(lang) for lang in (v.languages or [])]} for v in voices]}
        path = Path(request["path"])
        rate_ok = True
        if request.get("rate") and request["rate"] != self.rate:
            rate_ok = self.use_rate(int(request["rate"]), path.with_suffix(".cal.wav"))
        self.save(request["text"], path)
        return {"ok": True, "rate_ok": rate_ok}


def serve(voice: str | None, rate: int | None) -> None:
    # Keep a private copy of stdout for replies, then send fd 1 and 2 to
    # nowhere: pyttsx3 prints "Audio saved to ..." and ALSA prints errors.
    replies = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)

    def reply(obj: dict[str, Any]) -> None:
        replies.write(json.dumps(obj) + "\n")

    try:
        child = _Child(voice)
        if rate:                                # measured now, not on the first answer
            with tempfile.TemporaryDirectory(prefix="laminectomy-engine-") as scratch:
                child.use_rate(rate, Path(scratch) / "calibration.wav")
    except Exception as exc:                    # no pyttsx3, no libespeak, no driver
        reply({"ready": False, "error": f"{type(exc).__name__}: {exc}"})
        return
    reply({"ready": True, "voice_error": child.voice_error, "pid": os.getpid()})
    for line in sys.stdin:
        try:
            reply(child.handle(json.loads(line)))
        except Exception as exc:
            reply({"ok": False, "error": f"{type(exc).__name__}: {exc}"})


# ---- the parent's handle -------------------------------------------------

class EngineProcess:
    """One engine child. Any failure leaves it dead; `ensure()` makes a new one."""

    def __init__(self, voice: str | None = None, rate: int | None = None) -> None:
        self.voice = voice
        self.rate = rate
        self.voice_error: str | None = None
        self._proc: subprocess.Popen[str] | None = None
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._lock = threading.Lock()

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc and self._proc.poll() is None else None

    def ensure(self) -> None:
        """Start the child if there is none alive. Raises EngineMissing or EngineFailed."""
        with self._lock:
            if self.pid is not None:
                return
            args = [sys.executable, "-m", "assistant.voice.speech_engine"]
            if self.voice:
                args += ["--voice", self.voice]
            if self.rate:
                args += ["--rate", str(self.rate)]
            env = {**os.environ, "PYTHONPATH": _package_parent()}
            self._proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                          stderr=subprocess.DEVNULL, text=True, env=env,
                                          start_new_session=True)
            self._lines = queue.Queue()
            threading.Thread(target=_pump, args=(self._proc, self._lines), daemon=True).start()
            ready = self._read(START_TIMEOUT)
            if not ready.get("ready"):
                self.kill()
                raise EngineMissing(ready.get("error", "the speech engine did not start"))
            self.voice_error = ready.get("voice_error")

    def request(self, obj: dict[str, Any], timeout: float = SYNTH_TIMEOUT) -> dict[str, Any]:
        self.ensure()
        with self._lock:
            assert self._proc and self._proc.stdin
            try:
                self._proc.stdin.write(json.dumps(obj) + "\n")
                self._proc.stdin.flush()
            except (BrokenPipeError, OSError) as exc:
                self.kill()
                raise EngineFailed("the engine process has gone") from exc
            answer = self._read(timeout)
        if not answer.get("ok"):
            raise EngineFailed(answer.get("error", "the engine failed"))
        return answer

    def _read(self, timeout: float) -> dict[str, Any]:
        try:
            line = self._lines.get(timeout=timeout)
        except queue.Empty:
            self.kill()
            raise EngineFailed(f"the engine did not answer in {timeout:.0f} s") from None
        if line is None:
            self.kill()
            raise EngineFailed("the engine process has gone")
        result: dict[str, Any] = json.loads(line)
        return result

    def synthesize(self, text: str, path: Path, rate: int) -> bool:
        """Write `text` to `path`; False when the rate could not be confirmed."""
        self.rate = rate
        return bool(self.request({"op": "synth", "text": text, "path": str(path),
                                  "rate": rate})["rate_ok"])

    def voices(self) -> list[Voice]:
        raw = self.request({"op": "voices"})["voices"]
        return [Voice(v["id"], v["name"], tuple(v["languages"])) for v in raw]

    def kill(self) -> None:
        proc, self._proc = self._proc, None
        if proc and proc.poll() is None:
            proc.kill()
            proc.wait()
        if proc and proc.stdin:
            with contextlib.suppress(OSError):
                proc.stdin.close()


def _pump(proc: subprocess.Popen[str], lines: queue.Queue[str | None]) -> None:
    assert proc.stdout
    for line in proc.stdout:
        lines.put(line)
    lines.put(None)


def _package_parent() -> str:
    here = str(Path(__file__).resolve().parents[2])
    old = os.environ.get("PYTHONPATH")
    return f"{here}{os.pathsep}{old}" if old else here


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--voice")
    parser.add_argument("--rate", type=int)
    options = parser.parse_args()
    serve(options.voice, options.rate)
