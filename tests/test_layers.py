"""Layering rules read from the code itself (Python's ast), so a new module cannot quietly break them.

* Only orchestration/warehouse/ opens a warehouse connection: every other module asks it, so
  read-only opening, the wait on a locked DuckDB file and the PostgreSQL login rules live in one place.
* No module reads the environment while it is imported: settings are read when a function runs,
  so a test, a city profile or `make demo` can set them after import and loading the Dagster
  definitions never freezes an environment that was not meant yet.
"""

from __future__ import annotations

import ast
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
PACKAGE = PROJECT_ROOT / "orchestration"
WAREHOUSE_LAYER = PACKAGE / "warehouse"

# (module, function) pairs that open a database connection or an engine.
CONNECTORS = {
    ("duckdb", "connect"),
    ("psycopg", "connect"),
    ("psycopg2", "connect"),
    ("sqlalchemy", "create_engine"),
    ("sqlite3", "connect"),
}
# Source databases (the CAD replica, case management, a vendor's export) are not the warehouse.
# They are opened in one place too; the simulator (simulator/, outside this package) writes the
# source systems it simulates with its own engines.
SOURCE_DATABASE_OPENERS = {
    "orchestration/ingest/source.py",  # every source engine (SQLAlchemy URL or SQLite file)
}


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _rel(path: Path) -> str:
    return path.relative_to(PROJECT_ROOT).as_posix() if PROJECT_ROOT in path.parents else path.name


def _aliases(tree: ast.Module) -> dict[str, tuple[str, str | None]]:
    """Local name -> (module, attribute or None) for every import of the connector modules."""
    roots = {m for m, _ in CONNECTORS}
    names: dict[str, tuple[str, str | None]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                root = alias.name.split(".")[0]
                if root in roots:
                    names[alias.asname or root] = (root, None)
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] in roots:
            for alias in node.names:
                names[alias.asname or alias.name] = (node.module.split(".")[0], alias.name)
    return names


def connection_calls(path: Path) -> list[str]:
    """`file:line module.function` for every call of a connector in one module."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    aliases = _aliases(tree)
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        called: tuple[str, str] | None = None
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id in aliases:
            module, attr = aliases[func.value.id]
            if attr is None:
                called = (module, func.attr)
        elif isinstance(func, ast.Name) and func.id in aliases:
            module, attr = aliases[func.id]
            if attr is not None:
                called = (module, attr)
        if called in CONNECTORS:
            found.append(f"{_rel(path)}:{node.lineno} {called[0]}.{called[1]}")
    return found


def test_only_the_warehouse_layer_opens_connections():
    outside = [
        call
        for path in _modules()
        if WAREHOUSE_LAYER not in path.parents and _rel(path) not in SOURCE_DATABASE_OPENERS
        for call in connection_calls(path)
    ]
    assert not outside, (
        "open warehouse connections through orchestration.warehouse (source databases through "
        "orchestration/ingest/source.py), not directly:\n" + "\n".join(outside)
    )


def test_the_connection_rule_sees_every_spelling(tmp_path):
    # The rule itself must catch aliases and from-imports, or the test above proves nothing.
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import duckdb\nimport psycopg2 as pg\nfrom sqlalchemy import create_engine as ce\nimport sqlalchemy as sa\n"
        "def f():\n    duckdb.connect()\n    pg.connect()\n    ce('x')\n    sa.create_engine('y')\n    sa.text('z')\n"
    )
    found = [c.split(" ", 1)[1] for c in connection_calls(sample)]
    assert found == ["duckdb.connect", "psycopg2.connect", "sqlalchemy.create_engine", "sqlalchemy.create_engine"]


# --- the environment is read when code runs, not when it is imported ---------------------------


def _env_names(tree: ast.Module) -> tuple[set[str], set[str]]:
    """Local names bound to the os module, and to os.environ / os.getenv themselves."""
    os_names, direct = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            os_names |= {a.asname or a.name for a in node.names if a.name == "os"}
        elif isinstance(node, ast.ImportFrom) and node.module == "os":
            direct |= {a.asname or a.name for a in node.names if a.name in ("environ", "getenv", "environb")}
    return os_names, direct


def _reads_env(node: ast.AST, os_names: set[str], direct: set[str]) -> list[int]:
    """Lines where `node` (evaluated now) touches the environment, skipping code that runs later."""
    lines = []
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, ast.Lambda):
            stack.extend(n.args.defaults + [d for d in n.args.kw_defaults if d])
            continue  # a lambda's body runs when it is called
        if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and n.value.id in os_names:
            if n.attr in ("environ", "getenv", "environb", "getenvb"):
                lines.append(n.lineno)
        elif isinstance(n, ast.Name) and n.id in direct:
            lines.append(n.lineno)
        stack.extend(ast.iter_child_nodes(n))
    return lines


def _import_time_statements(body: list[ast.stmt]):
    """Every expression Python evaluates while executing this module or class body."""
    for stmt in body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield from stmt.decorator_list
            yield from stmt.args.defaults
            yield from (d for d in stmt.args.kw_defaults if d is not None)
            continue  # the body runs when called
        if isinstance(stmt, ast.ClassDef):
            yield from stmt.decorator_list
            yield from stmt.bases
            yield from (k.value for k in stmt.keywords)
            yield from _import_time_statements(stmt.body)
            continue
        if (
            isinstance(stmt, ast.If)
            and isinstance(stmt.test, ast.Compare)
            and isinstance(stmt.test.left, ast.Name)
            and stmt.test.left.id == "__name__"
        ):
            continue  # `if __name__ == "__main__":` runs only as a script
        if isinstance(stmt, (ast.If, ast.For, ast.While, ast.With, ast.Try)):
            # Compound statements at module level run now; their nested defs are handled alike.
            for field in ("test", "iter", "target"):
                if getattr(stmt, field, None) is not None:
                    yield getattr(stmt, field)
            yield from getattr(stmt, "items", [])
            for handler in getattr(stmt, "handlers", []):
                yield from _import_time_statements(handler.body)
            for block in ("body", "orelse", "finalbody"):
                yield from _import_time_statements(getattr(stmt, block, []))
            continue
        yield stmt


def import_time_env_reads(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    os_names, direct = _env_names(tree)
    if not (os_names or direct):
        return []
    return [
        f"{_rel(path)}:{line}"
        for node in _import_time_statements(tree.body)
        for line in sorted(set(_reads_env(node, os_names, direct)))
    ]


def test_no_module_reads_the_environment_at_import():
    reads = [read for path in _modules() for read in import_time_env_reads(path)]
    assert not reads, (
        "read the environment inside a function (when the setting is used), not while importing:\n" + "\n".join(reads)
    )


def test_the_import_time_rule_tells_now_from_later(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import os\nfrom os import environ as env\n"
        "A = os.environ.get('X')\n"  # 3: now
        "def f(x=os.getenv('Y')):\n"  # 4: now (default)
        "    return os.environ['Z']\n"  # later
        "class C:\n    b = env.get('W')\n"  # 7: now (class body)
        "    def m(self):\n        return env['V']\n"  # later
        "@decorate(os.environ.get('U'))\ndef g():\n    pass\n"  # 10: now (decorator)
        "h = lambda: os.environ['T']\n"  # later
        "if __name__ == '__main__':\n    print(os.environ)\n"  # only as a script
    )
    assert [r.rsplit(":", 1)[1] for r in import_time_env_reads(sample)] == ["3", "4", "7", "10"]


# The rule above reads each module alone; this one imports them all and watches the environment,
# so a module-level call into a function that reads a setting is caught too.
_WATCH_IMPORTS = r"""
import os, pkgutil, importlib, sys
root = sys.argv[1]
reads = []
# os itself and Mapping.get; the first frame outside them is the reader
skip = {os.__file__, "<frozen os>", "<frozen _collections_abc>"}
original_getitem, original_iter = type(os.environ).__getitem__, type(os.environ).__iter__

