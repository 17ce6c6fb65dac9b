"""A printable page of past questions, to take to the next doctor visit.

Warning signs come first, in their own list, because they are what a doctor
most needs to see; then every question in the order it was asked.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from datetime import datetime

from ..answering.text import printable
from .history import Record

DISCLAIMER = ("These answers come from the patient guide, not from your care team; "
              "they are not advice about your own case.")
WIDTH = 78


def _when(moment: datetime) -> str:
    return f"{moment:%a %d %b %Y, %H:%M}"


def _day(moment: datetime) -> str:
    return f"{moment:%d %B %Y}".lstrip("0")


def _wrap(text: str, indent: str) -> str:
    text = printable(text)               # a stored question may hold terminal escapes
    return "\n".join(textwrap.fill(p, WIDTH, initial_indent=indent, subsequent_indent=indent)
                     for p in text.splitlines() if p.strip()) or indent.rstrip()


def _summary(records: Sequence[Record], since: datetime | None, now: datetime) -> str:
    start = since or (records[0].asked_at if records else None)
    span = f"from {_day(start)} to {_day(now)}" if start else f"up to {_day(now)}"
    return (f"Printed {_day(now)}. {len(records)} question(s), {span}. "
            f"{sum(r.triage != 'none' for r in records)} raised a warning sign.")


def render_text(records: Sequence[Record], since: datetime | None = None,
                now: datetime | None = None) -> str:
    now = now or datetime.now()
    flagged = [r for r in records if r.triage != "none"]
    out = ["QUESTIONS ASKED OF THE LAMINECTOMY ASSISTANT", "",
           _wrap(_summary(records, since, now), ""), _wrap(DISCLAIMER, ""), ""]
    if flagged:
        out += [f"WARNING SIGNS RAISED ({len(flagged)})", "=" * 24]
        for r in flagged:
            out += [f"{_when(r.asked_at)}   {r.triage.upper()}",
                    _wrap(f"Question: {r.question}", "  "),
                    *(_wrap(f"Sign: {s}", "  ") for s in r.signs),
                    _wrap(f"Advice given: {r.advice or ''}", "  "), ""]
    out += ["ALL QUESTIONS", "=" * 13]
    if not records:
        out.append("No questions were asked in this period.")
    for r in records:
        mark = f"   [{r.triage.upper()}]" if r.triage != "none" else ""
        out += [f"{_when(r.asked_at)}{mark}", _wrap(f"Q: {r.question}", "  "),
                _wrap(f"A: {r.answer}", "  "), ""]
    return "\n".join(out).rstrip() + "\n"


def _md(text: str) -> str:
    """Plain text that Markdown will show as written."""
    escaped = "".join("\\" + c if c in "\\`*_[]<>#|" else c for c in printable(text))
    return " ".join(escaped.split())


def render_markdown(records: Sequence[Record], since: datetime | None = None,
                    now: datetime | None = None) -> str:
    now = now or datetime.now()
    flagged = [r for r in records if r.triage != "none"]
    out = ["# Questions asked of the laminectomy assistant", "",
           _summary(records, since, now), "", f"*{DISCLAIMER}*", ""]
    if flagged:
        out += [f"## Warning signs raised ({len(flagged)})", ""]
        for r in flagged:
            out += [f"- **{_when(r.asked_at)}, {r.triage.upper()}**: {_md(r.question)}",
                    *(f"  - Sign: {_md(s)}" for s in r.signs),
                    f"  - Advice given: {_md(r.advice or '')}"]
        out.append("")
    out += ["## All questions", ""]
    if not records:
        out.append("No questions were asked in this period.")
    for r in records:
        mark = f" ({r.triage.upper()})" if r.triage != "none" else ""
        out += [f"### {_when(r.asked_at)}{mark}", "", f"**Q:** {_md(r.question)}", "",
                f"**A:** {_md(r.answer)}", ""]
    return "\n".join(out).rstrip() + "\n"


def default_export_name(markdown: bool = False, now: datetime | None = None) -> str:
    return f"laminectomy-questions-{(now or datetime.now()):%Y-%m-%d}" + (
        ".md" if markdown else ".txt")
