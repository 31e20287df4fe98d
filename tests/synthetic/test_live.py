"""Live mode appends incidents and updates open ones, bumping updated_at."""
from __future__ import annotations

import pandas as pd
import pytest

from orchestration.synthetic import GeneratorConfig, LiveCity, generate

from .conftest import read_system


@pytest.fixture()
def live_city(tmp_path):
    cfg = GeneratorConfig(tier="tiny", seed=3, out_dir=tmp_path)
    generate(cfg, progress=False)
    return cfg


def test_step_appends_and_updates(live_city):
    cfg = live_city
    before = read_system(cfg.resolved_cad_url, "cad_replica")
    open_before = before["incidents"][before["incidents"].closed_at.isna()]
    assert len(open_before) >= 2, "the snapshot leaves incidents being worked at the end of the period"
    clock = [pd.Timestamp("2026-01-15 15:00:00", tz="UTC").timestamp()]
    live = LiveCity(cfg, clock=lambda: clock[0])
    counts = live.step(new_incidents=20, updates=2)
    assert counts["incidents"] == {"inserted": 20, "updated": 2}
    assert counts["calls"]["inserted"] > 0 and counts["unit_assignments"]["inserted"] > 0
    after = read_system(cfg.resolved_cad_url, "cad_replica")
    inc = after["incidents"].set_index("incident_number")
    new = inc.loc[~inc.index.isin(before["incidents"].incident_number)]
    assert len(new) == 20 and new.closed_at.isna().all()
    assert new.index.str.match(r"^2026-\d{7}$").all() and new.index.is_unique
    stamp = pd.Timestamp("2026-01-15 15:00:00")
    assert (new.updated_at == stamp).all() and (new.created_at < stamp).all()
    closed = inc.loc[open_before.incident_number.head(2)]
    assert closed.closed_at.notna().all() and closed.disposition.notna().all()
    assert (closed.updated_at == stamp).all()
    assert (closed.updated_at > open_before.set_index("incident_number").loc[closed.index].updated_at).all()
    # The new open incidents are closed by a later step, and keys stay unique.
    clock[0] += 600
    counts = live.step(new_incidents=5, updates=100)
    assert counts["incidents"]["updated"] >= 20
    final = read_system(cfg.resolved_cad_url, "cad_replica")
    assert final["incidents"].incident_number.is_unique and final["unit_assignments"].assignment_id.is_unique
    assert final["calls"].call_id.is_unique
    assert final["incidents"].closed_at.isna().sum() == 5
    live.close()


def test_live_requires_generated_sources(tmp_path):
    with pytest.raises(RuntimeError, match="run `python -m orchestration.synthetic generate` first"):
        LiveCity(GeneratorConfig(tier="tiny", out_dir=tmp_path))
