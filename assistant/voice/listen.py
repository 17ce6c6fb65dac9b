"""Asking by voice, offline: pocketsphinx with a language model made from the KB.

pocketsphinx's general English model hears our questions poorly (about two
words in three wrong), so the default is a small domain model built from
everything the knowledge base says people ask: every question phrasing, every
warning sign's examples and words, every synonym. It is built in well under a
second and cached until the knowledge base changes. The general model stays
selectable, for comparison and for questions far outside the guide.

The transcript then goes through `Assistant.ask` like a typed question, so
triage runs first on what was heard.
"""

from __future__ import annotations

import array
import hashlib
import os
import random
import re
import threading
import time
import tomllib
import wave
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from ..answering.knowledge import KnowledgeBase
from ..config import APP_NAME

if TYPE_CHECKING:
    import numpy as np
    from pocketsphinx import Decoder

SAMPLE_RATE = 16_000
MAX_SECONDS = 15.0
MODELS = ("domain", "general")
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")


class ListenError(Exception):
    """One plain sentence for the user: why asking by voice cannot work now."""


# ---- audio ------------------------------------------------------------------

@dataclass(frozen=True)
class Speech:
    """Mono 16-bit samples at their own rate: the recogniser adapts to the rate, which
    hears far better than resampling without a proper filter (measured here). `notes`
    says what the user should know about how a file was read."""

    pcm: bytes
    rate: int = SAMPLE_RATE
    notes: tuple[str, ...] = ()

    @property
    def seconds(self) -> float:
        return len(self.pcm) / 2 / self.rate


MAX_FILE_SECONDS = 30.0   # of a recording decoded: twice the longest spoken question
_BLOCK = 0.1              # seconds: the unit in which silence is measured and trimmed
_PAD = 0.5                # seconds of quiet kept either side of the sound
_QUIET = 1 / 30           # a block this far below the loudest one is silence
_READ = 160_000           # frames read at a time, so a long file never sits in memory


