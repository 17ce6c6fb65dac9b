"""Whisper tiny.en as the recogniser: the real model on espeak-ng questions, the
model file checked, pocketsphinx as the fallback with one notice, its own process
stopped when idle."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant.answering.knowledge import KnowledgeBase, load_knowledge
from assistant.voice.listen import Recognizer, WavSource, read_wav
from assistant.voice.whisper import (
    WhisperRecognizer,
    initial_prompt,
    model_folder,
    prompt_words,
    whisper_problem,
)

from .ui_support import recording_app, started

ROOT = Path(__file__).resolve().parents[1]
pytestmark = [
    pytest.mark.skipif(shutil.which("espeak-ng") is None,
                       reason="espeak-ng makes the spoken questions"),
    pytest.mark.skipif(whisper_problem() is not None,
                       reason=f"Whisper cannot run here: {whisper_problem()}"),
]
NOTICE = "light recogniser (pocketsphinx)"


def say(text: str, path: Path, voice: str = "en-us", rate: int = 150) -> Path:
    subprocess.run(["espeak-ng", "-v", voice, "-s", str(rate), "-w", str(path), text],
                   check=True, capture_output=True)
    return path


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_knowledge()


@pytest.fixture
def no_faster_whisper(tmp_path: Path) -> dict[str, str]:
    """An environment in which `import faster_whisper` fails, as when it is not
    installed: a package of that name that raises ImportError comes first."""
    shadow = tmp_path / "shadow" / "faster_whisper"
    shadow.mkdir(parents=True)
    (shadow / "__init__.py").write_text("raise ImportError(\"No module named 'faster_whisper'\")\n")
    return {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(shadow.parent), str(ROOT), os.environ.get("PYTHONPATH", "")])}


def gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return Path(f"/proc/{pid}/status").read_text().find("State:\tZ") >= 0


@pytest.mark.parametrize(("voice", "rate"), [("en-us", 150), ("en-gb", 130)])
def test_a_spoken_question_through_the_real_model_gives_its_words(
        kb: KnowledgeBase, voice: str, rate: int, tmp_path: Path) -> None:
    wav = say("I have a fever and my incision is red and oozing", tmp_path / "q.wav",
              voice, rate)
    recognizer = WhisperRecognizer(kb, on_notice=pytest.fail)
    try:
        heard = recognizer.transcribe(read_wav(wav)).lower()
        assert recognizer.fallback is None and recognizer.load_seconds is not None
    finally:
        recognizer.stop()
    for word in ("fever", "incision", "red"):
        assert word in heard, heard


def test_ask_wav_uses_whisper_by_default_and_answers_what_it_heard(tmp_path: Path) -> None:
    wav = say("When can I drive my car again?", tmp_path / "q.wav")
    done = subprocess.run([sys.executable, "-m", "assistant", "ask", "--json", "--wav",
                           str(wav)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert NOTICE not in done.stderr
    result = json.loads(done.stdout)
    assert "drive" in result["transcript"].lower()
    assert result["topic"] == "driving"


def test_a_corrupted_model_file_gives_the_notice_and_the_fallback(
        kb: KnowledgeBase, tmp_path: Path) -> None:
    folder = tmp_path / "model"
    shutil.copytree(model_folder(), folder)
    with (folder / "model.bin").open("r+b") as f:          # one byte changed, mid-file
        f.seek(30_000_000)
        byte = f.read(1)
        f.seek(30_000_000)
        f.write(bytes([byte[0] ^ 0xFF]))
    notices: list[str] = []
    recognizer = WhisperRecognizer(kb, folder=folder, on_notice=notices.append)
    speech = read_wav(say("I have a fever", tmp_path / "q.wav"))
    first = recognizer.transcribe(speech)
    second = recognizer.transcribe(speech)
    assert len(notices) == 1, notices
    assert NOTICE in notices[0] and "not the one expected" in notices[0]
    assert "\n" not in notices[0]
    assert isinstance(recognizer.fallback, Recognizer) and recognizer.fallback.model == "domain"
    assert "fever" in second
    assert "fever" in first
    assert not recognizer.running


def test_with_faster_whisper_missing_ask_wav_uses_pocketsphinx_and_says_so_once(
        tmp_path: Path, no_faster_whisper: dict[str, str]) -> None:
    wav = say("my incision is leaking pus and I have a fever", tmp_path / "q.wav")

    def ask(*extra: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "assistant", "ask", "--json", "--wav",
                               str(wav), *extra], capture_output=True, text=True, timeout=120,
                              env=env)

    missing = ask(env=no_faster_whisper)
    assert missing.returncode == 0, missing.stderr
    assert missing.stderr.count(NOTICE) == 1, missing.stderr
    assert "faster-whisper is not installed" in missing.stderr
    assert "Traceback" not in missing.stderr
    light = ask("--model", "domain")
    assert NOTICE not in light.stderr
    heard = json.loads(missing.stdout)
    assert heard["transcript"] == json.loads(light.stdout)["transcript"]
    assert heard["triage"] == "urgent"


async def test_with_faster_whisper_missing_f9_uses_pocketsphinx_and_says_so_once(
        tmp_path: Path, no_faster_whisper: dict[str, str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHONPATH", no_faster_whisper["PYTHONPATH"])   # Whisper's process
    wav = say("my incision is leaking pus and I have a fever", tmp_path / "q.wav")
    app, _ = recording_app(audio_source=lambda: WavSource(wav))
    async with app.run_test() as pilot:
        await started(pilot)
        await app.workers.wait_for_complete()
        for _ in range(2):
            await pilot.press("f9")
            await pilot.pause(0.2)
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert app.last_reply is not None and "fever" in app.last_reply.question
        said = [str(n.message) for n in app._notifications]
        assert sum(NOTICE in text for text in said) == 1, said
        assert any("Getting ready to listen" in text for text in said)


def test_the_process_stops_when_idle_and_starts_again_when_needed(
        kb: KnowledgeBase, tmp_path: Path) -> None:
    speech = read_wav(say("when can I drive", tmp_path / "q.wav"))
    recognizer = WhisperRecognizer(kb, idle_seconds=1.0, on_notice=pytest.fail)
    try:
        assert "drive" in recognizer.transcribe(speech).lower()
        pid = recognizer.pid
        assert pid is not None
        deadline = time.monotonic() + 60                   # a runaway guard
        while not gone(pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not recognizer.running and gone(pid)
        assert "drive" in recognizer.transcribe(speech).lower()
        assert recognizer.pid not in (None, pid)
    finally:
        recognizer.stop()


def test_idle_rss_of_the_app_stays_within_budget_with_the_recogniser_stopped(
        tmp_path: Path) -> None:
    """The app, in a process of its own, asks one question by voice with Whisper, waits
    for Whisper's process to stop, then reports its own resident memory. The budget
    is the app's own memory before it listened, plus 20 MB: Whisper alone is about
    250 MB, and must never be in the app's process (pocketsphinx adds about 15)."""
    wav = say("when can I drive", tmp_path / "q.wav")
    script = f"""
import asyncio, time
from pathlib import Path
from assistant.ui.app import make_app
from assistant.config import AppConfig
from assistant.voice.listen import WavSource

def rss():
    status = Path("/proc/self/status").read_text()
    return [int(l.split()[1]) for l in status.splitlines() if l.startswith("VmRSS")][0] // 1024

async def main():
    app = make_app(AppConfig(speech_enabled=False, keep_history=False),
                   audio_source=lambda: WavSource(Path({str(wav)!r})))
    async with app.run_test() as pilot:
        while app.services.assistant is None or app.services.recognizer is None:
            await pilot.pause(0.1)
        await app.workers.wait_for_complete()
        before = rss()
        app.services.recognizer.idle_seconds = 1.0
        await pilot.press("f9")
        await pilot.pause(0.2)
        await app.workers.wait_for_complete()
        await pilot.pause()
        pid = app.services.recognizer.pid
        for _ in range(300):
            if not app.services.recognizer.running:
                break
            await pilot.pause(0.2)
        print(app.last_reply.question if app.last_reply else "", "|", pid, "|",
              app.services.recognizer.running, "|", before, "|", rss())

asyncio.run(main())
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    question, pid, running, before, after = done.stdout.strip().splitlines()[-1].split(" | ")
    assert "drive" in question.lower()
    assert pid != "None" and running == "False" and gone(int(pid))
    assert int(after) <= int(before) + 20, f"idle: {after} MB, {before} MB before listening"


def test_the_prompt_is_built_from_the_knowledge_base(kb: KnowledgeBase) -> None:
    words = prompt_words(kb)
    assert 10 <= len(words) <= 60
    prompt = initial_prompt(kb)
    asked = " ".join([*(q.lower() for e in kb.entries for q in e.questions),
                      *(q for sign in kb.triage.signs for q in sign.examples)])
    for word in words:
        assert word in prompt and word in asked          # only words people ask with
    assert "laminectomy" in words                        # the guide's own term
    assert any(word in kb.triage.words for word in words)   # a warning sign's word list


@pytest.mark.parametrize(("said", "meant"), [("yes", "yes"), ("nope", "no"),
                                             ("I'm not sure", "not sure"), ("banana", None)])
def test_the_check_hears_its_answers_through_whisper_with_their_own_prompt(
        kb: KnowledgeBase, said: str, meant: str | None, tmp_path: Path) -> None:
    from assistant.voice.yes_no import AnswerListener

    recognizer = WhisperRecognizer(kb, on_notice=pytest.fail)
    listener = AnswerListener(kb, recognizer)
    try:
        heard, answer = listener.answer(read_wav(say(said, tmp_path / "a.wav", "en-gb", 130)))
        assert recognizer.running                        # Whisper heard it, no fallback
    finally:
        recognizer.stop()
    assert answer == meant, heard
