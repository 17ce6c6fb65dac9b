"""Installed as a user installs a Python tool: a wheel in a fresh virtual environment.

The wheel is built from a copy of the project (so the checkout gets no build/
folder), installed without its dependencies into a new venv that borrows them
from this one, and run from another folder, where the checkout's knowledge/
cannot be reached: the knowledge base must travel inside the package.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from assistant.answering.knowledge import knowledge_root

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.faults


def _run(*cmd: str | Path, cwd: Path, env: dict[str, str] | None = None,
         ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bin folder of a fresh venv holding only the built wheel."""
    work = tmp_path_factory.mktemp("install")
    source = work / "source"
    source.mkdir()
    skip = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", "build")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    for name in ("assistant", "knowledge"):
        shutil.copytree(ROOT / name, source / name, ignore=skip)
    built = _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", work / "dist",
                 "./source", cwd=work)
    assert built.returncode == 0, built.stderr
    (wheel,) = (work / "dist").glob("*.whl")
    venv = work / "venv"
    made = _run(sys.executable, "-m", "venv", venv, cwd=work)
    assert made.returncode == 0, made.stderr
    done = _run(venv / "bin" / "python", "-m", "pip", "install", "--no-deps", "-q", wheel,
                cwd=work)
    assert done.returncode == 0, done.stderr
    # The dependencies come from this venv, added as a plain path: its .pth files
    # (among them the editable install of the checkout) are not run.
    purelib = _run(venv / "bin" / "python", "-c",
                   "import sysconfig; print(sysconfig.get_path('purelib'))", cwd=work)
    Path(purelib.stdout.strip(), "_deps.pth").write_text(
        "\n".join(sorted({sysconfig.get_path("purelib"), sysconfig.get_path("platlib")})) + "\n")
    return venv / "bin"


def _elsewhere(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "LAMINECTOMY_KNOWLEDGE")}
    folder = tmp_path / "somewhere-else"
    folder.mkdir()
    return folder, env


def test_the_built_wheel_answers_from_any_folder(installed: Path, tmp_path: Path) -> None:
    folder, env = _elsewhere(tmp_path)
    where = _run(installed / "python", "-c", "import assistant; print(assistant.__file__)",
                 cwd=folder, env=env)
    package = Path(where.stdout.strip()).parent
    assert package.is_relative_to(installed.parent), where.stdout + where.stderr
    before = sorted(p for p in package.rglob("*") if "__pycache__" not in p.parts)
    asked = _run(installed / "laminectomy-assistant", "ask", "when can i drive again",
                 cwd=folder, env=env)
    assert asked.returncode == 0, asked.stderr
    assert "drive" in asked.stdout.lower() and "Traceback" not in asked.stderr
    urgent = _run(installed / "laminectomy-assistant", "ask", "my incision is oozing pus",
                  cwd=folder, env=env)
    assert urgent.returncode == 0 and "surgical team" in urgent.stdout.lower(), urgent.stdout
    checked = _run(installed / "laminectomy-assistant", "kb", "check", cwd=folder, env=env)
    assert checked.returncode == 0 and "Knowledge base OK" in checked.stdout, checked.stderr
    shipped = {p.relative_to(package / "knowledge") for p in (package / "knowledge").rglob("*")
               if p.is_file() and "__pycache__" not in p.parts}
    assert shipped == {p.relative_to(ROOT / "knowledge") for p in (ROOT / "knowledge").rglob("*")
                       if p.is_file() and "__pycache__" not in p.parts}
    # Nothing is written into the installed package: caches and records go to user folders.
    assert sorted(p for p in package.rglob("*") if "__pycache__" not in p.parts) == before


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng does the speaking")
def test_the_built_wheel_speaks_and_listens(installed: Path, tmp_path: Path) -> None:
    """The speech engine runs in a child process, and the voice model is built from
    the shipped knowledge base: both must find the installed package on their own."""
    folder, env = _elsewhere(tmp_path)
    spoken = _run(installed / "laminectomy-assistant", "speak", "--to", "q.wav",
                  "When can I drive again?", cwd=folder, env=env)
    assert spoken.returncode == 0 and (folder / "q.wav").stat().st_size > 10_000, spoken.stderr
    heard = _run(installed / "laminectomy-assistant", "ask", "--wav", "q.wav", cwd=folder,
                 env=env)
    assert heard.returncode == 0 and "drive" in heard.stdout.lower(), heard.stderr


def test_every_module_is_in_the_wheel(installed: Path, tmp_path: Path) -> None:
    folder, env = _elsewhere(tmp_path)
    code = ("import importlib, pkgutil, assistant\n"
            "names = [m.name for m in pkgutil.walk_packages(assistant.__path__, 'assistant.')\n"
            "         if not m.name.endswith('__main__')]\n"
            "for name in names:\n"
            "    importlib.import_module(name)\n"
            "print(len(names))")
    done = _run(installed / "python", "-c", code, cwd=folder, env=env)
    assert done.returncode == 0, done.stderr
    ours = [p for p in (ROOT / "assistant").rglob("*.py") if "__pycache__" not in p.parts]
    assert int(done.stdout) >= len(ours) - 2     # all but assistant/__init__ and __main__


def test_a_checkout_uses_its_own_knowledge_folder() -> None:
    """knowledge/ at the top of the repository stays the one that is edited."""
    if "LAMINECTOMY_KNOWLEDGE" not in os.environ:
        assert knowledge_root() == ROOT / "knowledge"
