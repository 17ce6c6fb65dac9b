"""The one path to a reply: triage first, then the matcher.

Every front end (the app, plain mode, `ask`, voice) calls `Assistant.ask`
and nothing else, so none of them can forget triage.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .knowledge import Entry, KnowledgeBase, load_knowledge
from .matcher import Matcher
from .triage import SignHit, Triager, format_advice

MAX_QUESTION_CHARS = 2_000

UNKNOWN_ANSWER = (
    "I'm sorry, the patient guide I was given does not answer that. "
    "Please ask your surgical team or your doctor's office; they know your case."
)
EMPTY_ANSWER = "Please type or say a question, for example: When can I drive again?"
UNREADABLE_ANSWER = (
    "I could not find any words in that. Please type your question in words, "
    "for example: Is it normal to be sore?"
)


@dataclass(frozen=True)
class Alternative:
    entry: str
    topic: str
    title: str
    score: float


@dataclass(frozen=True)
class Reply:
    question: str
    triage: str                      # "none" | "urgent" | "emergency"
    signs: tuple[SignHit, ...]
    advice: str | None
    spoken_advice: str | None
    kind: str                        # "answer" | "unknown"
    topic: str | None
    entry: str | None
    score: float
    answer: str
    section: str | None = None
    related: tuple[Alternative, ...] = ()
    alternatives: tuple[Alternative, ...] = field(default=())

    def to_json(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "triage": self.triage,
            "signs": [s.id for s in self.signs],
            "advice": self.advice,
            "kind": self.kind,
            "topic": self.topic,
            "entry": self.entry,
            "score": self.score,
            "answer": self.answer,
            "alternatives": [{"entry": a.entry, "topic": a.topic, "score": a.score}
                             for a in self.alternatives],
        }

    def as_text(self) -> str:
        """The reply as plain lines, urgent advice first (command line, plain mode)."""
        lines: list[str] = []
        if self.triage != "none":
            lines.append(f"!!! {self.triage.upper()}: {self.advice}")
            lines += [f"    Recognised: {s.label}" for s in self.signs]
            lines.append("")
        lines.append(self.answer)
        if self.section:
            lines.append(f"(From the guide, section: {self.section})")
        if self.alternatives:
            label = "Did you mean" if self.kind == "unknown" else "Also see"
            lines.append(f"{label}: " + "; ".join(a.title for a in self.alternatives))
        return "\n".join(lines)

    def spoken(self) -> list[str]:
        """What to read aloud, urgent advice first."""
        parts = [self.spoken_advice] if self.spoken_advice else []
        return [*parts, self.answer]


class Assistant:
    def __init__(self, kb: KnowledgeBase | None = None, emergency_number: str = "911") -> None:
        self.kb = kb or load_knowledge()
        self.triager = Triager(self.kb)
        self.matcher = Matcher(self.kb)
        self.emergency_number = emergency_number

    def _alt(self, entry: Entry, score: float) -> Alternative:
        return Alternative(entry.id, entry.topic, self.kb.topic(entry.topic).title, score)

    def ask(self, question: str) -> Reply:
        text = question if isinstance(question, str) else str(question)
        shown = text.strip()[:MAX_QUESTION_CHARS]
        # Triage reads the whole message: a warning sign at the end of a long
        # message must not be cut off.
        triage = self.triager.triage(text)
        advice = spoken = None
        if triage.fired:
            advice = format_advice(triage.advice or "", self.emergency_number)
            spoken = format_advice(triage.spoken or "", self.emergency_number)
        if not shown:
            return self._plain(shown, triage, advice, spoken, EMPTY_ANSWER)
        if not any(ch.isalnum() for ch in shown):
            return self._plain(shown, triage, advice, spoken, UNREADABLE_ANSWER)
        result = self.matcher.match(text[: MAX_QUESTION_CHARS * 5])
        alternatives = tuple(self._alt(m.entry, m.score) for m in result.alternatives)
        if result.kind == "answer" and result.best is not None:
            e = result.best.entry
            return Reply(shown, triage.tier, triage.signs, advice, spoken, "answer", e.topic,
                         e.id, result.best.score, e.answer, e.source.section,
                         tuple(self._alt(self.kb.entry(r), 0.0) for r in e.related),
                         alternatives)
        score = result.best.score if result.best else 0.0
        return Reply(shown, triage.tier, triage.signs, advice, spoken, "unknown", None, None,
                     score, UNKNOWN_ANSWER, None, (), alternatives)

    def _plain(self, shown: str, triage: Any, advice: str | None, spoken: str | None,
               answer: str) -> Reply:
        return Reply(shown, triage.tier, triage.signs, advice, spoken, "unknown", None, None,
                     0.0, answer)

    def answer_entry(self, entry_id: str) -> Reply:
        """The reply for an entry chosen from the topic browser or "did you mean"."""
        e = self.kb.entry(entry_id)
        return Reply(self.kb.topic(e.topic).title, "none", (), None, None, "answer", e.topic,
                     e.id, 100.0, e.answer, e.source.section,
                     tuple(self._alt(self.kb.entry(r), 0.0) for r in e.related))
