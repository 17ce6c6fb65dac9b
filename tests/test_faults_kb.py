"""Fault suite, the knowledge base: a value of the wrong type anywhere in a file,
a word list that is not UTF-8, and listen.toml (issue 15, item 11).

Each knowledge file is read, one value in it replaced by a number, a list or a
table, written back as TOML, and checked: `kb check` must list a problem in
that file, never crash and never let it pass.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant.answering.grounding import check_all

pytestmark = pytest.mark.faults

FILES = ["guide.toml", "topics.toml", "entries/01-before-surgery.toml", "triage.toml",
         "synonyms.toml", "pronunciation.toml", "phrasings/typed.toml", "signs/typed.toml",
         "listen.toml"]
WRONG: list[Any] = [5, ["driving"], {"x": 1}]


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return "{" + ", ".join(f"{json.dumps(k)} = {toml_value(v)}" for k, v in value.items()) + "}"


def toml(data: dict[str, Any]) -> str:
    return "".join(f"{json.dumps(k)} = {toml_value(v)}\n" for k, v in data.items())


def places(data: Any, at: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every key of the file, the first item of each list, the first keys of each table."""
    if isinstance(data, dict):
        for key in list(data)[: None if not at else 3]:
            yield (*at, key)
            yield from places(data[key], (*at, key))
    elif isinstance(data, list) and data:
        yield (*at, 0)
        yield from places(data[0], (*at, 0))


def replaced(data: Any, where: tuple[Any, ...], value: Any) -> Any:
    if not where:
        return value
    copy = dict(data) if isinstance(data, dict) else list(data)
    copy[where[0]] = replaced(data[where[0]], where[1:], value)
    return copy




@pytest.mark.parametrize("name", FILES)
def test_a_value_of_the_wrong_type_is_a_problem_never_a_crash(name: str, kb_copy: Path) -> None:
    import tomllib

    path = kb_copy / name
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    path.write_text(toml(data), encoding="utf-8")
    kb, problems = check_all(kb_copy)
    assert kb is not None, problems                      # the rewriting itself is faithful
    missed = []
    for where in places(data):
        for value in WRONG:
            if type(value) is type(_at(data, where)):
                continue                                  # the right type there: not a fault
            path.write_text(toml(replaced(data, where, value)), encoding="utf-8")
            kb, problems = check_all(kb_copy)            # what kb check runs: never raises
            if not any(p.path == path for p in problems):
                missed.append(f"{'.'.join(map(str, where))} = {value!r}")
    assert not missed, f"{name}: wrong types that passed: {missed}"


def _at(data: Any, where: tuple[Any, ...]) -> Any:
    for key in where:
        data = data[key]
    return data


@pytest.mark.parametrize("name", ["stopwords.txt", "english-words.txt"])
def test_a_word_list_that_is_not_text_is_a_problem(name: str, kb_copy: Path) -> None:
    (kb_copy / name).write_bytes(b"walk \xff\xfe rest\n")
    kb, problems = check_all(kb_copy)
    assert kb is None and any(p.path.name == name and "UTF-8" in p.message for p in problems)


@pytest.mark.parametrize(("text", "why"), [
    ("pronounce = 5\n", "'pronounce' must be a table"),
    ('[pronounce]\nlaminectomy = 5\n', "must be text"),
    ('[pronounce]\nlaminectomy = "L AE M AH N EH K T AH M EE"\n', "'EE'"),
])
def test_listen_toml_is_checked(text: str, why: str, kb_copy: Path) -> None:
    (kb_copy / "listen.toml").write_text(text, encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "assistant", "--kb", str(kb_copy), "kb",
                           "check"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "listen.toml" in done.stderr and why in done.stderr, done.stderr


def test_the_cli_reports_wrong_types_without_a_traceback(kb_copy: Path) -> None:
    """The four found from outside, at once: each named with its file."""
    guide = kb_copy / "guide.toml"
    guide.write_text(guide.read_text().replace("sections = [", "sections = 5\nold = [", 1))
    triage = kb_copy / "triage.toml"
    triage.write_text("tiers = 5\n" + triage.read_text().replace("[tiers.", "[old.", 2))
    entries = kb_copy / "entries" / "01-before-surgery.toml"
    entries.write_text(re.sub(r'^topic = ("[^"]*")$', r"topic = [\1]", entries.read_text(),
                              count=1, flags=re.MULTILINE))
    other = kb_copy / "entries" / "02-the-operation.toml"
    other.write_text("entry = 5\n")
    done = subprocess.run([sys.executable, "-m", "assistant", "--kb", str(kb_copy), "kb",
                           "check"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    for name in ("guide.toml", "triage.toml", "01-before-surgery.toml", "02-the-operation.toml"):
        assert name in done.stderr
