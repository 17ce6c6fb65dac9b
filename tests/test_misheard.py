"""Triage over everything the recogniser may have heard: its best guess is answered,
its other guesses are read for warning signs, and a sign found only there is routed
all the same, saying "I may have misheard you"."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from textual.widgets import Input, Static

from assistant.answering.answer import Assistant
from assistant.answering.knowledge import load_knowledge
from assistant.answering.text import words
from assistant.cli import main
from assistant.ui.widgets.listening_bar import ListeningBar
from assistant.ui.widgets.urgent_banner import UrgentBanner
from assistant.voice import whisper_worker
from assistant.voice.listen import Heard, Recognizer, read_wav
from assistant.voice.whisper import WhisperRecognizer, whisper_problem

from .ui_support import answered, recording_app, started

KB = load_knowledge()
needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None,
                                  reason="espeak-ng makes the spoken questions")


@pytest.fixture(scope="module")
def assistant() -> Assistant:
    return Assistant(KB, emergency_number="999")


def say(text: str, path: Path) -> Path:
    subprocess.run(["espeak-ng", "-v", "en-us", "-s", "150", "-w", str(path), text],
                   check=True, capture_output=True)
    return path


# ---------------------------------------------------------------- the routing --

def test_a_sign_heard_only_in_another_guess_is_routed_saying_so(assistant: Assistant) -> None:
    reply = assistant.ask("my scoffee on tight when I move", ["my calf is swollen and hot"])
    assert reply.triage == "urgent" and reply.misheard == "my calf is swollen and hot"
    assert reply.advice is not None and reply.spoken_advice is not None
    assert reply.advice.startswith('I may have misheard you; if you said "my calf is swollen')
    assert reply.spoken()[0].startswith("I may have misheard you")
    assert reply.question == "my scoffee on tight when I move"     # what was heard, shown
    assert reply.to_json()["misheard"] == "my calf is swollen and hot"


def test_a_sign_in_the_best_guess_needs_no_hedge(assistant: Assistant) -> None:
    reply = assistant.ask("I have a fever of 102", ["I have a favour of 102", "when can I drive"])
    assert reply.triage == "urgent" and reply.misheard is None
    assert reply.advice is not None and "misheard" not in reply.advice


def test_an_emergency_in_another_guess_outranks_an_urgent_best(assistant: Assistant) -> None:
    reply = assistant.ask("my incision is red", ["my incision is red and I cannot feel my legs "
                                                 "and I have wet myself"])
    assert reply.triage == "emergency" and reply.misheard is not None
    assert reply.advice is not None and "999" in reply.advice


def test_other_guesses_without_a_sign_change_nothing(assistant: Assistant) -> None:
    alone = assistant.ask("when can I drive again")
    heard = assistant.ask("when can I drive again", ["when can I dive again", "when can I drive"])
    assert heard == alone and heard.misheard is None


def test_other_guesses_are_never_answered(assistant: Assistant) -> None:
    reply = assistant.ask("when can I drive again", ["how long until I can shower"])
    assert reply.entry == assistant.ask("when can I drive again").entry


def test_the_heard_guesses_leave_out_blanks_and_repeats() -> None:
    heard = Heard.of("When can I drive?", ["when can i drive", "", "  ", "when can I dive",
                                           "When can I dive?", "when can I thrive"], 5)
    assert heard == Heard("When can I drive?", ("when can I dive", "when can I thrive"))
    assert Heard.of("a", ["b", "c", "d"], 2).others == ("b", "c")


# --------------------------------------------------------- the real recognisers --

@needs_espeak
def test_pocketsphinx_gives_its_other_guesses(tmp_path: Path) -> None:
    speech = read_wav(say("my calf is swollen and hot", tmp_path / "q.wav"))
    recognizer = Recognizer(KB, "domain")
    heard = recognizer.hear(speech)
    assert heard.text == recognizer.transcribe(speech)
    assert 1 <= len(heard.others) <= 4
    assert heard.text not in heard.others and all(o.strip() for o in heard.others)
    assert recognizer.hear(speech, 0).others == ()


@needs_espeak
@pytest.mark.skipif(whisper_problem() is not None, reason="Whisper cannot run here")
def test_whisper_gives_its_next_guesses_and_pocketsphinx_s(tmp_path: Path) -> None:
    speech = read_wav(say("my calf is swollen and hot and it hurts", tmp_path / "q.wav"))
    recognizer = WhisperRecognizer(KB, on_notice=pytest.fail)
    try:
        heard = recognizer.hear(speech)
        best_only = recognizer.hear(speech, 0)
    finally:
        recognizer.stop()
    assert "swollen" in heard.text.lower() and best_only == Heard(heard.text)
    # The second opinion is the domain model heard as Whisper's process hears it.
    files = recognizer.sphinx_files()
    assert files is not None
    second = whisper_worker.second_opinion({"sphinx": files}).hear(speech, 0).text
    assert words(second) in [words(said) for said in (heard.text, *heard.others)]
    assert len(heard.others) <= 3 and heard.text not in heard.others


@needs_espeak
def test_ask_wav_json_says_what_else_was_heard(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    wav = say("my calf is swollen and hot", tmp_path / "q.wav")
    assert main(["ask", "--json", "--model", "domain", "--wav", str(wav)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["heard_also"] and out["transcript"] not in out["heard_also"]
    assert "misheard" in out


# ------------------------------------------------------------------ in the app --

async def test_the_app_routes_a_sign_heard_only_in_another_guess() -> None:
    app, speech = recording_app(emergency_number="999")
    async with app.run_test() as pilot:
        await started(pilot)
        bar = app.main.query_one(ListeningBar)
        # What the listening worker posts when it has heard a question.
        bar.post_message(ListeningBar.Heard(
            Heard("he wants to know when he can go for a longer walk",
                  ("his legs just gave way and he cannot stand up",)), None))
        await answered(pilot)
        assert app.main.query_one("#question", Input).value.startswith("he wants to know")
        banner = app.main.query_one(UrgentBanner)
        assert banner.has_class("shown")
        shown = str(banner.query_one("#banner-advice", Static).render())
        assert "I may have misheard you" in shown and "legs just gave way" in shown
        assert "999" in shown
        assert speech.spoken[-1][0].startswith("I may have misheard you")


def test_a_sign_heard_keeps_its_advice_before_a_higher_one_maybe_misheard(
        assistant: Assistant) -> None:
    reply = assistant.ask("I fell over in the garden this morning",
                          ["I fell over in the garden and now I have wet myself"])
    assert reply.triage == "emergency" and reply.misheard is not None
    assert reply.advice is not None
    urgent, _, maybe = reply.advice.partition("I may have misheard you")
    assert "surgical team" in urgent and "999" in maybe              # both, in that order
    named = {hit.id for hit in reply.signs}
    assert "bladder-bowel" in named and "walking-balance" in named
