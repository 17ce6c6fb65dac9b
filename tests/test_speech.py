"""Speech with the real engine: WAVs from espeak-ng measured, and real playback
recorded from a throw-away PulseAudio null sink."""

from __future__ import annotations

import os
import shutil
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from assistant.answering.knowledge import KnowledgeBase, knowledge_root
from assistant.voice.speech import NO_DEVICE, NO_ENGINE, Speaker, SpeechSettings

from .audio import NullSink, Recorder, rms, voiced_seconds, wav_samples, wav_seconds

pytestmark = pytest.mark.audio

SENTENCE = "Walk a little more each day and rest when your back feels tired."


def speak_to(path: Path, text: str, *args: str, env: dict[str, str] | None = None) -> Path:
    proc = subprocess.run([sys.executable, "-m", "assistant", "speak", "--to", str(path),
                           *args, text], capture_output=True, timeout=60, env=env)
    assert proc.returncode == 0, proc.stderr.decode()
    assert proc.stdout == b"" and proc.stderr == b""
    return path


# ---- WAVs from espeak-ng ---------------------------------------------------

def test_wav_is_loud_speech(tmp_path: Path) -> None:
    samples, rate = wav_samples(speak_to(tmp_path / "a.wav", SENTENCE))
    assert rate >= 8000
    assert rms(samples) > 1000             # silence is 0; espeak speech is in the thousands
    assert 2.0 < len(samples) / rate < 8.0


def test_duration_grows_with_the_text(tmp_path: Path) -> None:
    one = voiced_seconds(speak_to(tmp_path / "1.wav", SENTENCE))
    three = voiced_seconds(speak_to(tmp_path / "3.wav", " ".join([SENTENCE] * 3)))
    assert 3 * 0.7 < three / one < 3 * 1.3


def test_slower_rate_takes_longer(tmp_path: Path) -> None:
    slow = voiced_seconds(speak_to(tmp_path / "slow.wav", SENTENCE, "--rate", "100"))
    fast = voiced_seconds(speak_to(tmp_path / "fast.wav", SENTENCE, "--rate", "200"))
    assert 2 * 0.7 < slow / fast < 2 * 1.3


def test_pronunciation_file_changes_the_audio(tmp_path: Path) -> None:
    plain_kb = tmp_path / "kb"
    shutil.copytree(knowledge_root(), plain_kb)
    say = plain_kb / "pronunciation.toml"
    say.write_text("\n".join(line for line in say.read_text().splitlines()
                             if not line.startswith("laminectomy ")) + "\n")
    text = "Your laminectomy went well."
    with_file, _ = wav_samples(speak_to(tmp_path / "kb.wav", text))
    env = {**os.environ, "LAMINECTOMY_KNOWLEDGE": str(plain_kb)}
    without, _ = wav_samples(speak_to(tmp_path / "plain.wav", text, env=env))
    assert with_file != without


def test_twenty_fresh_runs_keep_the_rate(tmp_path: Path) -> None:
    """espeak sometimes drops a rate change; every fresh process must still use it."""
    reference = voiced_seconds(speak_to(tmp_path / "ref.wav", SENTENCE, "--rate", "200"))
    with ThreadPoolExecutor(4) as pool:
        paths = list(pool.map(lambda i: speak_to(tmp_path / f"{i}.wav", SENTENCE,
                                                 "--rate", "120"), range(20)))
    seconds = [voiced_seconds(p) for p in paths]
    expected = reference * 200 / 120
    assert all(abs(s / expected - 1) < 0.15 for s in seconds), (expected, seconds)
    assert max(seconds) - min(seconds) < 0.1 * statistics.median(seconds)


def test_speak_show_prints_what_will_be_said() -> None:
    proc = subprocess.run([sys.executable, "-m", "assistant", "speak", "--show",
                           "Walk 30-45 min; a laminectomy is done."],
                          capture_output=True, text=True, timeout=60)
    assert proc.stdout.splitlines() == ["Walk 30 to 45 minutes; a lamma-NECK-tummy is done."]


def test_list_voices_lists_english() -> None:
    proc = subprocess.run([sys.executable, "-m", "assistant", "speak", "--list-voices"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and proc.stderr == ""
    assert len(proc.stdout.splitlines()) > 5 and "english" in proc.stdout.lower()


def test_missing_engine_is_one_notice(tmp_path: Path) -> None:
    """No espeak-ng here to remove, so the engine library fails to load instead."""
    fake = tmp_path / "pyttsx3"
    fake.mkdir()
    (fake / "__init__.py").write_text(
        "raise OSError('libespeak-ng.so.1: cannot open shared object file')\n")
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "assistant", "speak", "Hello. Again."],
                          capture_output=True, text=True, timeout=60, env=env)
    assert time.monotonic() - started < 20
    assert proc.returncode == 1 and proc.stdout == ""
    assert proc.stderr.count("Speech is off") == 1 and "install espeak-ng" in proc.stderr
    assert "Traceback" not in proc.stderr


# ---- playback through the null sink ------------------------------------------

