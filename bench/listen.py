"""Voice benchmark: every labelled question spoken by espeak-ng, then recognised by
the domain model and by pocketsphinx's general model, side by side.

    .venv/bin/python bench/listen.py [--limit N] [--questions FILE.jsonl]
    .venv/bin/python bench/listen.py --yes-no      # the daily check's spoken answers

Prints word error rate, red-flag recall (urgent or emergency questions whose
sign was still caught after recognition), topic top-1, and the time to
transcribe 5 seconds of speech. Uses ../shared/eval/dev.jsonl when it is
there, otherwise our own tests/data/questions.jsonl. espeak-ng's voice is
harder to recognise than a person's: these figures are a floor.
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rapidfuzz.distance import Levenshtein  # noqa: E402

from assistant.answering.answer import Assistant  # noqa: E402
from assistant.answering.knowledge import load_knowledge  # noqa: E402
from assistant.voice.listen import Recognizer, Speech, read_wav  # noqa: E402

VOICES = [("en-us", 150), ("en-gb", 130), ("en-us", 170)]
DEV_SET = ROOT.parent / "shared" / "eval" / "dev.jsonl"


@dataclass
class Tally:
    errors: int = 0
    words: int = 0
    flags: int = 0
    caught: int = 0
    topics: int = 0
    right: int = 0
    per_second: list[float] = field(default_factory=list)


def words(text: str) -> list[str]:
    return re.findall(r"[a-z]+(?:'[a-z]+)?", text.lower())


def spoken(question: str, voice: str, rate: int, folder: Path) -> Speech:
    path = folder / "q.wav"
    subprocess.run(["espeak-ng", "-v", voice, "-s", str(rate), "-w", str(path), question],
                   check=True, capture_output=True)
    return read_wav(path)


# The daily check's spoken answers, and speech that is none of them (it must ask again).
YES_NO = [("yes", "yes"), ("no", "no"), ("not sure", "not sure"), ("yeah", "yes"),
          ("nope", "no"), ("yep", "yes"), ("I'm not sure", "not sure"),
          ("I don't know", "not sure"), ("no I haven't", "no"), ("maybe", "not sure")]
NOT_ANSWERS = ["when can I drive again", "banana", "the weather is nice today",
               "my back is sore", "good morning"]
YES_NO_VOICES = [("en-us", 150), ("en-gb", 130), ("en-us", 170), ("en-us+f3", 140),
                 ("en-gb-scotland", 130), ("en-gb-x-rp", 120), ("en-029", 150),
                 ("en-us+m7", 110)]


def yes_no() -> None:
    """`--yes-no`: the check's answers spoken by espeak-ng voices, heard by its model."""
    from assistant.voice.yes_no import AnswerRecognizer

    kb = load_knowledge()
    started = time.perf_counter()
    recognizer = AnswerRecognizer(kb)
    loaded = time.perf_counter() - started
    right = total = asked_again = others = 0
    core = {"yes", "no", "not sure", "yeah", "nope"}       # the words the issue names
    core_right = core_total = 0
    by_voice: dict[str, list[int]] = {}
    wrong: list[str] = []
    times: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        for voice, rate in YES_NO_VOICES:
            for said, meant in YES_NO:
                t0 = time.perf_counter()
                heard, answer = recognizer.hear(spoken(said, voice, rate, Path(tmp)))
                times.append(time.perf_counter() - t0)
                total += 1
                right += answer == meant
                tally = by_voice.setdefault(f"{voice} at {rate}", [0, 0])
                tally[0] += answer == meant
                tally[1] += 1
                if said in core:
                    core_total += 1
                    core_right += answer == meant
                if answer != meant:
                    wrong.append(f"{voice} at {rate}: {said!r} heard as {heard!r} -> {answer}")
            for said in NOT_ANSWERS:
                heard, answer = recognizer.hear(spoken(said, voice, rate, Path(tmp)))
                others += 1
                asked_again += answer is None
                if answer is not None:
                    wrong.append(f"{voice} at {rate}: {said!r} heard as {heard!r} -> {answer}")
    print(f"Spoken yes / no / not sure: {len(YES_NO)} answers x {len(YES_NO_VOICES)} "
          "espeak-ng voices")
    print(f"  understood correctly       {100 * right / total:5.1f}%  ({right}/{total})")
    print(f"  yes/no/not sure/yeah/nope  {100 * core_right / core_total:5.1f}%  "
          f"({core_right}/{core_total})")
    for voice, (ok, n) in by_voice.items():
        print(f"    {voice:<22} {100 * ok / n:5.1f}%")
    print(f"  other speech asked again   {100 * asked_again / others:5.1f}%  "
          f"({asked_again}/{others})")
    print(f"  median seconds to hear one {statistics.median(times):5.2f}")
    print(f"  model load, seconds        {loaded:5.2f}")
    for line in wrong:
        print(f"  missed: {line}")


