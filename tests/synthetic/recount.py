"""A second, deliberately naive implementation of docs/metric_definitions.md for the tests.

Plain Python loops over rows read back from the written databases (no pandas groupbys, no code
shared with the generator): with `defect_rate=0` the written rows are the true state and every
encounter carries its incident's exact number, so this must reproduce `truth/metric_values.csv`.
"""
from __future__ import annotations

import csv
import datetime as dt
import math
from collections import defaultdict
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd

UTC = dt.timezone.utc
SEEDS = Path(__file__).resolve().parents[2] / "seeds"
DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
HEART_PROGRAM_METRICS = {"heart_incidents", "heart_incidents_by_origin", "response_minutes_mean",
                         "response_minutes_median", "response_minutes_p90", "outcome_share", "felt_safe_share",
                         "police_backup_share", "ems_support_share", "referral_share", "transport_share"}


def seed(name: str) -> list[dict]:
    with open(SEEDS / f"{name}.csv", newline="") as fh:
        return list(csv.DictReader(fh))


def _date(value: str, default: dt.date) -> dt.date:
    return dt.date.fromisoformat(value) if value else default


def _rows(frame) -> list[dict]:
    out = []
    for rec in frame.to_dict("records"):
        out.append({k: (None if (v is None or v is pd.NaT or (isinstance(v, float) and math.isnan(v))) else
                        (v.to_pydatetime() if hasattr(v, "to_pydatetime") else v)) for k, v in rec.items()})
    return out


