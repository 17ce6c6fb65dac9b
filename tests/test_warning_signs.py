"""Warning signs heard in any words: escalation, sound-alikes, long messages."""

from __future__ import annotations

import shutil
from pathlib import Path

import jellyfish
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from rapidfuzz.distance import OSA
from textual.widgets import Static

from assistant.answering.answer import Assistant
from assistant.answering.banks import NO_SIGN
from assistant.answering.knowledge import DEFAULT_ROOT, check_knowledge, load_knowledge
from assistant.answering.text import MAX_CHARS
from assistant.answering.triage import (
    PIECE_CHARS,
    PIECE_OVERLAP,
    Triager,
    blanked,
    blanked_runs,
    chunks,
    format_advice,
    homophones,
    pieces,
)
from assistant.cli import main
from assistant.ui.widgets.urgent_banner import UrgentBanner

from .ui_support import ask, recording_app, started

KB = load_knowledge()
TRIAGER = Triager(KB)


def signs(text: str) -> set[str]:
    return {h.id for h in TRIAGER.triage(text).signs}


# -------------------------------------------------------------- escalation --

@pytest.mark.parametrize("text", [
    "both my legs have gone weak",
    "my legs are weak and wobbly today",
    "he says both his feet are numb",
    "numbness in both legs",
    "my right leg suddenly gave way under me",
    "all of a sudden i cant feel my left foot",
    "the tingling has crept up to my thigh within a few hours",
    "my leg has got weaker and weaker since this morning",
    "my foot was fine at breakfast and now it is numb, its getting worse by the hour",
    "she cant feel either leg",
])
def test_weakness_or_numbness_in_both_legs_or_sudden_is_an_emergency(text: str) -> None:
    result = TRIAGER.triage(text)
    assert result.tier == "emergency", (text, result.signs)
    assert "sudden-or-both-legs" in signs(text)


@pytest.mark.parametrize("text", [
    "i have a fever, a really bad headache and a stiff neck",
    "temp of 101, my head is pounding and i cant bend my neck",
    "hes burning up, says his head hurts and his neck is so stiff",
])
def test_fever_with_headache_and_stiff_neck_is_an_emergency(text: str) -> None:
    assert TRIAGER.triage(text).tier == "emergency", text
    assert "fever-stiff-neck" in signs(text)


@pytest.mark.parametrize(("text", "tier"), [
    # One leg, no word of speed: urgent, as the guide lists it.
    ("my right leg feels weaker than yesterday", "urgent"),
    ("the numbness is spreading up my leg", "urgent"),
    # A fever alone, or with a headache: urgent.
    ("i have a fever and a headache", "urgent"),
    # Numbness that lingers is a question, not a sign.
    ("my toes are still numb six weeks after surgery", "none"),
    ("my neck is stiff from sleeping in the chair", "none"),
])
def test_what_is_not_raised_stays_where_it_was(text: str, tier: str) -> None:
    assert TRIAGER.triage(text).tier == tier, (text, TRIAGER.triage(text).signs)


@pytest.mark.parametrize("text", [
    "my foot has been numb since the operation but this afternoon the numbness has been "
    "spreading up towards my hip",
    "my left leg has been going weaker and weaker, i first noticed it a couple of hours ago "
    "when i tried the stairs",
    "the numb patch on my shin has been getting bigger and now i can feel it in the other "
    "leg as well",
])
def test_leg_weakness_or_spreading_numbness_within_the_day_is_raised(text: str) -> None:
    result = TRIAGER.triage(text)
    assert result.tier == "emergency", result
    assert "sudden-or-both-legs" in [h.id for h in result.signs]


@pytest.mark.parametrize("text", [
    "my leg has been getting weaker all week. this morning i went to the shops",
    "this morning i walked to the shops and back",
    "suddenly remembered i had a question about driving",
])
def test_a_time_of_day_raises_only_a_leg_sign_of_its_own_sentence(text: str) -> None:
    assert TRIAGER.triage(text).tier != "emergency"


async def test_a_raised_sign_shows_the_emergency_banner() -> None:
    app, _ = recording_app(emergency_number="999")
    async with app.run_test() as pilot:
        await started(pilot)
        await ask(pilot, "the numbness began in my toes at lunch and it has been creeping up "
                         "my leg ever since, now it is past my knee")
        banner = app.main.query_one(UrgentBanner)
        assert banner.has_class("shown") and banner.has_class("emergency")
        assert "CALL 999 NOW" in str(banner.query_one("#banner-title", Static).render())
        assert "spreading within hours" in str(banner.query_one("#banner-signs", Static).render())


