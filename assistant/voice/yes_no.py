"""Hearing yes, no or not sure, for the daily warning-sign check.

The domain model is made for questions; a check's answer is a word or two.
This model is made of those short answers (each many times, so that they are
what it expects) and of the knowledge base's own questions (so that other
speech is heard as other words, not forced into an answer). What it hears
goes through `checkup.understand`: anything that is not a clear yes, no or
not sure asks again.
"""

from __future__ import annotations

from pathlib import Path

from ..answering.checkup import understand
from ..answering.knowledge import KnowledgeBase
from .listen import (
    Recognizer,
    Speech,
    _decoders,
    _extra_pronunciations,
    cache_folder,
    corpus,
    language_model,
)

# What people say, as the recogniser's dictionary spells it; each is understood.
SPOKEN = (
    "yes", "yeah", "yep", "yup", "yes i have", "i think so",
    "no", "nope", "nah", "no i haven't", "i haven't", "not really", "not at all",
    "not sure", "i'm not sure", "i am not sure", "unsure", "i don't know", "don't know",
    "maybe", "perhaps", "possibly",
)
WEIGHT = 40                # each answer counts this many times against one question


def answer_corpus(kb: KnowledgeBase) -> list[str]:
    return [s for s in SPOKEN for _ in range(WEIGHT)] + corpus(kb)


class AnswerRecognizer(Recognizer):
    """A `Recognizer` whose model expects short answers; `hear` says which one."""

    def __init__(self, kb: KnowledgeBase, cache: Path | None = None) -> None:
        self.model = "answers"
        built = language_model(answer_corpus(kb), _extra_pronunciations(kb),
                               (cache or cache_folder()) / "answers")
        self.decoders = _decoders({"lm": str(built.lm), "dict": str(built.dictionary)},
                                  "Answering by voice needs pocketsphinx, which is not "
                                  "installed; please press Y, N or S.")

    def answer(self, speech: Speech) -> tuple[str, str | None]:
        """What was heard, and the answer it is (None: ask again)."""
        heard = self.transcribe(speech)
        return heard, understand(heard)
