"""The question history: crash safety, damaged files, export and clear."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from datetime import datetime, timedelta
from pathlib import Path

from assistant.answering.answer import Assistant
from assistant.records.history import History, clear_history, history_path
from assistant.records.transcript import render_markdown, render_text

WRITER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from assistant.answering.answer import Assistant
    from assistant.records.history import History

    history = History(Path(sys.argv[1]))
    reply = Assistant().ask("when can I drive again")
    n = 0
    while True:
        n += 1
        print(history.add(reply), flush=True)       # printed only once committed
""")


def ask_all(assistant: Assistant, history: History, *questions: str,
            start: datetime | None = None) -> None:
    when = start or datetime(2026, 11, 20, 9, 0)
    for n, q in enumerate(questions):
        history.add(assistant.ask(q), when=when + timedelta(hours=n))


def test_round_trip(tmp_path: Path, assistant: Assistant) -> None:
    history = History(tmp_path / "h.sqlite3")
    ask_all(assistant, history, "when can i drive", "my incision is leaking pus")
    history.close()
    again = History(tmp_path / "h.sqlite3")
    first, second = again.records()
    assert first.question == "when can i drive" and first.topic == "driving"
    assert first.triage == "none" and first.signs == ()
    assert second.triage == "urgent" and second.advice and second.signs
    assert second.asked_at - first.asked_at == timedelta(hours=1)
    assert again.records(since=datetime(2026, 11, 20, 9, 30)) == [second]
    mode = sqlite3.connect(tmp_path / "h.sqlite3").execute("PRAGMA journal_mode").fetchone()
    assert mode == ("wal",)


