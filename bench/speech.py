"""Speech benchmark: time to the first sound and from stop() to silence, measured
at a throw-away PulseAudio null sink (what a user would hear).

    .venv/bin/python bench/speech.py         (or: make bench)

Times are taken from the moment the recorder receives the audio, so they
include the recorder's own latency: the real figures are a little lower.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import os  # noqa: E402

from assistant.answering.knowledge import load_knowledge  # noqa: E402
from assistant.voice.speech import Speaker  # noqa: E402
from tests.audio import NullSink, Recorder  # noqa: E402

ROUNDS = 8


def one_round(speaker: Speaker, recorder: Recorder, text: str) -> tuple[float, float]:
    started = time.perf_counter()
    speaker.speak(text)
    first = recorder.first_loud(started)
    if first is None:
        raise SystemExit("no sound reached the sink")
    time.sleep(0.8)
    stopped = time.perf_counter()
    speaker.stop()
    last = recorder.last_sound_after(stopped, listen=0.8)
    return (first - started) * 1000, max(0.0, last - stopped) * 1000


def report(name: str, values: list[float]) -> str:
    return (f"{name}: median {statistics.median(values):.0f} ms, "
            f"worst {max(values):.0f} ms")


def main() -> None:
    if not NullSink.available():
        raise SystemExit("pulseaudio and pulseaudio-utils are needed (make test installs them)")
    kb = load_knowledge()
    sink = NullSink().start()
    os.environ["PULSE_SERVER"] = sink.server
    recorder = sink.record()
    texts = {
        "1 sentence": "Walk a little more each day, and rest when your back feels tired.",
        "6 sentences": " ".join(kb.entry("driving").answer.split(". ")[:6]),
    }
    try:
        started = time.perf_counter()
        speaker = Speaker(pronunciations=kb.pronunciations)
        cold_first, _ = one_round(speaker, recorder, texts["1 sentence"])
        print(f"first sound from a just-created speaker (engine starting): "
              f"{cold_first:.0f} ms ({(time.perf_counter() - started):.1f} s round)")
        for name, text in texts.items():
            rounds = [one_round(speaker, recorder, text) for _ in range(ROUNDS)]
            print(f"{name}, {ROUNDS} rounds  "
                  + report("speak() to first sound", [r[0] for r in rounds]) + "  |  "
                  + report("stop() to silence", [r[1] for r in rounds]))
        speaker.close()
    finally:
        recorder.close()
        sink.stop()


if __name__ == "__main__":
    main()
