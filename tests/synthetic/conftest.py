"""Shared fixtures: the tiny tier generated once per session (with and without defects)."""

from __future__ import annotations

import pandas as pd
import pytest
import sqlalchemy as sa

from orchestration.contract import get_system
from simulator import GeneratorConfig, generate


def read_system(url: str, system: str) -> dict[str, pd.DataFrame]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return {t.name: pd.read_sql_table(t.name, conn) for t in get_system(system).tables}
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def tiny(tmp_path_factory):
    """The tiny tier with default defects: (config, result, cad tables, cms tables)."""
    cfg = GeneratorConfig(tier="tiny", seed=7, out_dir=tmp_path_factory.mktemp("tiny"))
    result = generate(cfg, progress=False)
    return cfg, result, read_system(result.cad_url, "cad_replica"), read_system(result.cms_url, "case_management")


@pytest.fixture(scope="session")
def tiny_clean(tmp_path_factory):
    """The tiny tier without defects: the written data *is* the true state."""
    cfg = GeneratorConfig(tier="tiny", seed=7, defect_rate=0, out_dir=tmp_path_factory.mktemp("tiny_clean"))
    result = generate(cfg, progress=False)
    return cfg, result, read_system(result.cad_url, "cad_replica"), read_system(result.cms_url, "case_management")