def test_exact_words_still_forgive_a_typo_that_is_no_word() -> None:
    assert "sudden-or-both-legs" in signs("my lges are weak")
    # "leg" is a real word: one leg is not both.
    assert "sudden-or-both-legs" not in signs("my leg is weak")


async def test_an_escalated_sign_shows_the_emergency_banner() -> None:
    app, speech = recording_app(emergency_number="112")
    async with app.run_test() as pilot:
        await started(pilot)
        await ask(pilot, "both my legs went weak this morning, can I still go on my walk?")
        banner = app.main.query_one(UrgentBanner)
        assert banner.has_class("shown") and banner.has_class("emergency")
        assert "CALL 112 NOW" in str(banner.query_one("#banner-title", Static).render())
        assert "both legs" in str(banner.query_one("#banner-signs", Static).render())
        assert "112" in speech.spoken[-1][0]


# ------------------------------------------------------------- sound-alikes --

@pytest.mark.parametrize(("text", "sign"), [
    ("my legs feel week", "leg-weakness"),
    ("his foot has gone week and drags", "leg-weakness"),
    ("lost control of my bowls", "bladder-bowel"),
    ("i cant control my ladder any more", "bladder-bowel"),
    ("I past out in the kitchen", "fainting"),
    ("the number feeling keeps spreading up my shin", "spreading-numbness"),
    ("he thinks its favour, he feels so cold", "fever"),
    # After "a" or "this" a word is read as a noun of its own ("this week"),
    # unless it goes with the next word, a sure word of the same sign.
    ("i have had a week leg since tuesday", "leg-weakness"),
    ("is a staff neck normal? i also have a temperature and a massive headache",
     "fever-stiff-neck"),
])
def test_a_real_word_that_sounds_like_a_sign_word_counts_in_its_context(
        text: str, sign: str) -> None:
    hit = next((h for h in TRIAGER.triage(text).signs if h.id == sign), None)
    assert hit is not None, (text, TRIAGER.triage(text))
    # Found by the rules through the sound-alike (the detector names no words).
    assert hit.words, hit


@pytest.mark.parametrize("text", [
    "can i have two bowls of soup a day",
    "I passed the test for my driving licence",
    "a weak signal on my phone means i cant call",
    "i fell asleep in my chair",
    "my leg pain is much better this week",
    "this week my leg is much better",
    "week 2 and my leg is a bit sore, is that normal",
    "after a week my legs were fine",
    "can i climb a ladder yet",
    "could you do me a favour and tell me when i can drive",
    "what number do i ring for the clinic",
])
def test_sound_alikes_without_their_sign_stay_quiet(text: str) -> None:
    assert TRIAGER.triage(text).tier == "none", (text, TRIAGER.triage(text).signs)


def test_past_is_not_read_as_passed_out() -> None:
    # The bank detector hears worse back pain as severe pain here (a false
    # alarm bench/signs.py counts; it names no words); "past" is not "passed out".
    signs = TRIAGER.triage("in the past my back pain was worse in the morning").signs
    assert [h for h in signs if h.words] == [], signs


def test_words_said_alike_are_told_from_words_that_only_share_their_keys() -> None:
    said = homophones(("weak", "faint", "fall"))
    assert said["week"] == {"weak"} and said["feint"] == {"faint"}
    # Known to the dictionary, with both sound keys of a sign word, yet said otherwise.
    assert said["fill"] == frozenset() and said["find"] == frozenset()


def test_only_a_word_said_as_a_sign_word_needs_no_other_word_of_the_sign() -> None:
    TRIAGER.triage("she feinted in the hall")
    TRIAGER.triage("we find the stairs easier now")
    assert ("feinted", "fainted") in TRIAGER.homophones
    assert not any(token == "find" for token, _ in TRIAGER.homophones)


@pytest.mark.parametrize(("text", "sign"), [
    ("she has a sharp pain in the chest", "chest-breathing"),
    ("a pain in your chest when you breathe in", "chest-breathing"),
    ("a fever and a headache, and you cant bend your neck", "fever-stiff-neck"),
])
def test_whose_it_is_does_not_matter_to_a_rule(text: str, sign: str) -> None:
    assert sign in _RULES_ALONE._hits(_RULES_ALONE._tokens(text)), text


@pytest.mark.parametrize("text", [
    "the numbness at the bottom of my foot is no worse",
    "the old shelf wont hold the books",
])
def test_an_owner_written_exactly_stays_exact(text: str) -> None:
    assert _RULES_ALONE._hits(_RULES_ALONE._tokens(text)) == {}, text


