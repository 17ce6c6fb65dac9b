"""Cold start to first screen, in a real terminal (tmux): our app against a bare
Textual app with an Input and a Static, on the same machine, alternating runs.
Then the app's peak memory, all its processes, with speech on (to a throw-away
PulseAudio null sink) after a question has been answered and read aloud.

    .venv/bin/python bench/startup.py        (or: make bench)

Both sides run from bytecode: Textual's was written when pip installed it, and
ours (and the bare app's) is written here first, as pip does for an installed
wheel and Python does on a first run. Without it, where PYTHONDONTWRITEBYTECODE
is set, every start would compile our modules from source (about 15 ms) while
Textual's never are; the figure without bytecode is printed too.

What is imported before the first screen, and why (the README's "For
developers" says the same; everything else, the knowledge base, the trained
models, numpy, rapidfuzz, speech, the history and the recogniser, loads in a
worker after the first frame):

- textual, and with it rich and asyncio: the app itself.
- assistant.cli and argparse: the command line; an empty one builds only the
  app's own options, not the commands' parsers. json: cli.py's --json output,
  imported with it (under 1 ms).
- assistant.console and assistant.answering.text (for `printable`): the one
  writer every command uses, also for messages before the app starts; text.py
  needs only `re` and `unicodedata`.
- assistant.config: the settings the app is built from, as plain data.
- assistant.records.settings, tomllib and platformdirs: the settings file
  (theme, speech, emergency number; a broken one is told on the first screen),
  and assistant.answering.dates to check the operation date in it (datetime
  only: recovery.py, and the knowledge base's module behind it, wait).
- assistant.ui.app, ui.theme and ui.services (which imports only config before
  the first frame): the App, its colours, what it runs on.
- ui.screens.main and the widgets it shows: conversation, question box, speech
  line, stage line, and the hidden warning banner and listening bar, whose parts
  are built on first use; answer_block for the message a link sends; key_button
  for the twelve keys (lighter than Textual's Button: about 15 ms).
"""

from __future__ import annotations

import compileall
import contextlib
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.audio import NullSink  # noqa: E402
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


def peak_kb(pid: int) -> int:
    """VmHWM (peak resident memory) of a process and all its descendants, in kB.
    A child belongs to the thread that started it, so every thread's children
    count (the speech engine is started from a worker thread)."""
    total = 0
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                total += int(line.split()[1])
        children = []
        for task in Path(f"/proc/{pid}/task").iterdir():
            with contextlib.suppress(FileNotFoundError):     # a thread that just ended
                children += [int(child) for child in (task / "children").read_text().split()]
    except FileNotFoundError:                                 # a process that just ended
        return total
    return total + sum(peak_kb(child) for child in children)


def peak_memory() -> float:
    """MB at the peak, once a question has been answered and read aloud."""
    sink = NullSink().start() if NullSink.available() else None
    config = Path(tempfile.mkdtemp(prefix="bench-config-"))
    settings = config / "laminectomy-assistant" / "settings.toml"
    settings.parent.mkdir(parents=True)
    settings.write_text('surgery_date = ""\n', encoding="utf-8")     # not a first run
    env = {**(sink.env() if sink else os.environ), "PYTHONPATH": str(ROOT),
           "XDG_CONFIG_HOME": str(config)}
    terminal = Terminal([sys.executable, "-m", "assistant"], 100, 30, env)
    try:
        terminal.wait_for("Type your question", timeout=30)
        terminal.type("when can i drive again")      # answered once loading has ended
        terminal.send("Enter")
        terminal.wait_for("surgical team has cleared you", timeout=120)
        time.sleep(3)                                   # reading aloud
        return peak_kb(terminal.pid()) / 1024
    finally:
        terminal.close()
        if sink:
            sink.stop()
        shutil.rmtree(config, ignore_errors=True)


def compare(runs: int) -> dict[str, list[float]]:
    """Milliseconds to the first screen, each app in turn, `runs` times."""
    times: dict[str, list[float]] = {name: [] for name in APPS}
    for command, marker in APPS.values():
        first_screen(command, marker)                  # warm the disk cache once
    for _ in range(runs):
        for name, (command, marker) in APPS.items():
            times[name].append(first_screen(command, marker))
    return times


def without_bytecode() -> None:
    for folder in [*(ROOT / "assistant").rglob("__pycache__"), ROOT / "bench" / "__pycache__"]:
        shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    if not Terminal.available():
        raise SystemExit("tmux is needed (make test installs it)")
    without_bytecode()
    if not sys.dont_write_bytecode:
        print("(bytecode is written on the first start here, so it is measured with it)")
    else:
        slow = compare(RUNS // 3)
        ratio = (statistics.median(slow["laminectomy-assistant"])
                 / statistics.median(slow["bare Textual app"]))
        print(f"without bytecode (PYTHONDONTWRITEBYTECODE is set): ratio {ratio:.2f}, "
              f"{RUNS // 3} runs")
    compileall.compile_dir(ROOT / "assistant", quiet=1)
    compileall.compile_file(ROOT / "bench" / "bare_app.py", quiet=1)
    times = compare(RUNS)
    medians = {name: statistics.median(values) for name, values in times.items()}
    for name, values in times.items():
        print(f"first screen, {name}: median {medians[name]:.0f} ms "
              f"(best {min(values):.0f}, worst {max(values):.0f}, {RUNS} runs)")
    ratio = medians["laminectomy-assistant"] / medians["bare Textual app"]
    print(f"ratio to the bare app: {ratio:.2f} (budget 1.30)")
    print(f"peak memory of the app with speech, all processes: {peak_memory():.0f} MB "
          "(budget 120)")


if __name__ == "__main__":
    main()
