"""Our held-out files (tests/data/heldout*.jsonl), written before any result
was seen and never learnt from; and the bank lines that near-copy them, which
would make them measure what the banks already hold. Used by the tests and by
scripts/dev_copies.py."""

from __future__ import annotations

import json
from pathlib import Path

from rapidfuzz import fuzz, process, utils

from assistant.answering.banks import Example
from assistant.answering.knowledge import KnowledgeBase

DATA = Path(__file__).parent / "data"
NEAR = 90                 # rapidfuzz ratio from which a line is a near-copy


def held_out_texts() -> list[str]:
    return [json.loads(line)["text"] for path in sorted(DATA.glob("heldout*.jsonl"))
            for line in path.read_text().splitlines() if line.strip()]


def near_copies(kb: KnowledgeBase) -> list[tuple[Example, str]]:
    """Every bank line (questions or sign messages) near-copying a held-out line,
    with that line."""
    held = held_out_texts()
    found = []
    for ex in (*kb.phrasings, *kb.sign_bank):
        hit = process.extractOne(ex.text, held, scorer=fuzz.ratio,
                                 processor=utils.default_process, score_cutoff=NEAR)
        if hit:
            found.append((ex, hit[0]))
    return found
