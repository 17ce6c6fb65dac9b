"""The fault suite: the assistant tried as a crash tester would (issue 15).

Each test drives the real command in a child process, the way a user, a
script or a hostile file would reach it, and asks for a plain message and no
traceback. Run them alone with `pytest -m faults`; `make test` runs them too.
Memory bounds are held with a hard limit on the child (RLIMIT_AS), not timed.
"""

from __future__ import annotations

import os
import pty
import select
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.answering.answer import Assistant
from assistant.records.history import History, history_path
from assistant.records.settings import Settings, load_settings, save_settings, settings_path

from .audio import NullSink

pytestmark = pytest.mark.faults

MEMORY_LIMIT = 700 * 2**20        # the commands peak near 230 MB of address space
LIMITED = ("import os, resource, sys; "
           f"resource.setrlimit(resource.RLIMIT_AS, ({MEMORY_LIMIT}, {MEMORY_LIMIT})); "
           "os.execv(sys.executable, [sys.executable, '-m', 'assistant', *sys.argv[1:]])")


def run(*args: str | bytes, stdin: bytes | int | None = None, stdout: int | None = None,
        env: dict[str, str] | None = None, limit_memory: bool = False,
        ) -> subprocess.CompletedProcess[bytes]:
    head = [sys.executable, "-c", LIMITED] if limit_memory else [sys.executable, "-m",
                                                                  "assistant"]
    feed = {"input": stdin} if isinstance(stdin, bytes) or stdin is None else {"stdin": stdin}
    return subprocess.run([*head, *args], **feed,  # type: ignore[call-overload]
                          stdout=subprocess.PIPE if stdout is None else stdout,
                          stderr=subprocess.PIPE, env={**os.environ, **(env or {})},
                          timeout=120)


def no_traceback(proc: subprocess.CompletedProcess[bytes]) -> None:
    for stream in (proc.stdout or b"", proc.stderr or b""):
        assert b"Traceback" not in stream and b"Exception ignored" not in stream, stream


