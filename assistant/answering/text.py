"""Turning what people type or say into words the core can compare.

Questions arrive typed in a hurry, misspelled, or as speech transcripts with
no punctuation. Both triage and the matcher see the same normalised words,
so a rule written once works for every front end.
"""

from __future__ import annotations

import re
import unicodedata

# Longer input is cut before any work: nobody asks 40,000 words at once, and
# the cost of every later step stays bounded.
MAX_CHARS = 200_000

NUMBER_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90, "hundred": 100,
}

_APOSTROPHES = re.compile(r"[’'`´]")
_SCORE = re.compile(r"\b(\d{1,2})\s*/\s*10\b")
_TOKEN = re.compile(r"\d+(?:\.\d+)?|[a-z]+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")


def clean(text: str) -> str:
    """Fold case and width, drop control characters, join contractions."""
    text = unicodedata.normalize("NFKC", text[:MAX_CHARS])
    text = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in text)
    text = _APOSTROPHES.sub("", text.casefold())
    return _SCORE.sub(r"\1 out of 10", text)


def _can_add(value: int, part: int) -> bool:
    """"twenty" + "five", "hundred" + "one"; not "five" + "six"."""
    return (value >= 20 and value % 10 == 0 and part < 10) or (value >= 100 and value % 100 == 0)


def _join_numbers(words: list[str]) -> list[str]:
    """"twenty five" -> "25", "a hundred and one" -> "101", "ten" -> "10"."""
    out: list[str] = []
    i = 0
    while i < len(words):
        w = words[i]
        if w in NUMBER_WORDS:
            value = NUMBER_WORDS[w]
            j = i + 1
            if value == 100 and out and out[-1] in ("a", "1"):
                out.pop()
            while j < len(words):
                nxt = words[j]
                if nxt == "and" and j + 1 < len(words) and words[j + 1] in NUMBER_WORDS:
                    j += 1
                    continue
                if nxt == "hundred":
                    value *= 100
                elif nxt in NUMBER_WORDS and _can_add(value, NUMBER_WORDS[nxt]):
                    value += NUMBER_WORDS[nxt]
                else:
                    break
                j += 1
            out.append(str(value))
            i = j
        elif w == "point" and out and out[-1].isdigit() and i + 1 < len(words) \
                and (words[i + 1].isdigit() or words[i + 1] in NUMBER_WORDS):
            digit = words[i + 1]
            out[-1] = f"{out[-1]}.{NUMBER_WORDS.get(digit, digit)}"
            i += 2
        else:
            out.append(w)
            i += 1
    return out


# How people open and close a message, and the sounds of speech: none of it
# says what the question is about, and all of it dilutes the words that do.
_OPENING = re.compile(
    r"^\W*(?:(?:to whom it may concern|dear|hello|hi|hiya|good|morning|afternoon|evening|"
    r"day|sir|sirs|madam|doctor|dr|nurse|team|there|all)\b[\s,.!:;]*)+", re.I)
_CLOSING = re.compile(
    r"(?:[\s,.!]*\b(?:yours|kind|best|warm|many|with)\b\s*(?:faithfully|sincerely|truly|"
    r"regards|wishes|thanks)?\b[\s,.!]*(?:\w+[\s.]*){0,3}|[\s,.!]*\b(?:thank you|thanks)"
    r"(?: (?:very much|in advance|so much))?[\s,.!]*(?:\w+[\s.]*){0,2})$", re.I)
FILLERS = frozenset({"um", "umm", "uh", "uhh", "er", "erm", "ah", "hmm", "mm"})
# A sign-off is looked for only in the last characters: searched from every
# position of a long run of punctuation, _CLOSING costs the square of its length.
SIGN_OFF_CHARS = 80


def gist(text: str) -> str:
    """The message without its greeting, sign-off and speech fillers."""
    core = _OPENING.sub("", text.strip())
    core = core[:-SIGN_OFF_CHARS] + _CLOSING.sub("", core[-SIGN_OFF_CHARS:])
    kept = " ".join(w for w in core.split() if w.casefold().strip(",.") not in FILLERS)
    return kept or text


def question_sentences(text: str) -> list[str]:
    """The sentences of a message that ask something (with a question mark),
    else its last sentence: where a long message keeps its question."""
    parts = [p.strip() for p in _SENTENCE_END.split(text) if p.strip()]
    return [p for p in parts if "?" in p] or parts[-1:]


def words(text: str) -> list[str]:
    """Lower-case words and numbers of a question, number words as digits."""
    return _join_numbers(_TOKEN.findall(clean(text)))


def stem(word: str) -> str:
    """A light suffix stripper: drains, draining, drained -> drain.

    Deliberately simple and predictable, so whoever edits the knowledge base
    can guess what a word will match.
    """
    if len(word) <= 3 or word[0].isdigit():
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    for suffix in ("ing", "ed", "es", "s", "e", "ly"):
        if not word.endswith(suffix):
            continue
        base = word[: -len(suffix)]
        if suffix == "es" and not base.endswith(("s", "x", "z", "ch", "sh")):
            base = word[:-1]
        if len(base) < 3:
            return word
        if suffix == "ed" and base.endswith("e"):
            return word
        if suffix == "s" and base.endswith(("s", "u", "i")):
            return word
        if suffix in ("ing", "ed") and len(base) > 3 and base[-1] == base[-2] \
                and base[-1] not in "lsz":
            base = base[:-1]
        return base.rstrip("e") if suffix != "e" and len(base) > 3 else base
    return word


def allowed_typos(length: int) -> int:
    """Edits tolerated for a word of this length: none for short words."""
    if length <= 3:
        return 0
    if length <= 8:
        return 1
    return 2


_CONTROLS = {c: None for c in (*range(0x20), *range(0x7f, 0xa0)) if chr(c) not in "\n\t"}


def printable(text: str) -> str:
    """Text with no control character but line ends and tabs: stored questions may hold
    terminal escapes (a title change, a screen clear) that must never reach a terminal."""
    return text.translate(_CONTROLS)
