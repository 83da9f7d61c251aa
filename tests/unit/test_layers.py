"""The package's imports point only down the layer order of DESIGN.md section 2, every
module has a layer, and no two modules import each other, directly or around a loop.
Read from the source (AST), lazy imports inside functions included: a lazy import that
goes up a layer is still a dependency that goes up."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "sparkle_motion"
LAYERS: dict[str, int] = {
    "errors": 1,
    "units": 1,
    "aio": 1,
    "config": 2,
    "schemas": 2,
    "resources": 2,  # where the packaged configs, SQL and graph YAML are
    "storage": 3,
    "media": 3,
    "plans": 3,
    "offline_planner": 3,
    "stages": 3,
    "subprocesses": 3,
    "tokens": 3,  # the API token and signed URLs (servers check them, clients send them)
    "adapters": 4,
    "runs": 4,
    "dedupe": 4,
    "adk_factory": 5,
    "adk_helpers": 5,
    "script_agent": 5,
    "catalog": 5,  # the tools: their tool.yaml, where each backend runs, the HTTP transport
    "graph": 6,
    "production_agent": 7,
    "http": 8,
    "tools": 9,
    "server": 9,
    "dashboard": 9,
    "cli": 9,
    "serving": 9,  # the processes of `sparkle-motion serve`
}


def module_name(path: Path, src: Path = SRC) -> str:
    parts = ["sparkle_motion", *path.relative_to(src).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path, modules: set[str], src: Path = SRC) -> set[str]:
    """Every sparkle_motion module `path` imports (from X import name: X.name when that is
    a module, else X)."""
    name = module_name(path, src)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("sparkle_motion"))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if not target.startswith("sparkle_motion"):
                continue
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                found.add(sub if sub in modules else target)
    return {m for m in found if m in modules and m != name}


def layer_of(module: str) -> int | None:
    parts = module.split(".")
    if len(parts) == 1:
        return 0  # the package itself: its version, nothing else
    return LAYERS.get(parts[1])


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    files = sorted(SRC.rglob("*.py"))
    modules = {module_name(p) for p in files}
    return {module_name(p): imports_of(p, modules) for p in files}


def test_every_module_has_a_layer(graph):
    assert [m for m in graph if layer_of(m) is None] == []


def test_imports_point_down_the_layers(graph):
    upward = [
        f"{m} (layer {layer_of(m)}) imports {d} (layer {layer_of(d)})"
        for m, deps in graph.items()
        for d in sorted(deps)
        if (layer_of(d) or 0) > (layer_of(m) or 0)
    ]
    assert upward == []


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle, if any (depth-first search with colours). A submodule importing
    its own package's `__init__` for re-exported names is not an edge: the package
    imports its submodules, not the other way round."""
    edges = {m: {d for d in deps if not m.startswith(d + ".")} for m, deps in graph.items()}
    colour: dict[str, int] = {}
    stack: list[str] = []

    def visit(m: str) -> list[str] | None:
        colour[m] = 1
        stack.append(m)
        for d in sorted(edges[m]):
            if colour.get(d) == 1:
                return [*stack[stack.index(d) :], d]
            if d not in colour:
                found = visit(d)
                if found:
                    return found
        stack.pop()
        colour[m] = 2
        return None

    for m in sorted(edges):
        if m not in colour:
            found = visit(m)
            if found:
                return found
    return None


def test_no_import_cycles(graph):
    cycle = _cycle(graph)
    assert cycle is None, " -> ".join(cycle or [])


def test_the_cycle_check_finds_a_loop():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def test_the_import_reader_resolves_relative_and_lazy_imports(tmp_path):
    pkg = tmp_path / "sparkle_motion"
    (pkg / "runs").mkdir(parents=True)
    (pkg / "runs" / "engine.py").write_text(
        "from ..adapters.base import Adapter\nfrom . import records\n"
        "def f():\n    from ..graph import nodes\n"
    )
    modules = {
        "sparkle_motion.runs.engine",
        "sparkle_motion.runs.records",
        "sparkle_motion.adapters.base",
        "sparkle_motion.graph.nodes",
    }
    assert imports_of(pkg / "runs" / "engine.py", modules, pkg) == {
        "sparkle_motion.adapters.base",
        "sparkle_motion.runs.records",
        "sparkle_motion.graph.nodes",
    }
