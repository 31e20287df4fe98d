"""The planner on the tiny city: a real dbt build on DuckDB (the session's `duckdb_default`), its
baseline replay held to the marts, a changed city simulated by the generator held to its truth, and
the police hours saved held to the marts' own value."""

from __future__ import annotations

import json

import dagster as dg
import duckdb
import pandas as pd
import pytest

from orchestration.planning.assets import PlanningResource, scenario_results
from orchestration.planning.inputs import read_inputs
from orchestration.planning.report import answered_share, fewest_teams, meets_target, plan
from orchestration.planning.scenario import SCENARIO_DIR, ProgramChange, load_scenario
from orchestration.warehouse.destination import Destination
from simulator import GeneratorConfig, generate
from simulator.service_model import ServiceModel

SEEDS = 3


@pytest.fixture(scope="module")
def warehouse(duckdb_default):
    return duckdb_default.warehouse.duckdb_path


@pytest.fixture(scope="module")
def inputs(warehouse):
    return read_inputs(Destination.duckdb(warehouse))


def _marts(warehouse, sql: str):
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_the_baseline_replay_reproduces_the_marts(warehouse, inputs):
    report = plan(load_scenario(SCENARIO_DIR / "baseline.yml"), inputs, seeds=SEEDS)
    f = report["figures"]
    observed = dict(
        _marts(
            warehouse,
            "select coalesce(forgone_reason, 'responded'), count(*) from marts.fct_incidents "
            "where is_eligible group by 1",
        )
    )
    eligible = sum(observed.values())
    assert f["eligible"]["mean"] == eligible
    # Routing is decided by the seeds alone: these reasons are the marts' exactly.
    assert f["forgone_outside_service_area"]["mean"] == observed.get("outside_service_area", 0)
    assert f["forgone_outside_hours"]["mean"] == observed.get("outside_hours", 0)
    # The teams' loop is random: the tiny city has some 300 calls reaching it.
    assert f["responded"]["mean"] == pytest.approx(observed["responded"], rel=0.05)
    assert f["forgone"]["mean"] == pytest.approx(eligible - observed["responded"], rel=0.08)
    assert f["responded"]["low"] <= f["responded"]["mean"] <= f["responded"]["high"]


def test_police_hours_saved_is_the_marts_formula(warehouse, inputs):
    """The observed A with the planner's B and C gives the marts' own police_hours_saved."""
    (answered,) = _marts(
        warehouse,
        "select count(*) from marts.fct_incidents where is_eligible and response_status = 'responded' "
        "and heart_program in ('CRT', 'CCD')",
    )[0]
    (marts_value,) = _marts(
        warehouse,
        "select sum(value) from marts.fct_metric_values where metric_id = 'police_hours_saved' "
        "and period_grain = 'year' and program = 'ALL'",
    )[0]
    assert len(set(_marts(warehouse, "select distinct created_year_local from marts.fct_incidents"))) == 1
    ours = answered * inputs.police_units_per_forgone * inputs.police_minutes_per_unit / 60.0
    assert ours == pytest.approx(marts_value, rel=1e-9)


def test_a_city_with_two_more_teams_is_predicted(dataset_default, inputs, tmp_path):
    scenario = load_scenario(SCENARIO_DIR / "two-more-teams.yml")
    cfg = GeneratorConfig(
        tier="tiny",
        seed=7,
        defect_rate=dataset_default.defect_rate,
        out_dir=tmp_path,
        service_model=ServiceModel(added_teams={"CRT": 2}),
    )
    generate(cfg, progress=False)
    truth = pd.read_csv(tmp_path / "truth" / "incidents.csv", low_memory=False)
    eligible = truth[truth.eligible.astype(bool)]
    simulated = int(eligible.heart_responded.astype(bool).sum())
    predicted = plan(scenario, inputs, seeds=SEEDS)["figures"]
    assert predicted["responded"]["mean"] == pytest.approx(simulated, rel=0.05)
    assert (
        predicted["forgone_no_unit_available"]["mean"]
        < plan(load_scenario(SCENARIO_DIR / "baseline.yml"), inputs, seeds=SEEDS)["figures"][
            "forgone_no_unit_available"
        ]["mean"]
    )


def test_the_asset_writes_every_scenario(warehouse, tmp_path):
    scenarios = tmp_path / "scenarios"
    scenarios.mkdir()
    for name in ("baseline", "longer-hours"):
        (scenarios / f"{name}.yml").write_text((SCENARIO_DIR / f"{name}.yml").read_text())
    copy = tmp_path / "w.duckdb"
    copy.write_bytes(warehouse.read_bytes())
    out = tmp_path / "planning"
    resource = PlanningResource(
        target="duckdb", duckdb_path=str(copy), scenario_dir=str(scenarios), out_dir=str(out), seeds=2
    )
    assert dg.materialize([scenario_results], resources={"planning": resource}).success
    longer = json.loads((out / "longer-hours.json").read_text())
    baseline = json.loads((out / "baseline.json").read_text())
    assert longer["figures"]["forgone_outside_hours"]["mean"] < baseline["figures"]["forgone_outside_hours"]["mean"]
    rows = pd.read_csv(out / "planning_scenario_results.csv")
    with duckdb.connect(str(copy), read_only=True) as con:
        table = con.execute("select scenario, figure, mean_value from planning.planning_scenario_results").df()
    assert len(table) == len(rows) and set(table.scenario) == {"baseline", "longer-hours"}


def test_fewest_teams_is_the_first_count_meeting_the_target(inputs):
    scenario = load_scenario(SCENARIO_DIR / "baseline.yml")
    answer = fewest_teams(scenario, inputs, "CRT", seeds=2)
    n = answer["teams_per_shift"]
    assert n is not None and meets_target(answer["report"])
    assert answered_share(answer["report"]) >= 0.9
    if n > 1:
        fewer = scenario.model_copy(deep=True)
        fewer.programs = {"CRT": ProgramChange(teams_per_shift=n - 1)}
        assert not meets_target(plan(fewer, inputs, seeds=2))