def test_killed_mid_write_loses_no_committed_question(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    child = subprocess.Popen([sys.executable, "-c", WRITER, str(path)],
                             stdout=subprocess.PIPE, text=True)
    assert child.stdout
    committed = [int(child.stdout.readline()) for _ in range(200)]
    os.kill(child.pid, signal.SIGKILL)               # as a power cut would, mid-transaction
    child.wait()
    committed += [int(line) for line in child.stdout.read().split()]
    notices: list[str] = []
    history = History(path, on_notice=notices.append)
    kept = {r.id for r in history.records()}
    assert notices == []                             # nothing to repair
    assert set(committed) <= kept
    assert len(committed) >= 200


def test_damaged_database_is_moved_aside_and_readable_questions_kept(
        tmp_path: Path, assistant: Assistant) -> None:
    path = tmp_path / "h.sqlite3"
    history = History(path)
    ask_all(assistant, history, "when can i drive", "can i shower", "when can i walk")
    history.close()
    with path.open("r+b") as f:                      # wreck the header, keep the pages
        f.write(b"this is not a database file......")
    notices: list[str] = []
    repaired = History(path, on_notice=notices.append)
    (notice,) = notices
    assert "damaged" in notice and "moved to" in notice
    moved = next(tmp_path.glob("h-unusable-*.sqlite3"))
    assert str(moved) in notice
    assert moved.read_bytes().startswith(b"this is not a database")
    repaired.add(assistant.ask("can i climb stairs"))
    assert [r.question for r in repaired.records()] == ["can i climb stairs"]


def test_partly_damaged_database_keeps_every_readable_row(
        tmp_path: Path, assistant: Assistant) -> None:
    path = tmp_path / "h.sqlite3"
    history = History(path)
    ask_all(assistant, history, *[f"when can i drive {n}" for n in range(40)])
    history.close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    size = path.stat().st_size
    with path.open("r+b") as f:                      # scribble over the last page
        f.seek(size - 4096)
        f.write(os.urandom(4096))
    notices: list[str] = []
    repaired = History(path, on_notice=notices.append)
    assert len(notices) == 1 and "moved to" in notices[0]
    kept = [r.question for r in repaired.records()]
    assert 0 < len(kept) < 40                        # the rows before the damage survive
    assert f"with the {len(kept)} question(s)" in notices[0]
    assert kept == [f"when can i drive {n}" for n in range(40)][: len(kept)]


def test_locked_database_is_waited_for_and_kept_in_place(tmp_path: Path,
                                                         assistant: Assistant) -> None:
    path = tmp_path / "h.sqlite3"
    other = sqlite3.connect(path, isolation_level=None)     # another program, holding it
    other.execute("CREATE TABLE t (x)")
    other.execute("BEGIN EXCLUSIVE")
    other.execute("INSERT INTO t VALUES (1)")
    notices: list[str] = []
    history = History(path, timeout=0.2, on_notice=notices.append)
    assert len(notices) == 1 and "in use" in notices[0]
    assert history.add(assistant.ask("when can i drive")) is None      # kept in memory
    other.rollback()
    other.close()
    assert history.add(assistant.ask("can i climb stairs")) is not None
    assert [r.question for r in history.records()] == ["when can i drive", "can i climb stairs"]
    assert not list(tmp_path.glob("*unusable*")) and len(notices) == 1


def test_a_history_that_cannot_be_created_is_a_notice(tmp_path: Path,
                                                       assistant: Assistant) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    notices: list[str] = []
    history = History(blocker / "h.sqlite3", on_notice=notices.append)
    assert history.add(assistant.ask("when can i drive")) is None
    assert history.records() == []
    assert len(notices) == 1 and "cannot be used" in notices[0]


def test_export_lists_warning_signs_first(tmp_path: Path, assistant: Assistant) -> None:
    history = History(tmp_path / "h.sqlite3")
    ask_all(assistant, history, "when can i drive", "my cut is red and oozing pus",
            "can i have a *glass* of wine", "i cannot feel my legs and i wet myself")
    records = history.records()
    now = datetime(2026, 11, 23, 12, 0)
    text = render_text(records, now=now)
    assert text.index("WARNING SIGNS RAISED (2)") < text.index("ALL QUESTIONS")
    flagged = text[:text.index("ALL QUESTIONS")]
    assert "my cut is red and oozing pus" in flagged and "URGENT" in flagged
    assert "i cannot feel my legs" in flagged and "EMERGENCY" in flagged
    assert "when can i drive" not in flagged
    flowing = " ".join(text.split())
    assert "4 question(s), from 20 November 2026 to 23 November 2026" in flowing
    assert "2 raised a warning sign" in flowing
    assert "Fri 20 Nov 2026, 09:00" in text
    assert "surgical team has cleared you" in text            # the answer given
    assert max(len(line) for line in text.splitlines()) <= 78

    md = render_markdown(records, now=now)
    assert md.startswith("# Questions asked")
    assert md.index("## Warning signs raised (2)") < md.index("## All questions")
    assert r"can i have a \*glass\* of wine" in md


def test_export_when_nothing_was_asked() -> None:
    assert "No questions were asked in this period." in render_text([])


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "assistant", *args], input=stdin,
                          capture_output=True, text=True, timeout=60)


def test_plain_mode_keeps_history_and_the_cli_exports_and_clears(tmp_path: Path) -> None:
    done = run("--plain", "--no-speech",
               stdin="when can i drive\nmy incision is leaking pus\ncan i go bowling\nquit\n")
    assert done.returncode == 0
    out = tmp_path / "for-doctor.md"
    export = run("history", "export", "--out", str(out))
    assert export.returncode == 0 and "Wrote 3 question(s)" in export.stdout
    page = out.read_text(encoding="utf-8")
    assert page.index("my incision is leaking pus") < page.index("when can i drive")
    since = run("history", "export", "--since", "2999-01-01")
    assert "0 question(s)" in since.stdout
    bad = run("history", "export", "--since", "last tuesday")
    assert bad.returncode == 2 and "year-month-day" in bad.stderr
    refused = run("history", "clear")
    assert refused.returncode == 2 and history_path().exists()
    cleared = run("history", "clear", "--yes")
    assert cleared.returncode == 0 and not history_path().exists()
    assert "There was no saved history." in run("history", "clear", "--yes").stdout


def test_clear_removes_copies_set_aside(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    for name in ("history.sqlite3", "history.sqlite3-wal", "history-unusable-1.sqlite3",
                 "settings.toml"):
        (tmp_path / name).write_text("x")
    removed = clear_history(path)
    assert sorted(p.name for p in removed) == ["history-unusable-1.sqlite3", "history.sqlite3",
                                               "history.sqlite3-wal"]
    assert (tmp_path / "settings.toml").exists()
