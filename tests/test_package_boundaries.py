"""The pipeline (everything under orchestration/ that Dagster loads) imports nothing from the
simulator: a real city's deployment runs without the synthetic city. Only the developer entry points
(`make demo`'s cli.py, which generates the demo city, and dev/ tools) may call it. The other way
is allowed: the simulator writes what the source contracts (orchestration/contract.py) describe."""

from __future__ import annotations

import ast
from pathlib import Path

ORCHESTRATION = Path(__file__).resolve().parents[1] / "orchestration"
DEVELOPER_ENTRY_POINTS = {Path("cli.py"), Path("dev")}


def _imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_the_pipeline_imports_nothing_from_the_simulator():
    offenders = []
    for path in sorted(ORCHESTRATION.rglob("*.py")):
        relative = path.relative_to(ORCHESTRATION)
        if relative in DEVELOPER_ENTRY_POINTS or relative.parts[0] in {str(p) for p in DEVELOPER_ENTRY_POINTS}:
            continue
        hits = sorted(m for m in _imported_modules(path) if m == "simulator" or m.startswith("simulator."))
        offenders += [f"orchestration/{relative}: {m}" for m in hits]
    assert not offenders, "the pipeline imports the simulator:\n" + "\n".join(offenders)
    assert any(path.name == "definitions.py" for path in ORCHESTRATION.glob("*.py")), "orchestration/ not found"
