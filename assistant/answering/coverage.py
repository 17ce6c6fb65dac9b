"""What `kb check` says about the phrasing bank beyond its shape.

Three questions about the bank as a whole, asked once the knowledge base has
loaded:

- Are two lines the same question? Two near-copies with one label add
  nothing the matcher learns, and across styles they let the measurement
  test a line it was trained on. An out-of-scope line that copies an
  entry's question contradicts it. Both are problems to fix.
- Is an out-of-scope question one an entry answers? Then the bank teaches
  the matcher to decline a question the guide answers.
- Is every entry asked in enough ways, and in every style? A shortfall is a
  note, not a problem: a new entry starts with its own few questions.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from assistant.answering.banks import OUT_OF_SCOPE, STYLES, Example
from assistant.answering.knowledge import KnowledgeBase, Problem
from assistant.answering.text import words

NEAR_COPY = 90           # rapidfuzz ratio of the normalised words, 0-100
PHRASINGS_WANTED = 25    # ways to ask each entry, over all styles


@dataclass(frozen=True)
class _Line:
    label: str
    text: str
    where: Example | None     # None: an entry's own question (kept first)


def _lines(kb: KnowledgeBase) -> list[_Line]:
    own = [_Line(e.id, q, None) for e in kb.entries for q in e.questions]
    return own + [_Line(x.label, x.text, x) for x in kb.phrasings]


def _clash(a: _Line, b: _Line, score: float) -> str | None:
    """Why `b`, met after `a`, should go; None when both may stay.

    Lines of different entries that differ by a word ("lifting after ..."
    against "sitting after ...") are kept: they teach the difference.
    """
    if a.label == b.label:
        return "is a near-copy of"
    if OUT_OF_SCOPE in (a.label, b.label):
        return "is out of scope, but an entry answers" if score >= NEAR_COPY else None
    return "is the same question as another entry's" if score == 100 else None


def bank_problems(kb: KnowledgeBase) -> list[Problem]:
    """Near-copies within the bank, and out-of-scope lines an entry answers."""
    lines = _lines(kb)
    folded = [" ".join(words(line.text)) for line in lines]
    scores = process.cdist(folded, folded, scorer=fuzz.ratio, score_cutoff=NEAR_COPY - 1,
                           workers=1)
    problems: list[Problem] = []
    dropped: set[int] = set()
    for j, later in enumerate(lines):
        if later.where is None:
            continue
        for i in range(j):
            score = float(scores[i, j])
            why = _clash(lines[i], later, score) if score >= NEAR_COPY else None
            if why and i not in dropped:
                first = lines[i].where
                place = f" ({first.path.name}:{first.line})" if first else " (its entry)"
                problems.append(Problem(later.where.path, later.where.line,
                                        f"{later.text!r} {why} {lines[i].text!r}{place}; "
                                        "keep one"))
                dropped.add(j)
                break
    return problems


def coverage_notes(kb: KnowledgeBase) -> list[str]:
    """Entries asked in fewer than PHRASINGS_WANTED ways, or missing a style."""
    counts = Counter(x.label for x in kb.phrasings)
    styles: dict[str, set[str]] = {}
    for x in kb.phrasings:
        styles.setdefault(x.label, set()).add(x.style)
    notes = []
    for entry in kb.entries:
        total = counts[entry.id] + len(entry.questions)
        missing = [s for s in STYLES if s not in styles.get(entry.id, set())]
        if total < PHRASINGS_WANTED or missing:
            gaps = [f"{total} ways to ask it ({PHRASINGS_WANTED} wanted)"] \
                if total < PHRASINGS_WANTED else []
            gaps += [f"no {', '.join(missing)} phrasings"] if missing else []
            notes.append(f"{entry.id}: {'; '.join(gaps)}")
    return notes
