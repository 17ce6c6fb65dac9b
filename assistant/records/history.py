"""The question history: what was asked, when, and what was answered.

SQLite in WAL mode with full sync: each question is one committed
transaction, so a crash or power cut loses at most the question being
written. A lock is not damage: while another program holds the database,
questions wait in memory and are written once it is free. A damaged
database is moved aside (never from under another running session), every
row that can still be read is copied into a fresh one, and the caller is
told in one sentence.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ..config import APP_NAME
from .checkins import CHECK_COLUMNS, CHECK_SCHEMA, CheckRecord, check_values

try:
    import fcntl
except ImportError:                          # Windows: no other-session check
    fcntl = None  # type: ignore[assignment]

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
        """Raises ValueError for a row that is not one we wrote (another program's, say)."""
        id_, asked_at, question, triage, signs, advice, kind, topic, answer = row
        try:
            labels = json.loads(signs)
            moment = datetime.fromisoformat(asked_at)
        except (TypeError, ValueError):
            raise ValueError("not a question record") from None
        texts, optional = (question, triage, kind, answer), (advice, topic)
        if not (isinstance(labels, list) and all(isinstance(t, str) for t in (*texts, *labels))
                and all(t is None or isinstance(t, str) for t in optional)):
            raise ValueError("not a question record")
        if moment.tzinfo is None:
            moment = moment.astimezone()          # as local time, so it compares with --since
        return cls(id_, moment, question, triage, tuple(labels), advice, kind, topic, answer)


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


def _in_use(exc: sqlite3.Error) -> bool:
    """Busy or locked: another connection holds it, which is not damage."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
    return "locked" in str(exc) or "busy" in str(exc)


class _SessionMark:
    """Every open History holds a shared lock on a small file beside the database, so
    that a session finding damage moves the database aside only when it is alone:
    never from under another running session, which would go on writing into the
    file moved aside."""

    def __init__(self, path: Path) -> None:
        self.fd: int | None = None
        if fcntl is None:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.fd = os.open(path.with_name(path.name + "-sessions"), os.O_RDWR | os.O_CREAT)
            fcntl.flock(self.fd, fcntl.LOCK_SH)
        except OSError:
            self.close()

    def alone(self) -> bool:
        if self.fd is None or fcntl is None:
            return True
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            alone = True
        except OSError:
            alone = False
        fcntl.flock(self.fd, fcntl.LOCK_SH)
        return alone

    def close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)              # releases the lock
            self.fd = None


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
    """Thread-safe; every failure becomes a notice, never an exception for the caller.

    A question that cannot be written yet (the database is in use by another
    program, or damaged while another session runs) is kept in memory and
    written with the next one, or when the history is closed.
    """

    CLOSE_PATIENCE = 10.0          # seconds to go on trying at close before giving up

    def __init__(self, path: Path | None = None, timeout: float = 2.0,
                 on_notice: Callable[[str], None] | None = None) -> None:
        self.path = path or history_path()
        self.timeout = timeout
        self.on_notice = on_notice
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self._broken = False
        self._unsaved: list[tuple[str, tuple]] = []     # (insert, values) waiting for a lock
        self._told: set[str] = set()
        self._mark = _SessionMark(self.path)
        with self._lock:
            self._open()

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

    def _open(self) -> bool:
        """True when there is a database to write to; otherwise the user has been told why."""
        if self._conn is not None:
            return True
        if self._broken:
            return False
        try:
            self._conn = self._connect()
            return True
        except sqlite3.Error as exc:
            if _in_use(exc):
                self._waiting()
                return False
            return self._recover()
        except OSError as exc:                        # e.g. the folder cannot be made
            self._give_up(exc)
            return False

    def _waiting(self) -> None:
        self._notice("The question history is in use by another program for now; your "
                     "questions are kept and saved as soon as it is free.")

    def _give_up(self, exc: Exception) -> None:
        self._broken = True
        self._notice(f"The question history at {self.path} cannot be used ({exc}); "
                     "questions are not being kept this session.")

    def _recover(self) -> bool:
        """Move a damaged database aside and start anew with what can be read."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        if not self._mark.alone():
            self._notice(f"The question history at {self.path} could not be read, and another "
                         "session of the assistant is using it, so it is left as it is; this "
                         "session's questions are kept and saved when that session ends.")
            return False
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
            return False
        self._notice(f"The question history could not be used (it is damaged). It was moved to "
                     f"{moved} and a new one started, with the {len(rows)} question(s) "
                     "that could still be read.")
        return True

    def _transaction(self) -> _Transaction:
        assert self._conn is not None
        return _Transaction(self._conn)

    def _notice(self, message: str) -> None:
        if message not in self._told:               # each trouble is told once a session
            self._told.add(message)
            if self.on_notice:
                self.on_notice(message)

    def _save(self) -> int | None:
        """Write every question and check kept so far; the id of the last, or None
        if they wait."""
        for attempt in range(2):
            if not self._open():
                return None
            try:
                with self._transaction() as conn:
                    last = None
                    for sql, values in self._unsaved:
                        last = conn.execute(sql, values).lastrowid
                self._unsaved.clear()
                return last
            except sqlite3.Error as exc:
                if _in_use(exc):
                    self._waiting()
                    return None
                if attempt:
                    self._broken = True
                    self._notice(f"Questions can no longer be kept in {self.path} ({exc}).")
                    return None
                if not self._recover():
                    return None
        return None

    # ---- what callers use -----------------------------------------------------

    def add(self, reply: Reply, when: datetime | None = None) -> int | None:
        """Record one question and its answer; its id, or None while it waits in memory."""
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
            if self._broken:
                return None
            self._unsaved.append((sql, values))
            return self._save()

    def records(self, since: datetime | None = None) -> list[Record]:
        with self._lock:
            try:
                if self._conn is None:
                    raise sqlite3.OperationalError("not open")
                rows = self._conn.execute(
                    f"SELECT {COLUMNS} FROM questions ORDER BY id").fetchall()
            except sqlite3.Error:                  # in use, or damaged since it was opened
                rows = [] if self._broken else _readable_rows(self.path)
        found: list[Record] = []
        for row in rows:
            with contextlib.suppress(ValueError):
                found.append(Record.from_row(row))
        if len(found) < len(rows):
            self._notice(f"{len(rows) - len(found)} question(s) in the history could not be "
                         "read and are left out.")
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
        """Save what waits, trying for a while; say so if some of it still cannot be."""
        with self._lock:
            deadline = time.monotonic() + self.CLOSE_PATIENCE
            while self._unsaved and not self._broken:
                if self._save() is not None or time.monotonic() > deadline:
                    break
                time.sleep(0.2)
            if self._unsaved and not self._broken:
                self._notice(f"{len(self._unsaved)} question(s) from this session could not "
                             f"be saved: the history at {self.path} stayed in use.")
            if self._conn is not None:
                self._conn.close()
                self._conn = None
            self._mark.close()


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
