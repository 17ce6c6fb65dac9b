"""The unanswered-questions report the clinic reads, from a fixture history."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timedelta

from assistant.answering.answer import Assistant
from assistant.records.history import History
from assistant.records.report import group_unanswered, render_report

FIXTURE = [
    "Can I have a glass of wine?", "can i have a glas of wine", "can I have a glass of wine",
    "Can I have a glass of red wine tonight?",
    "how much will the surgery cost", "How much does the surgery cost?",
    "is acupuncture safe after surgery",
    "when can I drive again",                 # answered: not in the report
    "my cut is oozing pus and can I eat sushi",
    "", "🙂🙂",                               # no words: not a question to add
]


def fixture_history(assistant: Assistant) -> History:
    history = History()
    start = datetime(2026, 11, 1, 8, 0)
    for n, question in enumerate(FIXTURE):
        history.add(assistant.ask(question), when=start + timedelta(days=n))
    return history


def test_near_identical_questions_are_one_group_most_frequent_first(
        assistant: Assistant) -> None:
    groups = group_unanswered(fixture_history(assistant).records())
    assert groups[0].count == 4 and "wine" in groups[0].name
    assert [g.count for g in groups] == sorted((g.count for g in groups), reverse=True)
    cost = next(g for g in groups if "cost" in g.name)
    assert cost.count == 2
    singles = {g.name for g in groups if g.count == 1}
    assert "is acupuncture safe after surgery" in singles
    assert not any("drive" in g.name for g in groups)
    sushi = next(g for g in groups if "sushi" in g.name)
    assert sushi.with_warning == 1
    assert sum(g.count for g in groups) == 8


def test_report_text_and_command(assistant: Assistant) -> None:
    fixture_history(assistant).close()
    done = subprocess.run([sys.executable, "-m", "assistant", "report", "unanswered"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stderr == ""
    lines = done.stdout.splitlines()
    assert lines[0] == "8 unanswered question(s) in 4 group(s), most frequent first."
    first = next(line for line in lines if line.lstrip().startswith("1."))
    assert "wine" in first and "(asked 4x, last 04 Nov 2026)" in first
    assert sum("also:" in line for line in lines) == 3 + 1     # the other phrasings
    assert "1 with a warning sign" in done.stdout


def test_empty_history_says_so() -> None:
    assert render_report([]) == "No unanswered questions in the history.\n"
