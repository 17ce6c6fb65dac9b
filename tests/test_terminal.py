"""The app in a real terminal (tmux), the way a person meets it."""

from __future__ import annotations

import os
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import pytest

from .terminal import Terminal


@pytest.fixture
def terminal() -> Terminal:
    if not Terminal.available():
        pytest.skip("tmux is missing; `make test` installs it")
    env = {**os.environ, "PULSE_SERVER": "unix:/nonexistent"}     # no sound here
    term = Terminal([sys.executable, "-m", "assistant"], 100, 30, env)
    yield term  # type: ignore[misc]
    term.close()


def test_answer_and_banner_in_a_real_terminal(terminal: Terminal) -> None:
    terminal.wait_for("When was (or is) the operation?")    # the first run asks, once
    terminal.send("Escape")
    # A key typed within milliseconds of Escape would be read as Alt+key.
    terminal.wait_for("Type your question, or press F9")
    while "When was (or is) the operation?" in terminal.screen():
        time.sleep(0.05)
    # Loading has ended once the voice check has spoken (no microphone here).
    # Known open flaw: on a first start after the code changed, a question sent
    # after the first-run box and before that moment was once left partly
    # unpainted (tests/test_terminal.py, 24 Nov); see the at-once test below.
    terminal.wait_for("Asking by voice is off")
    terminal.type("when can i drive again")
    terminal.send("Enter")
    terminal.wait_for("surgical team has cleared you")
    terminal.wait_for("Speech is off: no sound device")      # said once, on screen
    terminal.type("i have a fevr and my cut is leaking")
    terminal.send("Enter")
    terminal.wait_for("CALL YOUR SURGICAL TEAM NOW")
    screen = terminal.screen()
    assert "Call your surgical team right away" in screen
    assert "You mentioned: Fever" in screen
    terminal.send("F3")
    time.sleep(0.3)
    terminal.wait_for("Warning sign: Fever")                   # kept in the conversation
    assert "CALL YOUR SURGICAL TEAM NOW" not in terminal.screen()
    terminal.send("C-q")
    deadline = time.monotonic() + 10
    while terminal.alive() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not terminal.alive()


def test_a_question_typed_at_once_is_answered_on_screen() -> None:
    """Typed the moment the box shows, before the knowledge base has loaded: the
    answer still appears without another key (it once waited for one)."""
    if not Terminal.available():
        pytest.skip("tmux is missing; `make test` installs it")
    settings = Path(os.environ["XDG_CONFIG_HOME"]) / "laminectomy-assistant" / "settings.toml"
    settings.parent.mkdir(parents=True, exist_ok=True)
    settings.write_text('surgery_date = ""\n', encoding="utf-8")     # not a first run
    env = {**os.environ, "PULSE_SERVER": "unix:/nonexistent"}
    for _ in range(3):
        terminal = Terminal([sys.executable, "-m", "assistant", "--no-speech"], 100, 30, env)
        try:
            terminal.wait_for("Type your question, or press F9", poll=0.01)
            terminal.type("when can i drive again")
            terminal.send("Enter")
            terminal.wait_for("surgical team has cleared you", timeout=120)
        finally:
            terminal.close()


def quit_app(terminal: Terminal) -> None:
    terminal.send("C-q")
    deadline = time.monotonic() + 10
    while terminal.alive() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not terminal.alive()


def test_the_first_run_asks_for_the_date_once(terminal: Terminal) -> None:
    operation = date.today() - timedelta(days=10)
    terminal.wait_for("When was (or is) the operation?")
    terminal.wait_for("Asking by voice is off")               # loading has ended
    terminal.type("next week sometime")
    terminal.send("Enter")
    terminal.wait_for("is not a date I can read")             # asked again, kindly
    terminal.send("C-u")
    terminal.type(f"{operation:%d %B %Y}")
    terminal.send("Enter")
    terminal.wait_for("Day 10 after the operation: week 2")
    quit_app(terminal)
    env = {**os.environ, "PULSE_SERVER": "unix:/nonexistent"}
    again = Terminal([sys.executable, "-m", "assistant"], 100, 30, env)
    try:
        again.wait_for("Day 10 after the operation: week 2")
        again.wait_for("Asking by voice is off")
        assert "When was (or is) the operation?" not in again.screen()
        again.send("F10")
        again.wait_for("Sign 1 of 6")
        again.send("n")
        again.wait_for("Sign 2 of 6")
        again.send("y")
        again.wait_for("CALL YOUR SURGICAL TEAM NOW")
        quit_app(again)
    finally:
        again.close()
