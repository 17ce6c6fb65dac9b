"""Driving a program in a real terminal: a private tmux server per use."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path


class Terminal:
    def __init__(self, command: list[str], width: int = 100, height: int = 30,
                 env: dict[str, str] | None = None) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="tmux-"))
        self.socket = str(self.folder / "socket")
        self.started = time.perf_counter()
        subprocess.run(["tmux", "-S", self.socket, "new-session", "-d", "-x", str(width),
                        "-y", str(height), *command], check=True, env=env or dict(os.environ))

    @staticmethod
    def available() -> bool:
        return shutil.which("tmux") is not None

    def screen(self) -> str:
        proc = subprocess.run(["tmux", "-S", self.socket, "capture-pane", "-p"],
                              capture_output=True, text=True)
        return proc.stdout

    def wait_for(self, text: str, timeout: float = 15.0, poll: float = 0.05) -> float:
        """Seconds since start when `text` was on screen; fails after `timeout`."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if text in self.screen():
                return time.perf_counter() - self.started
            time.sleep(poll)
        raise AssertionError(f"{text!r} never appeared; the screen was:\n{self.screen()}")

    def send(self, *keys: str) -> None:
        subprocess.run(["tmux", "-S", self.socket, "send-keys", *keys], check=True)

    def type(self, text: str) -> None:
        subprocess.run(["tmux", "-S", self.socket, "send-keys", "-l", text], check=True)

    def pid(self) -> int:
        """The process running in the terminal."""
        proc = subprocess.run(["tmux", "-S", self.socket, "display-message", "-p",
                               "#{pane_pid}"], capture_output=True, text=True, check=True)
        return int(proc.stdout)

    def alive(self) -> bool:
        return subprocess.run(["tmux", "-S", self.socket, "has-session"],
                              capture_output=True).returncode == 0

    def close(self) -> None:
        subprocess.run(["tmux", "-S", self.socket, "kill-server"], capture_output=True)
        shutil.rmtree(self.folder, ignore_errors=True)
