from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from assistant.answering.answer import Assistant
from assistant.answering.knowledge import KnowledgeBase, knowledge_root, load_knowledge

DATA = Path(__file__).parent / "data"
# One trained matcher for the whole run, child processes included: the cache is
# keyed by the banks' content, so a stale one is never used.
os.environ.setdefault("LAMINECTOMY_MODEL_CACHE",
                      str(Path(tempfile.gettempdir()) / "laminectomy-test-models"))


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return load_knowledge()


@pytest.fixture(scope="session")
def assistant(kb: KnowledgeBase) -> Assistant:
    return Assistant(kb)


@pytest.fixture
def kb_copy(tmp_path: Path) -> Path:
    """A copy of the knowledge folder for a test to break."""
    root = tmp_path / "knowledge"
    shutil.copytree(knowledge_root(), root)
    return root


def line_of(path: Path, needle: str) -> int:
    """The first line of `path` holding `needle`, counted from 1."""
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return n
    raise AssertionError(f"{needle!r} not in {path}")


def labelled_questions() -> list[dict]:
    lines = (DATA / "questions.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


@pytest.fixture(autouse=True)
def isolated_user_folders(tmp_path_factory: pytest.TempPathFactory,
                          monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads or writes the real user's settings, history or cache."""
    home = tmp_path_factory.mktemp("home")
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        monkeypatch.setenv(name, str(home / name.lower()))
