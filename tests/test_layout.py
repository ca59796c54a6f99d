"""The layout keeps the data's way one direction: transport (fetching) -> pages (reading) -> checkers.

Every import in mediawatch/**.py is read with ast (lazy imports inside functions too): transport/ (and a
net.py, should one come back) imports neither pages/ nor checkers/; pages/ imports transport/ and itself,
never checkers/; and no module of transport/, pages/ or checkers/ is part of an import cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import mediawatch

ROOT = Path(mediawatch.__file__).parent
LAYERS = ("mediawatch.transport", "mediawatch.pages", "mediawatch.checkers")


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def import_graph(root: Path = ROOT) -> dict[str, set[str]]:
    """Module -> the mediawatch modules it imports (``from a import b`` counts as ``a.b`` when that
    is a module, else ``a``; a package's ``__init__`` is counted for its submodules' imports too)."""
    modules = {module_name(p, root): p for p in root.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                targets.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")
                    anchor = anchor[: len(anchor) - node.level + 1]
                    base = ".".join(anchor + ([node.module] if node.module else []))
                for alias in node.names:
                    full = f"{base}.{alias.name}"
                    targets.add(full if full in modules else base)
        graph[name] = {t for t in targets if t in modules and t != name}
    return graph


def in_layer(module: str, layer: str) -> bool:
    if layer == "mediawatch.transport" and module == "mediawatch.net":  # the old name of transport/fetcher.py
        return True
    return module == layer or module.startswith(layer + ".")


def violations(graph: dict[str, set[str]]) -> list[str]:
    found = []
    for source, targets in sorted(graph.items()):
        for target in sorted(targets):
            if in_layer(source, "mediawatch.transport") and (
                    in_layer(target, "mediawatch.pages") or in_layer(target, "mediawatch.checkers")):
                found.append(f"{source} imports {target}")
            if in_layer(source, "mediawatch.pages") and in_layer(target, "mediawatch.checkers"):
                found.append(f"{source} imports {target}")
    return found


def cycles(graph: dict[str, set[str]], layers=LAYERS) -> list[list[str]]:
    """The import cycles (strongly connected components of more than one module, or a module importing
    itself) among the modules of ``layers``; Tarjan's algorithm, iteratively."""
    nodes = [m for m in graph if any(in_layer(m, layer) for layer in layers) or m == "mediawatch.net"]
    edges = {m: [t for t in graph[m] if t in set(nodes)] for m in nodes}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []
    counter = 0
    for start in sorted(nodes):
        if start in index:
            continue
        work = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges[child]))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
    return found


def test_transport_and_pages_never_import_upwards():
    graph = import_graph()
    assert "mediawatch.transport.fetcher" in graph and "mediawatch.pages.page" in graph
    assert violations(graph) == []


def test_no_import_cycle_among_transport_pages_and_checkers():
    assert cycles(import_graph()) == []


def test_the_walker_sees_what_it_must_refuse(tmp_path):
    """The checks above can fail: a lazy import upwards and a cycle, written as the old layout had them."""
    package = tmp_path / "mediawatch"
    for folder in ("transport", "pages", "checkers"):
        (package / folder).mkdir(parents=True)
        (package / folder / "__init__.py").write_text("")
    (package / "__init__.py").write_text("")
    (package / "transport" / "fetcher.py").write_text(
        "def tree(self):\n    from mediawatch.checkers.links import parse_html\n    return parse_html\n")
    (package / "checkers" / "links.py").write_text("from mediawatch.transport.fetcher import tree\n")
    (package / "pages" / "dates.py").write_text("from . import entries\n")
    (package / "pages" / "entries.py").write_text("from mediawatch.pages import dates\n")
    (package / "net.py").write_text("from mediawatch.pages.dates import dates_in\n")
    graph = import_graph(package)
    assert violations(graph) == ["mediawatch.net imports mediawatch.pages.dates",
                                 "mediawatch.transport.fetcher imports mediawatch.checkers.links"]
    assert sorted(cycles(graph)) == [["mediawatch.checkers.links", "mediawatch.transport.fetcher"],
                                     ["mediawatch.pages.dates", "mediawatch.pages.entries"]]
