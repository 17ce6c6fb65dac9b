"""Plain line mode: a prompt, an answer, no screen drawing.

For screen readers, braille displays, very old terminals and pipes: every
line written is a whole line, in reading order, urgent advice first. It uses
the same `Assistant.ask` and the same speech as the app.
"""

from __future__ import annotations

import re
import sys
import threading
from collections.abc import Iterable
from typing import TextIO

from .answering.answer import Assistant, Reply
from .config import AppConfig
from .console import TooLong, read_lines
from .records.history import History
from .voice.speech import Speaker, SpeechLayer

COMMANDS = {
    "repeat": "read the last answer again",
    "stop": "stop reading aloud",
    "slower": "speak more slowly",
    "faster": "speak more quickly",
    "topics": "list every topic; then type a topic's number to read it",
    "help": "show these commands",
    "quit": "leave (Ctrl+D works too)",
}
INTRO = ("Laminectomy assistant. Type a question and press Enter. "
         "Type 'help' for the commands.")
_NUMBER = re.compile(r"[-+]?\d+")


class PlainSession:
    def __init__(self, assistant: Assistant, out: TextIO, speech: SpeechLayer | None,
                 auto_read: bool = True, history: History | None = None) -> None:
        self.assistant, self.out, self.speech, self.auto_read = assistant, out, speech, auto_read
        self.history = history
        self.last: Reply | None = None
        self.numbered: list[str] = []            # entry ids of the last topic list
        self._lock = threading.Lock()
        if speech is not None:
            speech.on_notice = lambda text: self.say(f"Note: {text}")

    def say(self, text: str) -> None:
        with self._lock:                          # speech notices come from another thread
            self.out.write(text + "\n")
            self.out.flush()

    def run(self, lines: Iterable[str]) -> bool:
        """True when the input ended, False when the user asked to leave."""
        self.say(INTRO)
        return all(self.handle(line.strip()) for line in lines)

    def handle(self, line: str) -> bool:
        """False when the user asked to leave."""
        word = line.lower()
        if word in ("quit", "exit", "bye"):
            self.say("Goodbye. Take care.")
            return False
        if word == "help":
            self.say("\n".join(f"  {name:<8} {what}" for name, what in COMMANDS.items()))
        elif word == "topics":
            self._topics()
        elif _NUMBER.fullmatch(word) and self.numbered:
            self._topic(int(word[:12]))          # int() refuses 4,300 digits and more
        elif word in ("repeat", "stop", "slower", "faster"):
            self._speech_command(word)
        elif line:
            reply = self.assistant.ask(line)
            if self.history is not None:
                self.history.add(reply)         # saved before shown: what was seen is kept
            self._show(reply)
        return True

    def _topic(self, number: int) -> None:
        if 1 <= number <= len(self.numbered):
            self._show(self.assistant.answer_entry(self.numbered[number - 1]))
        else:
            self.say(f"There is no topic {number}. Type a number from 1 to "
                     f"{len(self.numbered)}, or 'topics' to see the list again.")

    def _show(self, reply: Reply) -> None:
        self.last = reply
        self.say(reply.as_text() + "\n")
        if self.speech is not None:
            if self.auto_read:
                self.speech.speak(reply.spoken())
            elif reply.spoken_advice:
                self.speech.speak([reply.spoken_advice])

    def _topics(self) -> None:
        kb = self.assistant.kb
        self.numbered = []
        lines: list[str] = []
        for group in dict.fromkeys(t.group for t in kb.topics):
            lines.append(group)
            for topic in (t for t in kb.topics if t.group == group):
                entries = kb.entries_for(topic.id)
                if entries:
                    self.numbered.append(entries[0].id)
                    lines.append(f"  {len(self.numbered)}. {topic.title}")
        self.say("\n".join(lines) + "\nType a number to read that topic.")

    def _speech_command(self, word: str) -> None:
        if word == "repeat":
            if self.last is None:
                self.say("There is no answer to repeat yet.")
            else:
                self.say(self.last.as_text() + "\n")
                if self.speech is not None:
                    self.speech.speak(self.last.spoken())
            return
        if self.speech is None:
            self.say("Speech is off.")
        elif word == "stop":
            self.speech.stop()
        else:
            rate = self.speech.slower() if word == "slower" else self.speech.faster()
            self.say(f"Speed is now {rate} words a minute.")


def run_plain(config: AppConfig, lines: Iterable[str] | None = None,
              out: TextIO | None = None) -> int:
    """Until 'quit' or the end of the input; 2 when a line was too long to read."""
    from .answering.knowledge import load_knowledge

    out = out or sys.stdout
    kb = load_knowledge(config.kb_root)
    speech = Speaker(config.speech, kb.pronunciations) if config.speech_enabled else None
    session = PlainSession(Assistant(kb, config.emergency_number), out, speech,
                           config.auto_read)
    for notice in config.notices:
        session.say(f"Note: {notice}")
    if config.keep_history:
        session.history = History(on_notice=lambda text: session.say(f"Note: {text}"))
    code = 0
    try:
        try:
            ended = session.run(read_lines() if lines is None else lines)
        except TooLong as exc:
            session.say(str(exc))
            ended, code = True, 2
        if ended and speech is not None and speech.speaking:
            # A pipe can end long before the answer is read: finish it, or say why not.
            if sys.stdin is not None and sys.stdin.isatty():
                session.say("Reading the last answer aloud to the end (Ctrl+C stops it).")
            speech.wait()
    finally:
        if speech is not None:
            speech.close()
        if session.history is not None:
            session.history.close()
    return code
