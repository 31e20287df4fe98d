"""orchestration.settings: every ARP_* variable typed in one object, read when asked for, and a bad
value refused with the variable's name."""

from __future__ import annotations

import pytest

from orchestration.settings import SettingsError, settings


@pytest.mark.parametrize(
    "name, value, fault",
    [
        ("ARP_PG_PORT", "54x2", "valid integer"),
        ("ARP_PG_PORT", "70000", "less than or equal to 65535"),
        ("ARP_TARGET", "mysql", "'duckdb' or 'postgres'"),
        ("ARP_MODE", "prod", "'demo' or 'production'"),
        ("ARP_DAILY_CRON", "every day at 5", "cron string"),
        ("ARP_PUBLICATION_CRON", "0 * * *", "cron string"),
        ("ARP_CAD_SENSOR", "maybe", "valid boolean"),
        ("ARP_MAX_KEY_CHARS", "9", "greater than or equal to 16"),
        ("ARP_RUN_HISTORY_DAYS", "inf", "finite"),
        ("ARP_DEMO_TIER", "huge", "'tiny', 'demo' or 'city'"),
    ],
)
def test_a_bad_value_is_refused_naming_its_variable(name, value, fault):
    with pytest.raises(SettingsError, match=fault) as error:
        settings({name: value})
    assert str(error.value).startswith(f"{name}="), str(error.value)


def test_a_secret_is_never_echoed_in_an_error():
    # A password cannot be malformed, but the port beside it can: the message must not carry it.
    with pytest.raises(SettingsError) as error:
        settings({"ARP_PG_PORT": "x", "ARP_PG_PASSWORD": "hunter2-secret"})
    assert "hunter2-secret" not in str(error.value)
    assert "hunter2-secret" not in repr(settings({"ARP_PG_PASSWORD": "hunter2-secret"}))


def test_values_are_typed_and_an_empty_variable_takes_the_default():
    current = settings(
        {
            "ARP_PG_PORT": "6543",
            "ARP_TARGET": " Postgres ",
            "ARP_MODE": "",
            "ARP_CAD_SENSOR": "running",
            "ARP_RUN_HISTORY_DAYS": "1.5",
            "ARP_CITY_MISSING_DATA": "cms.encounters, ,cad.units.beat",
            "ARP_QUALITY_FRESHNESS_MAX_AGE_HOURS": "",
        }
    )
    assert current.pg_port == 6543
    assert current.target == "postgres"
    assert current.mode == "production" and not current.demo
    assert current.cad_sensor is True
    assert current.run_history_days == 1.5
    assert current.missing_data() == ["cms.encounters", "cad.units.beat"]
    assert current.quality_overrides() == {"freshness_max_age_hours": ""}
    assert settings({}).max_key_chars == 256


def test_the_environment_is_read_at_each_call(monkeypatch):
    monkeypatch.setenv("ARP_KEEP_DBT_TARGETS", "3")
    assert settings().keep_dbt_targets == 3
    monkeypatch.setenv("ARP_KEEP_DBT_TARGETS", "9")
    assert settings().keep_dbt_targets == 9
    # An explicit mapping is read alone: the process environment does not leak into it.
    assert settings({}).keep_dbt_targets == 5
