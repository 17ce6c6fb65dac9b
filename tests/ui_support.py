"""What the app tests share: a speech layer that records, and a started app."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from textual.pilot import Pilot
from textual.widgets import Input

from assistant.config import AppConfig
from assistant.ui.app import AssistantApp, make_app
from assistant.voice.listen import AudioSource
from assistant.voice.speech import SpeechSettings


class RecordingSpeech:
    """Keeps what the app asked to be spoken (the real engine has its own tests)."""

    def __init__(self) -> None:
        self.settings = SpeechSettings()
        self.on_notice: Callable[[str], None] | None = None
        self.on_speaking: Callable[[bool], None] | None = None
        self.spoken: list[list[str]] = []
        self.stops = 0
        self.closed = False

    def speak(self, text: str | Sequence[str]) -> None:
        self.spoken.append([text] if isinstance(text, str) else list(text))

    def repeat(self) -> None:
        if self.spoken:
            self.spoken.append(self.spoken[-1])

    def stop(self) -> None:
        self.stops += 1

    def slower(self) -> int:
        self.settings = SpeechSettings(self.settings.rate - 15)
        return self.settings.rate

    def faster(self) -> int:
        self.settings = SpeechSettings(self.settings.rate + 15)
        return self.settings.rate

    def apply(self, settings: SpeechSettings) -> None:
        self.settings = settings

    def close(self) -> None:
        self.closed = True


def recording_app(audio_source: Callable[[], AudioSource] | None = None,
                  **config: object) -> tuple[AssistantApp, RecordingSpeech]:
    speech = RecordingSpeech()
    return make_app(AppConfig(**config), speech, audio_source), speech  # type: ignore[arg-type]


async def started(pilot: Pilot[None]) -> None:
    """Until the knowledge base has loaded in its worker."""
    await pilot.app.ready.wait()  # type: ignore[attr-defined]
    await pilot.pause()


async def ask(pilot: Pilot[None], question: str, typed: bool = False) -> None:
    """Put a question in the box (key by key when `typed`) and press Enter."""
    await pilot.click("#question")
    if typed:
        await pilot.press(*question)
    else:
        pilot.app.screen.query_one("#question", Input).value = question
    await pilot.press("enter")
    await answered(pilot)


async def answered(pilot: Pilot[None]) -> None:
    """Until every question asked so far is answered on screen (answers are worked
    out in the app's "answers" workers, so that keys work while one waits)."""
    await pilot.pause()                 # the question reaches the app
    app = pilot.app
    await app.workers.wait_for_complete([w for w in app.workers if w.group == "answers"])
    await pilot.pause()                 # and its answer is laid out