def _caller():
    frame = sys._getframe(2)
    while frame and frame.f_code.co_filename in skip:
        frame = frame.f_back
    return frame

def _record(frame, what):
    if frame and frame.f_code.co_filename.startswith(root):
        reads.append(f"{os.path.relpath(frame.f_code.co_filename, os.path.dirname(root))}:{frame.f_lineno} {what}")

def getitem(self, key):
    _record(_caller(), key)
    return original_getitem(self, key)

def iterate(self):
    _record(_caller(), "*")
    return original_iter(self)

type(os.environ).__getitem__, type(os.environ).__iter__ = getitem, iterate
import orchestration
for info in pkgutil.walk_packages(orchestration.__path__, "orchestration."):
    if not info.name.endswith("__main__"):
        importlib.import_module(info.name)
type(os.environ).__getitem__, type(os.environ).__iter__ = original_getitem, original_iter
print("\n".join(sorted(set(reads))))
"""


def test_importing_every_module_reads_no_setting():
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable, "-c", _WATCH_IMPORTS, str(PACKAGE)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    reads = proc.stdout.split()
    assert not proc.stdout.strip(), "settings read while importing (file:line name):\n" + proc.stdout
    assert reads == []


# --- loading the Dagster definitions stays cheap -----------------------------------------------

# Libraries the assets use when they run, never needed to describe them. Importing any of them
# while the definitions load costs seconds on every `dagster dev`, sensor tick process and run worker.
HEAVY_AT_RUN_TIME = (
    "weasyprint",
    "scipy",
    "pandas",
    "pyarrow",
    "great_expectations",
    "sqlalchemy",
    "duckdb",
    "psycopg2",
    "vl_convert",
    "statsmodels",
)
_LOAD_DEFINITIONS = r"""
import sys
from orchestration.definitions import defs
defs().get_repository_def().load_all_definitions()
heavy = sys.argv[1].split(",")
print(" ".join(sorted(m for m in heavy if m in sys.modules)))
"""


def test_loading_the_definitions_imports_no_library_the_assets_need_only_when_they_run():
    import os
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable, "-c", _LOAD_DEFINITIONS, ",".join(HEAVY_AT_RUN_TIME)],
        cwd=PROJECT_ROOT,
        env={**os.environ, "ARP_MODE": "demo"},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    imported = proc.stdout.split()
    assert imported == [], f"loading the Dagster definitions imported {imported}: import them where they are used"
