"""Scenario files: the shipped ones load; each kind of mistake stops the load naming file and field."""

from __future__ import annotations

import pytest

from orchestration.planning.scenario import ScenarioError, load_scenario, scenario_files

VALID = """
name: x
description: a test scenario
programs:
  CRT:
    operating_hours: {all: [6, 24], Sun: null}
    added_teams: 1
    service_beats: [111, 411]
    eligible_call_types: [WELFARE, MENTAL]
"""


def _write(tmp_path, text: str):
    path = tmp_path / "scenario.yml"
    path.write_text(text)
    return path


def test_the_shipped_scenarios_load():
    names = {load_scenario(path).name for path in scenario_files()}
    assert {"baseline", "longer-hours", "two-more-teams"} <= names


def test_a_valid_scenario_reads_hours_by_day(tmp_path):
    scenario = load_scenario(_write(tmp_path, VALID))
    hours = scenario.programs["CRT"].hours_by_day()
    assert hours["Mon"] == (6, 24) and hours["Sun"] is None
    assert scenario.programs["CRT"].service_beats == ["111", "411"]


@pytest.mark.parametrize(
    ("old", "new", "field", "says"),
    [
        ("added_teams: 1", "added_teams: -2", "programs.CRT.added_teams", "negative"),
        ("added_teams: 1", "teams_per_shift: -1", "programs.CRT.teams_per_shift", "negative"),
        ("all: [6, 24]", "all: [6, 25]", "programs.CRT.operating_hours.all", "0 to 24"),
        ("all: [6, 24]", "all: [-1, 20]", "programs.CRT.operating_hours.all", "0 to 24"),
        ("[111, 411]", "[111, 999]", "programs.CRT.service_beats", "unknown beat '999'"),
        ("[WELFARE, MENTAL]", "[WELFARE, ALIENS]", "programs.CRT.eligible_call_types", "unknown call type 'ALIENS'"),
        ("  CRT:", "  SWAT:", "programs", "unknown program 'SWAT'"),
        ("Sun: null", "Sunday: null", "programs.CRT.operating_hours", "unknown day 'Sunday'"),
    ],
)
def test_a_mistake_names_the_file_and_the_field(tmp_path, old, new, field, says):
    path = _write(tmp_path, VALID.replace(old, new))
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    message = str(caught.value)
    assert message.startswith(str(path)), message
    assert field in message and says in message, message
