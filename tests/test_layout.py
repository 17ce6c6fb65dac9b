"""The house rules of the package: which room may import which.

answering, voice and records work without any UI (the CLI, the tests and
plain mode use them), and nothing imports in a circle at run time.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "assistant"
HEADLESS = ("answering", "voice", "records")
# Which of our rooms each headless room may import; config is plain data for all.
ALLOWED = {
    "answering": {"answering", "config"},
    "voice": {"voice", "answering", "config"},
    "records": {"records", "answering", "config"},
}


def modules(room: str) -> list[str]:
    return sorted(f"assistant.{room}.{p.stem}" for p in (PACKAGE / room).glob("*.py")
                  if p.stem != "__init__")


def our_imports(path: Path) -> list[tuple[str, bool]]:
    """(room imported, at module level?) for every import of our own package."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top = {id(n) for n in tree.body}
    found: list[tuple[str, bool]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level:
            parts = path.relative_to(PACKAGE).parts[:-1]
            base = list(parts[: len(parts) - (node.level - 1)])
            target = [*base, *(node.module or "").split(".")] if node.module else base
            room = target[0] if target else node.names[0].name
            found.append((room, id(node) in top))
        elif isinstance(node, ast.ImportFrom | ast.Import):
            names = [node.module] if isinstance(node, ast.ImportFrom) else [
                a.name for a in node.names]
            for name in names:
                if name and name.startswith("assistant."):
                    found.append((name.split(".")[1], id(node) in top))
    return found


@pytest.mark.parametrize("module", [m for room in HEADLESS for m in modules(room)])
def test_headless_rooms_never_import_the_ui(module: str) -> None:
    code = (f"import sys, {module}; "
            "bad = [m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')"
            " or m.startswith('assistant.ui')]; print(bad); sys.exit(1 if bad else 0)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.parametrize("room", HEADLESS)
def test_each_room_imports_only_what_its_docstring_allows(room: str) -> None:
    for path in (PACKAGE / room).glob("*.py"):
        for imported, _ in our_imports(path):
            assert imported in ALLOWED[room], f"{path.name} imports assistant.{imported}"


def test_no_import_circle_at_run_time() -> None:
    """Module-level imports between our modules form no cycle."""
    graph: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        package = parts[:-1]                  # what a relative import starts from
        name = ".".join(package if parts[-1] == "__init__" else parts)
        edges: set[str] = set()
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if not isinstance(node, ast.ImportFrom):
                continue                      # `import x` of our own is not used here
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            if target.startswith("assistant"):
                edges.add(target)
        graph[name] = edges
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in graph.get(node, ()):
            if state.get(nxt) == 1:
                raise AssertionError("import circle: " + " -> ".join([*trail, node, nxt]))
            if nxt in graph and not state.get(nxt):
                visit(nxt, [*trail, node])
        state[node] = 2

    for node in graph:
        if not state.get(node):
            visit(node, [])


def test_the_app_class_holds_start_up_keys_and_routing_only() -> None:
    """Settings, export, listening and loading live in their own modules; the
    App class stays small enough to read at once (STYLE.md: elia's is ~150)."""
    tree = ast.parse((PACKAGE / "ui" / "app.py").read_text(encoding="utf-8"))
    app = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "AssistantApp")
    assert app.end_lineno is not None
    assert app.end_lineno - app.lineno + 1 <= 200