def main() -> None:
    if "--yes-no" in sys.argv[1:]:
        yes_no()
        return
    parser = argparse.ArgumentParser()
    own = ROOT / "tests" / "data" / "questions.jsonl"
    parser.add_argument("--questions", type=Path, default=DEV_SET if DEV_SET.exists() else own)
    parser.add_argument("--limit", type=int, default=0, help="only the first N questions")
    args = parser.parse_args()
    rows = [json.loads(line) for line in args.questions.read_text().splitlines() if line.strip()]
    rows = rows[: args.limit] if args.limit else rows
    kb = load_knowledge()
    assistant = Assistant(kb)
    started = time.perf_counter()
    models = {"domain": Recognizer(kb, "domain")}
    load_domain = time.perf_counter() - started
    started = time.perf_counter()
    models["general"] = Recognizer(kb, "general")
    load_general = time.perf_counter() - started

    stats = {name: Tally() for name in models}
    voices = itertools.cycle(VOICES)
    with tempfile.TemporaryDirectory() as tmp:
        for row in rows:
            voice, rate = next(voices)
            speech = spoken(row["q"], voice, rate, Path(tmp))
            expect = row["expect"]
            for name, recognizer in models.items():
                s = stats[name]
                t0 = time.perf_counter()
                heard = recognizer.transcribe(speech)
                s.per_second.append((time.perf_counter() - t0) / max(speech.seconds, 0.1))
                ref = words(row["q"])
                s.errors += Levenshtein.distance(ref, heard.split())
                s.words += len(ref)
                reply = assistant.ask(heard)
                if expect in ("urgent", "emergency"):
                    s.flags += 1
                    s.caught += reply.triage != "none"
                elif expect.startswith("topic:"):
                    s.topics += 1
                    s.right += reply.topic == expect.split(":", 1)[1]

    print(f"{len(rows)} questions from {args.questions}, spoken by espeak-ng "
          f"({', '.join(f'{v} at {r}' for v, r in VOICES)}, in turn)\n")
    print(f"{'':<28}{'domain':>10}{'general':>10}")
    d, g = stats["domain"], stats["general"]

    def line(label: str, a: float, b: float, unit: str = "%") -> None:
        print(f"{label:<28}{a:>9.1f}{unit}{b:>9.1f}{unit}")

    line("word error rate", 100 * d.errors / d.words, 100 * g.errors / g.words)
    line("red-flag recall", 100 * d.caught / max(1, d.flags),
         100 * g.caught / max(1, g.flags))
    line("topic top-1", 100 * d.right / max(1, d.topics),
         100 * g.right / max(1, g.topics))
    line("seconds per 5 s of speech", 5 * statistics.median(d.per_second),
         5 * statistics.median(g.per_second), " ")
    line("worst, per 5 s of speech", 5 * max(d.per_second), 5 * max(g.per_second), " ")
    line("model load, seconds", load_domain, load_general, " ")
    print(f"\n(red flags: {d.flags} questions; topics: {d.topics} questions)")


if __name__ == "__main__":
    main()
