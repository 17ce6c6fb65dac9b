"""Answers prepared for listening: sentences, lists, units, pronunciations."""

from __future__ import annotations

import pytest

from assistant.answering.knowledge import KnowledgeBase
from assistant.voice.speech_text import for_the_ear


def test_splits_into_sentences() -> None:
    assert for_the_ear("Walk often. Sit less! Is it sore? Yes.") == [
        "Walk often.", "Sit less!", "Is it sore?", "Yes."]


def test_bullet_lists_are_read_as_a_list() -> None:
    text = "Call if you notice:\n- Fever\n- Redness at the incision\n1. New weakness"
    assert for_the_ear(text) == ["Call if you notice: Fever.", "Redness at the incision.",
                                 "New weakness."]


@pytest.mark.parametrize(("text", "heard"), [
    ("The incision is typically 3 to 4 cm.", "The incision is typically 3 to 4 centimeters."),
    ("Every 30-45 minutes.", "Every 30 to 45 minutes."),
    ("A temperature of 101 F.", "A temperature of 101 degrees Fahrenheit."),
    ("Over 38.5 °C.", "Over 38.5 degrees Celsius."),
    ("Pain of 8/10.", "Pain of 8 out of 10."),
    ("Ice, e.g. a cold pack.", "Ice, for example a cold pack."),
])
def test_numbers_and_units_are_spoken_well(text: str, heard: str) -> None:
    assert " ".join(for_the_ear(text)) == heard


def test_no_markup_is_read_out() -> None:
    heard = " ".join(for_the_ear("**Call now** and see [the guide](http://x.example) `now`"))
    assert heard == "Call now and see the guide now"


def test_pronunciation_file_is_applied(kb: KnowledgeBase) -> None:
    heard = " ".join(for_the_ear("A Laminectomy removes the lamina. Ask your PT.",
                                 kb.pronunciations))
    assert "Laminectomy" not in heard and "lamina " not in heard
    assert kb.pronunciations["laminectomy"] in heard
    assert "P T" in heard


def test_every_answer_can_be_spoken(kb: KnowledgeBase) -> None:
    for entry in kb.entries:
        sentences = for_the_ear(entry.answer, kb.pronunciations)
        assert sentences and all(len(s.split()) <= 60 for s in sentences), entry.id
