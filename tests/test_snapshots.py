"""Snapshots of the main screens at 80x24 (update with --snapshot-update after
looking at the SVGs in tests/__snapshots__)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from .ui_support import ask, recording_app, started


@pytest.fixture(autouse=True)
def frozen_cursor(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Input, "cursor_blink", False)


def after(question: str = "", *keys: str) -> Callable[[Pilot[None]], Awaitable[None]]:
    """Once loaded, ask `question` (if any), then press `keys`."""
    async def run_before(pilot: Pilot[None]) -> None:
        await started(pilot)
        await pilot.app.workers.wait_for_complete()   # the microphone check, too
        await pilot.pause()
        if question:
            await ask(pilot, question)
        await pilot.press(*keys)

    return run_before


def test_start_screen(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(recording_app()[0], run_before=after())


def test_an_answer(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(recording_app()[0], run_before=after("when can i drive again"))


def test_urgent_banner(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(recording_app()[0], run_before=after("my incision is red and oozing"))


def test_topic_browser(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(recording_app()[0], run_before=after("", "f2"))


def test_help(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(recording_app()[0], run_before=after("", "f1"))


def test_settings(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(recording_app()[0], run_before=after("", "f4"))


def test_light_theme_answer(snap_compare) -> None:  # type: ignore[no-untyped-def]
    app = recording_app(theme="high-contrast-light")[0]
    assert snap_compare(app, run_before=after("my incision is red and oozing"))


def test_fairly_sure_answer_offers_did_you_mean(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(recording_app()[0], run_before=after("back to normal when"))


def test_unsure_offers_three_choices(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(recording_app()[0], run_before=after("what about the thing"))


# A pasted message of about 3,000 characters, and a notice that stays 30 s.
LONG_QUESTION = " ".join(["My husband came home from hospital on Tuesday and I am trying "
                          "to do everything the nurses told us."] * 30
                         + ["When will he be allowed to drive again?"])
NOTICE = "Speech is off: no sound device was found. Answers are shown on screen."


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_notice_and_long_question(snap_compare, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    """The question box, the speed line and the keys stay readable while a notice
    shows, and a long paste is echoed shortened with its length."""
    app = recording_app(notices=(NOTICE,))[0]
    assert snap_compare(app, run_before=after(LONG_QUESTION), terminal_size=size)


DAY10 = {"surgery_date": "2026-11-14", "today": "2026-11-24"}


def test_stage_header_and_stage_answer(snap_compare) -> None:  # type: ignore[no-untyped-def]
    app = recording_app(**DAY10)[0]
    assert snap_compare(app, run_before=after("can I carry the shopping?"))


def test_daily_check(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(recording_app(**DAY10)[0], run_before=after("", "f10", "n"))


def test_daily_check_emergency(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(recording_app(**DAY10)[0], run_before=after("", "f10", "y"))


def test_first_run_question(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(recording_app(first_run=True)[0], run_before=after())
