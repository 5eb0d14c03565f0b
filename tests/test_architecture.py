"""The shape of the code, checked: no import cycle between modules of `app/` or between its
domains, leaves that stay leaves, and modules and functions small enough to read.

Module-level imports only (what runs when a module is imported); imports under
`if TYPE_CHECKING:` are for the type checker and excluded. Function-local imports are not
edges here, but the leaves below may not have any."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "app"

# Modules that import nothing else of the app (the text core is a package of them).
LEAVES = ("app.errors", "app.text", "app.clock")
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60  # longer ones say why in a "# long: ..." comment
# Known exceptions, each with the reason it stands (remove the entry when it is split).
LARGE_MODULES: dict[str, str] = {}
LONG_FUNCTIONS: dict[str, str] = {}  # name -> why it stays long


def _module_name(path: Path) -> str:
    parts = path.relative_to(APP.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


# Migrations are frozen history, kept outside the package (top-level migrations/; a build
# copies them in as app/migrations): not modules of the app's design.
MODULES = {
    _module_name(p): p
    for p in APP.rglob("*.py")
    if not _module_name(p).startswith("app.migrations")
}


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _module_level(body: list[ast.stmt]) -> Iterator[ast.Import | ast.ImportFrom]:
    for node in body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        elif isinstance(node, ast.If):
            if not _is_type_checking(node.test):
                yield from _module_level(node.body)
            yield from _module_level(node.orelse)
        elif isinstance(node, ast.Try):
            for block in (node.body, node.orelse, node.finalbody):
                yield from _module_level(block)
            for handler in node.handlers:
                yield from _module_level(handler.body)


def _targets(node: ast.Import | ast.ImportFrom, importer: str) -> Iterator[str]:
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        base = node.module or ""
        if node.level:  # relative: resolve against the importing package
            package = importer.split(".")
            if MODULES[importer].name != "__init__.py":
                package = package[:-1]
            package = package[: len(package) - (node.level - 1)]
            base = ".".join([*package, base] if base else package)
        names = [f"{base}.{alias.name}" for alias in node.names]
        names = [n if n in MODULES else base for n in names]
    for name in names:
        while name and name not in MODULES:
            name = name.rpartition(".")[0]
        if name.startswith("app.") and name != importer:
            yield name


def _all_imports(path: Path) -> Iterator[ast.Import | ast.ImportFrom]:
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node


def module_graph() -> dict[str, set[str]]:
    return {
        name: set().union(
            *(_targets(n, name) for n in _module_level(ast.parse(path.read_text()).body))
        )
        for name, path in MODULES.items()
    }


# Packages that are part of another domain though they sit beside it. `app/outputs/` (the
# Word, PDF and Akoma Ntoso exports of a report, merged last) is read by the report's export
# route and reads the report's nodes: it belongs under app/reports/ (to move when its
# owner's work has landed); until then the check treats it as part of `reports`.
SUBDOMAINS = {"outputs": "reports"}


def domain_of(module: str) -> str:
    """`app.reports.service` -> `reports`; a flat module is its own domain (`app.auth`).

    The tables (`app.<domain>.models`) count as one
    layer below every domain, as polar keeps them in one `models` package: a domain may use
    another's tables (a meeting's floor names an amendment, closing an amendment clears the
    floor), but domain code must not import back and forth."""
    parts = module.split(".")
    if len(parts) > 1 and parts[1] in SUBDOMAINS:
        return SUBDOMAINS[parts[1]]
    if module == "app.models":  # gathers every table for Alembic; nothing in app imports it
        return "app.models"
    if parts[-1] == "models":
        return "models"
    return parts[1] if len(parts) > 1 else "app"


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one node (Tarjan), sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
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

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def test_no_import_cycle_between_modules() -> None:
    assert cycles(module_graph()) == []


def _is_pure(module: str) -> bool:
    """Imports nothing of the app, even inside functions (as `app.allow_list`)."""
    return not any(next(_targets(node, module), None) for node in _all_imports(MODULES[module]))


def test_no_import_cycle_between_domains() -> None:
    """Using a pure module of another domain (one that imports nothing of the app) does not
    tie a domain to that domain's code: no cycle can pass through it."""
    domains: dict[str, set[str]] = {}
    for module, targets in module_graph().items():
        domains.setdefault(domain_of(module), set()).update(
            domain_of(t) for t in targets if domain_of(t) != domain_of(module) and not _is_pure(t)
        )
    assert cycles(domains) == []


def test_the_cycle_finder_finds_cycles() -> None:
    """The checks above cannot pass by finding nothing."""
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert domain_of("app.reports.service") == "reports"
    assert "app.reports.service" in module_graph()["app.reports.router"]


