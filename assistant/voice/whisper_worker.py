"""The Whisper recogniser's own process: `python -m assistant.voice.whisper_worker`.

Kept out of the app's process so that its 150-300 MB go away when it is
stopped (see whisper.py, which starts and stops it). It speaks a small
protocol over its standard input and output; anything a library prints goes
to standard error, which the parent throws away:

- in:  one JSON line {"folder", "sha256", "prompt", "hotwords", "threads", "beam",
  "sphinx": the domain model's {"lm", "dict"} files or null}
- out: {"ready": load_seconds} or {"error": "one plain sentence"}
- then, for each question, in: {"rate": HZ, "bytes": N, "others": K, "prompt":
  this question's own prompt or null} and N bytes
  of 16-bit mono samples; out: {"text": the best guess, "others": Whisper's K next
  best guesses and, when K > 0, pocketsphinx's best, "seconds": decoding time,
  "peak_mb": ...}

Only the standard library, numpy, faster-whisper and, for the second opinion,
pocketsphinx through listen.Decoders; nothing else of the app.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import resource
import sys
import time
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import IO, Any

RATE = 16_000


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def check(folder: Path, expected: str) -> str | None:
    """Why the model cannot be used, or None when model.bin is the one we pinned."""
    path = folder / "model.bin"
    try:
        found = sha256(path)
    except OSError as exc:
        return f"the Whisper model file {path} cannot be read ({exc.strerror or exc})"
    if found != expected:
        return (f"the Whisper model file {path} is not the one expected "
                "(it may be damaged or changed)")
    return None


def to_16k(samples: Any, rate: int) -> Any:
    """Float samples at 16 kHz, resampled through the spectrum (espeak-ng writes 22 kHz)."""
    import numpy as np

    if rate == RATE or not len(samples):
        return samples
    n = max(1, round(len(samples) * RATE / rate))
    given = np.fft.rfft(samples)
    spectrum = np.zeros(n // 2 + 1, dtype=complex)
    keep = min(len(given), len(spectrum))
    spectrum[:keep] = given[:keep]
    return (np.fft.irfft(spectrum, n) * n / len(samples)).astype(np.float32)


def peak_mb() -> float:
    """This process's own peak memory. Linux's VmHWM starts afresh at exec, where
    ru_maxrss keeps the peak of the process that started us (a big benchmark
    made this worker look 446 MB instead of its own 280)."""
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _say(out: IO[str], **message: Any) -> None:
    out.write(json.dumps(message) + "\n")
    out.flush()


WINDOW = 3000             # Whisper hears 30 s at a time: 3000 frames of features
NO_SPEECH = 0.6           # faster-whisper's own test for "nobody spoke" (with LOW_LOGPROB)
LOW_LOGPROB = -1.0


class Whisper:
    """The model, and one question heard as its best guesses (beam search's n-best),
    decoded straight through CTranslate2 as faster-whisper itself does, since its
    `transcribe` gives only the best."""

    def __init__(self, config: dict[str, Any]) -> None:
        from faster_whisper import WhisperModel
        from faster_whisper.tokenizer import Tokenizer
        from faster_whisper.transcribe import get_suppressed_tokens

        self.model = WhisperModel(config["folder"], device="cpu", compute_type="int8",
                                  cpu_threads=int(config.get("threads", 2)), num_workers=1,
                                  local_files_only=True)
        self.beam = int(config.get("beam", 5))
        self.tokenizer = Tokenizer(self.model.hf_tokenizer, self.model.model.is_multilingual,
                                   task="transcribe", language="en")
        self.hotwords = config.get("hotwords") or None
        self.prompt = self.prompt_for(config.get("prompt"))
        self.suppress = list(get_suppressed_tokens(self.tokenizer, [-1]) or [])

    def prompt_for(self, text: str | None) -> list[int]:
        told = self.tokenizer.encode(" " + text.strip()) if text else []
        return list(self.model.get_prompt(
            self.tokenizer, told[-(self.model.max_length // 2 - 1):], without_timestamps=True,
            hotwords=self.hotwords))

    def hear(self, audio: Any, others: int, prompt: str | None = None) -> list[str]:
        """Best guess first; `prompt` (for this question only) replaces the usual one."""
        import numpy as np

        features = self.model.feature_extractor(audio)[:, :WINDOW]
        features = np.pad(features, ((0, 0), (0, WINDOW - features.shape[1])))
        told = self.prompt if prompt is None else self.prompt_for(prompt)
        result = self.model.model.generate(
            self.model.encode(features), [told], beam_size=max(self.beam, others + 1),
            num_hypotheses=others + 1, max_length=self.model.max_length, return_scores=True,
            return_no_speech_prob=True, suppress_blank=True, suppress_tokens=self.suppress)[0]
        best = result.sequences_ids[0]
        logprob = result.scores[0] * len(best) / (len(best) + 1)
        if result.no_speech_prob > NO_SPEECH and logprob < LOW_LOGPROB:
            return []                               # noise, not words: say nothing was heard
        return [self.tokenizer.decode(tokens).strip() for tokens in result.sequences_ids]


def second_opinion(config: dict[str, Any]) -> Any:
    """pocketsphinx with the domain model, read for warning signs beside Whisper; None
    when it cannot run (then Whisper's own guesses are all there is)."""
    if not config.get("sphinx"):
        return None
    try:
        from assistant.voice.listen import Decoders

        # Its best guess alone is read, so the second, flat pass that refines the
        # word lattice is skipped: on our spoken questions it cost a third of the
        # time (0.38 -> 0.25 s per 5 s of speech) for the same words.
        return Decoders({**config["sphinx"], "fwdflat": False})
    except Exception:               # pocketsphinx missing or its files unreadable
        return None


def serve(given: IO[bytes], out: IO[str]) -> None:
    config = json.loads(given.readline() or "{}")
    started = time.perf_counter()
    problem = check(Path(config["folder"]), config["sha256"])
    if problem:
        _say(out, error=problem)
        return
    import numpy as np

    try:
        whisper = Whisper(config)
    except ImportError:
        _say(out, error="faster-whisper is not installed")
        return
    except Exception as exc:        # ctranslate2 raises plain RuntimeErrors and more
        _say(out, error=f"the Whisper model could not be loaded ({exc})")
        return
    sphinx = second_opinion(config)
    pool = ThreadPoolExecutor(max_workers=1)
    _say(out, ready=time.perf_counter() - started)
    while header := given.readline():
        asked = json.loads(header)
        raw = given.read(int(asked["bytes"]))
        others = int(asked.get("others", 0))
        t0 = time.perf_counter()
        guesses: list[str] = []
        opinion: Future[Any] | None = None
        if sphinx is not None and others:
            from assistant.voice.listen import Speech

            # pocketsphinx hears it alongside Whisper: both free the GIL while decoding.
            opinion = pool.submit(sphinx.hear, Speech(raw[: len(raw) // 2 * 2],
                                                      int(asked["rate"])), 0)
        samples = np.frombuffer(raw[: len(raw) // 2 * 2], dtype="<i2").astype(np.float32)
        audio = to_16k(samples / 32768.0, int(asked["rate"]))
        if len(audio) >= RATE // 5:
            guesses = whisper.hear(audio, others, asked.get("prompt"))
        second: list[str] = []
        if opinion is not None and guesses:         # no words: noise, not a question
            with contextlib.suppress(Exception):    # a second opinion that failed: none
                second = [opinion.result().text]
        _say(out, text=guesses[0] if guesses else "", others=guesses[1:] + second,
             seconds=time.perf_counter() - t0, peak_mb=peak_mb())


def main() -> None:
    # The protocol keeps the real standard output; whatever else prints goes to stderr.
    out = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")       # never the network, even by mistake
    with contextlib.suppress(BrokenPipeError, KeyboardInterrupt):
        serve(sys.stdin.buffer, out)


if __name__ == "__main__":
    main()