@pytest.fixture(scope="module")
def sink() -> Iterator[NullSink]:
    if not NullSink.available():
        pytest.skip("pulseaudio/pulseaudio-utils are missing; `make test` installs them")
    sink = NullSink().start()
    old = os.environ.get("PULSE_SERVER")
    os.environ["PULSE_SERVER"] = sink.server
    yield sink
    if old is None:
        del os.environ["PULSE_SERVER"]
    else:
        os.environ["PULSE_SERVER"] = old
    sink.stop()


@pytest.fixture(scope="module")
def recorder(sink: NullSink) -> Iterator[Recorder]:
    rec = sink.record()
    yield rec
    rec.close()


@pytest.fixture
def speaker(kb: KnowledgeBase, sink: NullSink) -> Iterator[Speaker]:
    notices: list[str] = []
    spk = Speaker(SpeechSettings(rate=175), kb.pronunciations, on_notice=notices.append)
    spk.notices = notices  # type: ignore[attr-defined]
    yield spk
    spk.close()


def long_answer(kb: KnowledgeBase) -> str:
    return max((e.answer for e in kb.entries), key=len)


def test_an_answer_reaches_the_sink(speaker: Speaker, recorder: Recorder,
                                    kb: KnowledgeBase) -> None:
    started = time.perf_counter()
    speaker.speak("Walk a little more each day. Rest when your back feels tired.")
    assert recorder.first_loud(started) is not None
    assert speaker.wait(30)
    assert len(recorder.loud_times(started)) * 0.01 > 2.0      # seconds of sound
    assert speaker.notices == []                                 # type: ignore[attr-defined]


def test_stop_brings_silence(speaker: Speaker, recorder: Recorder, kb: KnowledgeBase) -> None:
    started = time.perf_counter()
    speaker.speak(long_answer(kb))
    assert recorder.first_loud(started) is not None
    time.sleep(0.5)
    stopped = time.perf_counter()
    speaker.stop()
    assert time.perf_counter() - stopped < 0.1                  # stop() itself returns at once
    assert recorder.last_sound_after(stopped) - stopped <= 0.2
    assert speaker.wait(2)


def test_answers_after_a_stop_play(speaker: Speaker, recorder: Recorder,
                                   kb: KnowledgeBase) -> None:
    answers = [long_answer(kb), kb.entry("driving").answer, kb.entry("sleep").answer]
    for answer in answers:
        started = time.perf_counter()
        speaker.speak(answer)
        assert recorder.first_loud(started) is not None, answer
        time.sleep(0.3)
        speaker.stop()
        assert recorder.last_sound_after(started, listen=0.6) < time.perf_counter() - 0.3
    started = time.perf_counter()
    speaker.repeat()
    assert recorder.first_loud(started) is not None


def test_a_killed_engine_is_replaced(speaker: Speaker, recorder: Recorder,
                                     kb: KnowledgeBase) -> None:
    started = time.perf_counter()
    speaker.speak(long_answer(kb))
    assert recorder.first_loud(started) is not None
    old_pid = speaker.engine.pid
    assert old_pid is not None
    os.kill(old_pid, signal.SIGKILL)
    time.sleep(0.3)
    speaker.stop()
    recorder.last_sound_after(started, listen=0.6)             # quiet again
    started = time.perf_counter()
    speaker.speak(kb.entry("driving").answer)
    assert recorder.first_loud(started) is not None
    assert speaker.engine.pid not in (None, old_pid)


def test_nothing_stray_reaches_the_terminal(sink: NullSink) -> None:
    script = (
        "import time\n"
        "from assistant.voice.speech import Speaker\n"
        "s = Speaker()\n"
        "s.speak('One sentence here. And another one here.'); time.sleep(0.6); s.stop()\n"
        "s.speak('A third sentence.'); s.wait(20)\n"
        "import os, signal; os.kill(s.engine.pid, signal.SIGKILL)\n"
        "s.speak('After the crash.'); s.wait(20); s.close()\n")
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=60,
                          env=sink.env())
    assert proc.returncode == 0
    assert (proc.stdout, proc.stderr) == (b"", b"")


def test_no_sound_device_is_one_prompt_notice(kb: KnowledgeBase,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PULSE_SERVER", "unix:/nonexistent/pulse")
    if subprocess.run(["aplay", "-l"], capture_output=True).stdout.strip():
        pytest.skip("this machine has a sound card")
    notices: list[str] = []
    spk = Speaker(pronunciations=kb.pronunciations, on_notice=notices.append)
    try:
        started = time.monotonic()
        spk.speak("Hello there.")
        assert spk.wait(10)
        spk.speak("Hello again.")
        assert spk.wait(10)
        assert time.monotonic() - started < 5
        assert notices == [NO_DEVICE]
        assert NO_ENGINE not in notices
    finally:
        spk.close()


def test_rate_steps_are_bounded() -> None:
    spk = Speaker(SpeechSettings(rate=90))
    try:
        assert spk.slower() == 80 and spk.slower() == 80
        assert spk.faster() == 95
        assert spk.set_rate(1000) == 260
    finally:
        spk.close()


def test_wav_helpers_agree(tmp_path: Path) -> None:
    path = speak_to(tmp_path / "a.wav", "Yes.")
    assert 0 < voiced_seconds(path) <= wav_seconds(path)
