"""Snapshots of the main screens at 80x24 (update with --snapshot-update after
looking at the SVGs in tests/__snapshots__)."""

from __future__ import annotations

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from .ui_support import ask, recording_app, started


@pytest.fixture(autouse=True)
def frozen_cursor(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Input, "cursor_blink", False)


def test_start_screen(snap_compare) -> None:  # type: ignore[no-untyped-def]
    app, _ = recording_app()
    assert snap_compare(app, run_before=started)


def test_an_answer(snap_compare) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot: Pilot[None]) -> None:
        await started(pilot)
        await ask(pilot, "when can i drive again")

    app, _ = recording_app()
    assert snap_compare(app, run_before=run_before)


def test_urgent_banner(snap_compare) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot: Pilot[None]) -> None:
        await started(pilot)
        await ask(pilot, "my incision is red and oozing")

    app, _ = recording_app()
    assert snap_compare(app, run_before=run_before)


def test_topic_browser(snap_compare) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot: Pilot[None]) -> None:
        await started(pilot)
        await pilot.press("f2")

    app, _ = recording_app()
    assert snap_compare(app, run_before=run_before)


def test_help(snap_compare) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot: Pilot[None]) -> None:
        await started(pilot)
        await pilot.press("f1")

    app, _ = recording_app()
    assert snap_compare(app, run_before=run_before)
