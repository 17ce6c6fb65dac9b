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
from .answering.checkup import ASK_AGAIN, NO_LIST, Check, CheckResult
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
    "check": "the daily warning-sign check: one sign at a time, yes / no / not sure",
    "week": "what the guide says about this stage of recovery",
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
        self.check: Check | None = None          # a warning-sign check under way
        self.checked: CheckResult | None = None  # the last check's result
        self._lock = threading.Lock()
        if speech is not None:
            speech.on_notice = lambda text: self.say(f"Note: {text}")

    def say(self, text: str) -> None:
        with self._lock:                          # speech notices come from another thread
            self.out.write(text + "\n")
            self.out.flush()

    def run(self, lines: Iterable[str], check_only: bool = False) -> bool:
        """Answer line after line: True when the input ended, False when the user
        asked to leave. With `check_only`, run one warning-sign check and stop."""
        if check_only:
            self.start_check()
            if self.check is None:
                return False
        else:
            self.say(INTRO)
        ended = True
        for line in lines:
            if not self.handle(line.strip()) or (check_only and self.check is None):
                ended = False
                break
        self.finish_check()                      # input ended part-way through a check
        return ended

    def handle(self, line: str) -> bool:
        """False when the user asked to leave."""
        word = line.lower()
        if self.check is not None:
            return self._check_answer(line)
        if word in ("quit", "exit", "bye"):
            self.say("Goodbye. Take care.")
            return False
        if word == "help":
            self.say("\n".join(f"  {name:<8} {what}" for name, what in COMMANDS.items()))
        elif word == "topics":
            self._topics()
        elif word in ("check", "daily check"):
            self.start_check()
        elif word in ("week", "this week"):
            self._this_week()
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

    def _speak(self, parts: list[str]) -> None:
        if self.speech is not None:
            self.speech.speak([p for p in parts if p])

    def start_check(self) -> None:
        if self.assistant.companion is None:
            self.say(NO_LIST)
            return
        self.check = Check(self.assistant)
        pos = self.assistant.position()
        intro = (f"Daily warning-sign check: {len(self.check.signs)} signs from the guide, "
                 "one at a time. Answer yes, no, or not sure.")
        self.say(intro + (f"\n{pos.header(self.assistant.companion)}" if pos else ""))
        self._speak([intro])
        self._ask_sign()

    def _ask_sign(self) -> None:
        check = self.check
        assert check is not None and check.current is not None
        question = check.current.question
        self.say(f"Sign {check.number} of {len(check.signs)}. {question} (yes / no / not sure)")
        self._speak([question])

    def _check_answer(self, line: str) -> bool:
        check = self.check
        assert check is not None
        if line.lower() in ("quit", "exit", "bye", "stop"):
            self.finish_check()
            return line.lower() == "stop"
        if check.answer(line) is None:
            self.say(ASK_AGAIN)
            self._speak([ASK_AGAIN])
        elif check.done:
            self.finish_check()
        else:
            self._ask_sign()
        return True

    def finish_check(self) -> CheckResult | None:
        """End the check under way: say the outcome, urgent advice first, and keep it."""
        check, self.check = self.check, None
        if check is None:
            return None
        result = self.checked = check.result()
        lines = []
        if result.reported:
            lines.append(f"!!! {result.tier.upper()}: {result.advice}")
        lines.append(result.summary)
        if self.history is not None and result.answers:
            kept = self.history.add_check(result) is not None
            lines.append("This check is kept in your history." if kept else
                         "This check could not be kept in your history.")
        self.say("\n".join(lines) + "\n")
        if self.speech is not None:
            # Advice first, and always, as the warning banner is.
            self._speak([result.spoken_advice or "", result.summary])
        return result

    def _this_week(self) -> None:
        text = self.assistant.this_week()
        self.say(text + "\n")
        self._speak([text])

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


# `check`'s exit status: a sign was reported, or the check did not reach its end.
SIGN_REPORTED, NOT_FINISHED = 3, 1


def run_plain(config: AppConfig, lines: Iterable[str] | None = None,
              out: TextIO | None = None, check_only: bool = False) -> int:
    """Until 'quit' or the end of the input; 2 when a line was too long to read.
    With `check_only`, one warning-sign check; its status says what it found."""
    from .answering.knowledge import load_knowledge

    out = out or sys.stdout
    kb = load_knowledge(config.kb_root)
    speech = Speaker(config.speech, kb.pronunciations) if config.speech_enabled else None
    surgery, today = config.recovery_dates()
    assistant = Assistant(kb, config.emergency_number, surgery_date=surgery, today=today)
    session = PlainSession(assistant, out, speech,
                           config.auto_read)
    for notice in config.notices:
        session.say(f"Note: {notice}")
    if config.keep_history:
        session.history = History(on_notice=lambda text: session.say(f"Note: {text}"))
    code = 0
    try:
        try:
            ended = session.run(read_lines() if lines is None else lines, check_only)
        except TooLong as exc:
            session.say(str(exc))
            ended, code = True, 2
        if check_only and speech is not None:
            speech.wait(timeout=120)      # the advice is heard in full before `check` ends
        elif ended and speech is not None and speech.speaking:
            # A pipe can end long before the answer is read: finish it, or say why not.
            if sys.stdin is not None and sys.stdin.isatty():
                session.say("Reading the last answer aloud to the end (Ctrl+C stops it).")
            speech.wait()
    finally:
        if speech is not None:
            speech.close()
        if session.history is not None:
            session.history.close()
    result = session.checked
    if not check_only or code:
        return code
    if result is None:
        return NOT_FINISHED
    return SIGN_REPORTED if result.reported else 0 if result.finished else NOT_FINISHED
