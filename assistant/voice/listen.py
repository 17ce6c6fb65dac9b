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
import sys
import threading
import time
import tomllib
import wave
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from ..answering.knowledge import KnowledgeBase
from ..config import APP_NAME

if TYPE_CHECKING:
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
    hears far better than resampling without a proper filter (measured here)."""

    pcm: bytes
    rate: int = SAMPLE_RATE

    @property
    def seconds(self) -> float:
        return len(self.pcm) / 2 / self.rate


def read_wav(path: Path) -> Speech:
    """Any common PCM WAV: 8, 16 or 32 bit, mono or stereo, any rate from 8 kHz."""
    try:
        with wave.open(str(path), "rb") as w:
            channels, width, rate = w.getnchannels(), w.getsampwidth(), w.getframerate()
            raw = w.readframes(w.getnframes())
    except FileNotFoundError:
        raise ListenError(f"There is no file {path}.") from None
    except (wave.Error, EOFError, OSError) as exc:
        raise ListenError(f"{path} is not a WAV recording this can read ({exc}).") from None
    if width == 1:
        samples = array.array("h", ((b - 128) << 8 for b in raw))
    elif width == 2:
        samples = array.array("h", raw[: len(raw) // 2 * 2])
    elif width == 4:
        wide = array.array("i", raw[: len(raw) // 4 * 4])
        samples = array.array("h", (s >> 16 for s in wide))
    else:
        raise ListenError(f"{path} uses {8 * width}-bit samples; save it as 16-bit PCM.")
    if sys.byteorder == "big" and width > 1:
        samples.byteswap()
    if channels > 1:
        samples = array.array("h", (sum(samples[i:i + channels]) // channels
                                    for i in range(0, len(samples) - channels + 1, channels)))
    if not 8000 <= rate <= 96000:
        raise ListenError(f"{path} is recorded at {rate} Hz; use 8000 Hz or more.")
    return Speech(samples.tobytes(), rate)


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

class Recognizer:
    """Turns 16 kHz mono speech into words. Load once; `transcribe` is thread-safe."""

    def __init__(self, kb: KnowledgeBase, model: str = "domain",
                 cache: Path | None = None) -> None:
        if model not in MODELS:
            raise ValueError(f"model must be one of {MODELS}")
        try:
            from pocketsphinx import Decoder
        except ImportError:
            raise ListenError("Asking by voice needs pocketsphinx, which is not "
                              "installed; please type.") from None
        self.model = model
        self._lock = threading.Lock()
        self._files: dict[str, str] = {}
        if model == "domain":
            built = domain_model(kb, cache)
            self._files = {"lm": str(built.lm), "dict": str(built.dictionary)}
        self._decoders = {SAMPLE_RATE: Decoder(loglevel="FATAL", **self._files)}

    def _decoder(self, rate: int) -> Decoder:
        if rate not in self._decoders:
            from pocketsphinx import Decoder

            window = int(rate * 0.025625) + 1            # the analysis window, in samples
            nfft = 1 << (window - 1).bit_length()
            self._decoders[rate] = Decoder(loglevel="FATAL", samprate=rate, nfft=max(512, nfft),
                                           **self._files)
        return self._decoders[rate]

    def transcribe(self, speech: Speech) -> str:
        with self._lock:
            decoder = self._decoder(speech.rate)
            decoder.start_utt()
            decoder.process_raw(dither(speech.pcm), full_utt=True)
            decoder.end_utt()
            hyp = decoder.hyp()
        text = hyp.hypstr if hyp is not None else ""
        return " ".join(w for w in text.split() if not w.startswith(("<", "[")))


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


def microphone_problem() -> str | None:
    """None when a microphone can be used; otherwise one plain sentence why not."""
    try:
        import sounddevice as sd
    except OSError:
        return "Asking by voice is off: PortAudio is missing (install libportaudio2)."
    except ImportError:
        return "Asking by voice is off: sounddevice is not installed."
    try:
        devices = sd.query_devices()
    except Exception:              # PortAudio errors have no common base class here
        return "Asking by voice is off: the sound system could not be read."
    if not any(d.get("max_input_channels", 0) > 0 for d in devices):
        return "Asking by voice is off: no microphone found."
    return None


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
