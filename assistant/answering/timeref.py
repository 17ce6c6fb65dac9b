"""Time since surgery, as people say it: "day 5", "ten days out", "past six
weeks", "a week and a half". The matcher turns it into a recovery stage, so
a question about day 5 finds the entry for days 3 to 7 whatever its words.
"""

from __future__ import annotations

UNIT_DAYS = {"hour": 1 / 24, "hours": 1 / 24, "hrs": 1 / 24, "day": 1, "days": 1,
             "week": 7, "weeks": 7, "wk": 7, "wks": 7, "month": 30, "months": 30,
             "year": 365, "years": 365}
AMOUNTS = {"a": 1, "an": 1, "couple": 2, "few": 3, "several": 4, "half": 0.5}
ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3,
            "fourth": 4, "4th": 4, "fifth": 5, "5th": 5, "sixth": 6, "6th": 6,
            "seventh": 7, "7th": 7}
LATER = {"after", "past", "beyond", "over", "than"}

# (last day of the stage, stage name), in order.
STAGES = ((2, "first-48-hours"), (7, "days-3-to-7"), (14, "week-2"),
          (42, "weeks-3-to-6"), (180, "after-6-weeks"), (float("inf"), "long-after"))


def _amount(word: str) -> float | None:
    if word in AMOUNTS:
        return AMOUNTS[word]
    try:
        return float(word)
    except ValueError:
        return None


SINCE = {"ago", "after", "out", "since", "post", "later", "into", "past", "and"}
SO_FAR = {"been", "about", "almost", "nearly", "just", "over", "only", "first", "than"}


def _since_surgery(before: list[str], after: list[str]) -> bool:
    """Whether "a week" counts time since surgery rather than how often."""
    return bool((after and after[0] in SINCE) or SO_FAR & set(before[-3:]))


def days_mentioned(tokens: list[str]) -> list[float]:
    """Every span of time the tokens name, in days."""
    found: list[float] = []
    for i, word in enumerate(tokens):
        unit = UNIT_DAYS.get(word)
        if unit is None:
            continue
        before = tokens[max(0, i - 4):i]
        after = tokens[i + 1:i + 4]
        if before and before[-1] == "next":
            continue
        days: float | None = None
        # "24 to 48 hours", "3 to 7 days"
        if len(before) >= 3 and before[-2] in ("to", "through", "and") \
                and _amount(before[-1]) is not None and _amount(before[-3]) is not None:
            days = (_amount(before[-3]) + _amount(before[-1])) / 2 * unit  # type: ignore[operator]
        # "three and a half weeks"
        elif len(before) >= 4 and before[-3:] == ["and", "a", "half"] \
                and _amount(before[-4]) is not None:
            days = (_amount(before[-4]) + 0.5) * unit  # type: ignore[operator]
        # "walks a day", "twice a week": how often, not how long ago
        elif before and before[-1] in ("a", "an", "per", "each", "every") \
                and not _since_surgery(before, after):
            continue
        # "ten days", "a couple of days" ("of" is skipped)
        elif before and (_amount(before[-1]) is not None or
                         (len(before) >= 2 and before[-1] == "of"
                          and _amount(before[-2]) is not None)):
            amount = _amount(before[-1]) if _amount(before[-1]) is not None \
                else _amount(before[-2])
            days = amount * unit  # type: ignore[operator]
            if after[:3] == ["and", "a", "half"]:
                days += unit / 2
        # "day 5", "weeks 3 to 6", "week two"
        elif after and _amount(after[0]) is not None and after[0] not in AMOUNTS:
            start = _amount(after[0])
            assert start is not None
            if len(after) >= 3 and after[1] in ("to", "through") \
                    and _amount(after[2]) is not None:
                days = (start + _amount(after[2])) / 2 * unit  # type: ignore[operator]
            else:
                days = (start - 0.5) * unit if unit >= 7 else start * unit
        # "the first week", "second day"
        elif before and before[-1] in ORDINALS:
            days = (ORDINALS[before[-1]] - 0.5) * unit if unit >= 7 \
                else ORDINALS[before[-1]] * unit
        if days is None:
            continue
        if any(w in LATER for w in before[-3:-1] + before[-1:]) and unit >= 7:
            days += 1
        found.append(days)
    return found


def stage_of(days: float) -> str:
    return next(name for last, name in STAGES if days <= last)


def stages(tokens: list[str]) -> list[str]:
    """The recovery stages named in these tokens, first mention first."""
    out: list[str] = []
    for days in days_mentioned(tokens):
        name = stage_of(days)
        if name not in out:
            out.append(name)
    return out
