"""Reading answers aloud without ever freezing, talking over, or going quiet.

`Speaker.speak()` returns at once; one speech thread synthesises a sentence
at a time in the engine process (`speech_engine.py`) and feeds it to a
killable player (`audio_out.py`), so the first sound comes after one short
sentence and `stop()` is a kill. Whatever goes wrong (no sound device, no
espeak-ng, a crashed or hung engine) becomes one plain notice, and the
answer stays on screen.
"""

from __future__ import annotations

import itertools
import shutil
import sys
import tempfile
import threading
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Protocol

from ..config import RATE_STEP, SpeechSettings
from .audio_out import (
    PLAYERS,
    AudioFormat,
    Output,
    Stream,
    find_output,
    player_installed,
    read_wav,
    with_volume,
    write_wav,
)
from .speech_engine import EngineFailed, EngineMissing, EngineProcess, Voice
from .speech_text import for_the_ear

NO_DEVICE = "Speech is off: no sound device found. Answers are still shown on screen."
NO_PLAYER = (f"Speech is off: no program to play sound was found ({' or '.join(PLAYERS)}; "
             "install pulseaudio-utils or alsa-utils). Answers are still shown on screen.")
NO_ENGINE = ("Speech is off: the speech engine is missing"
             + ("; please install espeak-ng" if sys.platform.startswith("linux") else "")
             + ". Answers are still shown on screen.")
BROKEN = ("Speech is off: the speech engine could not be used this session. "
          "Answers are still shown on screen.")
ENGINE_TROUBLE = "Speech stopped working for a moment; the answer is on screen."


class SpeechLayer(Protocol):
    """What front ends use; `Speaker` is the real one, tests may record instead."""

    settings: SpeechSettings
    on_notice: Callable[[str], None] | None
    on_speaking: Callable[[bool], None] | None

    def speak(self, text: str | Sequence[str]) -> None: ...
    def repeat(self) -> None: ...
    def stop(self) -> None: ...
    def slower(self) -> int: ...
    def faster(self) -> int: ...
    def apply(self, settings: SpeechSettings) -> None: ...
    def close(self) -> None: ...


def known_voice(voices: Sequence[Voice], wanted: str) -> bool:
    """Whether the engine has this voice, named by id, name, short id or language:
    espeak takes any name silently and speaks in its default voice."""
    wanted = wanted.strip().lower()
    return any(wanted in {v.id.lower(), v.name.lower(), v.id.lower().rsplit("/", 1)[-1],
                          *(lang.lower() for lang in v.languages)} for v in voices)


class _Job:
    def __init__(self, sentences: list[str]) -> None:
        self.sentences = sentences
        self.cancelled = threading.Event()
        self.stream: Stream | None = None


