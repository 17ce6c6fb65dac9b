"""A printable page of past questions, to take to the next doctor visit.

Warning signs come first, in their own list (from questions and from the
daily checks), because they are what a doctor most needs to see; then the
daily warning-sign checks by date; then every question in the order it was
asked.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from datetime import datetime

from ..answering.text import printable
from .checkins import CheckRecord
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


def _summary(records: Sequence[Record], since: datetime | None, now: datetime,
             checks: Sequence[CheckRecord] = ()) -> str:
    moments = [r.asked_at for r in records[:1]] + [c.done_at for c in checks[:1]]
    start = since or (min(moments) if moments else None)
    span = f"from {_day(start)} to {_day(now)}" if start else f"up to {_day(now)}"
    text = (f"Printed {_day(now)}. {len(records)} question(s), {span}. "
            f"{sum(r.triage != 'none' for r in records)} raised a warning sign.")
    if checks:
        text += (f" {len(checks)} daily warning-sign check(s); "
                 f"{sum(c.reported for c in checks)} reported a sign.")
    return text


def _stage(check: CheckRecord) -> str:
    return f" (recovery stage: {check.stage.replace('-', ' ')})" if check.stage else ""


def render_text(records: Sequence[Record], since: datetime | None = None,
                now: datetime | None = None, checks: Sequence[CheckRecord] = ()) -> str:
    now = now or datetime.now()
    flagged = [r for r in records if r.triage != "none"]
    reported = [c for c in checks if c.reported]
    out = ["QUESTIONS ASKED OF THE LAMINECTOMY ASSISTANT", "",
           _wrap(_summary(records, since, now, checks), ""), _wrap(DISCLAIMER, ""), ""]
    if flagged or reported:
        title = f"WARNING SIGNS RAISED ({len(flagged) + len(reported)})"
        out += [title, "=" * len(title)]
        for r in flagged:
            out += [f"{_when(r.asked_at)}   {r.triage.upper()}",
                    _wrap(f"Question: {r.question}", "  "),
                    *(_wrap(f"Sign: {s}", "  ") for s in r.signs),
                    _wrap(f"Advice given: {r.advice or ''}", "  "), ""]
        for c in reported:
            out += [f"{_when(c.done_at)}   {c.tier.upper()}",
                    _wrap(f"Daily check: {c.outcome()}", "  "),
                    _wrap(f"Advice given: {c.advice or ''}", "  "), ""]
    if checks:
        out += [f"DAILY WARNING-SIGN CHECKS ({len(checks)})", "=" * 30]
        for c in checks:
            out += [f"{_when(c.done_at)}{_stage(c)}", _wrap(c.outcome(), "  "),
                    *(_wrap(f"{said:<8} {sign}", "    ") for sign, said in c.answers), ""]
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
                    now: datetime | None = None, checks: Sequence[CheckRecord] = ()) -> str:
    now = now or datetime.now()
    flagged = [r for r in records if r.triage != "none"]
    reported = [c for c in checks if c.reported]
    out = ["# Questions asked of the laminectomy assistant", "",
           _summary(records, since, now, checks), "", f"*{DISCLAIMER}*", ""]
    if flagged or reported:
        out += [f"## Warning signs raised ({len(flagged) + len(reported)})", ""]
        for r in flagged:
            out += [f"- **{_when(r.asked_at)}, {r.triage.upper()}**: {_md(r.question)}",
                    *(f"  - Sign: {_md(s)}" for s in r.signs),
                    f"  - Advice given: {_md(r.advice or '')}"]
        for c in reported:
            out += [f"- **{_when(c.done_at)}, {c.tier.upper()}**: daily check, "
                    f"{_md(c.outcome())}", f"  - Advice given: {_md(c.advice or '')}"]
        out.append("")
    if checks:
        out += [f"## Daily warning-sign checks ({len(checks)})", ""]
        for c in checks:
            out += [f"- **{_when(c.done_at)}**{_md(_stage(c))}: {_md(c.outcome())}",
                    *(f"  - {said}: {_md(sign)}" for sign, said in c.answers)]
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
