"""Live mode appends incidents and updates open ones, bumping updated_at."""

from __future__ import annotations

import pandas as pd
import pytest

from simulator import GeneratorConfig, LiveCity, generate
from simulator.rules import DISPATCHABLE

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
    with pytest.raises(RuntimeError, match="run `python -m simulator generate` first"):
        LiveCity(GeneratorConfig(tier="tiny", out_dir=tmp_path))


def test_heart_units_status_follows_their_live_work(live_city):
    """Live steps write the status history "no unit available" is derived from: a HEART unit is
    ASSIGNED from its dispatch and AVAILABLE again from its clear, and nothing else changes."""
    cfg = live_city
    before = read_system(cfg.resolved_cad_url, "cad_replica")
    clock = [pd.Timestamp("2026-01-15 15:00:00", tz="UTC").timestamp()]
    live = LiveCity(cfg, clock=lambda: clock[0])
    for _ in range(6):
        live.step(new_incidents=40, updates=40)
        clock[0] += 900
    live.close()
    after = read_system(cfg.resolved_cad_url, "cad_replica")
    old_ids = set(before["unit_status_changes"].status_change_id)
    status = after["unit_status_changes"][~after["unit_status_changes"].status_change_id.isin(old_ids)]
    asg = after["unit_assignments"][
        ~after["unit_assignments"].assignment_id.isin(before["unit_assignments"].assignment_id)
    ]
    heart = asg[asg.unit_type.isin(list(DISPATCHABLE))]
    assert len(heart) > 0, "six live steps of 40 incidents dispatch some HEART unit"
    assigned = status[status.status == "ASSIGNED"]
    available = status[status.status == "AVAILABLE"]
    assert sorted(zip(assigned.unit_id, assigned.changed_at)) == sorted(zip(heart.unit_id, heart.dispatched_at))
    cleared = heart[heart.cleared_at.notna()]
    assert len(cleared) > 0
    assert sorted(zip(available.unit_id, available.changed_at)) == sorted(zip(cleared.unit_id, cleared.cleared_at))
    assert set(status.status) <= {"ASSIGNED", "AVAILABLE"}
    assert status.status_change_id.is_unique and after["unit_status_changes"].status_change_id.is_unique
    assert not status.unit_id.isin(asg[~asg.unit_type.isin(list(DISPATCHABLE))].unit_id).any()


def test_single_incident_steps_handle_every_kind_of_incident(live_city):
    """A live step of one incident at a time (what a city-scale replica trails by) meets every kind of
    incident, one without any unit among them, and never fails."""
    cfg = live_city
    before = read_system(cfg.resolved_cad_url, "cad_replica")
    clock = [pd.Timestamp("2026-01-15 15:00:00", tz="UTC").timestamp()]
    live = LiveCity(cfg, clock=lambda: clock[0])
    steps = 60
    for _ in range(steps):
        clock[0] += 45
        assert live.step(new_incidents=1, updates=1)["incidents"]["inserted"] == 1
    live.close()
    after = read_system(cfg.resolved_cad_url, "cad_replica")
    new = after["incidents"][~after["incidents"].incident_number.isin(before["incidents"].incident_number)]
    assert len(new) == steps and new.incident_number.is_unique
    with_unit = set(after["unit_assignments"].incident_number)
    assert (~new.incident_number.isin(with_unit)).any(), "no new incident went without a unit"
