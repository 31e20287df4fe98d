"""Burlington VT's real police export as a CAD-only city, through the whole pipeline to the public site.

`python -m orchestration.cli demo --city burlington` (what `make demo CITY=burlington` runs) is run
once into a scratch build folder: real ingestion of the CSV through the profile's mapping, the
Dagster `full_pipeline` job (dbt build with its tests as checks, quality suites, public tables,
site and cards), dbt docs and quality docs. The checks hold the outputs to the file itself.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time

import duckdb
import pandas as pd
import pytest

from orchestration.paths import PROJECT_ROOT
from tests.ingest.helpers import realdata_file

pytestmark = [pytest.mark.realdata, pytest.mark.slow]

EXPORT = "burlington_vt_police_incidents_2022H1.csv"
# What a police export with one row per incident and no dispositions supports (cities/burlington/city.yml).
SUPPORTED = {"eligible_incidents", "eligible_by_dow_hour", "eligible_by_beat"}


@pytest.fixture(scope="module")
def city_build(tmp_path_factory):
    out = tmp_path_factory.mktemp("burlington_city")
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("ARP_", "DBT_TARGET_PATH", "DBT_LOG_PATH", "DAGSTER_HOME"))
    }
    env.update(
        {
            "ARP_CITY_BUILD_DIR": str(out / "build"),
            "DAGSTER_HOME": str(out / "dagster_home"),
            "ARP_CAD_EXPORT": str(realdata_file(EXPORT)),
            "ARP_TARGET": "duckdb",
        }
    )
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "orchestration.cli", "demo", "--city", "burlington"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    seconds = time.monotonic() - started
    print(f"make demo CITY=burlington: rc={proc.returncode} in {seconds:.0f} s", file=sys.stderr)
    return {"proc": proc, "build": out / "build", "seconds": seconds}


def _query(city_build, sql: str) -> pd.DataFrame:
    with duckdb.connect(str(city_build["build"] / "warehouse.duckdb"), read_only=True) as con:
        return con.execute(sql).df()


def _page_text(path) -> str:
    page = path.read_text()
    page = re.sub(r"<(style|script).*?</\1>", "", page, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


def test_the_whole_pipeline_exits_0_and_publishes(city_build):
    proc = city_build["proc"]
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    build = city_build["build"]
    for path in (
        "warehouse.duckdb",
        "site/index.html",
        "cards/index.html",
        "docs/dbt/index.html",
        "docs/quality/index.html",
    ):
        assert (build / path).exists(), path
    # With no program to learn timings from, the planner says so instead of failing the run.
    assert (build / "planning" / "not_available.txt").read_text().startswith("not available: ")
    # Nothing of the synthetic city: no case-management rows, CAD from the export only.
    raw = _query(
        city_build,
        "select (select count(*) from raw_cms.encounters) as encounters, "
        "(select count(*) from raw_cad.unit_assignments) as assignments, "
        "(select count(*) from raw_cad.incidents) as incidents",
    )
    assert raw.to_dict("records") == [{"encounters": 0, "assignments": 0, "incidents": 10_809}]


def test_tests_of_tables_the_city_lacks_are_skipped_with_the_reason(city_build):
    skipped = pd.read_csv(city_build["build"] / "dbt" / "skipped_tests.csv").set_index("test").reason
    assert (
        skipped["source_not_null_raw_cms_follow_ups_follow_up_id"]
        == "needs case-management follow-ups (Care Navigation and CCD call backs)"
    )
    assert (
        skipped["source_unique_raw_cad_unit_assignments_assignment_id"]
        == "needs CAD unit assignments (dispatch to clear times)"
    )
    assert not skipped.index.str.contains("stg_cad__incidents_incident_number").any()  # incidents are tested
    assert skipped.str.startswith("needs ").all()
    # The run itself ran the rest: the catalog test and the beat relationship passed for this new city.
    assert "assert_metric_catalog_matches_metric_values" not in skipped.index
    assert not skipped.index.str.startswith("relationships_fct_incidents_beat").any()


def test_supported_metrics_have_values_and_the_rest_say_what_they_need(city_build):
    availability = _query(city_build, "select * from marts.dim_metric_availability")
    catalog = pd.read_csv(PROJECT_ROOT / "seeds" / "metric_catalog.csv")
    assert set(availability.metric_id) == set(catalog.metric_id)
    assert set(availability.metric_id[availability.is_available]) == SUPPORTED

    values = _query(
        city_build,
        "select metric_id, count(*) as rows, sum(value) as total from marts.fct_metric_values group by metric_id",
    )
    assert set(values.metric_id) == SUPPORTED
    assert (values.total > 0).all(), values

    missing = availability[~availability.is_available].set_index("metric_id")
    assert missing.unavailable_reason.str.startswith("not available: needs ").all()
    reasons = missing.unavailable_reason.to_dict()
    assert reasons["heart_incidents"] == "not available: needs CAD unit assignments (dispatch to clear times)"
    assert "case-management encounters" in reasons["felt_safe_share"]
    assert reasons["ccd_incidents"] == "not available: needs CAD incident dispositions"
    assert reasons["familiar_caller_share"] == "not available: needs CAD call records (caller phone)"


def test_missing_data_is_never_shown_as_a_zero(city_build):
    incidents = _query(
        city_build,
        "select count(police_minutes) as minutes, count(forgone_reason) as reasons, "
        "count(police_units) as units from marts.fct_incidents",
    )
    assert incidents.to_dict("records") == [{"minutes": 0, "reasons": 0, "units": 0}]

    site = city_build["build"] / "site"
    q1 = _page_text(site / "questions" / "q1.html")
    assert "HEART-responded incidents: not available: needs CAD unit assignments" in q1
    assert "responded to 0 incidents" not in q1
    index = _page_text(site / "index.html")
    assert "not available: needs CAD unit assignments" in index
    # The profile's own public text, not the demo city's.
    assert "Burlington, VT (police incidents, public export)" in index
    assert "Durham Community Safety Department" not in index
    card = _page_text(city_build["build"] / "cards" / "2022-Q2.en.html")
    assert "not available: needs CAD incident dispositions" in card


def test_hours_of_day_agree_with_the_files_own_hour_column(city_build):
    source = pd.read_csv(realdata_file(EXPORT), dtype=str, keep_default_na=False)
    source["incident_number"] = (
        "20" + source.incident_number.str[:2] + "-" + source.incident_number.str[4:].str.zfill(7)
    )
    marts = _query(
        city_build, "select incident_number, created_hour, created_day_of_week, is_eligible from marts.fct_incidents"
    )
    joined = marts.merge(source[["incident_number", "Hour", "DayOfWeek"]], on="incident_number", validate="1:1")
    assert len(joined) == len(marts) == 10_809
    label = pd.to_datetime(joined.created_hour.astype(int).astype(str), format="%H").dt.strftime("%-I %p").str.lower()
    assert (label == joined.Hour).all(), joined[label != joined.Hour].head()

    # The published breakdown by hour counts the same eligible incidents per file Hour.
    by_hour = _query(
        city_build,
        "select dimension_value, sum(value) as n from marts.fct_metric_values "
        "where metric_id = 'eligible_by_dow_hour' and period_grain = 'year' "
        "and program = 'ALL' group by dimension_value",
    )
    by_hour["hour"] = by_hour.dimension_value.str.split("|").str[1].astype(int)
    metric = by_hour.groupby("hour").n.sum()
    eligible = joined[joined.is_eligible.astype(bool)]
    file_hours = pd.to_datetime(eligible.Hour, format="%I %p").dt.hour.value_counts()
    assert metric.astype(int).to_dict() == file_hours.sort_index().to_dict()


def test_the_dashboard_says_what_a_metric_needs_instead_of_a_zero(city_build, browser):
    """The dashboard's tables fill in on the page: a metric the city cannot compute prints its
    "not available: needs ..." in every cell, never 0 (a count with no row) or n/a."""
    from tests.publish.browser import open_page

    catalog = _query(
        city_build,
        "select metric_id, unavailable_reason from public_marts.pub_metric_catalog "
        "where unavailable_reason is not null",
    )
    needs = dict(zip(catalog.metric_id, catalog.unavailable_reason))
    assert "heart_incidents" in needs
    opened = open_page(browser, city_build["build"] / "site" / "index.html")
    try:
        opened.click_tab("volume")
        cells = opened.page.eval_on_selector_all(
            "#panel-volume span.num[data-src='mv']",
            "els => els.map(e => [e.dataset.key, e.dataset.state, e.textContent])",
        )
    finally:
        opened.close()
    blocked = [(key, state, text) for key, state, text in cells if key.split("|")[0] in needs]
    assert blocked, "the Call volume tab shows no cell of a metric Burlington cannot compute"
    wrong = [
        (key, state, text)
        for key, state, text in blocked
        if state != "not_computed" or text != needs[key.split("|")[0]]
    ]
    assert not wrong, f"cells of metrics the city cannot compute that do not say what they need: {wrong[:5]}"


def test_the_console_is_quiet_and_names_every_failed_check(city_build):
    """`make demo` prints one line per step, not Dagster's and dbt's every event, and its summary names
    each check that failed, as the run's own events in the Dagster instance record them."""
    import dagster as dg
    from dagster._core.instance.ref import InstanceRef

    proc = city_build["proc"]
    printed = proc.stdout + proc.stderr
    assert printed.count("\n") < 80, printed
    # Every check the run expects is one its dbt selection runs, and every dbt test is a check:
    # Dagster's warning for an expected check without a result, and dagster-dbt's for a test that
    # fell back to an observation, would each say otherwise.
    assert "emitted no result" not in printed, printed[-3000:]
    assert "instead of an `AssetCheckResult`" not in printed, printed[-3000:]
    instance = dg.DagsterInstance.from_ref(InstanceRef.from_dir(str(city_build["build"].parent / "dagster_home")))
    run = instance.get_runs(limit=1)[0]
    evaluations = [
        e.dagster_event.event_specific_data
        for e in instance.all_logs(run.run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION)
    ]
    assert evaluations, "the run recorded its checks"
    failed = [f"{'/'.join(e.asset_key.path)} {e.check_name}" for e in evaluations if not e.passed]
    for check in failed:
        assert check in proc.stdout, f"failed check {check} is not named in the summary"
    assert f"{len(evaluations) - len(failed)} checks passed" in proc.stdout, proc.stdout[-2000:]
