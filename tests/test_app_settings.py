"""Pilot tests: the settings screen, the question history and Export in the app."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, Select, Switch

from assistant.records.history import History, history_path
from assistant.records.settings import load_settings, settings_path
from assistant.ui.screens.settings import SettingsScreen
from assistant.ui.widgets.urgent_banner import UrgentBanner

from .ui_support import ask, recording_app, started


def notices(app) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(n.message) for n in app._notifications]


async def test_settings_are_changed_saved_and_used_at_once() -> None:
    app, speech = recording_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await started(pilot)
        await pilot.press("f4")
        screen = app.screen
        assert isinstance(screen, SettingsScreen)
        await pilot.click("#rate-up")
        await pilot.pause(0.3)                 # a button ignores a second click within 0.2 s
        await pilot.click("#rate-up")
        screen.query_one("#auto-read-switch", Switch).focus()
        await pilot.press("space")
        screen.query_one("#emergency", Select).value = "other"
        await pilot.pause()
        await pilot.click("#other-number")
        await pilot.press(*"000")
        screen.query_one("#theme-choice", Select).value = "high-contrast-light"
        await pilot.press("ctrl+s")
        await pilot.pause()

        assert not isinstance(app.screen, SettingsScreen)
        saved = load_settings()
        assert saved.clean
        assert (saved.settings.rate, saved.settings.auto_read) == (175, False)
        assert saved.settings.emergency_number == "000"
        assert saved.settings.theme == "high-contrast-light" == app.theme
        assert speech.settings.rate == 175 and app.auto_read is False
        assert any("Settings saved in" in n for n in notices(app))

        await ask(pilot, "I can't feel my legs and I wet myself")
        advice = str(app.main.query_one("#banner-advice").render())
        assert "000" in advice and "911" not in advice
        assert speech.spoken[-1] == [app.last_reply.spoken_advice]   # auto-read is off


async def test_cancel_changes_nothing() -> None:
    app, speech = recording_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await started(pilot)
        await pilot.press("f4")
        await pilot.click("#rate-up")
        await pilot.press("escape")
        assert not isinstance(app.screen, SettingsScreen)
        assert speech.settings.rate == 145 and not settings_path().exists()


async def test_a_bad_emergency_number_is_refused_on_screen() -> None:
    app, _ = recording_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await started(pilot)
        await pilot.press("f4")
        app.screen.query_one("#emergency", Select).value = "other"
        await pilot.pause()
        app.screen.query_one("#other-number", Input).value = "my daughter"
        await pilot.click("#save")
        assert isinstance(app.screen, SettingsScreen)
        assert app.focused is app.screen.query_one("#other-number")
        assert any("emergency number should be a telephone number" in n
                   for n in notices(app))
        assert not settings_path().exists()


async def test_problems_in_the_settings_file_are_shown_at_start() -> None:
    app, _ = recording_app(notices=("In /x/settings.toml, 'rate' should be a whole number",))
    async with app.run_test() as pilot:
        await started(pilot)
        assert any("'rate' should be a whole number" in n for n in notices(app))


async def test_questions_are_kept_and_exported_for_the_doctor(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DOCUMENTS_DIR", str(tmp_path / "Documents"))
    app, _ = recording_app()
    async with app.run_test() as pilot:
        await started(pilot)
        await ask(pilot, "when can i drive")
        await ask(pilot, "my incision is leaking pus")
        await app.workers.wait_for_complete()
        await pilot.press("ctrl+p")
        await app.workers.wait_for_complete()
        await pilot.pause()
        [page] = (tmp_path / "Documents").glob("laminectomy-questions-*.txt")
        assert any(str(page) in n for n in notices(app))
    text = page.read_text(encoding="utf-8")
    assert text.index("WARNING SIGNS RAISED (1)") < text.index("when can i drive")
    assert [r.question for r in History().records()] == ["when can i drive",
                                                         "my incision is leaking pus"]


async def test_history_off_keeps_nothing() -> None:
    app, _ = recording_app(keep_history=False)
    async with app.run_test() as pilot:
        await started(pilot)
        await ask(pilot, "my incision is leaking pus")
        assert app.main.query_one(UrgentBanner).has_class("shown")
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert any("not being kept" in n for n in notices(app))
    assert not history_path().exists()
