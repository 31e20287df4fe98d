"""Public transparency outputs: the public dashboard site, the Major Questions pages and the
bilingual quarterly data cards, built from the public marts alone."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from orchestration.publishing.build import PublishReport, build_public_outputs

# Resolved on first use: importing one submodule (the Dagster assets, to load the definitions)
# must not import the whole publisher, WeasyPrint and pango included.
_EXPORTS = {"PublishReport": "orchestration.publishing.build", "build_public_outputs": "orchestration.publishing.build"}
__all__ = ["PublishReport", "build_public_outputs"]


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
