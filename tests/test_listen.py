"""Asking by voice: questions spoken by espeak-ng, recognised by pocketsphinx."""

from __future__ import annotations

import array
import json
import shutil
import subprocess
import sys
import threading
import wave
from pathlib import Path

import pytest

from assistant.answering.knowledge import KnowledgeBase, load_knowledge
from assistant.voice.listen import (
    ListenError,
    Recognizer,
    WavSource,
    domain_model,
    microphone_problem,
    read_wav,
    record_question,
)

pytestmark = pytest.mark.skipif(shutil.which("espeak-ng") is None,
                                reason="espeak-ng makes the spoken questions")

VOICES = [("en-us", 130), ("en-us", 170), ("en-gb", 130), ("en-gb", 170)]


def say(text: str, path: Path, voice: str = "en-us", rate: int = 150) -> Path:
    subprocess.run(["espeak-ng", "-v", voice, "-s", str(rate), "-w", str(path), text],
                   check=True, capture_output=True)
    return path


def ask_wav(path: Path, *extra: str) -> dict:
    done = subprocess.run([sys.executable, "-m", "assistant", "ask", "--json", "--wav",
                           str(path), *extra], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    result: dict = json.loads(done.stdout)
    return result


@pytest.fixture(scope="module")
def recognizer() -> Recognizer:
    return Recognizer(load_knowledge())


@pytest.mark.parametrize(("voice", "rate"), VOICES)
def test_a_spoken_warning_sign_is_caught(voice: str, rate: int, tmp_path: Path) -> None:
    result = ask_wav(say("my incision is leaking pus and I have a fever",
                         tmp_path / "q.wav", voice, rate))
    assert "incision" in result["transcript"] or "fever" in result["transcript"]
    assert result["triage"] == "urgent"
    assert result["question"] == result["transcript"]


@pytest.mark.parametrize(("voice", "rate"), VOICES)
def test_a_spoken_question_is_answered(voice: str, rate: int, tmp_path: Path) -> None:
    result = ask_wav(say("when can I drive again after my surgery", tmp_path / "q.wav",
                         voice, rate))
    assert "drive" in result["transcript"] and result["triage"] == "none"
    offered = [a["topic"] for a in result["alternatives"]]
    assert result["topic"] == "driving" or offered[0] == "driving"   # answered, or one click


def test_the_general_model_can_be_chosen(tmp_path: Path) -> None:
    result = ask_wav(say("is it normal to be sore", tmp_path / "q.wav"), "--model", "general")
    assert result["transcript"]                       # words, whatever they are
    assert set(result) >= {"transcript", "triage", "answer"}


def test_stereo_and_other_rates_read_as_mono(tmp_path: Path,
                                             recognizer: Recognizer) -> None:
    mono = say("is it normal to be sore", tmp_path / "mono.wav")
    speech = read_wav(mono)
    samples = array.array("h", speech.pcm)
    stereo = array.array("h", (s for pair in zip(samples, samples, strict=True) for s in pair))
    with wave.open(str(tmp_path / "stereo.wav"), "wb") as w:
        w.setnchannels(2)
        w.setsampwidth(2)
        w.setframerate(speech.rate)
        w.writeframes(stereo.tobytes())
    with wave.open(str(tmp_path / "8bit.wav"), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(1)
        w.setframerate(speech.rate)
        w.writeframes(bytes((s >> 8) + 128 for s in samples))
    assert read_wav(tmp_path / "stereo.wav") == speech
    heard = recognizer.transcribe(speech)
    assert "normal" in heard and "sore" in heard
    assert recognizer.transcribe(read_wav(tmp_path / "stereo.wav")) == heard
    assert "sore" in recognizer.transcribe(read_wav(tmp_path / "8bit.wav"))


def test_silence_gives_no_words_and_an_empty_question(tmp_path: Path) -> None:
    with wave.open(str(tmp_path / "quiet.wav"), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16_000)
        w.writeframes(bytes(2 * 16_000 * 2))
    result = ask_wav(tmp_path / "quiet.wav")
    assert result["transcript"] == "" and result["triage"] == "none"
    assert result["kind"] == "unknown"


def test_a_file_that_is_not_a_recording_is_a_message(tmp_path: Path) -> None:
    (tmp_path / "notes.wav").write_text("not audio")
    done = subprocess.run([sys.executable, "-m", "assistant", "ask", "--wav",
                           str(tmp_path / "notes.wav")], capture_output=True, text=True)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "is not a WAV recording" in done.stderr
    with pytest.raises(ListenError, match="There is no file"):
        read_wav(tmp_path / "missing.wav")


def test_the_end_of_speech_is_found_and_silence_around_it_dropped(
        tmp_path: Path, recognizer: Recognizer) -> None:
    path = say("when can I drive again", tmp_path / "q.wav")
    whole = read_wav(path)
    source = WavSource(path, trailing_silence=5.0)
    speech = record_question(source, threading.Event())
    assert 0.5 < speech.seconds < whole.seconds + 0.5      # stopped long before 5 s of quiet
    assert "drive" in recognizer.transcribe(speech)


def test_listening_stops_when_asked_and_at_the_time_limit(tmp_path: Path) -> None:
    path = say("when can I drive again", tmp_path / "q.wav")
    stop = threading.Event()
    stop.set()
    assert record_question(WavSource(path), stop).seconds < 0.5
    quiet = WavSource(path, trailing_silence=30.0)
    quiet.pcm = bytes(len(quiet.pcm))                       # nothing but silence
    assert record_question(quiet, threading.Event(), max_seconds=1.0).seconds == 0.0


def test_domain_model_is_cached_and_rebuilt_when_the_kb_changes(
        tmp_path: Path, kb: KnowledgeBase) -> None:
    first = domain_model(kb, tmp_path)
    assert "laminectomy" in first.dictionary.read_text()       # from knowledge/listen.toml
    built_at = first.lm.stat().st_mtime_ns
    assert domain_model(kb, tmp_path).lm.stat().st_mtime_ns == built_at
    copy = tmp_path / "kb"
    shutil.copytree(kb.root, copy)
    entry = copy / "entries" / "05-everyday-activities.toml"
    entry.write_text(entry.read_text().replace('questions = [',
                                               'questions = [\n    "may I motor to town",', 1))
    changed = domain_model(load_knowledge(copy), tmp_path)
    assert changed.lm != first.lm and "motor" in changed.dictionary.read_text()


def test_this_machine_has_no_microphone_and_says_so() -> None:
    assert microphone_problem() == "Asking by voice is off: no microphone found."


def test_the_microphone_check_leaves_portaudio_out_of_the_process() -> None:
    """PortAudio holds about 25 MB once loaded: the check loads it in a child."""
    code = ("import sys; from assistant.voice.listen import microphone_problem; "
            "print(microphone_problem()); sys.exit('sounddevice' in sys.modules)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "no microphone found" in proc.stdout
