"""Every environment setting the code reads is documented in .env.example."""

from __future__ import annotations

import ast
import re
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
READERS = [
    *PROJECT_ROOT.joinpath("orchestration").rglob("*.py"),
    *PROJECT_ROOT.joinpath("macros").rglob("*.sql"),
    *PROJECT_ROOT.joinpath("models").rglob("*.sql"),
    PROJECT_ROOT / "profiles.yml",
    PROJECT_ROOT / "dbt_project.yml",
    PROJECT_ROOT / "Makefile",
]
# A family written as a prefix in prose (ARP_PG_*, ARP_QUALITY_<KEY>) is documented by its members.
NAME = re.compile(r"\bARP_[A-Z0-9_]*[A-Z0-9]\b")


def test_every_setting_the_code_reads_is_in_env_example():
    documented = set(NAME.findall((PROJECT_ROOT / ".env.example").read_text(encoding="utf-8")))
    read = {name for path in READERS for name in NAME.findall(path.read_text(encoding="utf-8"))}
    missing = sorted(read - documented)
    assert not missing, f".env.example does not document: {missing}"


# --- one typed settings object is the only reader ----------------------------------------------

SETTINGS_MODULE = PROJECT_ROOT / "orchestration" / "settings.py"
QUALITY_FAMILY = "ARP_QUALITY_"  # open family: one variable per key of expectations/settings.yml


def test_the_settings_class_and_env_example_list_the_same_variables():
    from orchestration.settings import ArpSettings, variable

    fields = {variable(name) for name in ArpSettings.model_fields}
    documented = set(NAME.findall((PROJECT_ROOT / ".env.example").read_text(encoding="utf-8")))
    documented = {name for name in documented if not name.startswith(QUALITY_FAMILY)}
    assert sorted(documented - fields) == [], "documented in .env.example but not a field of ArpSettings"
    assert sorted(fields - documented) == [], "a field of ArpSettings that .env.example does not document"
    assert all(field.description for field in ArpSettings.model_fields.values()), "every field says what it holds"


def _arp_literal(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.startswith("ARP_"):
        return node.value
    return None


def direct_arp_reads(path: Path) -> list[str]:
    """`file:line NAME` wherever a module looks an ARP_* name up in a mapping or the environment:
    `x.get("ARP_X")`, `os.getenv("ARP_X")`, `x["ARP_X"]` read, `"ARP_X" in x`. Writing one for a
    child process (`env["ARP_X"] = ...`, a dict literal, `setdefault`) is not a read."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        name = None
        if isinstance(node, ast.Call) and node.args:
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            if called in ("get", "getenv", "pop"):
                name = _arp_literal(node.args[0])
        elif isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load):
            name = _arp_literal(node.slice)
        elif isinstance(node, ast.Compare) and any(isinstance(op, (ast.In, ast.NotIn)) for op in node.ops):
            name = _arp_literal(node.left)
        if name:
            found.append(
                f"{path.relative_to(PROJECT_ROOT) if PROJECT_ROOT in path.parents else path.name}:{node.lineno} {name}"
            )
    return found


def test_only_the_settings_module_reads_arp_variables():
    reads = [
        read
        for path in sorted(PROJECT_ROOT.joinpath("orchestration").rglob("*.py"))
        if path != SETTINGS_MODULE
        for read in direct_arp_reads(path)
    ]
    assert not reads, "read ARP_* settings through orchestration.settings.settings():\n" + "\n".join(reads)


def test_the_direct_read_rule_sees_every_spelling(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import os\nfrom os import getenv\n"
        "def f(env):\n"
        "    a = os.environ.get('ARP_A')\n"  # 4
        "    b = getenv('ARP_B', 'x')\n"  # 5
        "    c = env['ARP_C']\n"  # 6
        "    d = 'ARP_D' in os.environ\n"  # 7
        "    env['ARP_E'] = '1'\n"  # a write
        "    os.environ.setdefault('ARP_F', '1')\n"  # a default for child processes
        "    return dict(ARP_G='1'), {'ARP_H': '1'}\n"  # an environment being built
    )
    assert [r.split(":", 1)[1] for r in direct_arp_reads(sample)] == ["4 ARP_A", "5 ARP_B", "6 ARP_C", "7 ARP_D"]
