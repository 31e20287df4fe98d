"""Quality settings are written into check SQL, so every value must be a plain finite number of the
kind the committed default has; anything else is refused, naming the variable, before any check
is built."""

from __future__ import annotations

import pytest

from orchestration.quality.settings import QualityConfigError, load_settings


@pytest.mark.parametrize(
    "name, value, fault",
    [
        ("ARP_QUALITY_MAX_RESPONSE_MINUTES", "240 or 1=1", "expected a plain number"),
        ("ARP_QUALITY_MAX_RESPONSE_MINUTES", "1e999", "expected a finite number"),
        ("ARP_QUALITY_MAX_RESPONSE_MINUTES", "true", "expected a plain number"),
        ("ARP_QUALITY_MAX_RESPONSE_MINUTES", "", "empty; expected a number"),
        ("ARP_QUALITY_MIN_SHARE_BEAT", "0) or (1=1", "expected a plain number"),
        ("ARP_QUALITY_MIN_SHARE_BEAT", "0.95; drop table marts.fct_incidents", "expected a plain number"),
        ("ARP_QUALITY_VOLUME_TRAILING_WEEKS", "4.5", "expected a whole number"),
        ("ARP_QUALITY_FRESHNESS_MAX_AGE_HOURS", "'2'", "expected a plain number"),
        ("ARP_QUALITY_PLACEHOLDER_BEFORE", "1900-01-01' or '1'='1", "is a business rule"),
    ],
)
def test_an_injected_or_mistyped_setting_is_refused(name, value, fault):
    with pytest.raises(QualityConfigError, match=fault) as error:
        load_settings(environ={name: value})
    assert name in str(error.value), "the error must name the setting at fault"


def test_numbers_keep_the_kind_of_their_default():
    settings = load_settings(
        environ={
            "ARP_QUALITY_MAX_RESPONSE_MINUTES": " 300 ",
            "ARP_QUALITY_MIN_SHARE_BEAT": "0.9",
            "ARP_QUALITY_FRESHNESS_MAX_AGE_HOURS": "2",
        }
    )
    assert settings.max_response_minutes == 300 and isinstance(settings.max_response_minutes, int)
    assert settings.min_share_beat == 0.9
    assert settings.freshness_max_age_hours == 2
    assert load_settings(environ={"ARP_QUALITY_FRESHNESS_MAX_AGE_HOURS": ""}).freshness_max_age_hours is None


def test_a_committed_setting_that_is_not_a_number_is_refused(tmp_path):
    path = tmp_path / "settings.yml"
    path.write_text("max_response_minutes: '240 or 1=1'\n")
    with pytest.raises(QualityConfigError, match=r"settings.yml: max_response_minutes.*expected a plain number"):
        load_settings(path, environ={})
