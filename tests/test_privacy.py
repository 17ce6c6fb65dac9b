"""No network, ever: a whole session runs with every Python socket forbidden.

A `sitecustomize` on PYTHONPATH arms the guard in every Python process the
session starts (the speech engine child too): creating a socket raises, and
an audit hook logs any socket event, so an attempt that some code catches and
hides is still seen.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

GUARD = '''
import os, socket, sys

LOG = os.environ["NO_NETWORK_LOG"]

def _log(line):
    with open(LOG, "a", encoding="utf-8") as f:
        f.write(line + "\\n")

def _hook(event, args):
    if event.startswith("socket."):
        _log(f"SOCKET {os.getpid()} {event}")
        raise OSError(f"network use is forbidden here ({event})")

class _NoSocket(socket.socket):
    def __init__(self, *args, **kwargs):
        _log(f"SOCKET {os.getpid()} socket.socket")
        raise OSError("network use is forbidden here")

socket.socket = _NoSocket
sys.addaudithook(_hook)
_log(f"ARMED {os.getpid()} {' '.join(sys.orig_argv)}")
'''


@pytest.fixture
def guarded(tmp_path: Path) -> tuple[dict[str, str], Path]:
    (tmp_path / "guard").mkdir()
    (tmp_path / "guard" / "sitecustomize.py").write_text(GUARD, encoding="utf-8")
    log = tmp_path / "network.log"
    path = os.pathsep.join(filter(None, [str(tmp_path / "guard"),
                                         os.environ.get("PYTHONPATH")]))
    return {**os.environ, "PYTHONPATH": path, "NO_NETWORK_LOG": str(log)}, log


def run(env: dict[str, str], *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "assistant", *args], input=stdin, env=env,
                          capture_output=True, text=True, timeout=120)


def test_the_guard_really_stops_a_socket(guarded: tuple[dict[str, str], Path]) -> None:
    env, log = guarded
    done = subprocess.run([sys.executable, "-c", "import socket; socket.create_connection("
                           "('127.0.0.1', 9))"], env=env, capture_output=True, text=True)
    assert done.returncode != 0 and "forbidden" in done.stderr
    assert "SOCKET" in log.read_text()


@pytest.mark.audio
def test_a_whole_session_opens_no_socket(guarded: tuple[dict[str, str], Path],
                                         tmp_path: Path) -> None:
    env, log = guarded
    session = run(env, "--plain", stdin="when can I drive again\n"
                  "my incision is leaking pus\ncan I have a glass of wine\nrepeat\nquit\n")
    assert session.returncode == 0, session.stderr
    assert "URGENT" in session.stdout
    wav = tmp_path / "answer.wav"
    spoken = run(env, "speak", "--to", str(wav), "Walk a little more each day.")
    assert spoken.returncode == 0, spoken.stderr
    assert wav.stat().st_size > 10_000
    page = tmp_path / "for-doctor.txt"
    assert run(env, "history", "export", "--out", str(page)).returncode == 0
    assert "my incision is leaking pus" in page.read_text(encoding="utf-8")
    assert "wine" in run(env, "report", "unanswered").stdout
    assert run(env, "settings", "set", "rate", "150").returncode == 0
    assert run(env, "ask", "--json", "can I shower").returncode == 0

    lines = log.read_text(encoding="utf-8").splitlines()
    armed = [line for line in lines if line.startswith("ARMED")]
    assert sum("speech_engine" in line for line in armed) >= 2   # the engine children too
    assert len(armed) >= 8
    assert [line for line in lines if line.startswith("SOCKET")] == []
