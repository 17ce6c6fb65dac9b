"""The guards that hold answers to what the guide says: an invented number, a
sentence the guide does not support and a one-word synonym that can change a
question's meaning each make `kb check` fail, naming the file and line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant.answering.answer import WARNING_SIGNS_ENTRY, Assistant
from assistant.answering.grounding import (
    MIN_SUPPORT,
    Grounder,
    check_all,
    quantities,
    sentences,
)
from assistant.answering.knowledge import KnowledgeBase
from assistant.cli import main

from .conftest import line_of

ENTRY_FILE = "entries/05-everyday-activities.toml"
SITTING_ANSWER = "Sitting too long slows recovery, especially in soft chairs"






def _edit(path: Path, old: str, new: str) -> Path:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def _check_fails(root: Path, capsys: pytest.CaptureFixture[str], path: Path, line: int,
                 words: str) -> str:
    assert main(["--kb", str(root), "kb", "check"]) == 1
    err = capsys.readouterr().err
    assert re.search(rf"{re.escape(str(path))}:{line}: .*{words}", err), err
    return err


def test_the_knowledge_base_passes_every_guard() -> None:
    kb, problems = check_all()
    assert problems == [] and kb is not None


def test_an_invented_number_fails_with_file_and_line(kb_copy: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    path = _edit(kb_copy / ENTRY_FILE, "Position changes every 30 to 45 minutes help",
                 "Position changes every 20 to 45 minutes help")
    _check_fails(kb_copy, capsys, path, line_of(path, SITTING_ANSWER),
                 r"the number '20 \(minutes\)' is not in the guide text")


def test_a_time_span_the_section_lacks_fails(kb_copy: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    """The guide gives 6 weeks in its timeline, not in the therapy section: an
    answer grounded in therapy cannot borrow it for going back to work."""
    path = _edit(kb_copy / ENTRY_FILE, "A good final phase of therapy includes return-to-work",
                 "Most people go back after 6 weeks. A good final phase of therapy includes "
                 "return-to-work")
    _check_fails(kb_copy, capsys, path, line_of(path, "Most people go back after 6 weeks"),
                 r"the number '6 \(weeks\)'")


def test_an_unsupported_sentence_fails_with_file_and_line(
        kb_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _edit(kb_copy / ENTRY_FILE, "Sitting too long slows recovery,",
                 "A warm bath every evening speeds healing of the nerves. Sitting too long "
                 "slows recovery,")
    err = _check_fails(kb_copy, capsys, path, line_of(path, "A warm bath every evening"),
                       "the sentence 'A warm bath every evening speeds healing of the "
                       "nerves.' has too little support")
    missing = re.search(r"not found: ([a-z, ]+)\)", err)
    assert missing and {"bath", "warm"} <= set(missing.group(1).split(", ")), err


def test_own_words_let_the_assistant_frame_but_not_invent_numbers(
        kb_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = kb_copy / ENTRY_FILE
    framing = "Ask your care team which chair suits you."
    _edit(path, "Sitting too long slows recovery,", f"{framing} Sitting too long slows recovery,")
    assert main(["--kb", str(kb_copy), "kb", "check"]) == 1
    capsys.readouterr()
    _edit(path, 'quotes = [\n    "Sitting too long,',
          f'own_words = ["{framing}"]\nquotes = [\n    "Sitting too long,')
    assert main(["--kb", str(kb_copy), "kb", "check"]) == 0
    capsys.readouterr()
    _edit(path, framing, "Ask your care team after 2 days which chair suits you.")
    _check_fails(kb_copy, capsys, path, line_of(path, 'own_words = ["Ask your care team'),
                 "own_words lists")


def test_a_one_word_ambiguous_synonym_fails_with_file_and_line(
        kb_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _edit(kb_copy / "synonyms.toml", '"crowding", "pressure on the nerve",',
                 '"crowding", "pressure", "pressure on the nerve",')
    _check_fails(kb_copy, capsys, path, line_of(path, '"crowding", "pressure",'),
                 "one-word synonym 'pressure' -> 'compress'")


def test_a_phrase_synonym_needs_no_reason(kb_copy: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    _edit(kb_copy / "synonyms.toml", '"crowding", "pressure on the nerve",',
          '"crowding", "pressure on the spinal nerve", "pressure on the nerve",')
    assert main(["--kb", str(kb_copy), "kb", "check"]) == 0


def test_a_safe_word_that_is_no_synonym_is_reported(kb_copy: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    path = _edit(kb_copy / "synonyms.toml", '"job", "employment",', '"job", "nurse", "employment",')
    _check_fails(kb_copy, capsys, path, line_of(path, '"nurse"'), "'nurse' is listed under")


@pytest.mark.parametrize(("text", "found"), [
    ("change position every 30 to 45 minutes", [(30, "minute"), (45, "minute")]),
    ("in weeks 3 to 6, limit loaded bending", [(3, "week"), (6, "week")]),
    ("from day 3 to day 7", [(3, "day"), (7, "day")]),
    ("the first 24 to 48 hours", [(24, "hour"), (48, "hour")]),
    ("in the second week", [(2, "week")]),
    ("typically 3 to 4 cm", [(3, "cm"), (4, "cm")]),
    ("three spaces: the central canal", [(3, None)]),
    ("after five minutes of walking", [(5, "minute")]),
    ("the first phase should look simple", []),
])
def test_numbers_are_read_with_their_units(text: str, found: list[tuple[int, str | None]]) -> None:
    assert [(q.value, q.unit) for q in quantities(text)] == found


def test_a_guide_sentence_supports_itself_and_a_foreign_one_does_not(kb: KnowledgeBase) -> None:
    grounder = Grounder(kb)
    section = "The Road to Recovery A Week-by-Week Timeline"
    passages = grounder.passages((section,), ())
    own = grounder.support("Log rolling reduces twisting when getting in and out of bed.",
                           passages)
    assert own.score == 1.0
    foreign = grounder.support("Swimming twice a week strengthens the heart and lungs.",
                               passages)
    assert foreign.score < MIN_SUPPORT
    assert "swimming" in foreign.missing


def test_plain_words_count_as_the_guides_words(kb: KnowledgeBase) -> None:
    grounder = Grounder(kb)
    assert grounder.words("the operation") .keys() == grounder.words("the surgery").keys()
    assert grounder.words("tummy muscles").keys() == grounder.words("abdominal muscles").keys()


def test_sentences_split_at_full_stops_only() -> None:
    assert sentences("Walk often: it helps. Rest less; sit less! Why? Because.") == [
        "Walk often: it helps.", "Rest less; sit less!", "Why?", "Because."]


# What each warning sign of triage.toml is called in the warning-signs answer.
SIGN_WORDS = {
    "bladder-bowel": "loss of bladder or bowel control",
    "saddle-numbness": "groin numbness",
    "chest-breathing": "chest pain, trouble breathing",
    "cannot-stand": "inability to stand",
    "fainting": "fainting",
    "fever": "fever",
    "incision-problem": "drainage around the incision",
    "spinal-fluid-leak": "clear fluid at the incision, a headache",
    "leg-weakness": "new or worsening weakness in the leg",
    "spreading-numbness": "rapidly increasing numbness",
    "severe-pain": "severe pain not controlled",
    "walking-balance": "sudden change in walking or balance",
    "blood-clot": "painful or swollen calf",
    "sudden-or-both-legs": "sudden weakness or numbness, or in both legs",
    "fever-stiff-neck": "fever with a stiff neck",
}


def test_a_bare_sign_and_the_warning_sign_question_give_every_sign_triage_acts_on(
        assistant: Assistant) -> None:
    """Someone who says only 'I have a fever', and someone who asks what the
    warning signs are, both get the one answer that lists every sign triage
    routes: the guide's list, and the signs triage adds to it."""
    assert set(SIGN_WORDS) == {s.id for s in assistant.kb.triage.signs}, \
        "a sign was added or removed in triage.toml: name it in the warning-signs answer"
    bare = assistant.ask("I have a fever")
    asked = assistant.ask("What are the warning signs after a laminectomy?")
    assert bare.triage == "urgent" and asked.triage == "none"
    assert bare.entry == asked.entry == WARNING_SIGNS_ENTRY
    answer = assistant.kb.entry(WARNING_SIGNS_ENTRY).answer.lower()
    for sign, words in SIGN_WORDS.items():
        assert words in answer, sign


def test_a_restriction_moved_to_another_stage_fails(kb_copy: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """The guide has 'week 2' and it has 'limit vacuuming, laundry baskets', but
    the second belongs to weeks 3 to 6: each row of its timeline is a passage of
    its own, and a number must stand in a passage that supports its sentence."""
    path = _edit(kb_copy / ENTRY_FILE, "In weeks 3 to 6, light household activity returns,",
                 "In week 2, light household activity returns,")
    _check_fails(kb_copy, capsys, path, line_of(path, "In week 2, light household"),
                 r"the number '2 \(weeks\)' in 'In week 2, light household activity returns, "
                 r"but still limit vacuuming.*' is in the guide, but not in a passage that "
                 "supports this sentence")


def test_own_words_of_the_wrong_type_are_reported(kb_copy: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    framing = "Your care team can advise what fits your home."
    path = _edit(kb_copy / ENTRY_FILE, f'own_words = ["{framing}"]', f'own_words = "{framing}"')
    _check_fails(kb_copy, capsys, path, line_of(path, 'own_words = "Your care team'),
                 "own_words must be a list of sentences")
