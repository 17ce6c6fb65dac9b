"""Plain line mode through a pipe, as a screen reader or a script would use it."""

from __future__ import annotations

import subprocess
import sys


def plain(stdin: bytes, *args: str) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([sys.executable, "-m", "assistant", *args], input=stdin,
                          capture_output=True, timeout=60)
    return subprocess.CompletedProcess(proc.args, proc.returncode,
                                       proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8"))


def test_questions_in_answers_out_until_quit() -> None:
    proc = plain(b"when can i drive again\nmy incision is leaking pus\nquit\n"
                 b"when can i shower\n")
    assert proc.returncode == 0 and proc.stderr == ""
    out = proc.stdout
    assert out.startswith("Laminectomy assistant.")
    assert "surgical team has cleared you" in out
    urgent = out.index("!!! URGENT: Call your surgical team right away")
    assert out.index("Recognised: Redness, warmth") > urgent
    goodbye = out.index("Goodbye")
    assert urgent < goodbye
    # The driving answer, and the guide's warning signs under the bare sign; the
    # question after quit is not answered.
    assert out.count("(From the guide") == 2
    assert "shower" not in out.split("Goodbye")[1]
    assert "Traceback" not in out


def test_explicit_plain_flag_and_topics_by_number() -> None:
    proc = plain(b"topics\n24\nrepeat\n", "--plain", "--no-speech")
    out = proc.stdout
    assert proc.returncode == 0
    assert "Everyday activities" in out and "24. Driving" in out
    assert out.count("surgical team has cleared you") == 2          # shown, then repeated


def test_speech_commands_without_speech_say_so() -> None:
    out = plain(b"slower\nstop\nhelp\nrepeat\n", "--no-speech").stdout
    assert out.count("Speech is off.") == 2
    assert "There is no answer to repeat yet." in out
    for command in ("repeat", "stop", "slower", "faster", "topics", "help", "quit"):
        assert f"  {command}" in out


def test_bad_bytes_and_emoji_are_handled() -> None:
    proc = plain(b"\xff\xfe\x00\n\xf0\x9f\x99\x82\n" + b"x" * 100_000 + b"\n\n")
    assert proc.returncode == 0 and proc.stderr == ""
    assert "Traceback" not in proc.stdout
    assert proc.stdout.count("could not find any words") == 2
