"""List phrasings in knowledge/ that are near-copies of dev-set lines, and bank
lines that are near-copies of our own held-out file.

    .venv/bin/python scripts/dev_copies.py [path/to/dev.jsonl]

The dev set (../shared/eval/dev.jsonl) is a smoke test, never a source: a
phrasing within rapidfuzz ratio 90 of one of its lines is listed here so it
can be rewritten or dropped. Prints nothing but a count when the set is absent.
The held-out files (tests/data/heldout*.jsonl) measure what the banks never
saw, so a bank line (questions or sign messages) that near-copies one of their
lines is listed too, and must go (tests/held_out.py says which).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from rapidfuzz import fuzz, process, utils

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.answering.knowledge import KnowledgeBase, load_knowledge  # noqa: E402
from tests.held_out import near_copies  # noqa: E402


def held_out_copies(kb: KnowledgeBase) -> int:
    copies = near_copies(kb)
    for ex, held in copies:
        print(f"{ex.path.relative_to(ROOT)}:{ex.line}: {ex.text!r} ~ held out {held!r}")
    print(f"{len(copies)} bank lines near-copy the held-out files")
    return len(copies)


def main() -> int:
    kb = load_knowledge()
    copies = held_out_copies(kb)
    dev_path = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared/eval/dev.jsonl"
    if not dev_path.exists():
        print(f"no dev set at {dev_path}: nothing to compare")
        return int(copies > 0)
    dev = [json.loads(line)["q"] for line in dev_path.read_text().splitlines() if line.strip()]
    ours = [(e.id, "entries", q) for e in kb.entries for q in e.questions]
    ours += [(ex.label, ex.path.name, ex.text) for ex in kb.phrasings]
    found = 0
    for label, where, text in ours:
        hit = process.extractOne(text, dev, scorer=fuzz.ratio, processor=utils.default_process,
                                 score_cutoff=90)
        if hit:
            found += 1
            print(f"{where}: {label}: {text!r} ~ dev {hit[0]!r} ({hit[1]:.0f})")
    print(f"{found} near-copies of dev lines among {len(ours)} phrasings")
    return int(copies > 0)


if __name__ == "__main__":
    raise SystemExit(main())
