"""The phrasing bank and the sign bank: how our users ask, by style.

knowledge/phrasings/STYLE.toml holds, for every entry, questions people ask
that the entry answers, and questions the guide does not answer
(`[out_of_scope]`). knowledge/signs/STYLE.toml holds, for every warning sign,
messages that report it, and hard negatives that must not fire. The style is
kept with every line so that generalisation can be measured one whole style
at a time (bench/generalise.py).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

OUT_OF_SCOPE = "out-of-scope"     # the matcher's "not in the guide" class
NO_SIGN = "no-sign"               # the sign detector's "nothing to route" class
STYLES = ("typed", "spoken", "caregiver", "misspelled", "fragment", "long", "older")


@dataclass(frozen=True)
class Example:
    """One line of a bank: its label (entry, sign, or one of the two classes
    above), its text, its style, and where it is written."""

    label: str
    text: str
    style: str
    path: Path
    line: int


@dataclass(frozen=True)
class BankProblem:
    path: Path
    line: int
    message: str


def _line_of(lines: list[str], needle: str, start: int = 0) -> int:
    probe = needle[:40]
    for n in range(start, len(lines)):
        if probe in lines[n]:
            return n + 1
    return start + 1 if lines else 0


def _read(path: Path, problems: list[BankProblem]) -> tuple[dict[str, Any], list[str]]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(BankProblem(path, 0, f"cannot be read as UTF-8 text ({exc})"))
        return {}, []
    try:
        return tomllib.loads(text), text.splitlines()
    except tomllib.TOMLDecodeError as exc:
        problems.append(BankProblem(path, getattr(exc, "lineno", 0) or 0,
                                    f"not valid TOML: {exc}"))
        return {}, []


def _style(data: dict[str, Any], path: Path, problems: list[BankProblem]) -> str:
    style = data.get("style", path.stem)
    if style not in STYLES:
        problems.append(BankProblem(path, 1, f"style {style!r} is not one of {STYLES}"))
    return str(style)


def _lists(table: Any, path: Path, lines: list[str], header: str, label_of: dict[str, str],
           style: str, problems: list[BankProblem]) -> list[Example]:
    """Every `key = ["...", ...]` of one table as examples; unknown keys are problems."""
    if table is None:
        return []
    if not isinstance(table, dict):
        problems.append(BankProblem(path, _line_of(lines, f"[{header}]"),
                                    f"[{header}] must be a table of lists"))
        return []
    found: list[Example] = []
    start = _line_of(lines, f"[{header}]") - 1
    for key, values in table.items():
        where = _line_of(lines, f"{key} =", start)
        if key not in label_of:
            problems.append(BankProblem(path, where, f"{key!r} is not a known id here"))
            continue
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            problems.append(BankProblem(path, where, f"{key} must be a list of text lines"))
            continue
        for value in values:
            if value.strip():
                found.append(Example(label_of[key], " ".join(value.split()), style, path,
                                     _line_of(lines, value, where - 1)))
    return found


def load_phrasings(folder: Path, entry_ids: set[str],
                   problems: list[BankProblem]) -> tuple[Example, ...]:
    """Questions for entries, and out-of-scope questions (label OUT_OF_SCOPE)."""
    found: list[Example] = []
    for path in sorted(folder.glob("*.toml")):
        data, lines = _read(path, problems)
        if not data:
            continue
        style = _style(data, path, problems)
        found += _lists(data.get("entries"), path, lines, "entries",
                        {e: e for e in entry_ids}, style, problems)
        found += _lists(data.get("out_of_scope"), path, lines, "out_of_scope",
                        {"questions": OUT_OF_SCOPE}, style, problems)
    return tuple(found)


def load_sign_bank(folder: Path, sign_ids: set[str],
                   problems: list[BankProblem]) -> tuple[Example, ...]:
    """Messages that report a sign, and hard negatives (label NO_SIGN)."""
    found: list[Example] = []
    for path in sorted(folder.glob("*.toml")):
        data, lines = _read(path, problems)
        if not data:
            continue
        style = _style(data, path, problems)
        found += _lists(data.get("signs"), path, lines, "signs",
                        {s: s for s in sign_ids}, style, problems)
        found += _lists(data.get("negatives"), path, lines, "negatives",
                        dict.fromkeys(sign_ids, NO_SIGN), style, problems)
    return tuple(found)
