"""Cold start to first screen, in a real terminal (tmux): our app against a bare
Textual app with an Input and a Static, on the same machine, alternating runs.

    .venv/bin/python bench/startup.py        (or: make bench)
"""

from __future__ import annotations

import os
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.terminal import Terminal  # noqa: E402

RUNS = 15
APPS = {
    "bare Textual app": ([sys.executable, str(ROOT / "bench" / "bare_app.py")],
                         "Type your question here"),
    "laminectomy-assistant": ([sys.executable, "-m", "assistant"],
                              "Type your question, or press F9"),
}


def first_screen(command: list[str], marker: str) -> float:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    terminal = Terminal(command, 100, 30, env)
    try:
        return terminal.wait_for(marker, poll=0.005) * 1000
    finally:
        terminal.close()


def main() -> None:
    if not Terminal.available():
        raise SystemExit("tmux is needed (make test installs it)")
    times: dict[str, list[float]] = {name: [] for name in APPS}
    for command, marker in APPS.values():
        first_screen(command, marker)                  # warm the disk cache once
    for _ in range(RUNS):
        for name, (command, marker) in APPS.items():
            times[name].append(first_screen(command, marker))
    medians = {name: statistics.median(values) for name, values in times.items()}
    for name, values in times.items():
        print(f"first screen, {name}: median {medians[name]:.0f} ms "
              f"(best {min(values):.0f}, worst {max(values):.0f}, {RUNS} runs)")
    ratio = medians["laminectomy-assistant"] / medians["bare Textual app"]
    print(f"ratio to the bare app: {ratio:.2f} (budget 1.30)")


if __name__ == "__main__":
    main()
