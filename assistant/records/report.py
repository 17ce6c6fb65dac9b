"""Which questions went unanswered, grouped, so the clinic knows what to add.

Near-identical questions ("can I have a glass of wine", "can i have a glas
of wine?") are one group; the group is named by its most common phrasing and
the groups are listed most frequent first.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from rapidfuzz import fuzz, utils

from .history import Record, iter_unanswered

SAME_QUESTION = 85          # out of 100, on lower-cased text without punctuation
MOSTLY_SAME_WORDS = 0.7     # one question may add a few words to the other


@dataclass
class Group:
    phrasings: Counter[str] = field(default_factory=Counter)
    keys: list[str] = field(default_factory=list)
    last_asked: datetime | None = None
    with_warning: int = 0

    @property
    def count(self) -> int:
        return sum(self.phrasings.values())

    @property
    def name(self) -> str:
        return self.phrasings.most_common(1)[0][0]

    def similarity(self, key: str) -> float:
        return max(_similarity(key, k) for k in self.keys)


def _similarity(a: str, b: str) -> float:
    """Spelling slips, word order, and a few added words ("... red wine tonight")."""
    score = max(fuzz.ratio(a, b), fuzz.token_sort_ratio(a, b))
    short, long = sorted((len(a.split()), len(b.split())))
    if long and short / long >= MOSTLY_SAME_WORDS:
        score = max(score, fuzz.token_set_ratio(a, b))
    return score


def group_unanswered(records: Iterable[Record], threshold: float = SAME_QUESTION) -> list[Group]:
    groups: list[Group] = []
    for r in iter_unanswered(list(records)):
        key = utils.default_process(r.question)
        score, best = max(((g.similarity(key), g) for g in groups), key=lambda t: t[0],
                          default=(0.0, None))
        if best is None or score < threshold:
            best = Group()
            groups.append(best)
        best.phrasings[" ".join(r.question.split())] += 1
        if key not in best.keys:
            best.keys.append(key)
        best.last_asked = max(filter(None, (best.last_asked, r.asked_at)))
        best.with_warning += r.triage != "none"
    return sorted(groups, key=lambda g: (-g.count, g.name.lower()))


def render_report(groups: list[Group], limit_phrasings: int = 5) -> str:
    if not groups:
        return "No unanswered questions in the history.\n"
    total = sum(g.count for g in groups)
    out = [f"{total} unanswered question(s) in {len(groups)} group(s), most frequent first.",
           "Consider adding an entry to knowledge/ for the top ones.", ""]
    for n, g in enumerate(groups, 1):
        last = f", last {g.last_asked:%d %b %Y}" if g.last_asked else ""
        warn = f", {g.with_warning} with a warning sign" if g.with_warning else ""
        out.append(f"{n:>3}. {g.name}  (asked {g.count}x{last}{warn})")
        others = [p for p, _ in g.phrasings.most_common() if p != g.name]
        out += [f"       also: {p}" for p in others[:limit_phrasings]]
        if len(others) > limit_phrasings:
            out.append(f"       and {len(others) - limit_phrasings} more")
    return "\n".join(out) + "\n"