def in_a_terminal(*args: str) -> tuple[int, bytes]:
    """Run a command with a pseudo-terminal as standard output; its code and all it wrote."""
    master, slave = pty.openpty()
    child = subprocess.Popen([sys.executable, "-m", "assistant", *args], stdout=slave,
                             stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    os.close(slave)
    seen = b""
    while True:
        ready, _, _ = select.select([master], [], [], 60)
        assert ready, "the command wrote nothing for a minute"
        try:
            data = os.read(master, 65536)
        except OSError:                    # EIO: the child closed the terminal
            break
        if not data:
            break
        seen += data
    os.close(master)
    return child.wait(timeout=60), seen


def save_questions(*questions: str) -> None:
    assistant = Assistant()
    history = History()
    for q in questions:
        history.add(assistant.ask(q))
    history.close()


# ---- 1. settings of the wrong shape --------------------------------------------

WRONG_SHAPES = {
    "theme": 'theme = ["high-contrast"]',
    "rate": "[rate]\nfast = 1",
    "volume": "volume = nan",
    "voice": "voice = {id = 1}",
    "auto_read": "auto_read = 2026-01-01",
    "emergency_number": "emergency_number = [9, 1, 1]",
    "keep_history": 'keep_history = ["no"]',
}


@pytest.mark.parametrize("key", WRONG_SHAPES)
def test_a_setting_of_the_wrong_shape_falls_back_to_its_default(key: str,
                                                                tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_text(WRONG_SHAPES[key] + "\n", encoding="utf-8")
    loaded = load_settings(path)
    assert loaded.settings == Settings()
    (problem,) = loaded.problems
    assert f"'{key}' should be" in problem and str(path) in problem


@pytest.mark.parametrize("line", ['voice = "a\\u0000b"', 'theme = "high-contrast\\u001b[2J"',
                                  'emergency_number = "911\\u0007"'])
def test_a_setting_with_control_characters_falls_back_to_its_default(line: str,
                                                                      tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_text(line + "\n", encoding="utf-8")
    loaded = load_settings(path)
    assert loaded.settings == Settings() and len(loaded.problems) == 1


def test_wrong_shapes_leave_every_command_working_and_reset_repairs_them() -> None:
    path = settings_path()
    path.parent.mkdir(parents=True)
    broken = "\n".join(v for k, v in WRONG_SHAPES.items() if k != "rate") + "\n"
    path.write_text(broken, encoding="utf-8")
    for args in (("settings",), ("ask", "when can i drive"), ("--plain", "--no-speech")):
        proc = run(*args, stdin=b"quit\n")
        no_traceback(proc)
        assert proc.returncode == 0, proc.stderr
        assert b"'theme' should be" in proc.stderr + proc.stdout
    reset = run("settings", "reset")
    assert reset.returncode == 0 and b"kept as" in reset.stdout
    assert load_settings().clean and load_settings().settings == Settings()


def test_a_huge_settings_file_is_refused_within_a_memory_limit() -> None:
    path = settings_path()
    path.parent.mkdir(parents=True)
    with path.open("wb") as f:
        f.truncate(3 * 2**30)                        # 3 GB of nothing, sparse on disk
    proc = run("ask", "when can i drive", limit_memory=True)
    no_traceback(proc)
    assert proc.returncode == 0 and b"cleared you" in proc.stdout
    assert b"too large" in proc.stderr


def test_settings_that_cannot_be_written_say_so() -> None:
    folder = settings_path().parent
    folder.parent.mkdir(parents=True)
    folder.write_text("a file where the settings folder should be")
    for args in (("settings", "set", "rate", "150"), ("settings", "reset")):
        proc = run(*args)
        no_traceback(proc)
        assert proc.returncode == 1 and b"could not be written" in proc.stderr


@pytest.mark.parametrize("content", [
    b'rate = 160\nvoice = "en-us\n', b"\xff\xfe\x00rate\x80", b"rate = " + b"9" * 5000,
    b"rate = " + b"[" * 5000 + b"]" * 5000,
], ids=["broken-toml", "binary", "5000-digits", "nested-5000-deep"])
def test_a_broken_settings_file_still_lets_the_assistant_answer(content: bytes) -> None:
    path = settings_path()
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    proc = run("ask", "when can i drive")
    no_traceback(proc)
    assert proc.returncode == 0 and b"cleared you" in proc.stdout
    assert b"Note: The settings file" in proc.stderr
    assert path.read_bytes() == content


# ---- 3. the history: locks, damage, kills, two sessions ------------------------------

def test_a_locked_history_is_waited_for_and_never_moved_aside(tmp_path: Path,
                                                             assistant: Assistant) -> None:
    path = tmp_path / "h.sqlite3"
    first = History(path, timeout=0.2)
    first.add(assistant.ask("when can i drive"))
    other = sqlite3.connect(path, isolation_level=None)    # another program takes the lock
    other.execute("BEGIN EXCLUSIVE")
    notices: list[str] = []
    second = History(path, timeout=0.2, on_notice=notices.append)
    second.add(assistant.ask("can i climb stairs"))
    first.add(assistant.ask("when can i walk"))
    assert not list(tmp_path.glob("*unusable*"))           # a lock is not damage
    assert len(notices) == 1 and "in use" in notices[0]
    other.rollback()
    other.close()
    second.add(assistant.ask("can i lift my grandson"))
    second.close()
    first.close()
    kept = [r.question for r in History(path).records()]
    assert sorted(kept) == sorted(["when can i drive", "can i climb stairs", "when can i walk",
                                   "can i lift my grandson"])


def test_a_damaged_history_is_not_moved_aside_under_a_running_session(
        tmp_path: Path, assistant: Assistant) -> None:
    path = tmp_path / "h.sqlite3"
    running = History(path)
    running.add(assistant.ask("when can i drive"))
    checkpoint = sqlite3.connect(path)
    checkpoint.execute("PRAGMA wal_checkpoint(TRUNCATE)")   # all of it in the file itself
    checkpoint.close()
    with path.open("r+b") as f:
        f.write(b"this is not a database file......")
    notices: list[str] = []
    second = History(path, on_notice=notices.append)
    second.add(assistant.ask("can i climb stairs"))
    assert not list(tmp_path.glob("*unusable*"))
    assert len(notices) == 1 and "another session" in notices[0]
    running.close()
    second.close()                                  # now alone: it repairs, then saves
    assert "can i climb stairs" in [r.question for r in History(path).records()]


def test_history_export_of_a_damaged_file_says_so() -> None:
    path = history_path()
    path.parent.mkdir(parents=True)
    path.write_bytes(b"SQLite format 3\x00" + os.urandom(5000))
    proc = run("history", "export")
    no_traceback(proc)
    assert proc.returncode == 0 and b"damaged" in proc.stderr
    assert b"No questions were asked" in proc.stdout


def test_rows_another_program_wrote_wrongly_are_left_out_and_counted() -> None:
    save_questions("when can i drive", "can i go in a sauna")
    conn = sqlite3.connect(history_path())
    wrong = [("garbage", "q", "none", "[", None, "answer", None, "a"),
             ("2026-01-01T09:00:00", 5, "none", "{}", None, "unknown", None, 7),
             ("2026-01-01T09:00:00", "naive time", "none", "[]", None, "unknown", None, "a")]
    conn.executemany("INSERT INTO questions (asked_at, question, triage, signs, advice, kind, "
                     "topic, answer) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", wrong)
    conn.commit()
    conn.close()
    for args in (("history", "export"), ("history", "export", "--since", "2025-12-01"),
                 ("report", "unanswered")):
        proc = run(*args)
        no_traceback(proc)
        assert proc.returncode == 0
        assert b"2 question(s) in the history could not be read" in proc.stderr
    exported = run("history", "export").stdout.decode()
    assert "Q: when can i drive" in exported and "Q: naive time" in exported


@pytest.mark.parametrize(("day", "code", "shown"), [
    ("0001-01-01", 0, b"Q: when can i drive"), ("9999-12-31", 0, b"No questions were asked"),
    ("2026-02-30", 2, b"is not a date")])
def test_history_export_since_any_date_gives_a_page_or_a_reason(day: str, code: int,
                                                                 shown: bytes) -> None:
    save_questions("when can i drive")
    proc = run("history", "export", "--since", day)
    no_traceback(proc)
    assert proc.returncode == code and shown in proc.stdout + proc.stderr


def plain_session() -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "assistant", "--plain", "--no-speech"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)


def ask_and_wait(session: subprocess.Popen[bytes], question: str) -> None:
    assert session.stdin and session.stdout
    session.stdin.write(question.encode() + b"\n")
    session.stdin.flush()
    while b"(From the guide" not in (line := session.stdout.readline()):
        assert line, "the session ended before answering"


def test_a_session_killed_outright_keeps_every_answered_question() -> None:
    session = plain_session()
    questions = ["when can i drive", "can i climb stairs", "when can i walk"]
    for q in questions:
        ask_and_wait(session, q)
    session.send_signal(signal.SIGKILL)
    session.wait()
    exported = run("history", "export").stdout.decode()
    assert all(f"Q: {q}" in exported for q in questions)


def test_two_sessions_at_once_lose_nothing() -> None:
    sessions = [plain_session(), plain_session()]
    for n in range(4):
        for s, session in enumerate(sessions):
            ask_and_wait(session, f"when can i drive {s} {n}")
    for session in sessions:
        _, err = session.communicate(b"quit\n", timeout=60)
        assert session.returncode == 0 and err == b""
    exported = run("history", "export").stdout.decode()
    assert all(f"Q: when can i drive {s} {n}" in exported for s in range(2) for n in range(4))
    assert not list(history_path().parent.glob("*unusable*"))


def test_ctrl_c_in_a_batch_ends_it_quietly_after_the_answers_given() -> None:
    child = subprocess.Popen([sys.executable, "-m", "assistant", "ask", "--json"],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)
    assert child.stdin and child.stdout and child.stderr
    child.stdin.write(b"when can i drive\n")
    child.stdin.flush()
    assert b'"topic": "driving"' in child.stdout.readline()
    child.send_signal(signal.SIGINT)                 # waiting for the next line
    assert child.wait(timeout=60) == 130
    assert child.stderr.read() == b""
    child.stdin.close()


# ---- 8. input with no end of line -------------------------------------------

@pytest.mark.parametrize("args", [("ask", "--json"), ("ask",), ("--plain", "--no-speech"),
                                  ("speak", "--show")], ids=" ".join)
def test_endless_input_without_a_newline_is_refused_within_a_memory_limit(
        args: tuple[str, ...]) -> None:
    with open("/dev/zero", "rb") as zeros:
        proc = run(*args, stdin=zeros.fileno(), limit_memory=True)
    no_traceback(proc)
    assert b"MemoryError" not in proc.stderr
    assert b"too long" in proc.stdout + proc.stderr
    assert proc.returncode == 2


def test_a_long_line_under_the_bound_is_still_answered_under_the_limit() -> None:
    proc = run("ask", "--json", stdin=b"blah " * 80_000 + b"and she passed out\n",
               limit_memory=True)
    no_traceback(proc)
    assert proc.returncode == 0 and b'"triage": "emergency"' in proc.stdout


# ---- 9. topic numbers out of range ------------------------------------------------

def test_plain_topic_numbers_out_of_range_say_the_range_and_are_not_saved() -> None:
    proc = run("--plain", "--no-speech", stdin=b"topics\n999\n0\n-1\n" + b"9" * 5000 + b"\n")
    out = proc.stdout.decode()
    no_traceback(proc)
    assert out.count("Type a number from 1 to ") == 4
    assert "does not answer" not in out
    assert "No questions were asked" in run("history", "export").stdout.decode()


# ---- 12. standard output closed or full --------------------------------------------

COMMANDS = [("ask", "when can i drive"), ("ask",), ("history", "export"),
            ("report", "unanswered"), ("--plain", "--no-speech"), ("speak", "--show", "hi"),
            ("settings",), ("kb", "check")]


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_closed_standard_output_is_reported(args: tuple[str, ...]) -> None:
    proc = subprocess.run(["sh", "-c", 'exec "$0" "$@" >&-', sys.executable, "-m",
                           "assistant", *args], input=b"when can i drive\n",
                          capture_output=True, timeout=120)
    no_traceback(proc)
    assert proc.returncode == 1
    assert b"standard output is closed" in proc.stderr


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_a_full_disk_on_standard_output_is_reported(args: tuple[str, ...]) -> None:
    with open("/dev/full", "wb") as full:
        proc = run(*args, stdin=b"when can i drive\n", stdout=full.fileno())
    no_traceback(proc)
    assert proc.returncode == 1
    assert b"disk is full" in proc.stderr


# ---- 13. arguments that are not UTF-8 --------------------------------------------

def test_ask_json_with_an_argument_that_is_not_utf8_writes_strict_json() -> None:
    proc = run("ask", "--json", b"when can i drive \xff\xfe")
    no_traceback(proc)
    assert proc.returncode == 0
    assert b"\\udc" not in proc.stdout                   # no lone surrogates
    assert b"\\ufffd" in proc.stdout                     # the bad bytes, as on stdin


# ---- 17. a reader that goes away ----------------------------------------------------

@pytest.mark.parametrize("args", [("speak", "--list-voices"), ("kb", "export", "--json"),
                                  ("ask", "when can i drive")], ids=" ".join)
def test_a_closed_pipe_ends_the_command_quietly(args: tuple[str, ...]) -> None:
    child = subprocess.Popen([sys.executable, "-m", "assistant", *args],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert child.stdout and child.stderr
    child.stdout.close()                         # as `| head -1` does once it has a line
    err = child.stderr.read()
    assert child.wait(timeout=60) == 0
    assert err == b""


# ---- 18. an output encoding that has no emoji ------------------------------------

@pytest.mark.parametrize("args", [("history", "export"), ("speak", "--show", "🤕 hello"),
                                  ("ask", "🤕 when can i drive"), ("report", "unanswered")],
                         ids=" ".join)
def test_an_ascii_terminal_gets_question_marks_not_a_crash(args: tuple[str, ...]) -> None:
    save_questions("🤕 can i go in a sauna 🙏")
    proc = run(*args, env={"PYTHONIOENCODING": "ascii"})
    no_traceback(proc)
    assert proc.returncode == 0
    assert proc.stdout.isascii()
    if args[0] != "ask":                                 # these show the emoji: as "?"
        assert b"?" in proc.stdout


# ---- 19. control characters in stored questions ---------------------------------

HOSTILE = "\x1b]0;pwned\x07\x1b[2J\x9b31m can i go in a sauna"


@pytest.mark.parametrize("args", [("history", "export"), ("report", "unanswered")],
                         ids=" ".join)
def test_control_characters_never_reach_the_terminal(args: tuple[str, ...]) -> None:
    save_questions(HOSTILE)
    code, seen = in_a_terminal(*args)
    assert code == 0
    assert b"can i go in a sauna" in seen
    assert not any(c in seen for c in (b"\x1b", b"\x07", "\x9b".encode()))


@pytest.mark.parametrize("name", ["visit.md", "visit.txt"])
def test_exported_pages_carry_no_control_characters(name: str, tmp_path: Path) -> None:
    save_questions(HOSTILE, "my cut is oozing \x1b[2J")
    out = tmp_path / name
    assert run("history", "export", "--out", str(out)).returncode == 0
    page = out.read_text(encoding="utf-8")
    assert "can i go in a sauna" in page
    assert not any(ord(c) < 32 and c not in "\n" or 0x7f <= ord(c) < 0xa0 for c in page)


# ---- 20. plain mode through a fast pipe --------------------------------------------

@pytest.mark.filterwarnings("error::pytest.PytestUnhandledThreadExceptionWarning")
def test_a_speech_thread_that_fails_says_so_and_leaves_nobody_waiting() -> None:
    from assistant.config import SpeechSettings
    from assistant.voice.speech import BROKEN, Speaker

    notices: list[str] = []
    speaker = Speaker(SpeechSettings(voice="a\0b"), on_notice=notices.append)  # cannot start
    try:
        speaker.speak("Hello there.")
        assert speaker.wait(60), "wait() hung on a dead speech thread"
    finally:
        speaker.close()
    assert notices == [BROKEN]


def test_plain_at_end_of_input_says_why_speech_is_off(tmp_path: Path) -> None:
    no_players = tmp_path / "bin"                # espeak-ng, but no program to play sound
    no_players.mkdir()
    proc = run("--plain", stdin=b"when can i drive\n", env={"PATH": str(no_players)})
    no_traceback(proc)
    assert proc.returncode == 0
    out = proc.stdout.decode()
    assert "cleared you" in out and "Note: Speech is off" in out



@pytest.mark.audio
def test_plain_at_end_of_input_reads_the_last_answer_to_the_end() -> None:
    if not NullSink.available():
        pytest.skip("pulseaudio/pulseaudio-utils are missing; `make test` installs them")
    save_settings(Settings(rate=260))                 # the answer in some 15 s, not 25
    sink = NullSink().start()
    recorder = sink.record()
    try:
        proc = run("--plain", stdin=b"when can i drive\n", env={"PULSE_SERVER": sink.server})
        no_traceback(proc)
        assert proc.returncode == 0 and b"cleared you" in proc.stdout
        spoken = len(recorder.loud_times()) / 100          # 10 ms chunks
    finally:
        recorder.close()
        sink.stop()
    # The answer is about 60 words; cut at the end of input, none of it was heard.
    assert spoken > 5, f"only {spoken:.1f} s of the answer reached the speaker"
