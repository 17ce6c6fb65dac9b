"""The question history: what was asked, when, and what was answered.

SQLite in WAL mode with full sync: each question is one committed
transaction, so a crash or power cut loses at most the question being
written. A database that cannot be used (corrupt, or locked for longer than
anyone should hold it) is moved aside, every row that can still be read is
copied into a fresh one, and the caller is told in one sentence.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ..config import APP_NAME
from .checkins import CHECK_COLUMNS, CHECK_SCHEMA, CheckRecord, check_values

if TYPE_CHECKING:
    from ..answering.answer import Reply
    from ..answering.checkup import CheckResult

SCHEMA = """
CREATE TABLE IF NOT EXISTS questions (
    id INTEGER PRIMARY KEY,
    asked_at TEXT NOT NULL,          -- local time with its UTC offset, ISO 8601
    question TEXT NOT NULL,
    triage TEXT NOT NULL,            -- none | urgent | emergency
    signs TEXT NOT NULL,             -- JSON list of the warning signs' labels
    advice TEXT,
    kind TEXT NOT NULL,              -- answer | unknown
    topic TEXT,
    answer TEXT NOT NULL
)
"""
COLUMNS = "id, asked_at, question, triage, signs, advice, kind, topic, answer"


def history_path() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME)) / "history.sqlite3"


@dataclass(frozen=True)
class Record:
    id: int
    asked_at: datetime
    question: str
    triage: str
    signs: tuple[str, ...]
    advice: str | None
    kind: str
    topic: str | None
    answer: str

    @classmethod
    def from_row(cls, row: tuple) -> Record:
        id_, asked_at, question, triage, signs, advice, kind, topic, answer = row
        return cls(id_, datetime.fromisoformat(asked_at), question, triage,
                   tuple(json.loads(signs)), advice, kind, topic, answer)


def _files(path: Path) -> list[Path]:
    return [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]


def _readable_rows(path: Path) -> list[tuple]:
    """Every row that can still be read from a damaged or locked database."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=0.2)
    except sqlite3.Error:
        return []
    rows: list[tuple] = []
    try:
        try:
            for row in conn.execute(f"SELECT {COLUMNS} FROM questions ORDER BY id"):
                rows.append(row)
            return rows
        except sqlite3.Error:
            pass
        # The scan broke part-way: fetch what remains one row at a time.
        try:
            last = conn.execute("SELECT max(id) FROM questions").fetchone()[0] or 0
        except sqlite3.Error:
            return rows
        seen = {r[0] for r in rows}
        for id_ in range(1, last + 1):
            if id_ in seen:
                continue
            try:
                row = conn.execute(f"SELECT {COLUMNS} FROM questions WHERE id = ?",
                                   (id_,)).fetchone()
            except sqlite3.Error:
                continue
            if row:
                rows.append(row)
        return rows
    finally:
        conn.close()


