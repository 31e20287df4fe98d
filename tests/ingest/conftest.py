"""Fixtures for ingestion tests (helpers live in tests/ingest/helpers.py)."""

from tests.ingest.helpers import _no_ambient_sources, duck, pg, warehouse  # noqa: F401  (pytest fixtures)
