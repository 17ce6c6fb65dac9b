"""Pilot tests of the recovery companion in the real app: the day and stage in
the header, answers for the stage, "This week", the F10 check and the
first-run question."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from textual.widgets import Input, Static

from assistant.answering.answer import Assistant
from assistant.records.history import History, history_path
from assistant.records.settings import load_settings
from assistant.ui.screens.check import CheckScreen
from assistant.ui.screens.first_run import FirstRunScreen
from assistant.ui.widgets.answer_block import AnswerBlock
from assistant.ui.widgets.key_button import KeyButton
from assistant.ui.widgets.stage_header import StageHeader
from assistant.ui.widgets.urgent_banner import UrgentBanner
from assistant.voice.listen import WavSource

from .ui_support import answered, ask, recording_app, started

DAY10 = {"surgery_date": "2026-11-14", "today": "2026-11-24"}


def header_text(app) -> str:  # type: ignore[no-untyped-def]
    return str(app.main.query_one("#stage-text", Static).render())


def last_answer(app) -> str:  # type: ignore[no-untyped-def]
    return str(list(app.main.query(AnswerBlock))[-1].query_one(".answer", Static).render())


async def test_the_header_shows_the_day_and_stage() -> None:
    app, _ = recording_app(**DAY10)
    async with app.run_test() as pilot:
        await started(pilot)
        assert app.main.query_one(StageHeader).display
        assert header_text(app) == "Day 10 after the operation: week 2"


async def test_no_date_says_where_to_set_it() -> None:
    app, _ = recording_app()
    async with app.run_test() as pilot:
        await started(pilot)
        assert header_text(app) == "Operation date: not set (F4 Settings)"
        await pilot.click("#daily-check")              # the check needs no date
        await pilot.pause()
        assert isinstance(app.screen, CheckScreen)


async def test_a_timeless_question_is_answered_for_the_stage(assistant: Assistant) -> None:
    app, speech = recording_app(**DAY10)
    async with app.run_test() as pilot:
        await started(pilot)
        await ask(pilot, "can I carry the shopping?")
        text = last_answer(app)
        assert text.startswith("You are in week 2 (day 10 after the operation).")
        assert "Later stages:" in text
        assert speech.spoken[-1][-1].startswith("You are in week 2")


async def test_a_question_with_its_own_time_ignores_the_setting() -> None:
    app, _ = recording_app(**DAY10)
    async with app.run_test() as pilot:
        await started(pilot)
        await ask(pilot, "at 5 weeks can I lift the laundry basket?")
        text = last_answer(app)
        assert text.startswith("For weeks 3 to 6 the guide says:")
        assert "You are in week 2" not in text


async def test_this_week_key_and_button() -> None:
    app, speech = recording_app(**DAY10)
    async with app.run_test() as pilot:
        await started(pilot)
        await pilot.press("f12")
        await answered(pilot)
        assert last_answer(app).startswith("Day 10 after the operation: week 2. What to do:")
        await pilot.click("#this-week")
        await answered(pilot)
        assert len(app.main.query(AnswerBlock)) == 2
        assert speech.spoken[-1][-1].startswith("Day 10 after the operation")


async def test_the_whole_check_with_all_no() -> None:
    app, speech = recording_app(**DAY10)
    async with app.run_test() as pilot:
        await started(pilot)
        await pilot.press("f10")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CheckScreen)
        signs = []
        for _ in range(6):
            signs.append(str(screen.query_one("#check-sign", Static).render()))
            await pilot.press("n")
            await pilot.pause()
        assert not isinstance(app.screen, CheckScreen)
        assert len(set(signs)) == 6 and all(s.startswith("Have you noticed this:") for s in signs)
        assert [s[0] for s in speech.spoken[:6]] == signs           # each sign read aloud
        assert "No to all 6 warning signs" in last_answer(app)
        assert not app.main.query_one(UrgentBanner).has_class("shown")
        await app.workers.wait_for_complete()
    history = History(history_path())
    [kept] = history.checks()
    history.close()
    assert kept.finished and kept.tier == "none" and len(kept.answers) == 6


async def test_yes_on_the_emergency_sign_ends_it_with_the_banner_spoken_first() -> None:
    app, speech = recording_app(emergency_number="999", **DAY10)
    async with app.run_test() as pilot:
        await started(pilot)
        await pilot.press("f10")
        await pilot.pause()
        await pilot.click("#yes")                   # the first sign: bladder or bowel
        await pilot.pause()
        assert not isinstance(app.screen, CheckScreen)
        banner = app.main.query_one(UrgentBanner)
        assert banner.has_class("emergency")
        assert "CALL 999 NOW" in str(banner.query_one("#banner-title", Static).render())
        assert "Loss of bladder or bowel control" in str(
            banner.query_one("#banner-signs", Static).render())
        assert speech.spoken[-1][0].startswith("This may be an emergency")
        assert "999" in speech.spoken[-1][0]


async def test_not_sure_routes_like_yes() -> None:
    app, speech = recording_app(**DAY10)
    async with app.run_test() as pilot:
        await started(pilot)
        await pilot.press("f10", "n", "s")
        await pilot.pause()
        assert not isinstance(app.screen, CheckScreen)
        banner = app.main.query_one(UrgentBanner)
        assert banner.has_class("shown") and not banner.has_class("emergency")
        assert speech.spoken[-1][0].startswith("This could be a warning sign")
        assert "You said not sure to" in last_answer(app)


async def test_escape_stops_the_check_and_keeps_what_was_answered() -> None:
    app, _ = recording_app(**DAY10)
    async with app.run_test() as pilot:
        await started(pilot)
        await pilot.press("f10", "n", "escape")
        await pilot.pause()
        assert not isinstance(app.screen, CheckScreen)
        assert "The check stopped after 1 of 6 signs" in last_answer(app)


async def test_first_run_asks_once_and_saves_the_date() -> None:
    app, _ = recording_app(first_run=True, today="2026-11-24")
    async with app.run_test() as pilot:
        await started(pilot)
        assert isinstance(app.screen, FirstRunScreen)
        await pilot.press("enter")                       # nothing typed: asked again
        assert isinstance(app.screen, FirstRunScreen)
        app.screen.query_one("#surgery-date", Input).value = "14 November 2026"
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, FirstRunScreen)
        assert header_text(app) == "Day 10 after the operation: week 2"
    loaded = load_settings()
    assert loaded.exists and loaded.settings.surgery_date == "2026-11-14"


async def test_first_run_skipped_is_not_asked_again() -> None:
    app, _ = recording_app(first_run=True)
    async with app.run_test() as pilot:
        await started(pilot)
        assert isinstance(app.screen, FirstRunScreen)
        await pilot.click("#first-run-skip")
        await pilot.pause()
        assert not isinstance(app.screen, FirstRunScreen)
    loaded = load_settings()
    assert loaded.exists and loaded.settings.surgery_date == ""


async def test_the_date_in_settings() -> None:
    app, _ = recording_app(today="2026-11-24")
    async with app.run_test(size=(100, 40)) as pilot:
        await started(pilot)
        await pilot.press("f4")
        await pilot.pause()
        box = app.screen.query_one("#surgery-date-setting", Input)
        box.value = "soon"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen.query_one("#surgery-date-setting", Input) is box   # still open
        box.value = "2026-11-20"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert header_text(app) == "Day 4 after the operation: days 3 to 7"
        assert app.query_one("#this-week", KeyButton).display
    assert load_settings().settings.surgery_date == "2026-11-20"


def espeak(tmp_path: Path, text: str) -> Path:
    wav = tmp_path / f"{text.replace(' ', '-')}.wav"
    subprocess.run(["espeak-ng", "-v", "en-us", "-s", "150", "-w", str(wav), text], check=True)
    return wav


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng speaks the answer")
async def test_answering_the_check_aloud(tmp_path: Path) -> None:
    said = [espeak(tmp_path, "no"), espeak(tmp_path, "the weather is nice today"),
            espeak(tmp_path, "yes")]
    app, speech = recording_app(audio_source=lambda: WavSource(said.pop(0), realtime=True),
                                **DAY10)
    async with app.run_test() as pilot:
        await started(pilot)
        await app.workers.wait_for_complete()          # the microphone check, too
        await pilot.press("f10")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CheckScreen)
        for _ in range(2):
            await pilot.press("f9")
            await pilot.pause(0.2)
            await screen.workers.wait_for_complete()
            await pilot.pause()
        assert screen.check.answers == [("Loss of bladder or bowel control", "no")]
        assert speech.spoken[-1] == ["Please answer yes, no, or not sure."]   # asked again
        await pilot.press("f9")
        await pilot.pause(0.2)
        await screen.workers.wait_for_complete()
        await pilot.pause()
        assert not isinstance(app.screen, CheckScreen)
        assert app.main.query_one(UrgentBanner).has_class("shown")
        assert speech.spoken[-1][0].startswith("This could be a warning sign")
