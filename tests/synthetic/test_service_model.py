"""The generator's service-model override: the same city, seed and calls from the public, with
other hours and more teams (the world the expansion planner is checked against)."""

from __future__ import annotations

import numpy as np
import pytest

from simulator import GeneratorConfig
from simulator.city import simulate
from simulator.rules import DAYS, load_rules
from simulator.service_model import ServiceModel
from simulator.timeutil import local_parts

TZ = "America/New_York"


def _world(model: ServiceModel | None):
    cfg = GeneratorConfig(tier="tiny", seed=11, defect_rate=0, service_model=model)
    rules = load_rules() if model is None else model.apply_to_rules(load_rules())
    return simulate(cfg, rules)


def _public_calls(state) -> np.ndarray:
    inc = state.tables["incidents"]
    calls = inc[inc.call_origin != "SELF_INITIATED"]
    return np.sort(calls.created_at.to_numpy(dtype="float64"))


@pytest.fixture(scope="module")
def baseline():
    return _world(None)


def test_more_teams_keep_the_calls_and_add_the_units(baseline):
    changed = _world(ServiceModel(added_teams={"CRT": 2}))
    assert np.array_equal(_public_calls(baseline), _public_calls(changed))
    units = {name: s.tables["units"] for name, s in (("base", baseline), ("changed", changed))}
    crt = {name: int((u.program == "CRT").sum()) for name, u in units.items()}
    assert crt["changed"] == crt["base"] + 2
    no_unit = {
        name: int((s.causal.sim_reason == "no_unit_available").sum())
        for name, s in (("base", baseline), ("changed", changed))
    }
    assert no_unit["changed"] < no_unit["base"]


def test_longer_hours_route_the_calls_of_the_new_hours(baseline):
    every_day = {day: (0, 24) for day in DAYS}
    changed = _world(ServiceModel(hours={"CRT": every_day, "CORESPONSE": every_day}))
    assert np.array_equal(_public_calls(baseline), _public_calls(changed))
    assert "outside_hours" not in set(changed.causal.sim_reason.dropna())
    # CAD's status history shows the teams on duty at night now.
    status = changed.tables["unit_status_changes"]
    night = local_parts(status[status.status == "AVAILABLE"].changed_at.to_numpy(), TZ).hour < 6
    assert night.any()


@pytest.mark.parametrize(
    ("kwargs", "says"),
    [
        ({"added_teams": {"CRT": -1}}, "added_teams"),
        ({"teams": {"SWAT": 2}}, "unknown program"),
        ({"hours": {"CRT": {"Mon": (8, 25)}}}, "bad hours"),
        ({"hours": {"CRT": {"Monday": (8, 20)}}}, "unknown day"),
    ],
)
def test_a_bad_override_is_refused(kwargs, says):
    with pytest.raises(ValueError, match=says):
        ServiceModel(**kwargs)
