"""The house stays sound: layered imports, no cycle, modules a person reads in a sitting.

Every import of every module of ``src/dossier`` is read from its syntax tree (imports inside functions
and under ``TYPE_CHECKING`` count as much as the others), resolved to a module of the package, and:
- no module imports a module of a higher layer (``LAYERS``: the ground floor, the model, the rules,
  the pieces, the tools over them, the public API, the two faces);
- the import graph has no cycle;
- no module is longer than ``MAX_LINES`` lines.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src"
PACKAGE = SRC / "dossier"
MAX_LINES = 450

# Lowest first. A module belongs to the first entry that is its name or one of its parents.
LAYERS: list[tuple[str, ...]] = [
    ("dossier.errors", "dossier.francais", "dossier.identifiers", "dossier.lecture", "dossier.interruption",
     "dossier.fichiers", "dossier.affichage", "dossier.verrous", "dossier.departements", "dossier.liens",
     "dossier.marques"),
    ("dossier.model", "dossier.campaigns", "dossier.profiles", "dossier.schema", "dossier.dates_projet"),
    ("dossier.rules",),
    ("dossier.render",),
    ("dossier.fiche", "dossier.usages", "dossier.finess", "dossier.finess_extrait", "dossier.finess_index", "dossier.import_essms", "dossier.checklist",
     "dossier.signatures", "dossier.bundle", "dossier.squelette", "dossier.sorties", "dossier.portefeuille"),
    ("dossier.api",),
    ("dossier.cli", "dossier.portail", "dossier.__main__"),
]
# Modules whose layer is the package itself: ``dossier`` re-exports the API.
TOP = {"dossier": len(LAYERS) - 2}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        found[module_name(path)] = path
    return found


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            candidates = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            # ``from a import b``: the module a.b when b is one, else the module a
            candidates = [f"{module}.{alias.name}" if f"{module}.{alias.name}" in known else module
                          for alias in node.names]
        else:
            continue
        for candidate in candidates:
            # the longest known module that the import names (a name imported from a module is not one)
            while candidate and candidate not in known:
                candidate = candidate.rpartition(".")[0]
            if candidate and candidate != name:
                targets.add(candidate)
    # importing a.b.c runs a and a.b first: those package __init__ count only when named explicitly
    return targets


def layer_of(name: str) -> int | None:
    if name in TOP:
        return TOP[name]
    for index, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            if name == prefix or name.startswith(prefix + "."):
                return index
    return None


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    found = modules()
    known = set(found)
    return {name: imports_of(name, path, known) for name, path in found.items()}


def test_every_module_has_a_layer(graph):
    assert [name for name in graph if layer_of(name) is None] == []


def test_no_import_from_a_lower_layer_to_a_higher_one(graph):
    upward = []
    for name, targets in graph.items():
        for target in targets:
            if layer_of(target) > layer_of(name):
                upward.append(f"{name} -> {target}")
    assert upward == []


def test_no_import_cycle(graph):
    # Tarjan's strongly connected components; a component of more than one module is a cycle.
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    counter = [0]

    def visit(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in graph:
        if node not in index:
            visit(node)
    assert cycles == []


def test_modules_are_read_in_a_sitting():
    too_long = {
        str(path.relative_to(SRC)): n
        for path in PACKAGE.rglob("*.py")
        if "migrations" not in path.parts and (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert too_long == {}