def _mono16(raw: bytes, width: int, channels: int) -> np.ndarray:
    import numpy as np

    if width == 1:
        samples = (np.frombuffer(raw, dtype=np.uint8).astype(np.int32) - 128) << 8
    elif width == 2:
        samples = np.frombuffer(raw[: len(raw) // 2 * 2], dtype="<i2").astype(np.int32)
    else:
        samples = np.frombuffer(raw[: len(raw) // 4 * 4], dtype="<i4") >> 16
    whole = len(samples) // channels * channels
    mono = samples[:whole].reshape(-1, channels).sum(axis=1) // channels
    return mono.astype(np.int16)


def _to_16k(samples: np.ndarray, rate: int) -> np.ndarray:
    """Band-limited (FFT) resampling up to 16 kHz: pocketsphinx's model needs the
    band up to 6.8 kHz, which a decoder at a telephone rate cannot give it."""
    import numpy as np

    n = round(len(samples) * SAMPLE_RATE / rate)
    spectrum = np.zeros(n // 2 + 1, dtype=complex)
    given = np.fft.rfft(samples.astype(float))
    spectrum[: len(given)] = given
    out = np.fft.irfft(spectrum, n) * n / max(1, len(samples))
    return np.clip(np.rint(out), -32768, 32767).astype(np.int16)


def read_wav(path: Path, max_seconds: float = MAX_FILE_SECONDS) -> Speech:
    """Any common PCM WAV: 8, 16 or 32 bit, mono or stereo, any rate from 8 kHz.

    Read twice in pieces, so memory stays small however long the file: first to
    find where the sound is, then to keep only that stretch (with a little quiet
    either side), at most `max_seconds` of it. Rates below 16 kHz are resampled."""
    import numpy as np

    try:
        with wave.open(str(path), "rb") as w:
            channels, width, rate = w.getnchannels(), w.getsampwidth(), w.getframerate()
            claimed = w.getnframes()
            if width not in (1, 2, 4):
                raise ListenError(f"{path} uses {8 * width}-bit samples; "
                                  "save it as 16-bit PCM.")
            if not 8000 <= rate <= 96000:
                raise ListenError(f"{path} is recorded at {rate} Hz; use 8000 Hz or more.")
            block = max(1, int(rate * _BLOCK))
            pieces: list[np.ndarray] = []
            frames = 0
            while chunk := w.readframes(_READ // block * block):
                mono = _mono16(chunk, width, channels).astype(np.float64)
                frames += len(mono)
                mono = np.pad(mono, (0, -len(mono) % block))      # a last, short block
                pieces.append(np.sqrt((mono * mono).reshape(-1, block).mean(axis=1)))
            loudness = np.concatenate(pieces) if pieces else np.zeros(0)
            peak = float(loudness.max(initial=0.0))
            loud = np.flatnonzero((loudness > 0) & (loudness >= peak * _QUIET))
            notes: list[str] = []
            if frames < claimed:
                notes.append(f"{path} ends before its header says (it may have been cut "
                             "off); using the sound that is there.")
            if frames == 0:
                raise ListenError(f"{path} holds no sound (it is empty). "
                                  "Please record the question again.")
            if not len(loud):
                return Speech(b"", SAMPLE_RATE if rate < SAMPLE_RATE else rate, tuple(notes))
            pad = int(_PAD * rate)
            start = max(0, int(loud[0]) * block - pad)
            end = min(frames, (int(loud[-1]) + 1) * block + pad)
            if end - start > max_seconds * rate:
                end = start + int(max_seconds * rate)
                notes.append(f"{path} is long: only the first {max_seconds:.0f} seconds of "
                             "it were listened to. Please ask one short question at a time.")
            w.setpos(start)
            samples = _mono16(w.readframes(end - start), width, channels)
    except FileNotFoundError:
        raise ListenError(f"There is no file {path}.") from None
    except (wave.Error, EOFError, OSError) as exc:
        raise ListenError(f"{path} is not a WAV recording this can read ({exc}).") from None
    if rate < SAMPLE_RATE:
        samples, rate = _to_16k(samples, rate), SAMPLE_RATE
    return Speech(samples.astype("<i2").tobytes(), rate, tuple(notes))


DITHER = 100          # about -50 dBFS: far below speech, like a real microphone's hiss


def dither(pcm: bytes) -> bytes:
    """Add faint, fixed noise. Stretches of exact digital silence (synthesised or
    edited recordings) upset pocketsphinx's feature normalisation: on espeak-ng
    questions this took the word error rate from 80% to 37%. Seeded, so the
    same audio always gives the same transcript."""
    noise = random.Random(0)
    samples = array.array("h", pcm[: len(pcm) // 2 * 2])
    return array.array("h", (max(-32768, min(32767, s + noise.randint(-DITHER, DITHER)))
                             for s in samples)).tobytes()


def level(frame: bytes) -> float:
    """Loudness of one frame from 0.0 to 1.0, for the level meter."""
    samples = array.array("h", frame[: len(frame) // 2 * 2])
    if not samples:
        return 0.0
    rms = (sum(s * s for s in samples) / len(samples)) ** 0.5
    return min(1.0, rms / 8000)


# ---- the domain language model ------------------------------------------------

def corpus(kb: KnowledgeBase) -> list[str]:
    """What people say to the assistant, as the knowledge base records it."""
    lines: list[str] = []
    for entry in kb.entries:
        lines += entry.questions
    for sign in kb.triage.signs:
        lines += [*sign.examples, sign.label]
    for words in kb.triage.words.values():
        lines += words
    for word, said in kb.synonyms.items():
        lines += [word, *said]
    lines += [t.title for t in kb.topics]
    return [" ".join(_WORD.findall(line.lower())) for line in lines]


def _extra_pronunciations(kb: KnowledgeBase) -> dict[str, str]:
    path = kb.root / "listen.toml"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ListenError(f"{path} has a mistake ({exc}); asking by voice is off "
                          "until it is fixed.") from None
    return {str(k).lower(): str(v).upper() for k, v in data.get("pronounce", {}).items()}


def _bundled(*parts: str) -> Path:
    import pocketsphinx

    return Path(pocketsphinx.get_model_path(), *parts)


@dataclass(frozen=True)
class DomainModel:
    lm: Path
    dictionary: Path


def cache_folder() -> Path:
    import platformdirs

    return Path(platformdirs.user_cache_dir(APP_NAME)) / "listen"


def domain_model(kb: KnowledgeBase, folder: Path | None = None) -> DomainModel:
    """Build, or reuse if the knowledge base has not changed, the domain model."""
    return language_model(corpus(kb), _extra_pronunciations(kb), folder or cache_folder())


def language_model(sentences: list[str], extra: dict[str, str], folder: Path) -> DomainModel:
    """A model of these sentences, kept in `folder` under a digest of them."""
    import pocketsphinx

    digest = hashlib.sha256("\n".join([pocketsphinx.__file__, *sentences,
                                       *sorted(f"{k} {v}" for k, v in extra.items())])
                            .encode()).hexdigest()[:16]
    home = folder / digest
    lm, dictionary = home / "domain.lm", home / "domain.dict"
    if lm.exists() and dictionary.exists():
        return DomainModel(lm, dictionary)      # no need to read the 134k-word dictionary
    words = {w for s in sentences for w in s.split()}
    found: dict[str, list[str]] = {}
    with _bundled("en-us", "cmudict-en-us.dict").open(encoding="utf-8") as f:
        for line in f:
            word, _, phones = line.partition(" ")
            if word.split("(")[0] in words:
                found.setdefault(word.split("(")[0], []).append(phones.strip())
    for word, phones in extra.items():
        found.setdefault(word, [phones])
    from pocketsphinx.lm import ArpaBoLM

    # Words with no pronunciation in either list cannot be recognised: leave them out.

    kept = [" ".join(w for w in s.split() if w in found) for s in sentences]
    text = "\n".join(s for s in kept if s)
    home.mkdir(parents=True, exist_ok=True)
    model = ArpaBoLM(text=text, add_start=True, case="lower")
    model.compute()
    tmp_lm, tmp_dict = home / "domain.lm.tmp", home / "domain.dict.tmp"
    model.write_file(str(tmp_lm))
    with tmp_dict.open("w", encoding="utf-8") as f:
        for word in sorted(found):
            for n, phones in enumerate(found[word]):
                f.write(f"{word if n == 0 else f'{word}({n + 1})'} {phones}\n")
    os.replace(tmp_dict, dictionary)
    os.replace(tmp_lm, lm)
    return DomainModel(lm, dictionary)


# ---- recognition ------------------------------------------------------------------

@dataclass(frozen=True)
class Heard:
    """What a recogniser made of a question: its best guess, which is answered, and
    the other things the speaker may have said, which are only read for warning
    signs (a sign found only there is routed with "I may have misheard you")."""

    text: str
    others: tuple[str, ...] = ()

    @classmethod
    def of(cls, best: str, guesses: Iterable[str], others: int) -> Heard:
        """The best guess, and up to `others` of the rest; blanks and repeats left out."""
        seen = {" ".join(_WORD.findall(best.lower()))}
        kept: list[str] = []
        for guess in guesses:
            key = " ".join(_WORD.findall(guess.lower()))
            if key and key not in seen and len(kept) < others:
                seen.add(key)
                kept.append(guess.strip())
        return cls(best.strip(), tuple(kept))


NBEST = 4          # pocketsphinx's other guesses read for signs (bench/listen.py measures)


def _words_only(hypothesis: str) -> str:
    return " ".join(w for w in hypothesis.split() if not w.startswith(("<", "[")))


class Decoders:
    """pocketsphinx decoders for one model, one per sample rate, each made when
    first needed. Thread-safe. Used here and in Whisper's process (the second
    opinion), so it needs no knowledge base: only the model's files."""

    def __init__(self, files: dict[str, Any]) -> None:
        from pocketsphinx import Decoder

        self._files = files
        self._lock = threading.Lock()
        self._decoders = {SAMPLE_RATE: Decoder(loglevel="FATAL", **files)}

    def _decoder(self, rate: int) -> Decoder:
        if rate not in self._decoders:
            from pocketsphinx import Decoder

            window = int(rate * 0.025625) + 1            # the analysis window, in samples
            nfft = 1 << (window - 1).bit_length()
            self._decoders[rate] = Decoder(loglevel="FATAL", samprate=rate, nfft=max(512, nfft),
                                           **self._files)
        return self._decoders[rate]

    def hear(self, speech: Speech, others: int = NBEST) -> Heard:
        if len(speech.pcm) < 2:
            return Heard("")                # nothing to hear; pocketsphinx fails on it
        with self._lock:
            decoder = self._decoder(speech.rate)
            decoder.start_utt()
            decoder.process_raw(dither(speech.pcm), full_utt=True)
            decoder.end_utt()
            best = decoder.hyp()
            guesses = [best.hypstr if best is not None else ""]
            if others:
                for n, hypothesis in enumerate(decoder.nbest()):
                    if n > 4 * others:          # the list repeats itself; enough
                        break
                    guesses.append(hypothesis.hypstr)
        return Heard.of(_words_only(guesses[0]), map(_words_only, guesses[1:]), others)


class Recognizer:
    """Turns 16 kHz mono speech into words with pocketsphinx. Load once; thread-safe."""

    def __init__(self, kb: KnowledgeBase, model: str = "domain",
                 cache: Path | None = None) -> None:
        if model not in MODELS:
            raise ValueError(f"model must be one of {MODELS}")
        self.model = model
        files: dict[str, str] = {}
        if model == "domain":
            built = domain_model(kb, cache)
            files = {"lm": str(built.lm), "dict": str(built.dictionary)}
        self.decoders = _decoders(files, "Asking by voice needs pocketsphinx, which is not "
                                         "installed; please type.")

    def hear(self, speech: Speech, others: int = NBEST) -> Heard:
        return self.decoders.hear(speech, others)

    def transcribe(self, speech: Speech) -> str:
        return self.hear(speech, 0).text


def _decoders(files: dict[str, str], missing: str) -> Decoders:
    try:
        return Decoders(files)
    except ImportError:
        raise ListenError(missing) from None


# ---- listening: a source of frames, and the end of speech --------------------------

class AudioSource(Protocol):
    """Where spoken audio comes from: the microphone, or a file in tests."""

    rate: int

    def frames(self, frame_bytes: int) -> Iterator[bytes]: ...
    def close(self) -> None: ...


class WavSource:
    """A recording fed frame by frame, as the microphone would (tests, demos)."""

    def __init__(self, path: Path, realtime: bool = False, trailing_silence: float = 1.0):
        speech = read_wav(path)
        self.rate = speech.rate
        self.pcm = speech.pcm + bytes(2 * int(speech.rate * trailing_silence))
        self.realtime = realtime

    def frames(self, frame_bytes: int) -> Iterator[bytes]:
        for start in range(0, len(self.pcm) - frame_bytes + 1, frame_bytes):
            if self.realtime:
                time.sleep(frame_bytes / 2 / self.rate)
            yield self.pcm[start:start + frame_bytes]

    def close(self) -> None:
        pass


# Run in a child process by microphone_problem(); prints one word.
_PROBE = """
try:
    import sounddevice as sd
except OSError:
    print("no-portaudio"); raise SystemExit
except ImportError:
    print("no-sounddevice"); raise SystemExit
try:
    devices = sd.query_devices()
except Exception:
    print("unreadable"); raise SystemExit
print("ok" if any(d.get("max_input_channels", 0) > 0 for d in devices) else "no-microphone")
"""
_PROBLEMS = {
    "ok": None,
    "no-portaudio": "Asking by voice is off: PortAudio is missing (install libportaudio2).",
    "no-sounddevice": "Asking by voice is off: sounddevice is not installed.",
    "no-microphone": "Asking by voice is off: no microphone found.",
}
_UNREADABLE = "Asking by voice is off: the sound system could not be read."


def microphone_problem() -> str | None:
    """None when a microphone can be used; otherwise one plain sentence why not.

    Asked in a short-lived child process: importing sounddevice starts
    PortAudio, which holds about 25 MB for as long as the process lives, and
    the app should pay that only once it listens (F9), not from start-up on.
    """
    import subprocess
    import sys

    try:
        proc = subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, text=True,
                              timeout=30, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired):
        return _UNREADABLE
    lines = proc.stdout.split()
    return _PROBLEMS.get(lines[-1], _UNREADABLE) if lines else _UNREADABLE


class MicrophoneSource:
    """The default microphone at 16 kHz mono, through PortAudio."""

    def __init__(self) -> None:
        import queue

        import sounddevice as sd

        self.rate = SAMPLE_RATE
        self._frames: queue.Queue[bytes] = queue.Queue()
        self._stream: sd.RawInputStream | None = None
        self._buffer = b""
        try:
            self._stream = sd.RawInputStream(samplerate=SAMPLE_RATE, channels=1, dtype="int16",
                                             callback=self._arrived)
            self._stream.start()
        except Exception as exc:       # busy, unplugged, or refused by the system
            raise ListenError(f"The microphone could not be opened ({exc}). "
                              "Please type.") from None

    def _arrived(self, data: object, frames: int, when: object, status: object) -> None:
        self._frames.put(bytes(data))   # type: ignore[call-overload]

    def frames(self, frame_bytes: int) -> Iterator[bytes]:
        import queue

        while self._stream is not None:
            try:
                self._buffer += self._frames.get(timeout=1.0)
            except queue.Empty:
                raise ListenError("The microphone stopped sending sound. Please type.") \
                    from None
            while len(self._buffer) >= frame_bytes:
                yield self._buffer[:frame_bytes]
                self._buffer = self._buffer[frame_bytes:]

    def close(self) -> None:
        stream, self._stream = self._stream, None
        if stream is not None:
            stream.stop()
            stream.close()


def record_question(source: AudioSource, stop: threading.Event,
                    on_level: Callable[[float], None] | None = None,
                    max_seconds: float = MAX_SECONDS) -> Speech:
    """Speech from the source until the speaker stops, `stop` is set, or time is up.

    pocketsphinx's endpointer decides where speech starts and ends. Silence
    before the first word counts towards the time limit too, so a microphone
    left listening stops by itself.
    """
    from pocketsphinx import Endpointer

    endpointer = Endpointer(window=0.3, ratio=0.8, sample_rate=source.rate)
    speech: list[bytes] = []
    heard = 0
    limit = int(max_seconds * source.rate * 2)
    try:
        for frame in source.frames(endpointer.frame_bytes):
            heard += len(frame)
            if on_level is not None:
                on_level(level(frame))
            last = stop.is_set() or heard >= limit
            was_speaking = endpointer.in_speech
            part = endpointer.end_stream(frame) if last else endpointer.process(frame)
            if part is not None:
                speech.append(part)
            if last or (was_speaking and not endpointer.in_speech):
                break                                  # asked to stop, time up, or quiet
    finally:
        source.close()
    return Speech(b"".join(speech), source.rate)
