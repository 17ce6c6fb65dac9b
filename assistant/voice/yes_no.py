"""Hearing yes, no or not sure, for the daily warning-sign check.

Whisper, when it runs, hears the answer with a prompt of the answers in
place of the questions' one (bench/listen.py --yes-no: 99% of answers in
eight espeak-ng voices, against 81% for the pocketsphinx model below).

Otherwise pocketsphinx, with a model of its own: the domain model is made
for questions, and a check's answer is a word or two. This model is made of
those short answers (each many times, so that they are what it expects) and
of the knowledge base's own questions (so that other speech is heard as
other words, not forced into an answer).

Either way, what is heard goes through `checkup.understand`: anything that is
not a clear yes, no or not sure asks again.
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
# Whisper's prompt for an answer: the check's kind of question, and its answers.
ANSWER_PROMPT = "Have you had this today? Yes. No. Not sure."


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


class AnswerListener:
    """The check's ears: Whisper with ANSWER_PROMPT when it runs, else (or when it
    stops working) the pocketsphinx answer model, made when first needed."""

    def __init__(self, kb: KnowledgeBase, whisper: object | None = None) -> None:
        from .whisper import WhisperRecognizer

        self.kb = kb
        self.whisper = whisper if isinstance(whisper, WhisperRecognizer) else None
        self._pocketsphinx: AnswerRecognizer | None = None

    def answer(self, speech: Speech) -> tuple[str, str | None]:
        """What was heard, and the answer it is (None: ask again)."""
        if self.whisper is not None and self.whisper.fallback is None:
            heard = self.whisper.hear(speech, 0, prompt=ANSWER_PROMPT).text
            if self.whisper.fallback is None:          # heard by Whisper, not its fallback
                return heard, understand(heard)
        if self._pocketsphinx is None:
            self._pocketsphinx = AnswerRecognizer(self.kb)
        return self._pocketsphinx.answer(speech)
