"""Where the patient is in recovery, in the guide's own words.

The operation date and today give a day ("day 10 after the operation") and a
stage of the guide's week-by-week table ("week 2"). The stages, what each
focuses on and what each restricts are read from that table, word for word,
so every sentence said about a stage is a quote. `knowledge/companion.toml`
names the table, the entries whose advice changes by stage, and the guide's
warning-sign list that the daily check asks.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .knowledge import KnowledgeBase, Problem
from .text import words
from .timeref import stage_of, stages

BEFORE = "before-surgery"
# timeref's last stage is for matching questions; the guide's table ends at
# "after 6 weeks", so that row speaks for the months after too.
LATEST = {"long-after": "after-6-weeks"}


@dataclass(frozen=True)
class Stage:
    """One row of the guide's week-by-week table."""
    id: str                 # a timeref stage: "week-2"
    title: str              # the row's own words: "Week 2"
    focus: str              # "What recovery usually focuses on", word for word
    avoid: str              # "Common restrictions", word for word

    @property
    def during(self) -> str:
        """The stage as said after "in": "the first 24 to 48 hours", "week 2"."""
        title = self.title.lower()
        if title.startswith("after"):
            return f"the time {title}"
        return f"the {title}" if title.startswith("first") else title


@dataclass(frozen=True)
class Position:
    """Where today falls: days from the operation, and the stage."""
    day: int                # days after the operation; negative before it
    stage: str              # a Stage id, or BEFORE

    def header(self, companion: Companion | None = None) -> str:
        """ "Day 10 after the operation: week 2", "The operation is in 3 days: getting ready". """
        if self.day < 0:
            when = "tomorrow" if self.day == -1 else f"in {-self.day} days"
            return f"The operation is {when}: getting ready"
        title = companion.stage(self.stage).title.lower() if companion else \
            self.stage.replace("-", " ")
        if self.day == 0:
            return f"The day of the operation: {title}"
        return f"Day {self.day} after the operation: {title}"


def position(surgery: date, today: date) -> Position:
    day = (today - surgery).days
    if day < 0:
        return Position(day, BEFORE)
    stage = stage_of(day)
    return Position(day, LATEST.get(stage, stage))


def stage_in(question: str) -> str | None:
    """The stage a question names by its own time words ("at 5 weeks"), if any."""
    tokens = words(question)
    named = stages(tokens)
    return LATEST.get(named[0], named[0]) if named else None


@dataclass(frozen=True)
class Companion:
    stages: tuple[Stage, ...]
    stage_aware: frozenset[str]
    signs: tuple[str, ...]          # the guide's warning-sign list, word for word
    intro: str                      # the guide's line before that list
    calm: str                       # the guide's words for an all-clear check

    def stage(self, stage_id: str) -> Stage:
        return next(s for s in self.stages if s.id == stage_id)

    def later(self, stage_id: str) -> tuple[Stage, ...]:
        ids = [s.id for s in self.stages]
        return self.stages[ids.index(stage_id) + 1:] if stage_id in ids else ()

    def has(self, stage_id: str | None) -> bool:
        return any(s.id == stage_id for s in self.stages)

    def preface(self, stage_id: str, entry_id: str, pos: Position | None) -> str:
        """What the table says for this stage, before an entry's own answer."""
        stage = self.stage(stage_id)
        where = f"You are in {stage.during} ({_day_words(pos.day)}). " \
            if pos is not None and pos.stage == stage_id else ""
        if entry_id == stage_id:           # the entry is this stage's own answer
            return where.strip()
        return (f'{where}For {stage.during} the guide says: "{stage.focus}". '
                f'Restrictions: "{stage.avoid}".')

    def later_text(self, stage_id: str, entry_id: str = "") -> str:
        later = [s for s in self.later(stage_id) if s.id != entry_id]
        if not later:
            return ""
        return "Later stages: " + " ".join(f'{s.title}: "{s.avoid}".' for s in later)


def _day_words(day: int) -> str:
    return "the day of the operation" if day == 0 else \
        f"day {day} after the operation"


def _table_rows(lines: list[str], start: int) -> list[list[str]]:
    rows = []
    for line in lines[start + 1:]:
        if not line.startswith("|"):
            break
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and not set(cells[0]) <= set("-: "):
            rows.append(cells)
    return rows[1:]                        # the first row is the heading


def _list_after(lines: list[str], start: int) -> list[str]:
    items = []
    for line in lines[start + 1:]:
        if not line.startswith("- "):
            break
        items.append(line[2:].strip())
    return items


def check_companion(kb: KnowledgeBase) -> tuple[Companion | None, list[Problem]]:
    """Read knowledge/companion.toml and the parts of the guide it names."""
    path: Path = kb.root / "companion.toml"
    problems: list[Problem] = []
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None, []                    # a knowledge base without the companion
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        return None, [Problem(path, 0, f"cannot be read: {exc}")]
    lines = [line.rstrip() for line in kb.guide_text.splitlines()]
    timeline, check = data.get("timeline", {}), data.get("check", {})
    built: list[Stage] = []
    table = str(timeline.get("table", ""))
    if table not in lines:
        problems.append(Problem(path, 0, f"[timeline] table {table!r} is not a line of the guide"))
    else:
        for label, focus, avoid in _table_rows(lines, lines.index(table)):
            named = stages(words(label))
            if len(named) != 1:
                problems.append(Problem(path, 0, f"the guide's table row {label!r} names "
                                        "no single stage of recovery"))
                continue
            built.append(Stage(LATEST.get(named[0], named[0]), label, focus, avoid))
        if not built:
            problems.append(Problem(path, 0, f"no table rows follow {table!r} in the guide"))
    aware = timeline.get("stage_aware", [])
    ids = {e.id for e in kb.entries}
    if not isinstance(aware, list) or not all(isinstance(a, str) for a in aware):
        problems.append(Problem(path, 0, "[timeline] stage_aware must be a list of entry ids"))
        aware = []
    problems += [Problem(path, 0, f"stage_aware names '{a}', which is not an entry id")
                 for a in aware if a not in ids]
    listed = str(check.get("list", ""))
    signs: list[str] = []
    if listed not in lines:
        problems.append(Problem(path, 0, f"[check] list {listed!r} is not a line of the guide"))
    else:
        signs = _list_after(lines, lines.index(listed))
        if not signs:
            problems.append(Problem(path, 0, f"no '- ' lines follow {listed!r} in the guide"))
    calm = str(check.get("calm", ""))
    if " ".join(calm.split()) not in " ".join(kb.guide_text.split()):
        problems.append(Problem(path, 0, f"[check] calm {calm!r} is not in the guide word "
                                "for word"))
    if problems:
        return None, problems
    return Companion(tuple(built), frozenset(aware), tuple(signs), listed.rstrip(":"),
                     calm), []

