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
