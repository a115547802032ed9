"""The import rule of docs/architecture.md, read off the source tree.

* ``derivations`` never imports ``numerics`` (the symbolic side stands alone);
* under ``numerics/``, SymPy is imported only by the compile bridge and where
  expressions are data (the problem library, the symbolic critical-point search);
* no import cycle among derivkit's own modules (imports inside functions count too;
  imports under ``if TYPE_CHECKING:`` are annotations and do not);
* no module over 600 lines, and the package roots hold only the core modules.

Each rule is a function of a source tree, so the tests also show that every rule
fails on a tree that breaks it.
"""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("derivations", "numerics")
SYMPY_IN_NUMERICS = {"numerics/compile.py", "numerics/compare/problems.py", "numerics/compare/cute.py",
                     "numerics/analysis/curvature.py"}  # the bridge; test functions are expressions; critical points
ROOT_MODULES = {
    "derivations": {"__init__", "record", "claims", "render", "printing", "registry", "errors", "deadline", "calculus"},
    "numerics": {"__init__", "compile", "indexed", "result", "testing"},  # indexed: the bridge for indexed sums
}
MAX_LINES = 600


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(path: Path, root: Path, known: set[str]) -> set[str]:
    """Every module (absolute name) that ``path`` imports at run time."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    here = _module_name(path, root)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    skipped = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If) and _is_type_checking(node)
               for n in ast.walk(node)}
    out: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            out.add(module)
            out.update(f"{module}.{a.name}" for a in node.names if f"{module}.{a.name}" in known)
    return out


def _sources(root: Path) -> dict[str, Path]:
    return {_module_name(p, root): p for pkg in PACKAGES for p in sorted((root / pkg).rglob("*.py"))}


def import_graph(root: Path) -> dict[str, set[str]]:
    """derivkit module -> the derivkit modules it imports."""
    sources = _sources(root)
    known = set(sources)
    return {m: {i for i in _imports(p, root, known) if i in known and i != m} for m, p in sources.items()}


def rule_violations(root: Path) -> list[str]:
    """Every breach of the import rule in the tree at ``root``, as readable lines."""
    sources = _sources(root)
    known = set(sources)
    bad = []
    for module, path in sources.items():
        imported = _imports(path, root, known)
        rel = path.relative_to(root).as_posix()
        if module.startswith("derivations"):
            bad += [f"{rel} imports {i}" for i in sorted(imported) if i.split(".")[0] == "numerics"]
        elif rel not in SYMPY_IN_NUMERICS:
            bad += [f"{rel} imports {i}" for i in sorted(imported) if i.split(".")[0] == "sympy"]
    return bad


def cycles(root: Path) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    graph = import_graph(root)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1 or v in graph[v]:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_the_import_rule_holds():
    assert rule_violations(ROOT) == []


def test_no_import_cycles():
    assert cycles(ROOT) == []


def test_no_module_over_600_lines():
    long = {m: n for m, p in _sources(ROOT).items() if (n := len(p.read_text().splitlines())) > MAX_LINES}
    assert long == {}


def test_package_roots_hold_only_core_modules():
    for pkg, allowed in ROOT_MODULES.items():
        present = {p.stem for p in (ROOT / pkg).glob("*.py")}
        assert present <= allowed, f"{pkg}/ holds {sorted(present - allowed)} beside its core modules"


@pytest.fixture
def scratch(tmp_path: Path) -> Path:
    for pkg in PACKAGES:
        shutil.copytree(ROOT / pkg, tmp_path / pkg, ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path


def test_rule_fails_when_derivations_imports_numerics(scratch: Path):
    before = set(rule_violations(scratch))
    target = scratch / "derivations" / "calculus.py"
    target.write_text(target.read_text() + "\n\ndef _leak():\n    from numerics.compile import objective\n")
    assert set(rule_violations(scratch)) - before == {"derivations/calculus.py imports numerics.compile"}


def test_rule_fails_when_a_solver_imports_sympy(scratch: Path):
    before = set(rule_violations(scratch))
    target = scratch / "numerics" / "solve" / "line_search.py"
    target.write_text("import sympy as sp\n" + target.read_text())
    assert set(rule_violations(scratch)) - before == {"numerics/solve/line_search.py imports sympy"}


def test_type_checking_imports_do_not_count(scratch: Path):
    before = rule_violations(scratch)
    target = scratch / "derivations" / "calculus.py"
    target.write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import numerics.compile\n"
                      + target.read_text())
    assert rule_violations(scratch) == before


def test_cycle_detection_finds_an_injected_cycle(scratch: Path):
    target = scratch / "derivations" / "errors.py"
    target.write_text(target.read_text() + "\n\ndef _back():\n    from derivations import registry\n")
    assert any({"derivations.errors", "derivations.registry"} <= set(c) for c in cycles(scratch))