def _readable_checks(path: Path) -> list[tuple]:
    """The warning-sign checks that can still be read (none from an older file)."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=0.2)
    except sqlite3.Error:
        return []
    try:
        return conn.execute(f"SELECT {CHECK_COLUMNS} FROM checks ORDER BY id").fetchall()
    except sqlite3.Error:
        return []
    finally:
        conn.close()


class History:
    """Thread-safe; every failure becomes a notice, never an exception for the caller."""

    def __init__(self, path: Path | None = None, timeout: float = 2.0,
                 on_notice: Callable[[str], None] | None = None) -> None:
        self.path = path or history_path()
        self.timeout = timeout
        self.on_notice = on_notice
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self._broken = False
        with self._lock:
            self._open_or_recover()

    # ---- opening -------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, timeout=self.timeout, check_same_thread=False,
                               isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")        # a commit survives a power cut
            verdict = conn.execute("PRAGMA quick_check").fetchone()[0]
            if verdict != "ok":
                raise sqlite3.DatabaseError(verdict)
            conn.execute(SCHEMA)
            conn.execute(CHECK_SCHEMA)
            conn.execute(f"SELECT {COLUMNS} FROM questions LIMIT 0")
        except BaseException:
            conn.close()
            raise
        return conn

    def _open_or_recover(self) -> None:
        try:
            self._conn = self._connect()
        except sqlite3.Error as exc:
            self._recover(exc)
        except OSError as exc:                        # e.g. the folder cannot be made
            self._give_up(exc)

    def _give_up(self, exc: Exception) -> None:
        self._broken = True
        self._notice(f"The question history at {self.path} cannot be used ({exc}); "
                     "questions are not being kept this session.")

    def _recover(self, cause: sqlite3.Error) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        rows = _readable_rows(self.path)
        checks = _readable_checks(self.path)
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        moved = self.path.with_name(f"{self.path.stem}-unusable-{stamp}{self.path.suffix}")
        try:
            for old, new in zip(_files(self.path), _files(moved), strict=True):
                if old.exists():
                    os.replace(old, new)
            self._conn = self._connect()
            with self._transaction() as conn:
                conn.executemany(f"INSERT INTO questions ({COLUMNS}) VALUES "
                                 "(?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
                conn.executemany(f"INSERT INTO checks ({CHECK_COLUMNS}) VALUES "
                                 "(?, ?, ?, ?, ?, ?, ?)", checks)
        except (OSError, sqlite3.Error) as exc:
            self._give_up(exc)
            return
        reason = "it is locked by another program" if "locked" in str(cause) else "it is damaged"
        self._notice(f"The question history could not be used ({reason}). It was moved to "
                     f"{moved} and a new one started, with the {len(rows)} question(s) "
                     "that could still be read.")

    def _transaction(self) -> _Transaction:
        assert self._conn is not None
        return _Transaction(self._conn)

    def _notice(self, message: str) -> None:
        if self.on_notice:
            self.on_notice(message)

    # ---- what callers use -----------------------------------------------------

    def add(self, reply: Reply, when: datetime | None = None) -> int | None:
        """Record one question and its answer; the id, or None when it could not be kept."""
        asked_at = (when or datetime.now()).astimezone().isoformat(timespec="seconds")
        values = (asked_at, reply.question, reply.triage,
                  json.dumps([s.label for s in reply.signs]), reply.advice, reply.kind,
                  reply.topic, reply.answer)
        return self._insert("INSERT INTO questions (asked_at, question, triage, signs, advice, "
                            "kind, topic, answer) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", values)

    def add_check(self, result: CheckResult, when: datetime | None = None) -> int | None:
        """Record one warning-sign check; the id, or None when it could not be kept."""
        return self._insert("INSERT INTO checks (done_at, stage, tier, finished, answers, "
                            "advice) VALUES (?, ?, ?, ?, ?, ?)", check_values(result, when))

    def _insert(self, sql: str, values: tuple) -> int | None:
        with self._lock:
            for attempt in range(2):
                if self._broken or self._conn is None:
                    return None
                try:
                    with self._transaction() as conn:
                        cursor = conn.execute(sql, values)
                    return cursor.lastrowid
                except sqlite3.Error as exc:
                    if attempt:
                        self._broken = True
                        self._notice(f"Questions can no longer be kept in {self.path} ({exc}).")
                        return None
                    self._recover(exc)
        return None

    def records(self, since: datetime | None = None) -> list[Record]:
        with self._lock:
            if self._conn is None:
                return []
            try:
                rows = self._conn.execute(
                    f"SELECT {COLUMNS} FROM questions ORDER BY id").fetchall()
            except sqlite3.Error:                  # damaged since it was opened
                rows = _readable_rows(self.path)
        found = [Record.from_row(r) for r in rows]
        if since is not None:
            found = [r for r in found if r.asked_at >= since.astimezone()]
        return found

    def checks(self, since: datetime | None = None) -> list[CheckRecord]:
        with self._lock:
            if self._conn is None:
                return []
            try:
                rows = self._conn.execute(
                    f"SELECT {CHECK_COLUMNS} FROM checks ORDER BY id").fetchall()
            except sqlite3.Error:
                rows = _readable_checks(self.path)
        found = [CheckRecord.from_row(r) for r in rows]
        if since is not None:
            found = [c for c in found if c.done_at >= since.astimezone()]
        return found

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None


def clear_history(path: Path | None = None) -> list[Path]:
    """Delete the history and any copies set aside; the files removed."""
    path = path or history_path()
    removed: list[Path] = []
    if not path.parent.exists():
        return removed
    for candidate in sorted(path.parent.glob(f"{path.stem}*{path.suffix}*")):
        candidate.unlink()
        removed.append(candidate)
    return removed


class _Transaction:
    """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any error."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def __enter__(self) -> sqlite3.Connection:
        self.conn.execute("BEGIN IMMEDIATE")
        return self.conn

    def __exit__(self, kind: object, *_: object) -> None:
        if kind is None:
            self.conn.execute("COMMIT")
        elif self.conn.in_transaction:
            self.conn.execute("ROLLBACK")


def iter_unanswered(records: list[Record]) -> Iterator[Record]:
    """Questions the assistant abstained on that had words in them."""
    return (r for r in records if r.kind == "unknown" and any(c.isalpha() for c in r.question))
