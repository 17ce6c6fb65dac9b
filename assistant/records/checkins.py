"""Daily warning-sign checks as kept in the history, beside the questions.

A check is one row: when it was done, the stage of recovery, each sign with
its answer, and the advice given. `History` writes and reads the rows (same
file, same safety); this module holds their shape.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..answering.checkup import CheckResult

CHECK_SCHEMA = """
CREATE TABLE IF NOT EXISTS checks (
    id INTEGER PRIMARY KEY,
    done_at TEXT NOT NULL,           -- local time with its UTC offset, ISO 8601
    stage TEXT,                      -- the stage of recovery, or NULL when not known
    tier TEXT NOT NULL,              -- none | urgent | emergency: the sign reported
    finished INTEGER NOT NULL,       -- 0: stopped before the last sign, nothing reported
    answers TEXT NOT NULL,           -- JSON list of [sign, "yes" | "no" | "not sure"]
    advice TEXT
)
"""
CHECK_COLUMNS = "id, done_at, stage, tier, finished, answers, advice"


@dataclass(frozen=True)
class CheckRecord:
    id: int
    done_at: datetime
    stage: str | None
    tier: str
    finished: bool
    answers: tuple[tuple[str, str], ...]
    advice: str | None

    @property
    def reported(self) -> bool:
        return self.tier != "none"

    def outcome(self) -> str:
        """One line in plain words."""
        if self.reported:
            sign, said = next((s, a) for s, a in self.answers if a != "no")
            return f"{self.tier.upper()}: answered {said} to \"{sign}\""
        if not self.finished:
            return f"stopped after {len(self.answers)} sign(s); nothing reported"
        return f"no to all {len(self.answers)} warning signs"

    @classmethod
    def from_row(cls, row: tuple) -> CheckRecord:
        id_, done_at, stage, tier, finished, answers, advice = row
        return cls(id_, datetime.fromisoformat(done_at), stage, tier, bool(finished),
                   tuple((str(s), str(a)) for s, a in json.loads(answers)), advice)


def check_values(result: CheckResult, when: datetime | None = None) -> tuple:
    """The row to insert for a check, without its id."""
    done_at = (when or datetime.now()).astimezone().isoformat(timespec="seconds")
    return (done_at, result.stage, result.tier, int(result.finished),
            json.dumps([list(a) for a in result.answers]), result.advice)
