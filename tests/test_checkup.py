"""The daily warning-sign check: the guide's signs one at a time, a yes or a
not sure stops it with that tier's advice, and it is kept for the doctor."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest

from assistant.answering.answer import Assistant
from assistant.answering.checkup import NO, NOT_SURE, YES, Check, understand
from assistant.answering.knowledge import KnowledgeBase
from assistant.records.history import SCHEMA, History
from assistant.records.transcript import render_markdown, render_text

DAY10 = ("--surgery-date", "2026-11-14", "--today", "2026-11-24")


def check_cli(stdin: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "assistant", "check", *args], input=stdin,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def day10(kb: KnowledgeBase) -> Assistant:
    return Assistant(kb, surgery_date=date(2026, 11, 14), today=date(2026, 11, 24))


@pytest.mark.parametrize(("said", "meant"), [
    ("yes", YES), ("Yes.", YES), ("yeah", YES), ("YEP", YES), ("y", YES), ("yes please", YES),
    ("no", NO), ("No!", NO), ("nope", NO), ("nah", NO), ("n", NO), ("not really", NO),
    ("not sure", NOT_SURE), ("I don't know", NOT_SURE), ("maybe", NOT_SURE), ("?", NOT_SURE),
    ("unsure", NOT_SURE), ("dunno", NOT_SURE),
])
def test_yes_no_not_sure_in_everyday_words(said: str, meant: str) -> None:
    assert understand(said) == meant


@pytest.mark.parametrize("said", ["", "   ", "banana", "yes and no", "no yes", "when can I drive",
                                  "x" * 100_000, "\x00\xff"])
def test_anything_else_is_asked_again(said: str) -> None:
    assert understand(said) is None


def test_the_signs_are_the_guides_list_emergency_first(day10: Assistant) -> None:
    check = Check(day10)
    assert [s.words for s in check.signs][0] == "Loss of bladder or bowel control"
    assert check.signs[0].tier == "emergency"
    assert {s.tier for s in check.signs[1:]} == {"urgent"}
    assert sorted(s.words for s in check.signs) == sorted(day10.companion.signs)  # type: ignore[union-attr]
    for sign in check.signs:
        assert sign.words in day10.kb.guide_text


def test_all_no_ends_calm_with_the_stage(day10: Assistant) -> None:
    check = Check(day10)
    asked = []
    while not check.done:
        assert check.current is not None
        asked.append(check.current.question)
        assert check.answer("banana") is None            # asked again, nothing recorded
        assert check.answer("no") == NO
    result = check.result()
    assert len(asked) == 6 and result.finished and not result.reported
    assert result.advice is None and result.tier == "none"
    assert "Most post-operative discomfort is expected." in result.summary
    assert "Day 10 after the operation: week 2" in result.summary
    assert result.stage == "week-2"


@pytest.mark.parametrize("answer", ["yes", "not sure"])
def test_yes_or_not_sure_stops_at_once_with_the_tiers_advice(day10: Assistant,
                                                            answer: str) -> None:
    check = Check(day10)
    check.answer("no")
    check.answer(answer)                                   # the fever / incision line
    assert check.done and check.answer("no") is None
    result = check.result()
    assert result.tier == "urgent" and len(result.answers) == 2
    assert result.advice == day10.kb.triage.tiers["urgent"].advice
    assert f"You said {answer} to" in result.summary


def test_yes_on_the_emergency_sign(day10: Assistant) -> None:
    day10.emergency_number = "999"
    try:
        check = Check(day10)
        check.answer("yeah")
        result = check.result()
    finally:
        day10.emergency_number = "911"
    assert result.tier == "emergency" and result.advice and "999" in result.advice
    assert result.spoken_advice and result.spoken_advice.startswith("This may be an emergency")


def test_kept_in_the_history_and_its_export(tmp_path: Path, day10: Assistant) -> None:
    history = History(tmp_path / "h.sqlite3")
    history.add(day10.ask("when can I drive"), when=datetime(2026, 11, 24, 9, 0))
    calm = Check(day10)
    while not calm.done:
        calm.answer("no")
    history.add_check(calm.result(), when=datetime(2026, 11, 23, 20, 0))
    alarm = Check(day10)
    alarm.answer("yes")
    history.add_check(alarm.result(), when=datetime(2026, 11, 24, 20, 0))
    history.close()
    reopened = History(tmp_path / "h.sqlite3")
    checks = reopened.checks()
    assert [c.tier for c in checks] == ["none", "emergency"]
    assert checks[0].answers[0] == ("Loss of bladder or bowel control", "no")
    assert reopened.checks(since=datetime(2026, 11, 24)) == checks[1:]
    page = render_text(reopened.records(), checks=checks, now=datetime(2026, 11, 25))
    signs = page.index("WARNING SIGNS RAISED (1)")
    daily = page.index("DAILY WARNING-SIGN CHECKS (2)")
    questions = page.index("ALL QUESTIONS")
    assert signs < page.index('answered yes to "Loss of bladder') < daily < questions
    assert "Mon 23 Nov 2026, 20:00 (recovery stage: week 2)" in page
    assert "no to all 6 warning signs" in page
    md = render_markdown(reopened.records(), checks=checks, now=datetime(2026, 11, 25))
    assert "## Daily warning-sign checks (2)" in md and "  - yes: Loss of bladder" in md
    reopened.close()


def test_a_history_from_before_checks_gains_them(tmp_path: Path, day10: Assistant) -> None:
    path = tmp_path / "h.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute(SCHEMA)
    conn.execute("INSERT INTO questions (asked_at, question, triage, signs, kind, answer) "
                 "VALUES ('2026-11-20T09:00:00+00:00', 'old', 'none', '[]', 'answer', 'a')")
    conn.commit()
    conn.close()
    history = History(path)
    assert history.checks() == [] and [r.question for r in history.records()] == ["old"]
    check = Check(day10)
    check.answer("not sure")
    assert history.add_check(check.result()) is not None
    assert [(c.tier, c.answers[0][1]) for c in history.checks()] == [("emergency", "not sure")]
    history.close()


def test_the_done_when_pipeline() -> None:
    proc = check_cli("no\nno\nyes\n", "--plain", "--no-speech", *DAY10)
    out = proc.stdout
    assert proc.returncode == 3, proc.stderr
    assert "Day 10 after the operation: week 2" in out
    assert out.count("Have you noticed this:") == 3
    assert out.index("Sign 3 of 6") < out.index("!!! URGENT: Call your surgical team")
    assert "kept in your history" in out and "Traceback" not in out + proc.stderr
    page = subprocess.run([sys.executable, "-m", "assistant", "history", "export"],
                          capture_output=True, text=True, timeout=60).stdout
    assert "WARNING SIGNS RAISED (1)" in page and "DAILY WARNING-SIGN CHECKS (1)" in page
    assert 'answered yes to "New or worsening weakness in the leg or foot"' in page


def test_all_no_exits_zero_and_unclear_answers_are_asked_again() -> None:
    proc = check_cli("no\nhmm\nno\nno\nno\nno\nno\n", "--no-speech", *DAY10)
    assert proc.returncode == 0
    assert proc.stdout.count("Please answer yes, no, or not sure.") == 1
    assert "No to all 6 warning signs" in proc.stdout


def test_input_ending_part_way_is_kept_and_says_so() -> None:
    proc = check_cli("no\n", "--no-speech")
    assert proc.returncode == 1
    assert "stopped after 1 of 6 signs" in proc.stdout and "Day " not in proc.stdout


def test_check_in_plain_mode_then_questions_go_on() -> None:
    proc = subprocess.run([sys.executable, "-m", "assistant", "--plain", "--no-speech", *DAY10],
                          input="check\nno\nnot sure\nwhen can I drive\nweek\nquit\n",
                          capture_output=True, text=True, timeout=120)
    out = proc.stdout
    assert proc.returncode == 0
    assert out.index("!!! URGENT") < out.index("surgical team has cleared you")
    assert "What to do:" in out and "What to avoid:" in out


def test_a_knowledge_base_without_the_list_says_so(tmp_path: Path, kb: KnowledgeBase) -> None:
    root = tmp_path / "knowledge"
    shutil.copytree(kb.root, root)
    (root / "companion.toml").unlink()
    proc = subprocess.run([sys.executable, "-m", "assistant", "--kb", str(root), "check",
                           "--no-speech"], input="no\n", capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 1 and "cannot run" in proc.stdout
    assert "Traceback" not in proc.stdout + proc.stderr
    plain = subprocess.run([sys.executable, "-m", "assistant", "--kb", str(root), "--plain",
                            "--no-speech"], input="check\nwhen can I drive\n",
                           capture_output=True, text=True, timeout=120)
    assert "cannot run" in plain.stdout and "surgical team has cleared you" in plain.stdout
