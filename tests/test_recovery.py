"""The recovery companion's core: the day and stage from the operation date,
answers for the stage, and the guide's own words for every stage."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from assistant.answering.answer import Assistant
from assistant.answering.dates import parse_date
from assistant.answering.knowledge import KnowledgeBase, KnowledgeError, load_knowledge
from assistant.answering.recovery import BEFORE, check_companion, position, stage_in
from assistant.records.settings import BadValue, Settings, check_value, load_settings

SURGERY = date(2026, 11, 14)


def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "assistant", *args], input=stdin,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def day10(kb: KnowledgeBase) -> Assistant:
    return Assistant(kb, surgery_date=SURGERY, today=date(2026, 11, 24))


@pytest.mark.parametrize(("today", "header", "stage"), [
    (date(2026, 11, 11), "The operation is in 3 days: getting ready", BEFORE),
    (date(2026, 11, 13), "The operation is tomorrow: getting ready", BEFORE),
    (date(2026, 11, 14), "The day of the operation: first 24 to 48 hours", "first-48-hours"),
    (date(2026, 11, 16), "Day 2 after the operation: first 24 to 48 hours", "first-48-hours"),
    (date(2026, 11, 17), "Day 3 after the operation: days 3 to 7", "days-3-to-7"),
    (date(2026, 11, 24), "Day 10 after the operation: week 2", "week-2"),
    (date(2026, 11, 28), "Day 14 after the operation: week 2", "week-2"),
    (date(2026, 11, 29), "Day 15 after the operation: weeks 3 to 6", "weeks-3-to-6"),
    (date(2027, 1, 1), "Day 48 after the operation: after 6 weeks", "after-6-weeks"),
    (date(2027, 11, 14), "Day 365 after the operation: after 6 weeks", "after-6-weeks"),
])
def test_the_day_and_stage_in_words(day10: Assistant, today: date, header: str,
                                    stage: str) -> None:
    where = position(SURGERY, today)
    assert where.stage == stage
    assert where.header(day10.companion) == header


def test_the_stages_are_the_guides_own_table(kb: KnowledgeBase) -> None:
    companion, problems = check_companion(kb)
    assert companion is not None and problems == []
    assert [s.id for s in companion.stages] == [
        "first-48-hours", "days-3-to-7", "week-2", "weeks-3-to-6", "after-6-weeks"]
    guide = kb.guide_text
    for stage in companion.stages:
        assert f"| {stage.title} | {stage.focus} | {stage.avoid} |" in guide
    assert len(companion.signs) == 6
    for sign in companion.signs:
        assert f"- {sign}\n" in guide
    assert companion.calm in guide


def test_a_timeless_question_is_answered_for_todays_stage(day10: Assistant) -> None:
    reply = day10.ask("can I carry the shopping?")
    assert reply.entry == "lifting" and reply.stage == "week-2"
    first, own, later = reply.answer.split("\n\n")
    assert first.startswith("You are in week 2 (day 10 after the operation).")
    week2 = day10.companion.stage("week-2")                       # type: ignore[union-attr]
    assert f'"{week2.avoid}"' in first and f'"{week2.focus}"' in first
    assert own == day10.kb.entry("lifting").answer               # the entry's own words, kept
    assert later.startswith("Later stages: Weeks 3 to 6:") and "After 6 weeks:" in later
    assert "Days 3 to 7" not in reply.answer                      # earlier stages are past


def test_every_stage_sentence_is_a_quote_of_the_guide(day10: Assistant) -> None:
    reply = day10.ask("when can I drive?")
    quoted = reply.answer.split('"')[1::2]
    assert len(quoted) >= 4
    for quote in quoted:
        assert quote in day10.kb.guide_text, quote


def test_a_question_with_its_own_time_ignores_the_setting(day10: Assistant) -> None:
    reply = day10.ask("at 5 weeks can I lift the laundry basket?")
    assert reply.stage == "weeks-3-to-6"
    assert reply.answer.startswith("For weeks 3 to 6 the guide says:")
    assert "You are in" not in reply.answer and "week 2" not in reply.answer.split("\n\n")[0]
    # A time that names a stage entry gets that stage's own answer alone.
    own = day10.ask("day 5 what should I avoid")
    assert own.stage == "days-3-to-7" and own.entry == "days-3-to-7"
    assert own.answer == day10.kb.entry("days-3-to-7").answer


def test_entries_whose_advice_does_not_change_are_left_alone(day10: Assistant,
                                                            kb: KnowledgeBase) -> None:
    reply = day10.ask("is it normal to be sore after surgery?")
    assert reply.entry not in day10.companion.stage_aware       # type: ignore[union-attr]
    assert reply.stage == "week-2" and reply.answer == kb.entry(reply.entry or "").answer


def test_no_date_means_no_stage(assistant: Assistant) -> None:
    reply = assistant.ask("can I carry the shopping?")
    assert reply.stage is None and not reply.answer.startswith("You are")
    assert "not set" in assistant.this_week()


def test_before_the_operation_answers_are_unchanged(kb: KnowledgeBase) -> None:
    before = Assistant(kb, surgery_date=SURGERY, today=date(2026, 11, 11))
    reply = before.ask("can I carry the shopping?")
    assert reply.stage == BEFORE and reply.answer == kb.entry("lifting").answer
    assert before.this_week().startswith("The operation is in 3 days: getting ready.")


def test_warning_signs_still_come_first(day10: Assistant) -> None:
    reply = day10.ask("my incision is leaking pus, can I lift the shopping?")
    assert reply.triage == "urgent" and reply.advice
    assert reply.spoken()[0] == reply.spoken_advice


def test_this_week_reads_the_stage_row(day10: Assistant) -> None:
    text = day10.this_week()
    week2 = day10.companion.stage("week-2")                       # type: ignore[union-attr]
    assert text.startswith("Day 10 after the operation: week 2.")
    assert f'What to do: "{week2.focus}"' in text and f'What to avoid: "{week2.avoid}"' in text


@pytest.mark.parametrize("text", ["2026-11-14", "14 November 2026", "November 14, 2026",
                                  "14 nov 2026", " 2026/11/14 "])
def test_dates_people_write(text: str) -> None:
    assert parse_date(text) == SURGERY


@pytest.mark.parametrize(("text", "why"), [
    ("11/14/2026", "write it like"), ("next tuesday", "write it like"), ("", "write it like"),
    ("1899-01-01", "check the year"), ("x" * 10_000, "write it like"),
])
def test_dates_that_cannot_be_read_say_how_to_write_them(text: str, why: str) -> None:
    with pytest.raises(ValueError, match=why):
        parse_date(text, today=date(2026, 11, 24))


def test_the_setting_accepts_a_date_or_nothing(tmp_path: Path) -> None:
    assert check_value("surgery_date", "14 November 2026") == "2026-11-14"
    assert check_value("surgery_date", date(2026, 11, 14)) == "2026-11-14"
    assert check_value("surgery_date", "") == ""
    with pytest.raises(BadValue, match="date"):
        check_value("surgery_date", 20261114)
    path = tmp_path / "settings.toml"
    path.write_text("surgery_date = 2026-11-14\nrate = 120\n", encoding="utf-8")  # TOML date
    loaded = load_settings(path)
    assert loaded.clean and loaded.settings.surgery_date == "2026-11-14"
    path.write_text('surgery_date = "soon"\n', encoding="utf-8")
    loaded = load_settings(path)
    assert loaded.settings == Settings() and "'surgery_date'" in loaded.problems[0]


def test_cli_dates_and_stage_in_json() -> None:
    proc = run("ask", "--json", "--surgery-date", "2026-11-14", "--today", "2026-11-24",
               "can I carry the shopping?")
    reply = json.loads(proc.stdout)
    assert reply["stage"] == "week-2" and reply["answer"].startswith("You are in week 2")
    proc = run("--today", "2026-11-24", "ask", "--json", stdin="at 5 weeks can I lift\n"
               "when can I drive\n")
    first, second = (json.loads(line) for line in proc.stdout.splitlines())
    assert first["stage"] == "weeks-3-to-6" and second["stage"] is None   # no date set


def test_cli_uses_the_setting_and_rejects_a_bad_date() -> None:
    assert run("settings", "set", "surgery_date", "2026-11-14").returncode == 0
    reply = json.loads(run("ask", "--json", "--today", "2026-11-24", "when can I drive").stdout)
    assert reply["stage"] == "week-2"
    bad = run("ask", "--surgery-date", "yesterday-ish", "when can I drive")
    assert bad.returncode == 2 and "write it like" in bad.stderr and "Traceback" not in bad.stderr
    kept = run("settings", "set", "surgery_date", "tomorrow")
    assert kept.returncode == 2 and "Not changed" in kept.stderr
    assert "2026-11-14" in run("settings").stdout


def test_stage_in_reads_the_questions_own_time() -> None:
    assert stage_in("three weeks out, can I vacuum") == "weeks-3-to-6"
    assert stage_in("can I vacuum") is None
    assert stage_in("eight months after surgery can I golf") == "after-6-weeks"


def test_a_broken_companion_file_is_reported(tmp_path: Path, kb: KnowledgeBase) -> None:
    root = tmp_path / "knowledge"
    shutil.copytree(kb.root, root)
    text = (root / "companion.toml").read_text(encoding="utf-8")
    (root / "companion.toml").write_text(
        text.replace('"walking",', '"walkng",').replace("Most post-operative", "Most"),
        encoding="utf-8")
    broken = load_knowledge(root)
    companion, problems = check_companion(broken)
    assert companion is None
    assert any("'walkng'" in p.message for p in problems)
    assert any("calm" in p.message for p in problems)
    with pytest.raises(KnowledgeError):
        Assistant(broken)
    proc = run("--kb", str(root), "kb", "check")
    assert proc.returncode == 1 and "walkng" in proc.stderr
