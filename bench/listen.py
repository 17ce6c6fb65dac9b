"""Voice benchmark: our own held-out spoken questions, spoken by espeak-ng, then
recognised by Whisper tiny.en (with the knowledge base's prompt, and without)
and by pocketsphinx (domain and general models), side by side, and what reading
each recogniser's other guesses (its n-best) for warning signs adds.

    .venv/bin/python bench/listen.py [--limit N] [--every-voice] [--questions FILE.jsonl]
    .venv/bin/python bench/listen.py --yes-no      # the daily check's spoken answers

For each recogniser: word error rate; warning signs caught and topic top-1,
each also as a share of what the same questions score typed; seconds of
decoding per 5 s of speech; load time; peak memory (Whisper's own process;
for pocketsphinx, what loading it added to this process). Signs are counted
on the best guess alone and on the n-best, beside how many topic questions
the n-best wrongly flags.
The questions are tests/data/heldout-spoken.jsonl ({"text", "label"} with
label "sign:ID" or "topic:ID"), written for this and never trained on.
espeak-ng's voice is harder to recognise than a person's: these are a floor.
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

from assistant.answering.answer import Assistant, Reply  # noqa: E402
from assistant.answering.knowledge import load_knowledge  # noqa: E402
from assistant.voice.listen import Recognizer, Speech, read_wav  # noqa: E402
from assistant.voice.whisper import (  # noqa: E402
    WHISPER_OTHERS,
    WhisperRecognizer,
    initial_prompt,
)

VOICES = [("en-us", 150), ("en-gb", 130), ("en-us", 170)]
QUESTIONS = ROOT / "tests" / "data" / "heldout-spoken.jsonl"


@dataclass
class Tally:
    errors: int = 0
    words: int = 0
    caught: int = 0           # signs caught on the best guess alone
    right: int = 0
    flagged: int = 0          # topic questions raising a sign, on the best guess alone
    caught_all: int = 0       # ... and with the other guesses read for signs too
    flagged_all: int = 0
    per_second: list[float] = field(default_factory=list)
    load: float = 0.0
    memory: float = 0.0


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
    """`--yes-no`: the check's answers spoken by espeak-ng voices, heard the way the
    check hears them: by Whisper with the answers' prompt, and by the pocketsphinx
    answer model (the fallback)."""
    from assistant.voice.yes_no import AnswerListener

    kb = load_knowledge()
    whisper = WhisperRecognizer(kb, idle_seconds=3600)
    for name, listener in (("Whisper, answers' prompt", AnswerListener(kb, whisper)),
                           ("pocketsphinx answer model", AnswerListener(kb, None))):
        yes_no_with(name, listener)
    whisper.stop()


def yes_no_with(name: str, listener: object) -> None:
    from assistant.voice.yes_no import AnswerListener

    assert isinstance(listener, AnswerListener)
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
                heard, answer = listener.answer(spoken(said, voice, rate, Path(tmp)))
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
                heard, answer = listener.answer(spoken(said, voice, rate, Path(tmp)))
                others += 1
                asked_again += answer is None
                if answer is not None:
                    wrong.append(f"{voice} at {rate}: {said!r} heard as {heard!r} -> {answer}")
    print(f"{name}: spoken yes / no / not sure, {len(YES_NO)} answers x "
          f"{len(YES_NO_VOICES)} espeak-ng voices")
    print(f"  understood correctly       {100 * right / total:5.1f}%  ({right}/{total})")
    print(f"  yes/no/not sure/yeah/nope  {100 * core_right / core_total:5.1f}%  "
          f"({core_right}/{core_total})")
    for voice, (ok, n) in by_voice.items():
        print(f"    {voice:<22} {100 * ok / n:5.1f}%")
    print(f"  other speech asked again   {100 * asked_again / others:5.1f}%  "
          f"({asked_again}/{others})")
    print(f"  median seconds to hear one {statistics.median(times):5.2f} (the first loads "
          "the model)")
    for line in wrong:
        print(f"  missed: {line}")
    print()


def table(head: str, rows: list[str]) -> None:
    print(head)
    print("-" * len(head))
    print("\n".join(rows))


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def score(reply: Reply, label: str) -> tuple[bool, bool, bool]:
    """(a sign was raised, the topic was right, a topic question raised a sign)
    for a question with this label."""
    kind, _, want = label.partition(":")
    raised = reply.triage != "none"
    return kind == "sign" and raised, kind == "topic" and reply.topic == want, \
        kind == "topic" and raised


def main() -> None:
    if "--yes-no" in sys.argv[1:]:
        yes_no()
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("--questions", type=Path, default=QUESTIONS)
    parser.add_argument("--limit", type=int, default=0, help="only the first N questions")
    parser.add_argument("--every-voice", action="store_true",
                        help="each question in all three voices (default: the voices in turn)")
    args = parser.parse_args()
    rows = [json.loads(line) for line in args.questions.read_text().splitlines() if line.strip()]
    rows = rows[: args.limit] if args.limit else rows
    kb = load_knowledge()
    assistant = Assistant(kb)
    assistant.ask("warm up")

    models: dict[str, WhisperRecognizer | Recognizer] = {
        "whisper": WhisperRecognizer(kb, idle_seconds=3600),
        "whisper, no prompt": WhisperRecognizer(kb, prompt=None, idle_seconds=3600),
    }
    stats = {name: Tally() for name in [*models, "domain", "general"]}
    for name in ("domain", "general"):
        before, started = rss_mb(), time.perf_counter()
        models[name] = Recognizer(kb, name)
        stats[name].load = time.perf_counter() - started
        stats[name].memory = rss_mb() - before

    clips = [(row, voice) for row in rows
             for voice in (VOICES if args.every_voice else [None])]
    turn = itertools.cycle(VOICES)
    typed = Tally()
    signs = sum(r["label"].startswith("sign:") for r, _ in clips)
    topics = len(clips) - signs
    with tempfile.TemporaryDirectory() as tmp:
        for row, voice in clips:
            speaker, rate = voice or next(turn)
            speech = spoken(row["text"], speaker, rate, Path(tmp))
            caught, right, flagged = score(assistant.ask(row["text"]), row["label"])
            typed.caught += caught
            typed.right += right
            typed.flagged += flagged
            for name, recognizer in models.items():
                s = stats[name]
                t0 = time.perf_counter()
                heard = recognizer.hear(speech)
                s.per_second.append((time.perf_counter() - t0) / max(speech.seconds, 0.1))
                ref = words(row["text"])
                s.errors += Levenshtein.distance(ref, words(heard.text))
                s.words += len(ref)
                caught, right, flagged = score(assistant.ask(heard.text), row["label"])
                s.caught += caught
                s.right += right
                s.flagged += flagged
                caught, _, flagged = score(assistant.ask(heard.text, heard.others), row["label"])
                s.caught_all += caught
                s.flagged_all += flagged
    for name in ("whisper", "whisper, no prompt"):
        whisper = models[name]
        assert isinstance(whisper, WhisperRecognizer)
        stats[name].load = whisper.load_seconds or 0.0
        stats[name].memory = whisper.peak_mb or 0.0
        whisper.stop()

    print(f"{len(clips)} spoken questions from {args.questions.name} ({signs} with a warning "
          f"sign, {topics} asking a topic), espeak-ng "
          f"{', '.join(f'{v} at {r}' for v, r in VOICES)}"
          f"{', each' if args.every_voice else ', in turn'}")
    print(f"typed: {typed.caught}/{signs} signs caught, {typed.right}/{topics} topics right, "
          f"{typed.flagged}/{topics} topic questions flagged\n")

    def share(n: int, of: int) -> str:
        return f"{n}/{max(1, of)} ({100 * n / max(1, of):.0f}%)"

    table(f"{'recogniser':<20}{'WER':>7}{'signs (of typed)':>18}{'topic (of typed)':>18}"
          f"{'s / 5 s':>9}{'load s':>8}{'peak MB':>9}",
          [f"{name:<20}{100 * s.errors / max(1, s.words):>6.1f}%"
           f"{share(s.caught, typed.caught):>18}{share(s.right, typed.right):>18}"
           f"{5 * statistics.median(s.per_second):>9.2f}{s.load:>8.2f}{s.memory:>9.0f}"
           for name, s in stats.items()])
    print(f"\nWarning signs on the best guess alone, and with the other guesses read too "
          f"(n-best; for Whisper, its next {WHISPER_OTHERS} and pocketsphinx's best):")
    table(f"{'recogniser':<20}{'signs, best':>16}{'signs, n-best':>16}"
          f"{'topics flagged, best':>22}{'n-best':>12}",
          [f"{name:<20}{share(s.caught, signs):>16}{share(s.caught_all, signs):>16}"
           f"{share(s.flagged, topics):>22}{share(s.flagged_all, topics):>12}"
           for name, s in stats.items()])
    print(f"\nworst seconds per 5 s, whisper: {5 * max(stats['whisper'].per_second):.2f}; "
          f"peak MB for Whisper is its own process, for pocketsphinx what loading it "
          f"added here.\nWhisper's prompt (from the knowledge base): {initial_prompt(kb)}")


if __name__ == "__main__":
    main()
