"""Pilot tests: asking by voice in the app, with a recording in place of a microphone."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from textual.widgets import Input

from assistant.ui.widgets.key_button import KeyButton
from assistant.ui.widgets.listening_bar import ListeningBar
from assistant.ui.widgets.urgent_banner import UrgentBanner
from assistant.voice.listen import WavSource

from .ui_support import recording_app, started


async def until_listening_is_set_up(pilot) -> None:  # type: ignore[no-untyped-def]
    await started(pilot)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng speaks the question")
async def test_a_spoken_question_goes_the_microphone_way_and_is_answered(
        tmp_path: Path) -> None:
    wav = tmp_path / "question.wav"
    subprocess.run(["espeak-ng", "-v", "en-us", "-s", "150", "-w", str(wav),
                    "my incision is leaking pus and I have a fever"], check=True)
    app, speech = recording_app(audio_source=lambda: WavSource(wav, realtime=True))
    async with app.run_test() as pilot:
        await until_listening_is_set_up(pilot)
        assert not app.main.query_one("#voice", KeyButton).disabled
        await pilot.press("f9")
        await pilot.pause(0.3)
        bar = app.main.query_one(ListeningBar)
        assert bar.listening and bar.has_class("listening")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not bar.listening
        heard = app.main.query_one("#question", Input).value
        assert "incision" in heard and "fever" in heard
        assert app.last_reply is not None and app.last_reply.question == heard
        assert app.main.query_one(UrgentBanner).has_class("shown")      # triage first
        assert speech.spoken[-1][0] == app.last_reply.spoken_advice


async def test_f9_again_stops_listening(tmp_path: Path) -> None:
    import wave
    with wave.open(str(tmp_path / "quiet.wav"), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16_000)
        w.writeframes(bytes(2 * 16_000))
    app, _ = recording_app(audio_source=lambda: WavSource(tmp_path / "quiet.wav",
                                                          realtime=True, trailing_silence=30))
    async with app.run_test() as pilot:
        await until_listening_is_set_up(pilot)
        await pilot.press("f9")
        await pilot.pause(0.3)
        assert app.main.query_one(ListeningBar).listening
        await pilot.press("f9")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not app.main.query_one(ListeningBar).listening
        assert any("did not hear a question" in str(n.message) for n in app._notifications)
        assert app.last_reply is None


async def test_with_no_microphone_the_voice_button_is_disabled_with_its_reason() -> None:
    app, _ = recording_app()                    # the real microphone check: this machine has none
    async with app.run_test() as pilot:
        await until_listening_is_set_up(pilot)
        button = app.main.query_one("#voice", KeyButton)
        reason = "Asking by voice is off: no microphone found."
        assert button.disabled and button.tooltip == reason
        assert app.main.query_one("#question", Input).placeholder == f"{reason} Please type."
        await pilot.press("f9")
        await pilot.pause()
        assert any(reason in str(n.message) for n in app._notifications)
        assert not app.main.query_one(ListeningBar).listening