def test_a_word_of_no_sign_is_no_context_under_another_ending() -> None:
    # "head" is one of the words that point to no sign; "headed" (of "light
    # headed") must not lend it a sign, so "full" is not heard as "fall".
    assert "walking-balance" not in _RULES_ALONE._hits(
        _RULES_ALONE._tokens("my head is full of plans for the garden"))
    assert "walking-balance" in _RULES_ALONE._hits(
        _RULES_ALONE._tokens("i feel light headed and fill over"))


def test_an_article_does_not_vouch_for_a_typo_beside_it() -> None:
    # "full" is one letter from "fall", but "a" two words before tells
    # nothing of it (the rule "a fall" allows words between).
    assert "walking-balance" not in TRIAGER._hits(
        TRIAGER._tokens("we have a cupboard full of tablets"))
    assert "walking-balance" in TRIAGER._hits(TRIAGER._tokens("she had a fal on the stairs"))


def test_the_sound_alike_names_the_words_it_heard() -> None:
    hit = next(h for h in TRIAGER.triage("lost control of my bowls").signs)
    assert hit.id == "bladder-bowel" and "bowls" in hit.words


# ------------------------------------------------------- kb check: advice --

def _check_fails_at(root: Path, capsys: pytest.CaptureFixture[str], needle: str,
                    words: str) -> None:
    """`kb check` fails, naming triage.toml at the line holding `needle`."""
    path = root / "triage.toml"
    line = next(n for n, text in enumerate(path.read_text().splitlines(), 1) if needle in text)
    assert main(["--kb", str(root), "kb", "check"]) == 1
    err = capsys.readouterr().err
    assert f"{path}:{line}:" in err, err
    assert words in err, err


def _edit(root: Path, old: str, new: str) -> None:
    path = root / "triage.toml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


@pytest.fixture
def kb_copy(tmp_path: Path) -> Path:
    root = tmp_path / "knowledge"
    shutil.copytree(DEFAULT_ROOT, root)
    return root


