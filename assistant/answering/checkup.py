"""The daily warning-sign check: the guide's own list, one sign at a time.

Each sign is asked in the guide's words and answered yes, no or not sure.
A yes or a not sure on any sign ends the check at once with that sign's
tier of advice (triage decides the tier from the guide's words, so the
check and a typed question can never disagree). All no: a calm summary in
the guide's words, and what the guide's timeline says for today's stage.
Every front end (the app's F10 screen, `check` in the CLI and plain mode)
runs this one class.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .answer import Reply
from .text import words
from .triage import SignHit, format_advice

if TYPE_CHECKING:
    from .answer import Assistant

TITLE = "Daily warning-sign check"
NO_LIST = ("The daily check cannot run: this knowledge base has no companion.toml naming "
           "the guide's list of warning signs.")

YES, NO, NOT_SURE = "yes", "no", "not sure"
# Short words a person (or the recogniser) says for each answer.
SAYINGS = {
    YES: ("yes", "y", "yeah", "yep", "yup", "aye", "i have", "it has", "there is", "yes i have",
          "i think so", "true"),
    NO: ("no", "n", "nope", "nah", "no i have not", "i have not", "not at all", "none",
         "no i havent", "i havent", "it hasnt", "there isnt", "not really", "false"),
    NOT_SURE: ("not sure", "unsure", "maybe", "i dont know", "dont know", "dunno", "perhaps",
               "i am not sure", "im not sure", "i do not know", "possibly", "ns", "no idea",
               "cant tell", "i cant tell", "hard to say", "?"),
}
_HEARD = {" ".join(words(s)) or s: answer for answer, says in SAYINGS.items() for s in says}
ASK_AGAIN = "Please answer yes, no, or not sure."


def understand(text: str) -> str | None:
    """yes / no / not sure, or None when the words are none of those (ask again)."""
    said = " ".join(words(text[:200]))
    if not said:
        return NOT_SURE if text.strip() == "?" else None
    for ending in (" please", " thank you", " thanks"):
        said = said.removesuffix(ending)
    return _HEARD.get(said.strip(" ."))


@dataclass(frozen=True)
class CheckSign:
    words: str          # the guide's own line
    tier: str           # "emergency" | "urgent"

    @property
    def question(self) -> str:
        return f"Have you noticed this: {self.words}?"


@dataclass(frozen=True)
class CheckResult:
    answers: tuple[tuple[str, str], ...]   # (the sign's words, yes / no / not sure)
    tier: str                              # "none" (all no) | "urgent" | "emergency"
    finished: bool                         # False: stopped before the last sign
    advice: str | None                     # the tier's advice, when a sign was reported
    spoken_advice: str | None
    summary: str                           # what to show and say after the advice
    stage: str | None

    @property
    def reported(self) -> bool:
        return self.tier != "none"

    def as_reply(self) -> Reply:
        """The outcome as a reply, so that every front end shows and reads it as it
        shows any warning: the advice first, in the banner, and always spoken."""
        signs = tuple(SignHit(f"check-{n}", self.tier, sign, sign)
                      for n, (sign, said) in enumerate(self.answers) if said != NO)
        return Reply(TITLE, self.tier, signs, self.advice, self.spoken_advice, "answer",
                     "sure", None, None, 100.0, self.summary, stage=self.stage)


class Check:
    """One run through the signs: `question` until `done`, then `result()`."""

    def __init__(self, assistant: Assistant) -> None:
        companion = assistant.companion
        if companion is None:
            raise ValueError("the knowledge base has no warning-sign list for the check")
        self.assistant = assistant
        signs = [CheckSign(line, self._tier(line)) for line in companion.signs]
        # Emergency signs first: they are the ones that cannot wait for the end.
        self.signs = sorted(signs, key=lambda s: s.tier != "emergency")
        self.answers: list[tuple[str, str]] = []

    def _tier(self, line: str) -> str:
        tier = self.assistant.triager.triage(line).tier
        return tier if tier != "none" else "urgent"   # the guide: call your team right away

    @property
    def current(self) -> CheckSign | None:
        if self.stopped or len(self.answers) >= len(self.signs):
            return None
        return self.signs[len(self.answers)]

    @property
    def stopped(self) -> bool:
        return any(a != NO for _, a in self.answers)

    @property
    def done(self) -> bool:
        return self.current is None

    @property
    def number(self) -> int:
        """Which sign is being asked, from 1."""
        return len(self.answers) + 1

    def answer(self, text: str) -> str | None:
        """Record an answer to the current sign; None if it was not yes / no / not sure."""
        sign = self.current
        said = understand(text)
        if sign is None or said is None:
            return None
        self.answers.append((sign.words, said))
        return said

    def result(self) -> CheckResult:
        pos = self.assistant.position()
        stage = pos.stage if pos else None
        reported = [(w, a) for w, a in self.answers if a != NO]
        finished = self.done
        if reported:
            sign = next(s for s in self.signs if s.words == reported[0][0])
            tier = self.assistant.kb.triage.tiers[sign.tier]
            number = self.assistant.emergency_number
            said = "yes" if reported[0][1] == YES else "not sure"
            companion = self.assistant.companion
            assert companion is not None
            summary = (f'You said {said} to: "{sign.words}". The guide says: '
                       f'"{companion.intro}", and this is one of them.')
            return CheckResult(tuple(self.answers), sign.tier, True,
                               format_advice(tier.advice, number),
                               format_advice(tier.spoken, number), summary, stage)
        if not finished:
            return CheckResult(tuple(self.answers), "none", False, None, None,
                               f"The check stopped after {len(self.answers)} of "
                               f"{len(self.signs)} signs; nothing was reported.", stage)
        companion = self.assistant.companion
        assert companion is not None
        summary = (f"Thank you. No to all {len(self.signs)} warning signs. "
                   f'The guide says: "{companion.calm}"')
        if pos is not None and companion.has(pos.stage):
            here = companion.stage(pos.stage)
            summary += (f" {pos.header(companion)}. For {here.title.lower()} the guide says "
                        f'recovery usually focuses on: "{here.focus}".')
        return CheckResult(tuple(self.answers), "none", True, None, None, summary, stage)