def as_date(value) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def percentile(values: list[float], q: float) -> float:
    xs = sorted(values)
    pos = q * (len(xs) - 1)
    lo = math.floor(pos)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def recount(cad: dict, cms: dict, timezone: str) -> dict[tuple, float]:
    tz = ZoneInfo(timezone)
    lo_date, hi_date = dt.date(1900, 1, 1), dt.date(2999, 12, 31)
    eligibility = [(r["call_type_code"], r["program"], _date(r["effective_from"], lo_date),
                    _date(r["effective_to"], hi_date)) for r in seed("call_type_eligibility")]
    exclusions = [(r["exclusion_code"], _date(r["effective_from"], lo_date), _date(r["effective_to"], hi_date))
                  for r in seed("eligibility_exclusions")]
    beats_served = [(r["program"], r["beat"], _date(r["effective_from"], lo_date), _date(r["effective_to"], hi_date))
                    for r in seed("program_service_beats")]
    hours = [(r["program"], r["day_of_week"], int(r["start_hour"]), int(r["end_hour"]),
              _date(r["effective_from"], lo_date), _date(r["effective_to"], hi_date))
             for r in seed("program_operating_hours")]
    origin_of = {r["call_origin"]: r["origin"] for r in seed("call_origins")}
    disp_cat = {r["disposition_code"]: r["outcome_category"] for r in seed("dispositions")}
    ccd_codes = {r["disposition_code"] for r in seed("dispositions") if r["is_ccd_resolution"] == "true"}
    outcome_cat = {r["outcome_code"]: r["outcome_category"] for r in seed("encounter_outcomes")}
    dest_cat = {r["destination_code"]: r["destination_category"] for r in seed("transport_destinations")}
    rule = seed("familiar_caller_rule")[0]
    fam_min, fam_days = int(rule["min_incidents"]), int(rule["window_days"])

    incidents = {r["incident_number"]: r for r in _rows(cad["incidents"])}
    units = {r["unit_id"]: r for r in _rows(cad["units"])}
    assignments = _rows(cad["unit_assignments"])
    by_incident = defaultdict(list)
    for a in assignments:
        by_incident[a["incident_number"]].append(a)
    encounters = _rows(cms["encounters"])
    enc_by_incident = defaultdict(list)
    for e in encounters:
        if e["cad_incident_number"] is not None:
            enc_by_incident[e["cad_incident_number"]].append(e)
    enc_incident = {e["encounter_id"]: e["cad_incident_number"] for e in encounters}

    def valid(ts, closed) -> bool:
        return ts is not None and ts >= dt.datetime(2000, 1, 1) and (closed is None or ts <= closed + dt.timedelta(days=7))

    def local(ts: dt.datetime) -> dt.datetime:
        return ts.replace(tzinfo=UTC).astimezone(tz)

    # Busy intervals of every unit, valid times only (validity judged against the assignment's own incident).
    busy = defaultdict(list)
    for a in assignments:
        closed = incidents[a["incident_number"]]["closed_at"]
        if valid(a["dispatched_at"], closed) and valid(a["cleared_at"], closed):
            busy[a["unit_id"]].append((a["dispatched_at"], a["cleared_at"]))

    phone_incidents = defaultdict(set)
    for c in _rows(cad["calls"]):
        if c["caller_phone"] is not None:
            phone_incidents[c["caller_phone"]].add(c["incident_number"])
    callers = defaultdict(set)
    for phone, nums in phone_incidents.items():
        for num in nums:
            callers[num].add(phone)
    arrests = defaultdict(int)
    for a in _rows(cad["arrests"]):
        arrests[a["incident_number"]] += 1
    referrals = defaultdict(set)
    for r in _rows(cms["referrals"]):
        num = enc_incident.get(r["encounter_id"])
        if num is not None:
            referrals[num].add(r["referral_type"])
    transports = defaultdict(set)
    for t in _rows(cms["transports"]):
        num = enc_incident.get(t["encounter_id"])
        if num is not None and t["destination_type"] in dest_cat:
            transports[num].add(dest_cat[t["destination_type"]])
    for a in assignments:
        if a["transport_destination"] in dest_cat:
            transports[a["incident_number"]].add(dest_cat[a["transport_destination"]])
    followed = set()
    for f in _rows(cms["follow_ups"]):
        if f["encounter_id"] is not None and enc_incident.get(int(f["encounter_id"])):
            followed.add(enc_incident[int(f["encounter_id"])])
        if f["cad_incident_number"] is not None:
            followed.add(f["cad_incident_number"])

    facts = []
    for num, inc in incidents.items():
        created, closed = inc["created_at"], inc["closed_at"]
        loc = local(created)
        day = loc.date()
        q_month = (loc.month - 1) // 3 * 3 + 1
        excluded = any(inc[code] and frm <= day < to for code, frm, to in exclusions)
        programs = set() if excluded else {p for code, p, frm, to in eligibility
                                           if code == inc["final_call_type"] and frm <= day < to}
        asg = by_incident[num]
        heart_asg = [a for a in asg if a["unit_type"] in ("CRT", "CORESPONSE")]
        arrived = [a for a in heart_asg if valid(a["on_scene_at"], closed)]
        encs = sorted(enc_by_incident[num], key=lambda e: (e["started_at"], e["encounter_id"]))
        ccd = inc["disposition"] in ccd_codes
        heart = bool(arrived) or bool(encs) or ccd
        program = None
        if arrived:
            with_dispatch = [a for a in arrived if valid(a["dispatched_at"], closed)]
            first = min(with_dispatch, key=lambda a: (a["dispatched_at"], a["unit_id"]))
            program = units[first["unit_id"]]["program"]
        elif ccd:
            program = "CCD"
        elif encs:
            program = encs[0]["program"]
        reason = None
        if programs and not heart:
            dispatchable = programs & {"CRT", "CORESPONSE"}
            serving = {p for p in dispatchable for prog, beat, frm, to in beats_served
                       if prog == p and beat == inc["beat"] and frm <= day < to}
            operating = {p for p in serving for prog, dow, start, end, frm, to in hours
                         if prog == p and dow == DAYS[loc.weekday()] and start <= loc.hour < end and frm <= day < to}
            candidates = [u for u in units.values() if u["program"] in operating
                          and as_date(u["in_service_from"]) <= day
                          and (u["in_service_to"] is None or day <= as_date(u["in_service_to"]))]
            free = [u for u in candidates
                    if not any(d <= created < c for d, c in busy[u["unit_id"]])]
            if not dispatchable:
                reason = "other"
            elif not serving:
                reason = "outside_service_area"
            elif not operating:
                reason = "outside_hours"
            elif not free:
                reason = "no_unit_available"
            else:
                reason = "other"
        response = None
        if heart and heart_asg and origin_of.get(inc["call_origin"]) != "self_initiated":
            ds = [a["dispatched_at"] for a in heart_asg if valid(a["dispatched_at"], closed)]
            os_ = [a["on_scene_at"] for a in heart_asg if valid(a["on_scene_at"], closed)]
            if ds and os_ and min(os_) >= min(ds):
                response = (min(os_) - min(ds)).total_seconds() / 60.0
        outcome = next((outcome_cat[e["outcome"]] for e in encs if e["outcome"] in outcome_cat), None)
        outcome = outcome or disp_cat.get(inc["disposition"]) or "unknown"
        reports = [e["responder_felt_safe"] for e in encs if e["responder_felt_safe"] is not None]
        police = [a for a in asg if a["unit_type"] == "POLICE" and valid(a["dispatched_at"], closed)
                  and valid(a["cleared_at"], closed) and a["cleared_at"] >= a["dispatched_at"]]
        familiar = any(
            sum(1 for other in phone_incidents[phone]
                if created - dt.timedelta(days=fam_days) < incidents[other]["created_at"] <= created) >= fam_min
            for phone in callers[num])
        facts.append({
            "periods": {"month": f"{loc.year:04d}-{loc.month:02d}-01", "quarter": f"{loc.year:04d}-{q_month:02d}-01",
                        "year": f"{loc.year:04d}-01-01"},
            "eligible": bool(programs), "programs": programs, "heart": heart, "program": program,
            "forgone": bool(programs) and not heart, "reason": reason,
            "origin": origin_of.get(inc["call_origin"]), "response": response, "outcome": outcome,
            "has_report": bool(reports), "all_safe": bool(reports) and all(bool(x) for x in reports),
            "backup": any(e["police_backup_requested"] for e in encs),
            "ems": any(e["ems_requested"] for e in encs) or any(a["unit_type"] == "EMS" for a in asg),
            "referrals": referrals[num], "transports": transports[num], "follow_up": num in followed,
            "police_minutes": sum((a["cleared_at"] - a["dispatched_at"]).total_seconds() / 60.0 for a in police),
            "police_assignments": len(police), "arrests": arrests[num], "familiar": familiar,
            "ccd": ccd, "dow_hour": f"{DAYS[loc.weekday()]}|{loc.hour:02d}", "beat": inc["beat"] or "UNKNOWN",
        })

    values: dict[tuple, float] = {}

    def put(metric, grain, period, program, dimension, dim_value, value):
        values[(metric, grain, period, program, dimension, dim_value)] = float(value)

    for grain in ("month", "quarter", "year"):
        periods = sorted({f["periods"][grain] for f in facts})
        for period in periods:
            in_period = [f for f in facts if f["periods"][grain] == period]
            heart = [f for f in in_period if f["heart"]]
            groups = [("ALL", heart)] + [(p, [f for f in heart if f["program"] == p])
                                         for p in sorted({f["program"] for f in heart})]
            for prog, h in groups:
                if not h:
                    continue
                n = len(h)
                put("heart_incidents", grain, period, prog, "", "", n)
                for origin in {f["origin"] for f in h}:
                    put("heart_incidents_by_origin", grain, period, prog, "origin", origin,
                        sum(f["origin"] == origin for f in h))
                times = [f["response"] for f in h if f["response"] is not None]
                if times:
                    put("response_minutes_mean", grain, period, prog, "", "", sum(times) / len(times))
                    put("response_minutes_median", grain, period, prog, "", "", percentile(times, 0.5))
                    put("response_minutes_p90", grain, period, prog, "", "", percentile(times, 0.9))
                for outcome in {f["outcome"] for f in h}:
                    put("outcome_share", grain, period, prog, "outcome", outcome,
                        sum(f["outcome"] == outcome for f in h) / n)
                reported = [f for f in h if f["has_report"]]
                if sum(f["all_safe"] for f in reported):
                    put("felt_safe_share", grain, period, prog, "", "", sum(f["all_safe"] for f in reported) / len(reported))
                if sum(f["backup"] for f in h):
                    put("police_backup_share", grain, period, prog, "", "", sum(f["backup"] for f in h) / n)
                if sum(f["ems"] for f in h):
                    put("ems_support_share", grain, period, prog, "", "", sum(f["ems"] for f in h) / n)
                for rtype in set().union(*[f["referrals"] for f in h]):
                    put("referral_share", grain, period, prog, "referral_type", rtype,
                        sum(rtype in f["referrals"] for f in h) / n)
                for cat in set().union(*[f["transports"] for f in h]):
                    put("transport_share", grain, period, prog, "destination", cat,
                        sum(cat in f["transports"] for f in h) / n)
            eligible = [f for f in in_period if f["eligible"]]
            if eligible:
                put("eligible_incidents", grain, period, "ALL", "", "", len(eligible))
            for p in ("CRT", "CORESPONSE", "CCD"):
                k = sum(p in f["programs"] for f in eligible)
                if k:
                    put("eligible_incidents", grain, period, p, "", "", k)
            forgone = [f for f in eligible if f["forgone"]]
            for reason in {f["reason"] for f in forgone}:
                put("forgone_share", grain, period, "ALL", "reason", reason,
                    sum(f["reason"] == reason for f in forgone) / len(eligible))
            counts = defaultdict(int)
            beats = defaultdict(int)
            for f in eligible:
                status = "forgone" if f["forgone"] else "responded"
                counts[f"{f['dow_hour']}|{status}"] += 1
                beats[f"{f['beat']}|{status}"] += 1
            for key, k in counts.items():
                put("eligible_by_dow_hour", grain, period, "ALL", "dow_hour_status", key, k)
            for key, k in beats.items():
                put("eligible_by_beat", grain, period, "ALL", "beat_status", key, k)
            if forgone:
                put("police_minutes_per_forgone_incident", grain, period, "ALL", "", "",
                    sum(f["police_minutes"] for f in forgone) / len(forgone))
            for status, pop in (("responded", [f for f in eligible if not f["forgone"]]), ("forgone", forgone)):
                k = sum(f["follow_up"] for f in pop)
                if k:
                    put("follow_up_incidents", grain, period, "ALL", "response_status", status, k)
                if pop:
                    for metric, num in (("arrests_per_100", sum(f["arrests"] for f in pop)),
                                        ("hospital_transports_per_100", sum("hospital" in f["transports"] for f in pop)),
                                        ("care_center_transports_per_100",
                                         sum("care_center" in f["transports"] for f in pop))):
                        if num:
                            put(metric, grain, period, "ALL", "response_status", status, 100.0 * num / len(pop))
            responded = sum(1 for f in eligible if not f["forgone"])
            handled = [f for f in forgone if f["police_assignments"] > 0]
            if responded and handled:
                k = sum(f["police_assignments"] for f in handled)
                hours_total = sum(f["police_minutes"] for f in handled) / 60.0
                put("police_hours_saved", grain, period, "ALL", "", "", responded * (k / len(handled)) * (hours_total / k))
            fam = sum(f["familiar"] for f in eligible)
            if fam:
                put("familiar_caller_share", grain, period, "ALL", "", "", fam / len(eligible))
            ccd = sum(f["ccd"] for f in in_period)
            if ccd:
                put("ccd_incidents", grain, period, "ALL", "", "", ccd)
    return values
