"""What the command line and plain mode read and write, in one place each.

Input: one reader with a bound, for standard input and for arguments, so no
line (or text from /dev/zero) can grow memory without limit, and bytes that
are not UTF-8 become U+FFFD wherever they come from.

Output: one writer around standard output and error. It never hands a
terminal a control character, never fails on a character the output's
encoding lacks, and turns a closed, broken or full output into one sentence
(or, for a reader that went away as `| head` does, into a quiet end).
"""

from __future__ import annotations

import io
import os
import sys
import threading
from collections.abc import Callable, Iterator
from typing import BinaryIO, TextIO

from .answering.text import printable

MAX_LINE_BYTES = 1_000_000      # a question, or a text to speak; far above any real one
CLOSED = "Nothing could be shown: standard output is closed."


class TooLong(Exception):
    """Input past the bound; nothing from there on was read."""

    def __init__(self, what: str = "A line of input") -> None:
        super().__init__(f"{what} is too long (more than {MAX_LINE_BYTES:,} characters), so it "
                         "was not read, nor anything after it. Please split it into shorter "
                         "lines.")


class OutputStopped(Exception):
    """Standard output can take no more; `reason` is None when the reader left on purpose."""

    def __init__(self, reason: str | None) -> None:
        super().__init__(reason or "the reader closed the pipe")
        self.reason = reason


# ---- input -----------------------------------------------------------------

def argument_text(words: list[str]) -> str:
    """Command-line words as one text; bytes that are not UTF-8 become U+FFFD, as on stdin."""
    return " ".join(os.fsencode(w).decode("utf-8", errors="replace") for w in words)


def _stdin() -> BinaryIO:
    return sys.stdin.buffer if sys.stdin is not None else io.BytesIO()


def read_lines(stream: BinaryIO | None = None) -> Iterator[str]:
    """Each line as text as soon as it arrives; raises TooLong past the bound."""
    stream = stream or _stdin()
    while raw := stream.readline(MAX_LINE_BYTES + 1):
        if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
            raise TooLong()
        yield raw.decode("utf-8", errors="replace").rstrip("\r\n")


def read_all(stream: BinaryIO | None = None) -> str:
    """All of the input as one text; raises TooLong past the bound."""
    raw = (stream or _stdin()).read(MAX_LINE_BYTES + 1)
    if len(raw) > MAX_LINE_BYTES:
        raise TooLong("The text given")
    return raw.decode("utf-8", errors="replace")


# ---- output ----------------------------------------------------------------

class Writer(io.TextIOBase):
    """A standard stream as every command writes to it.

    After a failure, writes are dropped; the main thread is stopped with
    OutputStopped at its next write (when `stops`), while other threads, such
    as the one reading aloud, carry on undisturbed.
    """

    def __init__(self, stream: TextIO | None, stops: bool = True) -> None:
        super().__init__()
        self.stream = stream
        self.stops = stops
        self.failure: OutputStopped | None = None if stream else OutputStopped(CLOSED)
        try:
            self.terminal = bool(stream and stream.isatty())
        except (OSError, ValueError):
            self.terminal = False
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="replace")          # "?" for what the encoding lacks

    def writable(self) -> bool:
        return True

    @property
    def encoding(self) -> str:                            # type: ignore[override]
        return getattr(self.stream, "encoding", None) or "utf-8"

    def isatty(self) -> bool:
        return self.terminal

    def write(self, text: str) -> int:
        if self.failure is None and self.stream is not None:
            try:
                self.stream.write(printable(text) if self.terminal else text)
                self.stream.flush()
            except (OSError, ValueError) as exc:
                self._failed(exc)
        if self.failure is not None and self.stops \
                and threading.current_thread() is threading.main_thread():
            raise self.failure
        return len(text)

    def flush(self) -> None:
        self.write("")

    def _failed(self, exc: Exception) -> None:
        if isinstance(exc, BrokenPipeError):
            self.failure = OutputStopped(None)
        elif isinstance(exc, OSError) and exc.errno == 28:            # ENOSPC
            self.failure = OutputStopped("Could not write the output: the disk is full.")
        else:
            reason = exc.strerror if isinstance(exc, OSError) else str(exc)
            self.failure = OutputStopped(f"Could not write the output: {reason}.")
        # What is still buffered would fail again as Python exits: send it nowhere.
        assert self.stream is not None
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, self.stream.fileno())
            os.close(devnull)
        except (OSError, ValueError, io.UnsupportedOperation):
            pass


def run(command: Callable[[], int]) -> int:
    """Run a command with the writers in place; every way output can fail is an exit code."""
    out, err = Writer(sys.stdout), Writer(sys.stderr, stops=False)
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = out, err
    try:
        code = command()
        out.flush()
        return code
    except OutputStopped as stopped:
        if stopped.reason is None:
            return 0
        err.write(stopped.reason + "\n")
        return 1
    except TooLong as exc:
        err.write(f"{exc}\n")
        return 2
    finally:
        sys.stdout, sys.stderr = saved
