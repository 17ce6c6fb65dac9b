"""The one path to a reply: triage first, then the matcher.

Every front end (the app, plain mode, `ask`, voice) calls `Assistant.ask`
and nothing else, so none of them can forget triage.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .knowledge import Entry, KnowledgeBase, load_knowledge
from .matcher import Matcher
from .text import words
from .triage import SignHit, Triage, Triager, format_advice

# The guide's own warning-sign entry: what a bare warning sign leads to.
WARNING_SIGNS_ENTRY = "when-to-call"

MAX_QUESTION_CHARS = 2_000        # the question as shown and kept
MATCH_CHARS = 10_000              # what the matcher reads; triage reads it all
TOO_LONG_NOTE = (
    "Your message was too long for me to match as a whole ({chars:,} characters). "
    "I read all of it for warning signs, but looked up the answer from its beginning only. "
    "Please ask one question at a time."
)

UNKNOWN_ANSWER = (
    "I'm sorry, the patient guide I was given does not answer that. "
    "Please ask your surgical team or your doctor's office; they know your case."
)
UNSURE_ANSWER = (
    "I'm not sure which part of the guide you mean. Please choose one of these, "
    "or ask again in other words. If it is not among them, your surgical team can help."
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
    band: str                        # "sure" | "fairly-sure" | "unsure" | "out-of-scope"
    topic: str | None
    entry: str | None
    score: float
    answer: str
    section: str | None = None
    related: tuple[Alternative, ...] = ()
    alternatives: tuple[Alternative, ...] = field(default=())
    note: str | None = None          # what the person should know about how it was read

    def to_json(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "triage": self.triage,
            "signs": [s.id for s in self.signs],
            "advice": self.advice,
            "kind": self.kind,
            "band": self.band,
            "topic": self.topic,
            "entry": self.entry,
            "score": self.score,
            "answer": self.answer,
            "alternatives": [{"entry": a.entry, "topic": a.topic, "score": a.score}
                             for a in self.alternatives],
            "note": self.note,
        }

    def as_text(self) -> str:
        """The reply as plain lines, urgent advice first (command line, plain mode)."""
        lines: list[str] = []
        if self.triage != "none":
            lines.append(f"!!! {self.triage.upper()}: {self.advice}")
            lines += [f"    Recognised: {s.label}" for s in self.signs]
            lines.append("")
        if self.note:
            lines.append(self.note)
        lines.append(self.answer)
        if self.section:
            lines.append(f"(From the guide, section: {self.section})")
        if self.alternatives and self.band != "sure":
            label = "Or did you mean" if self.kind == "answer" else "Did you mean"
            lines.append(f"{label}: " + "; ".join(a.title for a in self.alternatives))
        return "\n".join(lines)

    def spoken(self) -> list[str]:
        """What to read aloud, urgent advice first."""
        parts = [self.spoken_advice] if self.spoken_advice else []
        parts += [self.note] if self.note else []
        return [*parts, self.answer]


class Assistant:
    def __init__(self, kb: KnowledgeBase | None = None, emergency_number: str = "911",
                 cache: Path | None = None) -> None:
        self.kb = kb or load_knowledge()
        cache = cache or model_cache()
        self.triager = Triager(self.kb, cache)
        self.matcher = Matcher(self.kb, cache=cache)
        self.warning_signs = next((e for e in self.kb.entries if e.id == WARNING_SIGNS_ENTRY),
                                  None)
        self.emergency_number = emergency_number

    def _alt(self, entry: Entry, score: float) -> Alternative:
        return Alternative(entry.id, entry.topic, self.kb.topic(entry.topic).title, score)

    def ask(self, question: str) -> Reply:
        text = question if isinstance(question, str) else str(question)
        reply = self._ask(text)
        if len(text.strip()) > MATCH_CHARS:
            return replace(reply, note=TOO_LONG_NOTE.format(chars=len(text.strip())))
        return reply

    def _ask(self, text: str) -> Reply:
        shown = text.strip()
        if len(shown) > MAX_QUESTION_CHARS:
            shown = shown[:MAX_QUESTION_CHARS] + " [...]"     # cut, and it says so
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
        result = self.matcher.match(text[:MATCH_CHARS])
        alternatives = tuple(self._alt(m.entry, m.score) for m in result.alternatives)
        if result.kind == "answer" and result.best is not None:
            return self._answer(shown, triage, advice, spoken, result.band, result.best.entry,
                                result.best.score, alternatives)
        if triage.fired and self.warning_signs is not None and self._only_signs(text, triage):
            # A warning sign and nothing else we can answer: what the guide says
            # about warning signs, under the advice.
            return self._answer(shown, triage, advice, spoken, "sure",
                                self.warning_signs, 100.0, ())
        score = result.best.score if result.best else 0.0
        text_out = UNKNOWN_ANSWER if result.band == "out-of-scope" else UNSURE_ANSWER
        if result.band != "out-of-scope" and not alternatives:
            text_out = UNKNOWN_ANSWER
        return Reply(shown, triage.tier, triage.signs, advice, spoken, "unknown", result.band,
                     None, None, score, text_out, None, (), alternatives)

    def _only_signs(self, text: str, triage: Any) -> bool:
        """Whether the message says little beyond its warning signs ("I have a fever")."""
        named = {w for hit in triage.signs for w in words(hit.words)}
        rest = [w for w in words(text) if w not in named and w not in self.kb.stopwords]
        return len(rest) <= 2

    def _answer(self, shown: str, triage: Any, advice: str | None, spoken: str | None,
                band: str, e: Entry, score: float,
                alternatives: tuple[Alternative, ...]) -> Reply:
        return Reply(shown, triage.tier, triage.signs, advice, spoken, "answer", band, e.topic,
                     e.id, score, e.answer, e.source.section,
                     tuple(self._alt(self.kb.entry(r), 0.0) for r in e.related), alternatives)

    def _plain(self, shown: str, triage: Any, advice: str | None, spoken: str | None,
               answer: str) -> Reply:
        return Reply(shown, triage.tier, triage.signs, advice, spoken, "unknown", "unsure",
                     None, None, 0.0, answer)

    def answer_entry(self, entry_id: str) -> Reply:
        """The reply for an entry chosen from the topic browser or "did you mean"."""
        e = self.kb.entry(entry_id)
        return self._answer(self.kb.topic(e.topic).title, Triage("none", (), None, None),
                            None, None, "sure", e, 100.0, ())


def model_cache() -> Path:
    """Where trained models are kept: $LAMINECTOMY_MODEL_CACHE, else the user's cache."""
    if os.environ.get("LAMINECTOMY_MODEL_CACHE"):
        return Path(os.environ["LAMINECTOMY_MODEL_CACHE"])
    import platformdirs

    from ..config import APP_NAME

    return Path(platformdirs.user_cache_dir(APP_NAME)) / "answers"
