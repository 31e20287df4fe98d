"""Small pre-commit hooks of the project (.pre-commit-config.yaml), runnable by hand:

    python -m orchestration.dev.hooks check-yaml FILE...   # every YAML file parses
    python -m orchestration.dev.hooks model-docs            # every model: description + grain comment

A model is read by people who did not write it: its YAML description says what it is for, and the
SQL opens with a comment saying what one row is (after any `{{ config(...) }}` line), so nobody
has to reverse-engineer the grain from the joins. The check reads the files directly instead of
parsing the dbt project, so it answers in well under a second.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import yaml

from orchestration.paths import PROJECT_ROOT

# A header shorter than this says nothing about the rows.
MIN_GRAIN_WORDS = 4
_CONFIG_LINE = re.compile(r"^\s*\{\{-?\s*config\(.*\)\s*-?\}\}\s*$")


def check_yaml(paths: list[Path]) -> list[str]:
    problems = []
    for path in paths:
        try:
            list(yaml.safe_load_all(path.read_text(encoding="utf-8")))
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            problems.append(f"{path}: not valid YAML: {exc}")
    return problems


def model_descriptions(models_dir: Path) -> dict[str, str]:
    """Model name -> description, from every YAML file under models/."""
    found: dict[str, str] = {}
    for path in sorted(models_dir.rglob("*.yml")) + sorted(models_dir.rglob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for model in doc.get("models") or []:
            if isinstance(model, dict) and model.get("name"):
                found[model["name"]] = str(model.get("description") or "").strip()
    return found


def grain_comment(sql: str) -> str:
    """The comment block the model opens with, after any config lines; empty when there is none."""
    lines = sql.splitlines()
    while lines and (not lines[0].strip() or _CONFIG_LINE.match(lines[0])):
        lines.pop(0)
    comment = []
    for line in lines:
        if not line.lstrip().startswith("--"):
            break
        comment.append(line.lstrip()[2:].strip())
    return " ".join(comment).strip()


def check_model_docs(root: Path = PROJECT_ROOT) -> list[str]:
    models_dir = root / "models"
    descriptions = model_descriptions(models_dir)
    problems = []
    for sql_path in sorted(models_dir.rglob("*.sql")):
        name, shown = sql_path.stem, sql_path.relative_to(root)
        if not descriptions.get(name):
            problems.append(f"{shown}: model '{name}' has no description in a models/**/_*__models.yml file")
        if len(grain_comment(sql_path.read_text(encoding="utf-8")).split()) < MIN_GRAIN_WORDS:
            problems.append(f"{shown}: the SQL must open with a comment saying what one row is (its grain)")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("check-yaml").add_argument("files", nargs="*", type=Path)
    docs = sub.add_parser("model-docs")
    docs.add_argument(
        "files",
        nargs="*",
        help="ignored: the whole project is checked, since a YAML edit can "
        "remove the description of a model whose SQL did not change",
    )
    docs.add_argument("--root", type=Path, default=PROJECT_ROOT)
    args = parser.parse_args(argv)
    problems = check_yaml(args.files) if args.command == "check-yaml" else check_model_docs(args.root)
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