def test_an_unknown_placeholder_in_the_advice_is_an_error(
        kb_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _edit(kb_copy, "dial {emergency_number}.\"\n", "dial {emergency_numbr}.\"\n")
    _check_fails_at(kb_copy, capsys, "{emergency_numbr}", "unknown placeholder {emergency_numbr}")


def test_an_unknown_placeholder_in_the_spoken_advice_is_an_error(
        kb_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _edit(kb_copy, "Dial {emergency_number}.", "Dial {number}.")
    _check_fails_at(kb_copy, capsys, "Dial {number}", "spoken: unknown placeholder {number}")


def test_a_brace_left_open_is_an_error(kb_copy: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    _edit(kb_copy, "dial {emergency_number}.\"\n", "dial {emergency_number.\"\n")
    _check_fails_at(kb_copy, capsys, "dial {emergency_number.", "a brace is not closed")


def test_a_tier_with_empty_advice_is_an_error(kb_copy: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    _edit(kb_copy, 'advice = "Call your surgical team right away. If you cannot reach them, '
                   'seek urgent medical care."', 'advice = " "')
    _check_fails_at(kb_copy, capsys, 'advice = " "', "[tiers.urgent] advice is empty")


def test_a_tier_without_advice_is_an_error(kb_copy: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    _edit(kb_copy, 'advice = "Call your surgical team right away.', 'note = "Call')
    _check_fails_at(kb_copy, capsys, "[tiers.urgent]", "[tiers.urgent] needs title, advice")


def test_the_advice_as_shipped_has_only_known_placeholders() -> None:
    _, problems = check_knowledge()
    assert problems == []
    for tier in KB.triage.tiers.values():
        shown = format_advice(tier.advice, "999") + format_advice(tier.spoken, "999")
        assert "{" not in shown and "}" not in shown


# ----------------------------------------------------- the whole message --

ORDINARY = "We have been wondering about the walks and the stairs and the car. "


def test_pieces_are_each_short_enough_to_be_read_whole() -> None:
    assert PIECE_CHARS < MAX_CHARS
    text = ORDINARY * 20_000
    parts = list(pieces(text))
    assert all(len(p) <= PIECE_CHARS for p in parts)
    # Every character is in some piece, and consecutive pieces overlap.
    covered = 0
    for p in parts:
        at = text.find(p, max(0, covered - PIECE_OVERLAP - len(ORDINARY)))
        assert 0 <= at <= covered, (at, covered)
        covered = at + len(p)
    assert covered == len(text)


@pytest.mark.parametrize(("sign", "tier"), [
    ("and then I passed out on the landing", "emergency"),
    ("also my calf is swollen and hot", "urgent"),
])
def test_a_sign_at_the_very_end_of_a_megabyte_is_routed(sign: str, tier: str) -> None:
    text = (ORDINARY * 16_000)[:1_000_000] + sign
    assert len(text) > 5 * MAX_CHARS
    assert TRIAGER.triage(text).tier == tier


def test_a_sign_across_a_cut_between_pieces_is_read_whole() -> None:
    # Two words that make a sign only together, put across every place a
    # cut can fall; the rules alone, so the detector cannot cover for a miss.
    rules_alone = Triager(KB, None, [])
    sign = "the dressing over my back looks very damp today"
    for shift in range(0, len(sign) + 2, 3):
        before = "x " * ((PIECE_CHARS - shift) // 2)
        text = before + sign + " and" * 70_000
        assert rules_alone.triage(text).tier == "urgent", shift


def test_a_sign_in_the_middle_of_300_kb_is_routed() -> None:
    half = ORDINARY * 2_300
    assert TRIAGER.triage(half + "my incision is oozing yellow pus. " + half).tier == "urgent"


def test_a_long_question_is_answered_and_says_it_was_too_long(assistant: Assistant) -> None:
    text = "When can I drive again? " + ORDINARY * 4_500 + " I wet myself this morning."
    reply = assistant.ask(text)
    assert reply.triage == "emergency"
    assert reply.note is not None and "too long" in reply.note
    assert f"{len(text.strip()):,}" in reply.note
    assert reply.note in reply.as_text() and reply.note in reply.spoken()
    assert reply.to_json()["note"] == reply.note
    # The question as kept is cut, and says so.
    assert reply.question.endswith("[...]") and len(reply.question) < 2_100


def test_an_ordinary_question_has_no_note(assistant: Assistant) -> None:
    reply = assistant.ask("when can I drive again")
    assert reply.note is None and "note" in reply.to_json()


# -------------------------------------------------------------- properties --

RANK = {"none": 0, "urgent": 1, "emergency": 2}
TIER = {s.id: s.tier for s in KB.triage.signs}
# The bank's sign messages that the readable rules catch as written: one
# change of a word must not lose them. (Those only the detector hears are
# measured by bench/signs.py, not promised here.)
_RULES_ALONE = Triager(KB, None, [])
BANK_SIGNS = [(ex.text, ex.label) for ex in KB.sign_bank if ex.label != NO_SIGN
              and ex.label in {h.id for h in _RULES_ALONE.triage(ex.text).signs}]
_ALIKE: dict[str, list[str]] = {}
for _word in sorted(KB.english_words):
    if len(_word) >= 4:
        _ALIKE.setdefault(jellyfish.metaphone(_word), []).append(_word)


def _sound_alikes(word: str) -> list[str]:
    """Real words that sound like `word` by both keys (Metaphone and NYSIIS)
    and are spelt nearly like it: week/weak, feint/faint, past/passed."""
    return [w for w in _ALIKE.get(jellyfish.metaphone(word), ())
            if w != word and w[0] == word[0] and OSA.distance(w, word) <= 2
            and jellyfish.nysiis(w) == jellyfish.nysiis(word)]


def _one_change(text: str, data: st.DataObject) -> str:
    """One word of the message swapped for a sound-alike, or one letter
    changed (swapped, dropped, doubled or replaced) so that it is no real word."""
    tokens = text.split(" ")
    # Words of five letters or more: one letter of a shorter one ("nine" ->
    # "ine") leaves too little to know it by.
    spots = [i for i, t in enumerate(tokens) if len(t) >= 5 and t.isalpha()]
    if not spots:
        return text
    i = data.draw(st.sampled_from(spots), label="word")
    word = tokens[i].lower()
    alikes = _sound_alikes(word)
    if alikes and data.draw(st.booleans(), label="sound-alike"):
        tokens[i] = data.draw(st.sampled_from(alikes), label="heard as")
        return " ".join(tokens)
    j = data.draw(st.integers(0, len(word) - 2), label="at")
    kind = data.draw(st.sampled_from(["swap", "drop", "double", "replace"]), label="typo")
    new = {"swap": word[:j] + word[j + 1] + word[j] + word[j + 2:],
           "drop": word[:j] + word[j + 1:],
           "double": word[:j] + word[j] + word[j:],
           "replace": word[:j] + data.draw(st.sampled_from("aeioustnr")) + word[j + 1:]}[kind]
    # A typo that makes another real word is a sound-alike's business above.
    assume(new == word or new not in KB.english_words)
    tokens[i] = new
    return " ".join(tokens)


ANY_TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)),
                   max_size=200)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(example=st.sampled_from(BANK_SIGNS), before=ANY_TEXT, after=ANY_TEXT, data=st.data())
def test_any_bank_sign_with_one_change_in_any_text_is_routed(
        example: tuple[str, str], before: str, after: str, data: st.DataObject) -> None:
    text, sign = example
    changed = _one_change(text, data)
    # The sign is a sentence of its own: separators keep random letters from
    # gluing onto its words, or a random "2" or "this" from reading its first
    # word as a noun ("2 bowls", "this week").
    result = TRIAGER.triage(f"{before}\nAlso: {changed}\n{after}")
    assert RANK[result.tier] >= RANK[TIER[sign]], (changed, result.signs)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                HealthCheck.data_too_large])
@given(example=st.sampled_from(BANK_SIGNS), filler=ANY_TEXT.filter(str.strip),
       size=st.sampled_from([10_000, 300_000, 1_000_000]), where=st.floats(0, 1),
       data=st.data())
def test_any_bank_sign_anywhere_in_up_to_a_megabyte_is_routed(
        example: tuple[str, str], filler: str, size: int, where: float,
        data: st.DataObject) -> None:
    text, sign = example
    changed = _one_change(text, data)
    padding = (filler + " ") * (size // (len(filler) + 1) + 1)
    at = int(where * size)
    result = TRIAGER.triage(f"{padding[:at]}\nAlso: {changed}\n{padding[at:size]}")
    assert RANK[result.tier] >= RANK[TIER[sign]], (changed, result.signs)


# ------------------------------------------- what looks like a sign but is not --

@pytest.mark.parametrize("text", [
    "the numbness in my heel is no worse than it was last month",
    "my toes are still tingly but not any worse, can i drive",
    "the numb bit on my thigh isnt spreading, is it ok to swim",
    "we have all got cabin fever in this house",
    "her hay fever is terrible with the pollen this week",
    "the kids have chilled out now, can i play cards with them",
    "my grandson fell in love with the nurse who looked after me",
    "there is only a faint line where the stitches were",
    "she writes to an agony aunt about her neighbours",
    "i am agonising over whether to go on the cruise in june",
    "it was a wet day, can i still go out for my walk",
])
def test_idioms_and_changes_denied_stay_quiet(text: str) -> None:
    assert TRIAGER.triage(text).tier == "none", (text, TRIAGER.triage(text).signs)


@pytest.mark.parametrize(("text", "tier"), [
    # A sign denied is still routed; only the denied change is skipped.
    ("no fever, and the numbness is no worse", "urgent"),
    ("the numbness is no worse in my foot but now both legs are numb", "emergency"),
    ("the tingling is not spreading, its just that i fainted", "emergency"),
    ("my leg feels no worse but it is swollen and hot", "urgent"),
    ("he has started wetting the bed", "emergency"),
    ("what should i do if i piss out", "emergency"),
])
def test_what_is_next_to_a_skipped_phrase_is_still_read(text: str, tier: str) -> None:
    assert TRIAGER.triage(text).tier == tier, (text, TRIAGER.triage(text).signs)


@pytest.mark.parametrize("text", [
    "she fainted in the hall", "he passed out on the landing", "i fell on the stairs",
    "ive got the chills again", "he had a fall in the garden",
])
def test_forms_said_of_the_patient_need_no_confirming(text: str) -> None:
    # Only the forms written in `other_senses` are doubted ("faint", not
    # "fainted"): a word almost always said of the patient must not hang on
    # the detector, which words around it can sway.
    tokens = TRIAGER._tokens(text)
    assert blanked(tokens, TRIAGER.other_senses) == tokens
    assert TRIAGER.triage(text).fired


# A sign's word in another of its senses: the rules cannot tell "so faint I
# can't read it" from "I felt faint"; the detector, which learnt the everyday
# senses from the hard negatives, must find some sign in the sentence too.
@pytest.mark.parametrize("text", [
    "our garden bench has gone wobbly, can i still sit on it",
    "the apples are falling off the tree, can i pick them up",
])
def test_a_sign_word_in_another_sense_stays_quiet(text: str) -> None:
    assert TRIAGER.triage(text).tier == "none", (text, TRIAGER.triage(text).signs)


@pytest.mark.parametrize(("text", "tier"), [
    ("i felt faint on the stairs", "emergency"),
    ("she collapsed in the hall", "emergency"),
    ("what do i do if he passes out", "emergency"),
    ("my legs went all wobbly when i stood up", "urgent"),
    ("he fell getting out of the bath", "urgent"),
    ("ive been getting the chills all evening", "urgent"),
    ("the pain is unbearable even with my tablets", "urgent"),
])
def test_the_same_words_about_the_patient_are_routed(text: str, tier: str) -> None:
    result = TRIAGER.triage(text)
    assert RANK[result.tier] >= RANK[tier], (text, result.signs)


@pytest.mark.parametrize(("text", "tier"), [
    ("no falls so far, can i go upstairs", "urgent"),
    ("i havent collapsed or anything, can i drive yet", "emergency"),
    ("what if i faint in the shower", "emergency"),
    ("never been wobbly on my feet till now", "urgent"),
])
def test_a_denied_or_asked_word_of_another_sense_is_the_sign(text: str, tier: str) -> None:
    # Nobody denies a waterfall or asks what if a table is wobbly: after a
    # denial the word is the sign, routed as any mention is, with no need of
    # the detector's word.
    tokens = TRIAGER._tokens(text)
    assert blanked(tokens, TRIAGER.other_senses) != tokens
    assert TRIAGER._doubted(tokens) == tokens
    assert RANK[TRIAGER.triage(text).tier] >= RANK[tier], (text, TRIAGER.triage(text).signs)


def test_without_the_detector_the_rules_stand_alone() -> None:
    rules_only = Triager(KB, None, bank=[])
    assert rules_only.triage("the print is so faint i cant read it").tier == "emergency"


def test_blanked_matches_whole_phrases_each_word_once() -> None:
    tokens = ["the", "legs", "are", "wobbly", "and", "falling"]
    # "wobbly", blanked by the first phrase, starts no second one.
    assert blanked(tokens, [("are", "wobbly"), ("wobbly", "and")]) == [
        "the", "legs", "", "", "and", "falling"]
    assert blanked(tokens, [("are", "wobbly")]) == ["the", "legs", "", "", "and", "falling"]
    assert blanked(tokens, [("legs", "wobbly")]) == tokens


def test_blanked_runs_are_the_stretches_of_blanked_words() -> None:
    tokens = ["no", "falls", "down", "and", "wobbly"]
    assert blanked_runs(tokens, ["no", "", "", "and", ""]) == [(1, 3), (4, 5)]
    assert blanked_runs(tokens, tokens) == []


def test_the_detector_reads_a_message_without_its_idioms() -> None:
    assert TRIAGER._unidiomatic("I've got cabin fever today.") == "ive got today"
    same = "My calf is swollen and hot."
    assert TRIAGER._unidiomatic(same) == same


@given(st.lists(st.text(alphabet="abc xyz.!?\n", max_size=80), max_size=20))
def test_chunks_keep_every_word_in_order(sentences: list[str]) -> None:
    text = " ".join(sentences)
    read = [w for chunk in chunks(text) for w in chunk.split()]
    # Long sentences are read in halves that overlap: every word is there,
    # in order, once the overlaps are taken out.
    it = iter(read)
    assert all(any(w == r for r in it) for w in text.split())


def test_a_line_break_ends_a_sentence() -> None:
    assert list(chunks("shopping list\nmilk and bread\n\n  eggs")) == [
        "shopping list", "milk and bread", "eggs"]


def test_a_sign_the_detector_hears_is_not_drowned_in_a_run_on_transcript() -> None:
    """A spoken transcript has no full stops: a sign told in everyday words (one
    only the detector hears) said amid ordinary talk is still heard. With the
    detector reading 40 words at a time, 36% of them were drowned."""
    talk = ("and then we had a cup of tea and talked about the grandchildren and "
            "the weather and what to have for dinner")
    heard = [(ex.text, ex.label) for ex in KB.sign_bank if ex.label != NO_SIGN
             and not _RULES_ALONE.triage(ex.text).fired
             and RANK[TRIAGER.triage(ex.text).tier] >= RANK[TIER[ex.label]]]
    drowned = [text for text, sign in heard
               if RANK[TRIAGER.triage(f"{talk} {text.rstrip('.?!')} {talk}").tier]
               < RANK[TIER[sign]]]
    assert len(drowned) <= 0.1 * len(heard), drowned
