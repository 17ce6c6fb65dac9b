"""Benchmarks that print figures: question latency, training time and the size
of the trained models, and core import time.

    .venv/bin/python bench/run.py            (or: make bench)

Latency is measured on the real knowledge base and on a synthetic one of
10,000 entries made by mixing the real phrasings with other English words.
"""

from __future__ import annotations

import dataclasses
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.answering.answer import Assistant  # noqa: E402
from assistant.answering.knowledge import Entry, KnowledgeBase, load_knowledge  # noqa: E402

QUESTIONS = [json.loads(line)["q"] for line in
             (ROOT / "tests" / "data" / "questions.jsonl").read_text().splitlines()
             if line.strip()]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def latency(assistant: Assistant, questions: list[str], rounds: int = 5) -> list[float]:
    for q in questions:          # warm caches the way a running app has them
        assistant.ask(q)
    times = []
    for _ in range(rounds):
        for q in questions:
            # Word-level caches stay warm; a whole repeated question must not.
            assistant.matcher.lexical._terms.cache_clear()
            start = time.perf_counter()
            assistant.ask(q)
            times.append((time.perf_counter() - start) * 1000)
    return times


def synthetic(kb: KnowledgeBase, size: int, seed: int = 7) -> KnowledgeBase:
    rng = random.Random(seed)
    vocab = sorted(w for w in kb.english_words if 4 <= len(w) <= 9)
    entries: list[Entry] = []
    for i in range(size):
        base = kb.entries[i % len(kb.entries)]
        questions = tuple(
            " ".join(q.split()[: rng.randint(3, 8)] + rng.sample(vocab, 3))
            for q in base.questions)
        # The real entries keep their ids (other files name them), the copies get new ones.
        entry_id = base.id if i < len(kb.entries) else f"{base.id}-{i}"
        entries.append(dataclasses.replace(base, id=entry_id, questions=questions,
                                           related=()))
    return dataclasses.replace(kb, entries=tuple(entries), _by_id={})


def import_time() -> float:
    code = ("import time; s = time.perf_counter(); import assistant.answering.answer; "
            "print(time.perf_counter() - s)")
    runs = [float(subprocess.run([sys.executable, "-c", code], capture_output=True,
                                 text=True, cwd=ROOT).stdout) for _ in range(5)]
    return statistics.median(runs) * 1000


def training(kb: KnowledgeBase) -> tuple[float, int]:
    """Seconds to train both models from an empty cache, and the cache's bytes."""
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        Assistant(kb, cache=Path(folder))
        seconds = time.perf_counter() - start
        return seconds, sum(p.stat().st_size for p in Path(folder).glob("*.npz"))


def main() -> None:
    kb = load_knowledge()
    seconds, size = training(kb)
    print(f"training both models (matcher and sign detector) from nothing: {seconds:.1f} s; "
          f"model cache {size / 1e6:.1f} MB")
    real = latency(Assistant(kb), QUESTIONS)
    print(f"question latency, real KB ({len(kb.entries)} entries): "
          f"p50 {percentile(real, 50):.2f} ms  p95 {percentile(real, 95):.2f} ms")
    start = time.perf_counter()
    big_kb = synthetic(kb, 10_000)
    big = Assistant(big_kb)
    build = time.perf_counter() - start
    times = latency(big, QUESTIONS, rounds=2)
    print(f"question latency, synthetic KB (10,000 entries, built in {build:.1f} s): "
          f"p50 {percentile(times, 50):.2f} ms  p95 {percentile(times, 95):.2f} ms")
    text = " ".join(QUESTIONS)[:10_000]
    fresh = Assistant(kb)
    start = time.perf_counter()
    fresh.ask(text)
    print(f"10 kB question, cold caches: {(time.perf_counter() - start) * 1000:.1f} ms")
    print(f"core import time (assistant.answering.answer): {import_time():.0f} ms")


if __name__ == "__main__":
    main()
