"""The simulated city looks like a city: shares, arrivals, programs, repeat callers, DST."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pandas as pd


def truth_incidents(result) -> pd.DataFrame:
    return pd.read_csv(result.truth_dir / "incidents.csv", keep_default_na=False)


def test_eligible_share_and_every_forgone_reason(tiny_clean):
    _, result, _, _ = tiny_clean
    inc = truth_incidents(result)
    assert 0.05 <= inc.eligible.mean() <= 0.20
    forgone = inc[inc.eligible & ~inc.heart_responded]
    shares = forgone.forgone_reason.value_counts(normalize=True)
    for reason in ("outside_service_area", "outside_hours", "no_unit_available", "other"):
        assert shares.get(reason, 0) >= 0.02, f"forgone reason {reason} is too rare: {shares.to_dict()}"
    responded = inc[inc.eligible & inc.heart_responded]
    assert 0.3 <= len(responded) / inc.eligible.sum() <= 0.85


def test_incidents_have_several_calls_and_repeat_callers(tiny):
    _, result, cad, _ = tiny
    per_incident = cad["calls"].groupby("incident_number").size()
    assert (per_incident >= 2).mean() > 0.05, "some incidents have several calls"
    assert per_incident.max() >= 3
    assert cad["calls"].incident_number.isin(cad["incidents"].incident_number).all()
    inc = truth_incidents(result)
    assert 0 < inc[inc.eligible].familiar_caller.mean() < 0.5


def test_arrivals_follow_the_local_clock(tiny_clean):
    cfg, _, cad, _ = tiny_clean
    local = pd.to_datetime(cad["incidents"].created_at).dt.tz_localize("UTC").dt.tz_convert(cfg.timezone)
    by_hour = local.dt.hour.value_counts()
    assert by_hour[[15, 16, 17]].sum() > 2.5 * by_hour[[3, 4, 5]].sum()


def test_programs_units_and_staff(tiny_clean):
    _, result, cad, cms = tiny_clean
    units = cad["units"]
    heart_units = units[units.program.notna()]
    assert set(heart_units.program) == {"CRT", "CORESPONSE"}
    assert (heart_units.unit_type == heart_units.program).all()
    assert set(units.unit_type) == {"POLICE", "EMS", "FIRE", "CRT", "CORESPONSE"}
    assert set(cms["staff"].program) == {"CRT", "CORESPONSE", "CARENAV", "CCD"}
    assert set(cms["encounters"].program) == {"CRT", "CORESPONSE", "CCD"}
    inc = truth_incidents(result)
    assert set(inc.program) - {""} == {"CRT", "CORESPONSE", "CCD"}
    # Self-initiated HEART work and encounters with no CAD incident at all.
    heart_asg = cad["unit_assignments"][cad["unit_assignments"].unit_type.isin(["CRT", "CORESPONSE"])]
    si = cad["incidents"][cad["incidents"].call_origin == "SELF_INITIATED"]
    assert si.incident_number.isin(heart_asg.incident_number).sum() > 0
    assert cms["encounters"].cad_incident_number.isna().sum() > 0
    # CCD resolves calls by phone: CCD disposition and a CCD encounter on the same incident.
    ccd = cad["incidents"][cad["incidents"].disposition.isin(["CCD", "CCD_REFERRED"])]
    ccd_enc = cms["encounters"][cms["encounters"].program == "CCD"]
    assert len(ccd) > 0 and set(ccd_enc.cad_incident_number) == set(ccd.incident_number)


def test_outcomes_transports_arrests_follow_ups(tiny_clean):
    _, _, cad, cms = tiny_clean
    asg = cad["unit_assignments"]
    assert asg[asg.unit_type == "EMS"].transport_destination.notna().mean() > 0.3
    assert len(cad["arrests"]) > 0 and cad["arrests"].charge_category.notna().all()
    assert len(cms["transports"]) > 0 and len(cms["referrals"]) > 0
    fu = cms["follow_ups"]
    assert fu.encounter_id.notna().sum() > 0 and fu.cad_incident_number.notna().sum() > 0
    enc = cms["encounters"]
    assert enc.responder_felt_safe.isna().sum() > 0 and enc.police_backup_requested.sum() > 0
    assert enc.ems_requested.sum() > 0
    people = cms["people"]
    assert people.race.nunique() >= 5 and people.age_group.nunique() >= 5
    # Timestamps of a unit are ordered and durations plausible.
    ok = asg.dispatched_at.notna() & asg.on_scene_at.notna()
    minutes = (asg.on_scene_at[ok] - asg.dispatched_at[ok]).dt.total_seconds() / 60
    assert (minutes >= 0).all() and 3 < minutes.median() < 25


def test_incidents_at_the_dst_change_are_there(tiny):
    cfg, result, cad, _ = tiny
    # The tiny tier spans the 2024-11-03 fall-back: 01:xx local happens twice.
    tz = ZoneInfo(cfg.timezone)
    created = pd.to_datetime(cad["incidents"].created_at)
    repeated = [
        t
        for t in created
        if dt.date(2024, 11, 3) == t.replace(tzinfo=dt.UTC).astimezone(tz).date()
        and t.replace(tzinfo=dt.UTC).astimezone(tz).hour == 1
    ]
    offsets = {t.replace(tzinfo=dt.UTC).astimezone(tz).utcoffset() for t in repeated}
    assert len(offsets) == 2, "incidents in both occurrences of the repeated hour"
    defects = pd.read_csv(result.truth_dir / "defects.csv")
    assert (defects.defect_kind == "dst_transition").sum() >= 2
