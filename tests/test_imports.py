"""The package's import graph: no module imports, at import time, one that imports it back (issue 19).

A cycle makes the order of imports matter (a half-initialised module hands out missing names); the
command line once registered its commands that way. Only imports that run when a module is imported
count (module level, not inside a function, not under ``if TYPE_CHECKING``).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"
PACKAGE = "storylens"


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted((SRC / PACKAGE).rglob("*.py")):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def _top_level(tree: ast.Module) -> list[ast.Import | ast.ImportFrom]:
    """Import statements run at import time: the module's body, into if/try blocks but not functions,
    classes or ``if TYPE_CHECKING:``."""
    found, todo = [], list(tree.body)
    while todo:
        node = todo.pop(0)
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            found.append(node)
        elif isinstance(node, ast.If):
            if not (isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"):
                todo.extend(node.body + node.orelse)
        elif isinstance(node, ast.Try):
            todo.extend(node.body + node.orelse + node.finalbody + [s for h in node.handlers for s in h.body])
    return found


def _targets(name: str, is_package: bool, node: ast.Import | ast.ImportFrom, modules: set[str]) -> set[str]:
    if isinstance(node, ast.Import):
        return {a.name for a in node.names if a.name in modules}
    base = node.module or ""
    if node.level:
        here = name.split(".") if is_package else name.split(".")[:-1]
        up = here[:len(here) - (node.level - 1)]
        base = ".".join(up + ([base] if base else []))
    if not base.startswith(PACKAGE):
        return set()
    subs = {f"{base}.{a.name}" for a in node.names if f"{base}.{a.name}" in modules}  # `from . import api`
    out = subs | ({base} if base in modules and len(subs) < len(node.names) else set())
    # a module's own packages are being imported already when it runs: not an edge
    ancestors = {".".join(name.split(".")[:k]) for k in range(1, name.count(".") + 1)}
    return out - ancestors


def import_graph() -> dict[str, set[str]]:
    """Module -> the package's modules it imports at import time."""
    modules = _modules()
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        is_package = path.name == "__init__.py"
        edges: set[str] = set()
        for node in _top_level(tree):
            edges |= _targets(name, is_package, node, set(modules))
        graph[name] = edges - {name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            part = []
            while True:
                w = stack.pop()
                on.discard(w)
                part.append(w)
                if w == v:
                    break
            if len(part) > 1:
                out.append(sorted(part))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_the_package_has_no_import_cycle() -> None:
    graph = import_graph()
    assert "storylens.cli.analysis" in graph and graph["storylens.cli"] >= {"storylens.cli.analysis"}
    assert cycles(graph) == []


def test_the_walk_finds_a_cycle_when_there_is_one() -> None:
    graph = import_graph()
    graph["storylens.errors"] = graph["storylens.errors"] | {"storylens.cli"}  # errors -> cli -> ... -> errors
    assert any({"storylens.errors", "storylens.cli"} <= set(c) for c in cycles(graph))


HEAVY = ("numpy", "scipy", "spacy", "onnxruntime", "rich", "storylens.analyze", "storylens.cluster", "storylens.store",
         "pandas", "pyarrow", "pyspark")  # the last three: storylens batch (issue 17)


def test_help_loads_none_of_the_heavy_modules() -> None:
    """``storylens --help`` imports click and the command modules only (benchmarks/bench_cli_start.py times it)."""
    code = ("import sys\nfrom storylens.cli import main\nmain(['--help'], standalone_mode=False)\n"
            f"print('loaded:', sorted(m for m in {HEAVY!r} if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.splitlines()[-1] == "loaded: []"


def test_the_api_names_resolve_to_the_functions_after_their_modules_load() -> None:
    """``storylens.analyze``, ``cluster`` and ``ingest`` are API functions though modules share the names."""
    code = ("import storylens, storylens.analyze.pipeline, storylens.cluster, storylens.ingest.text\n"
            "from storylens.api import analyze\nfrom storylens.corpus import cluster, ingest\n"
            "assert (storylens.analyze, storylens.cluster, storylens.ingest) == (analyze, cluster, ingest)\n"
            "from storylens import Brief, __version__\nprint(Brief.__name__, __version__)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split()[0] == "Brief" and out.split()[1][0].isdigit()


def test_python_dash_m_runs_the_cli() -> None:
    result = subprocess.run([sys.executable, "-m", "storylens.cli", "--help"], check=False, capture_output=True,
                            text=True)
    assert result.returncode == 0 and result.stdout.startswith("Usage: storylens [OPTIONS] COMMAND")
