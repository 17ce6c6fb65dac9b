"""The Whisper recogniser's own process: `python -m assistant.voice.whisper_worker`.

Kept out of the app's process so that its 150-300 MB go away when it is
stopped (see whisper.py, which starts and stops it). It speaks a small
protocol over its standard input and output; anything a library prints goes
to standard error, which the parent throws away:

- in:  one JSON line {"folder", "sha256", "prompt", "hotwords", "threads"}
- out: {"ready": load_seconds} or {"error": "one plain sentence"}
- then, for each question, in: {"rate": HZ, "bytes": N} and N bytes of 16-bit
  mono samples; out: {"text": ..., "seconds": decoding time, "peak_mb": ...}

Only the standard library, numpy and faster-whisper; nothing of the app.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import resource
import sys
import time
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
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _say(out: IO[str], **message: Any) -> None:
    out.write(json.dumps(message) + "\n")
    out.flush()


def serve(given: IO[bytes], out: IO[str]) -> None:
    config = json.loads(given.readline() or "{}")
    started = time.perf_counter()
    problem = check(Path(config["folder"]), config["sha256"])
    if problem:
        _say(out, error=problem)
        return
    try:
        from faster_whisper import WhisperModel
    except ImportError:
        _say(out, error="faster-whisper is not installed")
        return
    import numpy as np

    try:
        model = WhisperModel(config["folder"], device="cpu", compute_type="int8",
                             cpu_threads=int(config.get("threads", 2)), num_workers=1,
                             local_files_only=True)
    except Exception as exc:        # ctranslate2 raises plain RuntimeErrors and more
        _say(out, error=f"the Whisper model could not be loaded ({exc})")
        return
    _say(out, ready=time.perf_counter() - started)
    while header := given.readline():
        asked = json.loads(header)
        raw = given.read(int(asked["bytes"]))
        t0 = time.perf_counter()
        samples = np.frombuffer(raw[: len(raw) // 2 * 2], dtype="<i2").astype(np.float32)
        audio = to_16k(samples / 32768.0, int(asked["rate"]))
        text = ""
        if len(audio) >= RATE // 5:
            segments, _ = model.transcribe(
                audio, language="en", beam_size=int(config.get("beam", 5)), temperature=0.0,
                initial_prompt=config.get("prompt") or None,
                hotwords=config.get("hotwords") or None, vad_filter=False,
                condition_on_previous_text=False, without_timestamps=True)
            text = " ".join(s.text.strip() for s in segments).strip()
        _say(out, text=text, seconds=time.perf_counter() - t0, peak_mb=peak_mb())


def main() -> None:
    # The protocol keeps the real standard output; whatever else prints goes to stderr.
    out = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")       # never the network, even by mistake
    with contextlib.suppress(BrokenPipeError, KeyboardInterrupt):
        serve(sys.stdin.buffer, out)


if __name__ == "__main__":
    main()
