"""Red flags: every sign, in the words people use, wins over everything."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from assistant.answering.answer import WARNING_SIGNS_ENTRY, Assistant
from assistant.answering.knowledge import KnowledgeBase, load_knowledge
from assistant.answering.text import words
from assistant.answering.triage import Triager, ignore_list, names_a_sign, owned_alike

KB = load_knowledge()
TRIAGER = Triager(KB)
EXAMPLES = [(s.id, s.tier, ex) for s in KB.triage.signs for ex in s.examples]
RANK = {"none": 0, "urgent": 1, "emergency": 2}


def at_least(got: str, want: str) -> bool:
    return RANK[got] >= RANK[want]


@pytest.mark.parametrize(("sign", "tier", "text"), EXAMPLES)
def test_every_example_of_every_sign(sign: str, tier: str, text: str) -> None:
    result = TRIAGER.triage(text)
    assert at_least(result.tier, tier), (result, text)
    assert sign in [h.id for h in result.signs]


def test_every_sign_has_several_lay_examples(kb: KnowledgeBase) -> None:
    for sign in kb.triage.signs:
        assert len(sign.examples) >= 4, sign.id


@pytest.mark.parametrize(("text", "tier"), [
    ("my cut is oozing", "urgent"),
    ("he wet himself", "emergency"),
    ("cant feel anything down there", "emergency"),
    ("temp of 101", "urgent"),
    ("38.9", "urgent"),
    ("foot keeps slapping the floor", "urgent"),
    ("fell twice", "urgent"),
    ("i have a fevr", "urgent"),
    ("my bladdr feels wrong", "emergency"),
    ("the incison looks angry and red", "urgent"),
    ("um so like my wound is uh kinda leaking you know", "urgent"),
    ("HE PASSED OUT!!!", "emergency"),
    ("temperature of one hundred and one", "urgent"),
    ("thirty eight point five", "urgent"),
    ("pain 9/10 and the meds do nothing", "urgent"),
])
def test_lay_phrasings_typos_and_transcripts(text: str, tier: str) -> None:
    assert TRIAGER.triage(text).tier == tier


@pytest.mark.parametrize(("text", "tier"), [
    ("no fever but when can i drive", "urgent"),
    ("i dont have chills, can i shower", "urgent"),
    ("what if i cant pee", "emergency"),
    ("no bladder trouble at all, just asking about walking", "emergency"),
    ("not short of breath or anything", "emergency"),
    ("no falls so far, can i go upstairs", "urgent"),
    ("what if i faint in the shower", "emergency"),
])
def test_negated_and_hypothetical_mentions_are_still_routed(text: str, tier: str) -> None:
    assert TRIAGER.triage(text).tier == tier


def test_emergency_beats_urgent() -> None:
    result = TRIAGER.triage("i have a fever and now i cant hold my pee")
    assert result.tier == "emergency"
    assert {h.id for h in result.signs} == {"fever", "bladder-bowel"}
    assert result.signs[0].tier == "emergency"


def test_advice_comes_from_the_tier_with_the_chosen_number() -> None:
    reply = Assistant(KB, emergency_number="999").ask("she fainted")
    assert reply.advice is not None and "999" in reply.advice
    assert reply.spoken_advice is not None and "999" in reply.spoken_advice
    urgent = Assistant(KB).ask("my incision is red")
    assert urgent.advice == KB.triage.tiers["urgent"].advice


def test_a_long_message_with_a_sign_at_the_end() -> None:
    text = "when can i drive again and what about walking " * 200 + "also my calf is swollen"
    assert TRIAGER.triage(text).tier == "urgent"


@pytest.mark.parametrize("text", [
    "when can i drive again",
    "is it normal to be sore after surgery",
    "what are the warning signs i should watch for",
    "my leg pain is gone but my toes are still numb",
    "i fell asleep in my chair, is sitting that long bad",
    "can i use a heating pad on my back",
    "why would a surgeon choose open surgery",
    "what is a spinal fluid leak",
    "how do i get out of bed",
    "when will i be discharged",
    "does a crooked spine change the surgery",
    "can my wound get wet in the shower yet",
    "when can i get the dressing wet",
    "my granddaughter has fallen in love with my walking stick",
    "she tripped over her words when the surgeon rang",
    "we have been married 40 years and never argued about the washing up",
    "my fella is doing grand after his op, can he drive yet",
    "i aint sure when i can drive again",
])
def test_ordinary_questions_raise_no_alarm(text: str) -> None:
    assert TRIAGER.triage(text).tier == "none", TRIAGER.triage(text)


def test_knowledge_base_questions_raise_no_alarm(kb: KnowledgeBase) -> None:
    for entry in kb.entries:
        for question in entry.questions:
            assert TRIAGER.triage(question).tier == "none", (entry.id, question)


# ------------------------------------------------------------- properties --

filler = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)),
                 max_size=60)


def _typo(text: str, data: st.DataObject) -> str:
    """One-letter typo (swap, drop, double, replace) in a word of 4+ letters."""
    tokens = text.split()
    spots = [i for i, t in enumerate(tokens) if len(t) >= 4 and t.isalpha()]
    if not spots:
        return text
    i = data.draw(st.sampled_from(spots))
    word = tokens[i]
    j = data.draw(st.integers(0, len(word) - 2))
    kind = data.draw(st.sampled_from(["swap", "drop", "double", "replace"]))
    if kind == "swap":
        new = word[:j] + word[j + 1] + word[j] + word[j + 2:]
    elif kind == "drop":
        new = word[:j] + word[j + 1:]
    elif kind == "double":
        new = word[:j] + word[j] + word[j:]
    else:
        new = word[:j] + data.draw(st.sampled_from("aeioustnr")) + word[j + 1:]
    # A typo that makes another real word ("fever" -> "never") cannot be
    # told from that word; those are only caught inside longer phrases.
    assume(new == word or new not in KB.english_words)
    tokens[i] = new
    return " ".join(tokens)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(example=st.sampled_from(EXAMPLES), prefix=filler, suffix=filler, data=st.data(),
       upper=st.booleans())
def test_a_sign_anywhere_in_any_text_is_routed(example: tuple[str, str, str], prefix: str,
                                               suffix: str, data: st.DataObject,
                                               upper: bool) -> None:
    _, tier, text = example
    text = _typo(text, data)
    text = text.upper() if upper else text
    # The sign stays a phrase of its own: a separator keeps random letters
    # from gluing onto its first or last word.
    result = TRIAGER.triage(f"{prefix} . {text} , {suffix}")
    assert at_least(result.tier, tier), (text, result)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_triage_never_raises_on_any_text(text: str) -> None:
    assert TRIAGER.triage(text).tier in RANK


def test_words_are_the_same_for_typed_and_spoken_forms() -> None:
    assert words("Can't pee!") == words("cant pee")


@pytest.fixture(scope="module")
def assistant() -> Assistant:
    return Assistant(KB)


@pytest.mark.parametrize("bare", ["my cut is oozing", "chest pain, breathless", "my calf has "
                                  "swollen up", "wound leaking", "he has gone and fainted",
                                  "my wound is red and hot, and I feel awful"])
def test_a_bare_sign_leads_to_the_guide_s_warning_signs(bare: str, assistant: Assistant) -> None:
    reply = assistant.ask(bare)
    assert reply.triage != "none" and reply.entry == WARNING_SIGNS_ENTRY


@pytest.mark.parametrize(("message", "entry"), [
    ("fever, can I drive", "driving"),
    ("I had a fall, can I still drive the car?", "driving"),
    ("I've got a temperature, when can I go back to work", "return-to-work"),
])
def test_a_sign_beside_a_question_answers_the_question(message: str, entry: str,
                                                      assistant: Assistant) -> None:
    reply = assistant.ask(message)
    assert reply.triage == "urgent" and reply.entry == entry


@pytest.mark.parametrize("message", ["my mum has a fever, is it ok to give her aspirin",
                                     "wound weeping and can I eat sushi"])
def test_a_sign_beside_a_question_the_guide_does_not_answer_says_so(
        message: str, assistant: Assistant) -> None:
    reply = assistant.ask(message)
    assert reply.triage == "urgent" and reply.advice
    assert reply.kind == "unknown" and reply.entry is None


@pytest.mark.parametrize(("some", "top", "fires"), [
    (0.45, 0.30, True),      # a sign likely, and one stands out
    (0.45, 0.10, False),     # a sign likely, but no one sign more than the rest
    (0.65, 0.10, True),      # very likely some sign: routed whatever it names
    (0.25, 0.30, False),     # not likely enough
])
def test_the_detector_names_a_sign_only_when_one_stands_out(some: float, top: float,
                                                            fires: bool) -> None:
    assert names_a_sign(some, top) is fires


@pytest.mark.parametrize(("text", "tier"), [
    # A sign's word beside the words of an ordinary question (the shower, the
    # car) is still the sign: a detector that hears "getting out of the shower"
    # as a question must not be asked to confirm the fall.
    ("she fell getting out of the shower", "urgent"),
    ("i fell getting into the car", "urgent"),
    ("he has the chills after his shower", "urgent"),
    ("he is shuffling when he walks now", "urgent"),
    # A stiff neck the rules cannot read, beside a fever they can: the detector
    # is sure, and it is an emergency.
    ("i have a fever, a bad headache and a staff neck", "emergency"),
])
def test_a_sign_beside_ordinary_words_is_still_routed(text: str, tier: str) -> None:
    assert TRIAGER.triage(text).tier == tier, TRIAGER.triage(text).signs


@pytest.mark.parametrize("text", ["temp 39", "my temprature is 39.2", "thermometer says 101",
                                  "38 degrees and shivering"])
def test_a_temperature_near_its_word_or_a_typo_of_it_is_a_fever(text: str) -> None:
    assert "fever" in [h.id for h in TRIAGER.triage(text).signs]


def test_an_ignored_idiom_stands_for_every_personal_owner_but_not_for_the() -> None:
    variants = owned_alike(("tripped", "over", "my", "words"))
    assert ("tripped", "over", "her", "words") in variants
    assert ("tripped", "over", "their", "words") in variants
    assert len(variants) == 6
    assert owned_alike(("in", "the", "fall")) == {("in", "the", "fall")}
    assert TRIAGER.triage("in my fall i hurt my wrist").tier != "none"



def test_the_ignore_list_is_the_same_in_every_process() -> None:
    """It is part of the detector cache's key: a list that changed with the
    hash seed retrained the detector in every process (30 s each)."""
    script = ("from assistant.answering.knowledge import load_knowledge; "
              "from assistant.answering.triage import ignore_list; "
              "print(ignore_list(load_knowledge().triage.ignore))")
    seen = {subprocess.run([sys.executable, "-c", script], capture_output=True, check=True,
                           env={**os.environ, "PYTHONHASHSEED": seed}).stdout
            for seed in ("1", "2", "3")}
    assert len(seen) == 1
    assert ("tripped", "over", "her", "words") in ignore_list(KB.triage.ignore)