class Speaker:
    """The one speech layer. Thread-safe; every public method returns promptly."""

    def __init__(self, settings: SpeechSettings | None = None,
                 pronunciations: dict[str, str] | None = None,
                 on_notice: Callable[[str], None] | None = None,
                 on_speaking: Callable[[bool], None] | None = None) -> None:
        self.settings = (settings or SpeechSettings()).clamped()
        self.pronunciations = pronunciations or {}
        self.on_notice = on_notice
        self.on_speaking = on_speaking
        self.engine = EngineProcess(self.settings.voice, self.settings.rate)
        self.folder = Path(tempfile.mkdtemp(prefix="laminectomy-speech-"))
        self._names = itertools.count()
        self._told: set[str] = set()
        self._output: Output | None = None
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._job: _Job | None = None
        self._pending: _Job | None = None
        self._last: list[str] = []
        self._closed = False
        self._ready = threading.Event()
        self._idle = threading.Event()
        self._idle.set()
        self._gone = False                 # the speech thread has ended
        self._thread = threading.Thread(target=self._run, name="speech", daemon=True)
        self._thread.start()

    # ---- what front ends call -------------------------------------------

    def speak(self, text: str | Sequence[str]) -> None:
        """Stop whatever is playing and read `text` (or these parts, in order)."""
        parts = [text] if isinstance(text, str) else list(text)
        self._queue([s for part in parts for s in for_the_ear(part, self.pronunciations)])

    def repeat(self) -> None:
        """The last text again, as already prepared for the ear."""
        self._queue(self._last)

    def _queue(self, sentences: list[str]) -> None:
        with self._lock:
            self._cancel_current()
            self._last = sentences
            if sentences and not self._gone:
                self._pending = _Job(sentences)
                self._idle.clear()
                self._wake.notify()

    def stop(self) -> None:
        with self._lock:
            self._cancel_current()

    def set_rate(self, rate: int) -> int:
        """Takes effect from the next sentence."""
        self.settings = replace(self.settings, rate=rate).clamped()
        return self.settings.rate

    def apply(self, settings: SpeechSettings) -> None:
        """New rate and volume from the next sentence; a new voice from the next answer."""
        new = settings.clamped()
        voice_changed = new.voice != self.settings.voice
        self.settings = new
        if voice_changed:
            with self._lock:
                self._cancel_current()
                self.engine.voice = new.voice
                self.engine.kill()       # ensure() starts one with the new voice

    def slower(self) -> int:
        return self.set_rate(self.settings.rate - RATE_STEP)

    def faster(self) -> int:
        return self.set_rate(self.settings.rate + RATE_STEP)

    @property
    def speaking(self) -> bool:
        return not self._idle.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        """Until nothing is left to say (for the command line and tests)."""
        return self._idle.wait(timeout)

    def save(self, text: str, path: Path) -> None:
        """Write the whole text as one WAV, through the same engine and rate."""
        self._ready.wait()
        fmt: AudioFormat | None = None
        frames: list[bytes] = []
        for sentence in for_the_ear(text, self.pronunciations):
            fmt, audio = self._synthesize(sentence)
            frames.append(audio)
        if fmt is None:
            raise ValueError("there is nothing to say in that text")
        write_wav(path, fmt, b"".join(frames))

    def voices(self) -> list[Voice]:
        self._ready.wait()
        return self.engine.voices()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._cancel_current()
            self._wake.notify()
        self._thread.join(timeout=2)
        self.engine.kill()
        shutil.rmtree(self.folder, ignore_errors=True)

    # ---- the speech thread ----------------------------------------------

    def _cancel_current(self) -> None:
        for job in (self._job, self._pending):
            if job:
                job.cancelled.set()
                if job.stream:
                    job.stream.kill()
        self._pending = None

    def _notice(self, message: str) -> None:
        if message not in self._told:
            self._told.add(message)
            if self.on_notice:
                self.on_notice(message)

    def _warm_up(self) -> None:
        """Start the engine and find a player before anyone waits for them."""
        try:
            self.engine.ensure()
            self._check_voice()
        except (EngineMissing, EngineFailed):
            pass                     # reported when something is to be spoken
        self._output = find_output()
        self._ready.set()

    def _run(self) -> None:
        try:
            self._serve()
        except Exception:            # whatever it was, a notice and not a traceback
            self._notice(BROKEN)
        finally:
            with self._lock:         # nothing queued after this would ever be said
                self._gone = True
            self._ready.set()        # and nobody is left waiting on a dead thread
            self._idle.set()

    def _serve(self) -> None:
        self._warm_up()
        while True:
            with self._lock:
                while self._pending is None and not self._closed:
                    self._wake.wait()
                if self._closed:
                    self._idle.set()
                    return
                job, self._pending = self._pending, None
                self._job = job
            assert job is not None
            self._say(job)
            with self._lock:
                self._job = None
                if self._pending is None:
                    self._idle.set()

    def _synthesize(self, sentence: str) -> tuple[AudioFormat, bytes]:
        """One sentence as frames; a dead, hung or wrong-rate engine is replaced once."""
        path = self.folder / f"{next(self._names)}.wav"      # the folder is ours alone
        try:
            for attempt in range(2):
                try:
                    rate_ok = self.engine.synthesize(sentence, path, self.settings.rate)
                except EngineFailed:
                    if attempt:
                        raise
                    continue         # the handle killed it; ensure() starts a new one
                if not rate_ok and not attempt:
                    self.engine.kill()   # a fresh engine takes the rate reliably
                    continue
                fmt, frames = read_wav(path)
                return fmt, with_volume(fmt, frames, self.settings.volume)
            raise EngineFailed("no audio")
        finally:
            path.unlink(missing_ok=True)

    def _check_voice(self) -> None:
        if self.engine.voice_error:
            self._notice(f"The voice '{self.settings.voice}' was not found; "
                         "using the default voice.")

    def _say(self, job: _Job) -> None:
        try:
            self.engine.ensure()
            self._check_voice()
        except EngineMissing:
            self._notice(NO_ENGINE)
            return
        except EngineFailed:
            pass                     # _synthesize tries a new one
        if self._output is None:
            self._output = find_output()         # a headset may have been plugged in
            if self._output is None:
                self._notice(NO_DEVICE if player_installed() else NO_PLAYER)
                return
        if self.on_speaking:
            self.on_speaking(True)
        try:
            self._play(job, self._output)
        finally:
            if self.on_speaking:
                self.on_speaking(False)

    def _play(self, job: _Job, output: Output) -> None:
        stream: Stream | None = None
        for sentence in job.sentences:
            if job.cancelled.is_set():
                break
            try:
                fmt, frames = self._synthesize(sentence)
            except EngineMissing:
                self._notice(NO_ENGINE)
                break
            except EngineFailed:
                self._notice(ENGINE_TROUBLE)
                continue
            with self._lock:
                if job.cancelled.is_set():
                    break
                if stream is None:
                    stream = job.stream = output.open(fmt, self.folder)
            if not stream.write(frames) and not job.cancelled.is_set():
                self._output = None              # the device went away
                self._notice(NO_DEVICE)
                break
        if stream and not stream.drain(job.cancelled):
            self._output = None
