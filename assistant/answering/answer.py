"""The one path to a reply: triage first, then the matcher.

Every front end (the app, plain mode, `ask`, voice) calls `Assistant.ask`
and nothing else, so none of them can forget triage.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from .knowledge import Entry, KnowledgeBase, KnowledgeError, load_knowledge
from .matcher import Matcher
from .recovery import BEFORE, Companion, Position, check_companion, position, stage_in
from .text import words
from .triage import SignHit, Triage, Triager, format_advice

# Where the guide's week-by-week table is.
TIMELINE_SECTION = "The Road to Recovery A Week-by-Week Timeline"
# The guide's own warning-sign entry: what a bare warning sign leads to.
WARNING_SIGNS_ENTRY = "when-to-call"

MAX_QUESTION_CHARS = 2_000        # the question as shown and kept
MATCH_CHARS = 10_000              # what the matcher reads; triage reads it all
TOO_LONG_NOTE = (
    "Your message was too long for me to match as a whole ({chars:,} characters). "
    "I read all of it for warning signs, but looked up the answer from its beginning only. "
    "Please ask one question at a time."
)

# Words by which the words beside a warning sign ask a question of their own.
ASKING = frozenset({"can", "could", "may", "might", "should", "how", "what", "when", "where",
                    "why", "which", "whether", "allowed", "safe", "ok", "okay"})
# A warning sign found only in something else the recogniser may have heard.
MISHEARD = 'I may have misheard you; if you said "{said}", then: {advice}'
TIERS = ("none", "urgent", "emergency")

UNKNOWN_ANSWER = (
    "I'm sorry, the patient guide I was given does not answer that. "
    "Please ask your surgical team or your doctor's office; they know your case."
)
UNSURE_ANSWER = (
    "I'm not sure which part of the guide you mean. Please choose one of these, "
    "or ask again in other words. If it is not among them, your surgical team can help."
)
NO_DATE = ("The date of the operation is not set, so I do not know which week this is. "
           "Set it in Settings (F4), or: laminectomy-assistant settings set surgery_date "
           "2026-11-14")
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
    stage: str | None = None         # the stage of recovery answered for, or None
    note: str | None = None          # what the person should know about how it was read
    misheard: str | None = None      # what else was maybe heard, when the sign is only there

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
            "stage": self.stage,
            "note": self.note,
            "misheard": self.misheard,
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
                 cache: Path | None = None, surgery_date: date | None = None,
                 today: date | None = None) -> None:
        self.kb = kb or load_knowledge()
        companion, problems = check_companion(self.kb)
        if problems:
            raise KnowledgeError(problems)
        self.companion: Companion | None = companion
        self.surgery_date = surgery_date       # None: not known
        self.today = today                     # None: the computer's date (tests fix it)
        cache = cache or model_cache()
        self.triager = Triager(self.kb, cache)
        self.matcher = Matcher(self.kb, cache=cache)
        self.warning_signs = next((e for e in self.kb.entries if e.id == WARNING_SIGNS_ENTRY),
                                  None)
        self.emergency_number = emergency_number

    def position(self) -> Position | None:
        """Where today falls in recovery, when the operation date is known."""
        if self.surgery_date is None:
            return None
        return position(self.surgery_date, self.today or date.today())

    def this_week(self) -> str:
        """What the guide's timeline says about today's stage, in its words."""
        pos = self.position()
        companion = self.companion
        if pos is None or companion is None:
            return NO_DATE
        if not companion.has(pos.stage):          # before the operation
            first = companion.stages[0]
            return (f"{pos.header(companion)}. After the operation, for "
                    f'{first.title.lower()}, the guide says the focus is: "{first.focus}". '
                    f'Restrictions: "{first.avoid}".')
        stage = companion.stage(pos.stage)
        return (f'{pos.header(companion)}. What to do: "{stage.focus}". '
                f'What to avoid: "{stage.avoid}". What is normal: "{companion.calm}"')

    def header(self) -> str | None:
        """"Day 10 after the operation: week 2", or None when the date is not known."""
        pos = self.position()
        return pos.header(self.companion) if pos else None

    def this_week_reply(self) -> Reply:
        """"This week" as a reply: what the guide's timeline says for today's stage."""
        none = Triage("none", (), None, None)
        pos = self.position()
        section = TIMELINE_SECTION if pos is not None and self.companion else None
        return replace(self._plain("This week", none, None, None, self.this_week()),
                       kind="answer", band="sure", score=100.0, section=section,
                       stage=pos.stage if pos else None)

    def _alt(self, entry: Entry, score: float) -> Alternative:
        return Alternative(entry.id, entry.topic, self.kb.topic(entry.topic).title, score)

    def ask(self, question: str, heard_also: Sequence[str] = ()) -> Reply:
        """The reply to a question. `heard_also` is what else a recogniser may have
        heard: it is read for warning signs only, and a sign found only there is
        routed all the same, saying it may have been misheard."""
        text = question if isinstance(question, str) else str(question)
        reply = self._for_stage(self._ask(text, heard_also), stage_in(text[:MAX_QUESTION_CHARS]))
        if len(text.strip()) > MATCH_CHARS:
            return replace(reply, note=TOO_LONG_NOTE.format(chars=len(text.strip())))
        return reply

    def _triage(self, text: str, heard_also: Sequence[str]) -> tuple[Triage, Triage, str | None]:
        """Triage of the message; of the other guess that raises the highest tier
        above it (the message's own when none does); and what that guess was."""
        heard = other = self.triager.triage(text)
        misheard = None
        for said in heard_also:
            maybe = self.triager.triage(said)
            if TIERS.index(maybe.tier) > TIERS.index(other.tier):
                other, misheard = maybe, said
        return heard, other, misheard

    def _advice(self, triage: Triage | None) -> tuple[str | None, str | None]:
        if triage is None or not triage.fired:
            return None, None
        return (format_advice(triage.advice or "", self.emergency_number),
                format_advice(triage.spoken or "", self.emergency_number))

    def _ask(self, text: str, heard_also: Sequence[str] = ()) -> Reply:
        shown = text.strip()
        if len(shown) > MAX_QUESTION_CHARS:
            shown = shown[:MAX_QUESTION_CHARS] + " [...]"     # cut, and it says so
        # Triage reads the whole message: a warning sign at the end of a long
        # message must not be cut off.
        heard, other, misheard = self._triage(text, heard_also)
        advice, spoken = self._advice(heard)
        triage = heard
        if misheard is not None:
            # What was heard keeps its own advice; the higher tier that may have
            # been said follows it, said to be maybe misheard.
            maybe_advice, maybe_spoken = self._advice(other)
            advice = " ".join(filter(None, [advice, MISHEARD.format(said=misheard,
                                                                   advice=maybe_advice)]))
            spoken = " ".join(filter(None, [spoken, MISHEARD.format(said=misheard,
                                                                   advice=maybe_spoken)]))
            named = {h.id for h in other.signs}
            triage = replace(other, signs=other.signs + tuple(h for h in heard.signs
                                                               if h.id not in named))
        return replace(self._reply(text, shown, triage, advice, spoken), misheard=misheard)

    def _reply(self, text: str, shown: str, triage: Triage, advice: str | None,
               spoken: str | None) -> Reply:
        if not shown:
            return self._plain(shown, triage, advice, spoken, EMPTY_ANSWER)
        if not any(ch.isalnum() for ch in shown):
            return self._plain(shown, triage, advice, spoken, UNREADABLE_ANSWER)
        if triage.fired and self.warning_signs is not None:
            # A sign first; then the question asked beside it, if there is one.
            rest = self._beyond_signs(text, triage)
            result = self.matcher.match(" ".join(rest)[:MATCH_CHARS])
            if not self._asks_more(rest, result) and not self._asks_other(rest, result):
                # A warning sign and nothing else asked: what the guide says
                # about warning signs, under the advice.
                return self._answer(shown, triage, advice, spoken, "sure",
                                    self.warning_signs, 100.0, ())
        else:
            result = self.matcher.match(text[:MATCH_CHARS])
        alternatives = tuple(self._alt(m.entry, m.score) for m in result.alternatives)
        if result.kind == "answer" and result.best is not None:
            return self._answer(shown, triage, advice, spoken, result.band, result.best.entry,
                                result.best.score, alternatives)
        score = result.best.score if result.best else 0.0
        text_out = UNKNOWN_ANSWER if result.band == "out-of-scope" else UNSURE_ANSWER
        if result.band != "out-of-scope" and not alternatives:
            text_out = UNKNOWN_ANSWER
        return Reply(shown, triage.tier, triage.signs, advice, spoken, "unknown", result.band,
                     None, None, score, text_out, None, (), alternatives)

    def _beyond_signs(self, text: str, triage: Triage) -> list[str]:
        """The message's words without those its warning signs were found in (all
        of them when only the bank detector heard the sign: it names no words)."""
        named = {w for hit in triage.signs for w in words(hit.words)}
        return [w for w in words(text[:MATCH_CHARS]) if w not in named]

    def _asks_more(self, rest: list[str], result: Any) -> bool:
        """Whether the words beside a sign ask something the guide answers: a sure or
        fairly sure match, made of words that are not themselves more of the sign
        ("fever, can I drive" asks about driving; "chest pain, breathless" does not)."""
        return (result.kind == "answer" and result.band in ("sure", "fairly-sure")
                and self._own_words(rest) and not self.triager.triage(" ".join(rest)).fired)

    def _asks_other(self, rest: list[str], result: Any) -> bool:
        """Whether the words beside a sign ask something the guide does not answer
        ("my cut is oozing, can I eat sushi"): they ask (a word that asks), hold words
        of their own, and the matcher puts them out of scope; the question is then
        kept as unanswered. Words that only describe the sign ("my wound is red and
        hot") ask nothing."""
        return (result.band == "out-of-scope" and any(w in ASKING for w in rest)
                and self._own_words(rest))

    def _own_words(self, rest: list[str]) -> bool:
        """Whether the words beside a sign say anything: "my ... has ... up" does not."""
        return any(w not in self.kb.stopwords and not w.isdigit() for w in rest)

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
        return self._for_stage(self._answer(self.kb.topic(e.topic).title,
                                            Triage("none", (), None, None), None, None,
                                            "sure", e, 100.0, ()), None)

    def _for_stage(self, reply: Reply, named: str | None) -> Reply:
        """Answer for a stage of recovery: the one the question names, else today's.

        Only entries whose advice changes by stage get the guide's table row for
        that stage first and the later stages after; every word of both is a quote.
        """
        pos = self.position()
        stage = named or (pos.stage if pos else None)
        reply = replace(reply, stage=stage)
        companion = self.companion
        if (companion is None or reply.kind != "answer" or reply.entry is None
                or stage in (None, BEFORE) or reply.entry not in companion.stage_aware
                or not companion.has(stage)):
            return reply
        assert stage is not None
        if named is not None and named == reply.entry:
            return reply                    # "day 5, what should I avoid": the stage's own answer
        parts = [companion.preface(stage, reply.entry, pos if named is None else None),
                 reply.answer, companion.later_text(stage, reply.entry)]
        return replace(reply, answer="\n\n".join(p for p in parts if p))


def model_cache() -> Path:
    """Where trained models are kept: $LAMINECTOMY_MODEL_CACHE, else the user's cache."""
    if os.environ.get("LAMINECTOMY_MODEL_CACHE"):
        return Path(os.environ["LAMINECTOMY_MODEL_CACHE"])
    import platformdirs

    from ..config import APP_NAME

    return Path(platformdirs.user_cache_dir(APP_NAME)) / "answers"
