"""The learning register: one reviewed YAML file a program change under `learning/`.

Each file names the change, the local date it began, what changed, who reviewed the entry, and the
weekly series to watch (`series.WEEKLY_SERIES`) with the direction the change is meant to move
each. A file that breaks the schema stops the load with an error naming the file and the field.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from orchestration.learning.series import WEEKLY_SERIES
from orchestration.paths import PROJECT_ROOT

REGISTER_DIR = PROJECT_ROOT / "learning"


class RegisterError(ValueError):
    """A register file is unreadable or breaks the schema; the message names the file and field."""


class Watch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    series: str = Field(description="A weekly series of orchestration/learning/series.py")
    expected: Literal["up", "down"]

    @field_validator("series")
    @classmethod
    def _known_series(cls, value: str) -> str:
        if value not in WEEKLY_SERIES:
            raise ValueError(f"unknown series {value!r}; known: {', '.join(sorted(WEEKLY_SERIES))}")
        return value


class Review(BaseModel):
    model_config = ConfigDict(extra="forbid")

    by: str = Field(min_length=1)
    date: dt.date


class Change(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1)
    began: dt.date
    learning_priority: str = Field(min_length=1, description="What the program wants to learn, and why")
    what_changed: str = Field(min_length=1)
    watch: list[Watch] = Field(min_length=1)
    reviewed: Review
    file: str = ""  # set by the loader


def _describe(error: dict) -> str:
    field = ".".join(str(part) if not isinstance(part, int) else f"[{part}]" for part in error["loc"])
    field = field.replace(".[", "[")
    return f"field {field or '(top level)'}: {error['msg']}"


def load_change(path: Path) -> Change:
    import yaml

    try:
        # Every scalar stays text, so pydantic judges dates (a YAML date parser would fail first,
        # on 2023-13-03, with a message naming neither file nor field).
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    except yaml.YAMLError as exc:
        raise RegisterError(f"{path.name}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise RegisterError(f"{path.name}: expected a mapping of fields, got {type(data).__name__}")
    try:
        change = Change.model_validate({**data, "file": path.name})
    except ValidationError as exc:
        raise RegisterError(f"{path.name}: " + "; ".join(_describe(e) for e in exc.errors())) from None
    return change


def load_register(folder: Path | None = None) -> list[Change]:
    """Every change of the register, oldest first; the titles must be distinct."""
    folder = Path(folder or REGISTER_DIR)
    changes = sorted((load_change(p) for p in sorted(folder.glob("*.yml"))), key=lambda c: (c.began, c.title))
    titles = [c.title for c in changes]
    duplicates = sorted({t for t in titles if titles.count(t) > 1})
    if duplicates:
        raise RegisterError(f"{folder}: titles used by more than one file: {duplicates}")
    return changes