def test_leaves_import_nothing_of_the_app_not_even_inside_functions() -> None:
    for name, path in MODULES.items():
        if not any(name == leaf or name.startswith(leaf + ".") for leaf in LEAVES):
            continue
        leaf = next(lf for lf in LEAVES if name == lf or name.startswith(lf + "."))
        outside = {
            target
            for node in _all_imports(path)
            for target in _targets(node, name)
            if not (target == leaf or target.startswith(leaf + "."))
        }
        assert outside == set(), f"{name} imports {sorted(outside)}"


def test_modules_and_functions_stay_small() -> None:
    too_long: list[str] = []
    for name, path in sorted(MODULES.items()):
        source = path.read_text()
        lines = source.splitlines()
        if len(lines) > MAX_MODULE_LINES and name not in LARGE_MODULES:
            too_long.append(f"{name}: {len(lines)} lines")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                # From its first decorator: a route's decorator is part of what a reader reads.
                start = min([d.lineno for d in node.decorator_list] + [node.lineno])
                length = (node.end_lineno or node.lineno) - start + 1
                body = "\n".join(lines[node.lineno - 1 : node.body[0].lineno + 3])
                qualified = f"{name}.{node.name}"
                explained = "# long:" in body or qualified in LONG_FUNCTIONS
                if length > MAX_FUNCTION_LINES and not explained:
                    too_long.append(f"{qualified}: {length} lines")
    assert too_long == []


# Reading the wall clock anywhere else would escape the tests' `clock` fixture (tests/README.md).
WALL_CLOCK_READS = {
    ("datetime", "now"),
    ("datetime", "utcnow"),
    ("time", "time"),
    ("date", "today"),
}


def test_only_the_clock_module_reads_the_time_of_day() -> None:
    readers = [
        f"{name}:{node.lineno}"
        for name, path in sorted(MODULES.items())
        if name != "app.clock"
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name)
        and (node.func.value.id, node.func.attr) in WALL_CLOCK_READS
    ]
    assert readers == []


def test_the_app_holds_no_assert_statement() -> None:
    """`python -O` drops asserts: a check the app relies on raises an error of app/errors.py
    (`present`, `Principal.acting`) or the code is shaped so it need not check."""
    asserts = [
        f"{name}:{node.lineno}"
        for name, path in sorted(MODULES.items())
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Assert)
    ]
    assert asserts == []


# A domain is reached from outside only through its surface: `service` (what it does: in a
# service.py that only re-exports, or a service/ package), `models` (its tables), `schemas`
# (its request and answer shapes) and `views` (its read models). `app.text` is a library of
# pure functions any domain uses. The composition roots wire the domains' routers, workers,
# clients and CLIs together, and the year's demo drives a whole app in process.
SURFACE = frozenset({"service", "models", "schemas", "views"})
LIBRARIES = frozenset({"text"})
COMPOSITION_ROOTS = (
    "app.main",
    "app.wiring",
    "app.cli",
    "app.client",
    "app.cli_server",
    "app.openapi",
)
COMPOSED = ("app.demo_year",)


def _domains() -> frozenset[str]:
    return frozenset(
        p.name
        for p in APP.iterdir()
        if (p / "__init__.py").exists() and p.name not in {"migrations", "static", "data"}
    )


def reaches_past_the_surface(graph: dict[str, set[str]]) -> list[str]:
    domains = _domains()
    found = []
    for module, targets in graph.items():
        if module in COMPOSITION_ROOTS or module.startswith(COMPOSED):
            continue
        home = module.split(".")[1] if module.count(".") else None
        for target in sorted(targets):
            parts = target.split(".")
            if len(parts) < 3 or parts[1] not in domains or parts[1] in LIBRARIES:
                continue
            if SUBDOMAINS.get(parts[1], parts[1]) == SUBDOMAINS.get(home or "", home):
                continue
            if parts[2] in SURFACE:
                continue
            found.append(f"{module} -> {target}")
    return found


def test_other_domains_are_reached_through_their_surface() -> None:
    graph = {
        name: {target for node in _all_imports(path) for target in _targets(node, name)}
        for name, path in MODULES.items()
    }
    assert reaches_past_the_surface(graph) == []


def test_the_surface_check_finds_a_reach_past_it() -> None:
    graph = {
        "app.consultations.router": {"app.amendments.deadlines", "app.amendments.service"},
        "app.reports.views": {"app.text.outline", "app.reports.access"},
        "app.main": {"app.amendments.router"},
    }
    assert reaches_past_the_surface(graph) == [
        "app.consultations.router -> app.amendments.deadlines"
    ]


def test_a_domains_service_module_only_re_exports() -> None:
    for path in APP.glob("*/service.py"):
        defined = [
            node.name
            for node in ast.parse(path.read_text()).body
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
        ]
        assert defined == [], f"{path.relative_to(APP.parent)} defines {defined}"
