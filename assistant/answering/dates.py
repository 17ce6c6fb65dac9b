"""The operation date as people write it.

Apart from recovery.py because the settings file holds this date and is read
before the app's first screen: reading it needs only `datetime`, not the
recovery table's code and the knowledge base's module behind it.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

DATE_FORMATS = ("%Y-%m-%d", "%d %B %Y", "%d %b %Y", "%B %d %Y", "%b %d %Y", "%Y/%m/%d")
DATE_EXAMPLE = "2026-11-14 (year-month-day) or 14 November 2026"
MAX_AHEAD = timedelta(days=366)
EARLIEST = date(1950, 1, 1)


def parse_date(text: str, today: date | None = None) -> date:
    """A date as people write it without ambiguity; ValueError says how to write it."""
    cleaned = " ".join(text.replace(",", " ").split())[:40]
    for form in DATE_FORMATS:
        try:
            found = datetime.strptime(cleaned, form).date()
        except ValueError:
            continue
        if found < EARLIEST or found > (today or date.today()) + MAX_AHEAD:
            raise ValueError(f"{found:%d %B %Y} is not a likely date for the operation; "
                             f"please check the year")
        return found
    raise ValueError(f"'{cleaned}' is not a date I can read; write it like {DATE_EXAMPLE}")
