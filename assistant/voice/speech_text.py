"""Text prepared for the ear: what the screen shows, made right to listen to.

Speech engines read markup aloud, say "cm" as "see em" and stumble over
"laminectomy". This turns an answer into short sentences an engine can say
well, one at a time, so speech can start fast and stop between sentences.
"""

from __future__ import annotations

import re

UNITS = {
    "cm": "centimeters", "mm": "millimeters", "m": "meters", "km": "kilometers",
    "kg": "kilograms", "g": "grams", "mg": "milligrams", "lb": "pounds",
    "lbs": "pounds", "ml": "milliliters", "min": "minutes", "mins": "minutes",
    "hr": "hours", "hrs": "hours", "f": "degrees Fahrenheit", "c": "degrees Celsius",
    "%": "percent",
}
ABBREVIATIONS = {"e.g.": "for example", "i.e.": "that is", "etc.": "and so on",
                 "vs.": "versus", "dr.": "doctor", "approx.": "about"}

_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_MARKUP = re.compile(r"[*_`#>|~]+")
_BULLET = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+")
_RANGE = re.compile(r"(\d+(?:\.\d+)?)\s*[-–]\s*(\d+(?:\.\d+)?)")
_UNIT = re.compile(r"(\d+(?:\.\d+)?)\s*(°\s*[fc]\b|%|(?:cm|mm|km|kg|mg|lbs|lb|ml|mins|min"
                   r"|hrs|hr|m|g|f|c)\b)", re.IGNORECASE)
_SCORE = re.compile(r"\b(\d{1,2})\s*/\s*10\b")
MAX_PIECE = 300          # characters spoken in one go: an engine request has a time limit
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[\"'“(]?[A-Z0-9])")
# Where a piece that is still too long may be cut, best first: any sentence end
# (whatever the case of what follows), a clause, then any space.
_CUTS = (re.compile(r"(?<=[.!?])\s+"), re.compile(r"(?<=[,;:])\s+"), re.compile(r"\s+"))


def _unit(match: re.Match[str]) -> str:
    unit = match.group(2).lower().replace("°", "").strip()
    word = UNITS.get(unit, unit)
    if unit in ("f", "c") and "°" not in match.group(2) and match.group(2) not in ("F", "C"):
        return match.group(0)      # "5 f" is not a temperature
    return f"{match.group(1)} {word}"


def _say_words(text: str, pronunciations: dict[str, str]) -> str:
    for word, spoken in pronunciations.items():
        text = re.sub(rf"(?<![\w-]){re.escape(word)}(?![\w-])", spoken, text,
                      flags=re.IGNORECASE)
    return text


def for_the_ear(text: str, pronunciations: dict[str, str] | None = None) -> list[str]:
    """The sentences to speak, in order, with nothing that should not be said."""
    lines: list[str] = []
    for raw in text.splitlines():
        line = _LINK.sub(r"\1", raw)
        is_item = bool(_BULLET.match(line))
        line = _MARKUP.sub(" ", _BULLET.sub("", line)).strip()
        if not line:
            continue
        if is_item and line[-1] not in ".!?:;":
            line += "."                      # each list item is heard as its own step
        lines.append(line)
    spoken = " ".join(lines)
    for short, long in ABBREVIATIONS.items():
        spoken = re.sub(rf"(?<!\w){re.escape(short)}", long, spoken, flags=re.IGNORECASE)
    spoken = _SCORE.sub(r"\1 out of 10", spoken)
    spoken = _RANGE.sub(r"\1 to \2", spoken)
    spoken = _UNIT.sub(_unit, spoken)
    spoken = _say_words(spoken, pronunciations or {})
    spoken = " ".join(spoken.split())
    return [piece for s in _SENTENCE.split(spoken) for piece in _bounded(s.strip()) if piece]


def _bounded(text: str, cuts: tuple[re.Pattern[str], ...] = _CUTS) -> list[str]:
    """`text` in pieces of at most MAX_PIECE characters, cut at the best place there
    is: without a capital after each full stop, a whole text is one "sentence"."""
    if len(text) <= MAX_PIECE:
        return [text]
    if not cuts:
        return [text[i:i + MAX_PIECE] for i in range(0, len(text), MAX_PIECE)]
    pieces: list[str] = []
    current = ""
    for part in cuts[0].split(text):
        if current and len(current) + 1 + len(part) <= MAX_PIECE:
            current += " " + part
            continue
        if current:
            pieces.append(current)
        current = part
        if len(current) > MAX_PIECE:
            *whole, current = _bounded(current, cuts[1:])
            pieces += whole
    return [*pieces, current] if current else pieces
