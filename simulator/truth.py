"""The truth oracle: true facts and true metric values, from what the simulation itself knew.

The pipeline derives eligibility, forgone reasons and police time saved from written rules over the
written data. The oracle does not apply those rules a second time: it reads the facts the simulation
recorded where it decided them (`city._causal_facts`): whether an incident was an opportunity for a
team (a call from the public whose dispatch-time type was eligible and that needed a response), why
HEART did not go (the routing's or the dispatch loop's own reason), and the police response each
incident HEART took alone would have had without it. Everything the data records directly (volumes,
responses, times, outcomes, referrals, transports, follow-ups, arrests) is counted from the
simulation's true, pre-defect tables and its true links (which encounter and follow-up belongs to
which incident); it never reads the written databases and shares no code with the dbt models.

Outputs in `truth_dir`: incidents.csv, encounter_links.csv, follow_up_links.csv, defects.csv,
canaries.json and metric_values.csv.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
import pandas as pd

from orchestration.business_rules import business_rules

from .city import SIM_REASON_PUBLISHED
from .frames import lookup, text
from .rules import DAYS, Rules

VALID_FROM = business_rules().placeholder_before_epoch  # earlier values are placeholders
VALID_AFTER_CLOSE = 7 * 86400  # a time later than close + 7 days is not valid
HEART_TYPES = business_rules().dispatchable_programs
ELIGIBILITY_PROGRAMS = business_rules().eligibility_programs
METRIC_COLUMNS = ["metric_id", "period_grain", "period_start", "program", "dimension", "dimension_value", "value"]
HEART_PROGRAM_METRICS = (
    "heart_incidents",
    "heart_incidents_by_origin",
    "response_minutes_mean",
    "response_minutes_median",
    "response_minutes_p90",
    "time_on_task_minutes_mean",
    "outcome_share",
    "felt_safe_share",
    "police_backup_share",
    "ems_support_share",
    "referral_share",
    "transport_share",
    "transport_destination_share",
)
# Teams that answer without police: their incidents are the A of police time saved.
WITHOUT_POLICE = ("CRT", "CCD")


# ---- helpers ----------------------------------------------------------------------------------


def _valid(ts: pd.Series | np.ndarray, closed: np.ndarray) -> np.ndarray:
    t = np.asarray(ts, dtype="float64")
    c = np.asarray(closed, dtype="float64")
    with np.errstate(invalid="ignore"):
        return ~np.isnan(t) & (t >= VALID_FROM) & (np.isnan(c) | (t <= c + VALID_AFTER_CLOSE))


def _local(created: np.ndarray, tz: str) -> pd.DataFrame:
    local = pd.DatetimeIndex(pd.to_datetime(created, unit="s", utc=True)).tz_convert(tz).tz_localize(None)
    frame = pd.DataFrame({"date": local.normalize()})
    frame["dow"] = pd.Series(np.array(DAYS, dtype=object)[local.day_of_week], dtype=object)
    frame["hour"] = np.asarray(local.hour)
    year, month = np.asarray(local.year), np.asarray(local.month)
    first, last = int(year.min()), int(year.max())
    labels = np.array([f"{y:04d}-{m:02d}-01" for y in range(first, last + 1) for m in range(1, 13)], dtype=object)
    frame["month"] = pd.Series(labels[(year - first) * 12 + month - 1], dtype=object)
    frame["quarter"] = pd.Series(labels[(year - first) * 12 + ((month - 1) // 3) * 3], dtype=object)
    frame["year"] = pd.Series(labels[(year - first) * 12], dtype=object)
    return frame


@dataclass
class IncidentFacts:
    """One row per incident with every fact a metric needs (true state)."""

    frame: pd.DataFrame
    referral_types: pd.DataFrame  # incident_number, referral_type (distinct)
    transport_categories: pd.DataFrame  # incident_number, category, group (distinct)
    contacts: pd.DataFrame | None  # one row per Care Navigation follow-up: its local periods


# ---- the facts ---------------------------------------------------------------------------------


def incident_facts(
    tables: dict[str, pd.DataFrame],
    encounter_incident: pd.DataFrame,
    follow_up_incident: pd.DataFrame,
    causal: pd.DataFrame,
    rules: Rules,
    tz: str,
) -> IncidentFacts:
    """Every fact the metrics need, one row per incident.

    Rows of the other tables are attached to incidents by position (`i`, -1 = none) once, so the
    rest is integer arithmetic.
    """
    src = tables["incidents"]
    n = len(src)
    inc = pd.DataFrame({"incident_number": src.incident_number.to_numpy(dtype=object)}, dtype=object)
    for col in ("beat", "disposition", "call_origin", "initial_call_type", "final_call_type"):
        inc[col] = text(src[col].to_numpy(dtype=object), inc.index)
    for col in ("created_at", "weapon_involved", "violence_toward_others"):
        inc[col] = src[col].to_numpy()
    inc["closed"] = src.closed_at.to_numpy(dtype="float64")
    local = _local(src.created_at.to_numpy(dtype="int64"), tz)
    for col in ("date", "dow", "hour", "month", "quarter", "year"):
        inc[col] = local[col].to_numpy() if col in ("date", "hour") else text(local[col].to_numpy(), inc.index)
    index = pd.Index(inc.incident_number.to_numpy(dtype=object))

    def position(numbers) -> np.ndarray:
        return index.get_indexer(pd.Index(np.asarray(numbers, dtype=object)))

    def any_of(positions: np.ndarray) -> np.ndarray:
        out = np.zeros(n, dtype=bool)
        out[positions[positions >= 0]] = True
        return out

    # Eligibility and the reasons HEART did not go: the simulation's own record.
    cz = causal.set_index("incident_number").reindex(index)
    for p in ELIGIBILITY_PROGRAMS:
        inc[f"eligible_{p}"] = cz[f"eligible_{p}"].to_numpy(dtype=bool)
    inc["eligible"] = cz.opportunity.to_numpy(dtype=bool)
    inc["set_apart"] = text(cz.set_apart.to_numpy(dtype=object), inc.index)
    inc["sim_reason"] = text(cz.sim_reason.to_numpy(dtype=object), inc.index)
    inc["police_without_heart"] = cz.police_without_heart.to_numpy(dtype=bool)
    inc["counterfactual_police_minutes"] = cz.counterfactual_police_minutes.to_numpy(dtype="float64")

    # Unit assignments with validity relative to their incident's close.
    ua = tables["unit_assignments"]
    asg = pd.DataFrame(
        {
            "i": position(ua.incident_number),
            "unit_id": ua.unit_id.to_numpy(dtype=object),
            "unit_type": ua.unit_type.to_numpy(dtype=object),
            "transport_destination": ua.transport_destination.to_numpy(dtype=object),
        }
    )
    closed_of = inc.closed.to_numpy()[asg.i.to_numpy()]
    for col in ("dispatched_at", "on_scene_at", "cleared_at"):
        asg[col] = ua[col].to_numpy(dtype="float64")
        asg[f"{col}_ok"] = _valid(asg[col], closed_of)
    is_heart = asg.unit_type.isin(HEART_TYPES).to_numpy()
    heart = asg[is_heart]

    # HEART-responded: (a) arrived HEART unit, (b) linked encounter, (c) CCD disposition.
    arrived = heart[heart.on_scene_at_ok]
    inc["resp_a"] = any_of(arrived.i.to_numpy())
    enc_src = tables["encounters"]
    true_number = enc_src.encounter_id.map(encounter_incident.set_index("encounter_id").incident_number)
    enc = pd.DataFrame(
        {
            "encounter_id": enc_src.encounter_id.to_numpy(),
            "i": position(true_number),
            "program": enc_src.program.to_numpy(dtype=object),
            "started_at": enc_src.started_at.to_numpy(dtype="float64"),
            "outcome": enc_src.outcome.to_numpy(dtype=object),
            "responder_felt_safe": enc_src.responder_felt_safe.to_numpy(dtype=object),
            "police_backup_requested": enc_src.police_backup_requested.to_numpy(dtype=bool),
            "ems_requested": enc_src.ems_requested.to_numpy(dtype=bool),
        }
    )
    enc = enc[enc.i >= 0]
    inc["resp_b"] = any_of(enc.i.to_numpy())
    ccd_codes = set(rules.dispositions.disposition_code[rules.dispositions.is_ccd_resolution.str.lower() == "true"])
    inc["ccd_resolved"] = lookup({c: True for c in ccd_codes}, inc.disposition, False, bool)
    inc["heart"] = inc.resp_a | inc.resp_b | inc.ccd_resolved

    # Program: earliest valid dispatch among arrived HEART units (tie: smallest unit id), else CCD,
    # else the earliest linked encounter's program.
    unit_program = dict(zip(tables["units"].unit_id, tables["units"].program))
    ranked = arrived.assign(
        no_dispatch=~arrived.dispatched_at_ok.to_numpy(),
        d=np.where(arrived.dispatched_at_ok, arrived.dispatched_at, np.inf),
    )
    first = ranked.sort_values(["i", "no_dispatch", "d", "unit_id"], kind="stable").drop_duplicates("i")
    program_a = np.full(n, None, dtype=object)
    program_a[first.i.to_numpy()] = lookup(unit_program, first.unit_id)
    first_enc = enc.sort_values(["i", "started_at", "encounter_id"], kind="stable").drop_duplicates("i")
    program_b = np.full(n, None, dtype=object)
    program_b[first_enc.i.to_numpy()] = first_enc.program.to_numpy(dtype=object)
    inc["program"] = text(
        np.where(inc.resp_a, program_a, np.where(inc.ccd_resolved, "CCD", np.where(inc.resp_b, program_b, None))),
        inc.index,
    )

    # Forgone: an opportunity HEART did not reach. Its reason is the simulation's; an incident the loop
    # sent a team to that had not arrived when the period ended, or a CCD call still in progress,
    # is forgone in the data too.
    inc["forgone"] = inc.eligible & ~inc.heart
    sim_reason = inc.sim_reason.to_numpy(dtype=object).copy()
    unexplained = inc.forgone.to_numpy() & pd.isna(sim_reason)
    sim_reason[unexplained] = "arrival_after_period_end"
    sim_reason[~inc.forgone.to_numpy()] = None
    inc["sim_reason"] = text(sim_reason, inc.index)
    inc["forgone_reason"] = text(lookup(SIM_REASON_PUBLISHED, sim_reason), inc.index)

    inc["origin"] = text(lookup(dict(zip(rules.origins.call_origin, rules.origins.origin)), inc.call_origin), inc.index)

    # Response time.
    d = heart[heart.dispatched_at_ok].groupby("i").dispatched_at.min().reindex(range(n)).to_numpy()
    o = heart[heart.on_scene_at_ok].groupby("i").on_scene_at.min().reindex(range(n)).to_numpy()
    with np.errstate(invalid="ignore"):
        ok = (
            inc.heart.to_numpy()
            & any_of(heart.i.to_numpy())
            & (inc.origin != "self_initiated").to_numpy()
            & ~np.isnan(d)
            & ~np.isnan(o)
            & (o >= d)
        )
    inc["response_minutes"] = np.where(ok, (o - d) / 60.0, np.nan)

    # Time on task: the HEART units' dispatch-to-clear minutes, when every one of them is timed.
    timed = heart.dispatched_at_ok & heart.cleared_at_ok & (heart.cleared_at >= heart.dispatched_at)
    per_unit = pd.DataFrame(
        {
            "i": heart.i.to_numpy(),
            "timed": timed.to_numpy(),
            "minutes": np.where(timed, (heart.cleared_at - heart.dispatched_at) / 60.0, 0.0),
        }
    )
    tot = per_unit.groupby("i").agg(minutes=("minutes", "sum"), all_timed=("timed", "all")).reindex(range(n))
    on_task = inc.resp_a.to_numpy() & tot.all_timed.fillna(False).to_numpy(dtype=bool)
    inc["time_on_task_minutes"] = np.where(on_task, tot.minutes.to_numpy(), np.nan)

    # Outcome: earliest linked encounter with a mapped outcome, else the disposition's category.
    enc_cat = dict(zip(rules.encounter_outcomes.outcome_code, rules.encounter_outcomes.outcome_category))
    mapped = enc[enc.outcome.isin(list(enc_cat))]
    first_mapped = mapped.sort_values(["i", "started_at", "encounter_id"], kind="stable").drop_duplicates("i")
    outcome = lookup(
        dict(zip(rules.dispositions.disposition_code, rules.dispositions.outcome_category)), inc.disposition, "unknown"
    )
    outcome[first_mapped.i.to_numpy()] = lookup(enc_cat, first_mapped.outcome)
    inc["outcome"] = text(outcome, inc.index)

    # Safety reports and requests on linked encounters; EMS also from CAD.
    reports = enc[enc.responder_felt_safe.notna()]
    inc["has_safety_report"] = any_of(reports.i.to_numpy())
    unsafe = reports.i.to_numpy()[~reports.responder_felt_safe.astype(bool).to_numpy()]
    inc["all_felt_safe"] = inc.has_safety_report.to_numpy() & ~any_of(unsafe)
    inc["police_backup"] = any_of(enc.i.to_numpy()[enc.police_backup_requested.to_numpy()])
    # EMS the team needed: the team's own request (units sent by protocol with the call are not it).
    inc["ems_support"] = any_of(enc.i.to_numpy()[enc.ems_requested.to_numpy()])

    # Referrals and transports of linked encounters (+ CAD transports).
    enc_i = enc.set_index("encounter_id").i
    ref = tables["referrals"]
    referral_types = pd.DataFrame(
        {"i": ref.encounter_id.map(enc_i).to_numpy(), "referral_type": ref.referral_type.to_numpy(dtype=object)}
    ).dropna()
    referral_types = referral_types.astype({"i": "int64"}).drop_duplicates()
    dest_cat = dict(zip(rules.destinations.destination_code, rules.destinations.destination_category))
    tr = tables["transports"]
    cad_tr = asg[asg.transport_destination.notna()]
    dest_group = dict(zip(rules.destinations.destination_code, rules.destinations.destination_group))
    transported = pd.concat(
        [
            pd.DataFrame(
                {"i": tr.encounter_id.map(enc_i).to_numpy(), "code": tr.destination_type.to_numpy(dtype=object)}
            ),
            pd.DataFrame({"i": cad_tr.i.to_numpy(), "code": cad_tr.transport_destination.to_numpy(dtype=object)}),
        ]
    ).dropna()
    transports = (
        pd.DataFrame(
            {
                "i": transported.i.to_numpy(),
                "category": lookup(dest_cat, transported.code),
                "group": lookup(dest_group, transported.code),
            }
        )
        .dropna()
        .astype({"i": "int64"})
        .drop_duplicates()
    )
    inc["hospital_transport"] = any_of(transports.i.to_numpy()[(transports.category == "hospital").to_numpy()])
    inc["care_center_transport"] = any_of(transports.i.to_numpy()[(transports.category == "care_center").to_numpy()])

    # Follow-ups: through the encounter's true incident, or the CAD number's true incident.
    # Care Navigation's follow-ups and CCD clinicians' call backs are told apart by the team that
    # made them (the generator's own label).
    fu = tables["follow_ups"]
    team = pd.Series(fu.team.fillna("CARE_NAVIGATION").to_numpy(dtype=object), index=fu.follow_up_id.to_numpy())
    care_nav = fu[(team == "CARE_NAVIGATION").to_numpy()]
    all_enc_i = pd.Series(position(true_number), index=enc_src.encounter_id.to_numpy())
    by_enc = care_nav.encounter_id.dropna().astype("int64").map(all_enc_i).dropna().astype("int64").to_numpy()
    link_team = team.reindex(follow_up_incident.follow_up_id.to_numpy()).to_numpy(dtype=object)
    by_number = follow_up_incident.incident_number.to_numpy(dtype=object)
    inc["follow_up"] = any_of(by_enc) | any_of(position(by_number[link_team == "CARE_NAVIGATION"]))
    ccd_calls = pd.Series(position(by_number[link_team == "CCD"])).value_counts()
    inc["ccd_follow_up_calls"] = ccd_calls.reindex(range(len(inc))).fillna(0).astype("int64").to_numpy()
    contacts = _local(care_nav.followed_up_at.to_numpy(dtype="float64").astype("int64"), tz) if len(care_nav) else None

    # Police minutes and valid police assignments.
    pol = asg[
        (asg.unit_type == "POLICE").to_numpy()
        & asg.dispatched_at_ok.to_numpy()
        & asg.cleared_at_ok.to_numpy()
        & (asg.cleared_at >= asg.dispatched_at).to_numpy()
    ]
    mins = ((pol.cleared_at - pol.dispatched_at) / 60.0).groupby(pol.i).agg(["sum", "count"]).reindex(range(n))
    inc["police_minutes"] = mins["sum"].fillna(0.0).to_numpy()
    inc["valid_police_assignments"] = mins["count"].fillna(0).astype("int64").to_numpy()
    sent = asg[(asg.unit_type == "POLICE").to_numpy()].groupby("i").unit_id.nunique().reindex(range(n))
    inc["police_units"] = sent.fillna(0).astype("int64").to_numpy()
    arrests_i = position(tables["arrests"].incident_number)
    inc["arrests"] = np.bincount(arrests_i[arrests_i >= 0], minlength=n)

    calls = tables["calls"]
    inc["familiar_caller"] = _familiar(
        position(calls.incident_number),
        calls.caller_phone.to_numpy(dtype=object),
        src.created_at.to_numpy(dtype="int64"),
        rules,
    )
    inc["beat_key"] = inc.beat.fillna("UNKNOWN")
    referral_types = referral_types.assign(incident_number=inc.incident_number.to_numpy()[referral_types.i])
    transports = transports.assign(incident_number=inc.incident_number.to_numpy()[transports.i])
    return IncidentFacts(inc, referral_types, transports, contacts)


def _familiar(call_incident: np.ndarray, phone: np.ndarray, created: np.ndarray, rules: Rules) -> np.ndarray:
    """Distinct incidents per phone in (created_at - window, created_at], counting the incident itself."""
    keep = (call_incident >= 0) & pd.notna(phone)
    pairs = pd.DataFrame(
        {"phone": pd.factorize(pd.Series(phone[keep], dtype=object))[0].astype("int64"), "i": call_incident[keep]}
    ).drop_duplicates()
    ph = pairs.phone.to_numpy()
    t = created[pairs.i.to_numpy()]
    window = rules.familiar_window_days * 86400
    familiar = np.zeros(len(created), dtype=bool)
    if len(t) == 0:
        return familiar
    # One sorted key per (phone, time): a window query within a phone is then one searchsorted.
    span = int(t.max() - t.min()) + window + 1
    key = ph * span + (t - int(t.min()) + window)
    srt = np.sort(key)
    count = np.searchsorted(srt, key, side="right") - np.searchsorted(srt, key - window, side="right")
    familiar[pairs.i.to_numpy()[count >= rules.familiar_min_incidents]] = True
    return familiar


# ---- metrics -----------------------------------------------------------------------------------


def metric_values(facts: IncidentFacts, rules: Rules) -> pd.DataFrame:
    inc = facts.frame
    out: list[pd.DataFrame] = []

    def rows(metric, grain, df, dimension="", dim_col=None, program="ALL"):
        """df: period_start [, dim] , value -> output rows."""
        df = df.reset_index()
        out.append(
            pd.DataFrame(
                {
                    "metric_id": metric,
                    "period_grain": grain,
                    "period_start": df["period_start"].to_numpy(),
                    "program": program if isinstance(program, str) else df[program].to_numpy(),
                    "dimension": dimension,
                    "dimension_value": "" if dim_col is None else df[dim_col].astype(str).to_numpy(),
                    "value": df["value"].astype("float64").to_numpy(),
                }
            )
        )

    heart_all, eligible_all, ccd_all = inc[inc.heart], inc[inc.eligible], inc[inc.ccd_resolved]
    for grain in ("month", "quarter", "year"):
        heart = heart_all.assign(period_start=heart_all[grain])
        eligible = eligible_all.assign(period_start=eligible_all[grain])
        forgone = eligible[eligible.forgone]
        # HEART-incident metrics: ALL and per program of the HEART incident.
        for prog, h in [("ALL", heart)] + [
            (p, heart[heart.program == p]) for p in sorted(heart.program.dropna().unique())
        ]:
            if h.empty:
                continue
            n = h.groupby("period_start").size()
            rows("heart_incidents", grain, n.rename("value"), program=prog)
            by = h.groupby(["period_start", "origin"]).size().rename("value")
            rows("heart_incidents_by_origin", grain, by[by > 0], "origin", "origin", prog)
            rt = h[h.response_minutes.notna()].groupby("period_start").response_minutes
            if len(h[h.response_minutes.notna()]):
                rows("response_minutes_mean", grain, rt.mean().rename("value"), program=prog)
                rows("response_minutes_median", grain, rt.quantile(0.5).rename("value"), program=prog)
                rows("response_minutes_p90", grain, rt.quantile(0.9).rename("value"), program=prog)
            on_task = h[h.time_on_task_minutes.notna()]
            if len(on_task):
                rows(
                    "time_on_task_minutes_mean",
                    grain,
                    on_task.groupby("period_start").time_on_task_minutes.mean().rename("value"),
                    program=prog,
                )
            oc = h.groupby(["period_start", "outcome"]).size()
            share = (oc / n.reindex(oc.index.get_level_values(0)).to_numpy()).rename("value")
            rows("outcome_share", grain, share[oc > 0], "outcome", "outcome", prog)
            rep = (
                h[h.has_safety_report]
                .groupby("period_start")
                .agg(num=("all_felt_safe", "sum"), den=("all_felt_safe", "size"))
            )
            rep = rep[rep.num > 0]
            rows("felt_safe_share", grain, (rep.num / rep.den).rename("value"), program=prog)
            for metric, col in (("police_backup_share", "police_backup"), ("ems_support_share", "ems_support")):
                num = h.groupby("period_start")[col].sum()
                num = num[num > 0]
                rows(metric, grain, (num / n.reindex(num.index)).rename("value"), program=prog)
            ref = facts.referral_types.merge(h[["incident_number", "period_start"]], on="incident_number")
            rc = ref.groupby(["period_start", "referral_type"]).size()
            rows(
                "referral_share",
                grain,
                (rc / n.reindex(rc.index.get_level_values(0)).to_numpy()).rename("value"),
                "referral_type",
                "referral_type",
                prog,
            )
            tr = facts.transport_categories.merge(h[["incident_number", "period_start"]], on="incident_number")
            tc = tr.drop_duplicates(["incident_number", "category"]).groupby(["period_start", "category"]).size()
            rows(
                "transport_share",
                grain,
                (tc / n.reindex(tc.index.get_level_values(0)).to_numpy()).rename("value"),
                "destination",
                "category",
                prog,
            )
            tg = tr.drop_duplicates(["incident_number", "group"]).groupby(["period_start", "group"]).size()
            rows(
                "transport_destination_share",
                grain,
                (tg / n.reindex(tg.index.get_level_values(0)).to_numpy()).rename("value"),
                "destination_group",
                "group",
                prog,
            )

        # Eligible incidents: ALL and per eligible program.
        rows("eligible_incidents", grain, eligible.groupby("period_start").size().rename("value"))
        for p in ELIGIBILITY_PROGRAMS:
            ep = eligible[eligible[f"eligible_{p}"]]
            if len(ep):
                rows("eligible_incidents", grain, ep.groupby("period_start").size().rename("value"), program=p)
        apart = inc[inc.set_apart.notna()]
        rows(
            "set_apart_incidents",
            grain,
            apart.groupby([apart[grain].rename("period_start"), "set_apart"]).size().rename("value"),
            "reason",
            "set_apart",
        )
        n_elig = eligible.groupby("period_start").size()
        fr = forgone.groupby(["period_start", "forgone_reason"]).size()
        rows(
            "forgone_share",
            grain,
            (fr / n_elig.reindex(fr.index.get_level_values(0)).to_numpy()).rename("value"),
            "reason",
            "forgone_reason",
        )
        status = np.where(eligible.heart, "responded", "forgone")
        el = eligible.assign(status=status)
        el["dow_hour_status"] = el.dow + "|" + el.hour.map("{:02d}".format) + "|" + el.status
        rows(
            "eligible_by_dow_hour",
            grain,
            el.groupby(["period_start", "dow_hour_status"]).size().rename("value"),
            "dow_hour_status",
            "dow_hour_status",
        )
        el["beat_status"] = el.beat_key + "|" + el.status
        rows(
            "eligible_by_beat",
            grain,
            el.groupby(["period_start", "beat_status"]).size().rename("value"),
            "beat_status",
            "beat_status",
        )
        if len(forgone):
            pm = forgone.groupby("period_start").police_minutes.agg(["sum", "size"])
            rows("police_minutes_per_forgone_incident", grain, (pm["sum"] / pm["size"]).rename("value"))
        answered = el[(el.status == "responded") & el.response_minutes.notna()]
        if len(answered):
            rows(
                "eligible_response_minutes_mean",
                grain,
                answered.groupby("period_start").response_minutes.mean().rename("value"),
            )
        followed = inc[inc.follow_up].assign(period_start=lambda f, grain=grain: f[grain])
        followed["status"] = np.where(followed.heart, "responded", np.where(followed.forgone, "forgone", "other"))
        rows(
            "follow_up_incidents",
            grain,
            followed.groupby(["period_start", "status"]).size().rename("value"),
            "response_status",
            "status",
        )
        if facts.contacts is not None:
            rows(
                "care_navigation_contacts",
                grain,
                facts.contacts.groupby(facts.contacts[grain].rename("period_start")).size().rename("value"),
            )

        # Police time saved: the true saving, from the police response each answered incident would
        # have had without HEART (what the pipeline's estimate is measured against, not matched to).
        a = el[(el.status == "responded") & el.program.isin(WITHOUT_POLICE)]
        if len(a):
            without = np.where(a.police_without_heart, a.police_minutes, a.counterfactual_police_minutes)
            saved = a.assign(gross=without / 60.0, net=(without - a.police_minutes) / 60.0).groupby("period_start")
            rows("police_hours_saved", grain, saved.gross.sum().rename("value"))
            rows("police_hours_saved_net", grain, saved.net.sum().rename("value"))

        # Per-100 rates: in-person responses against eligible incidents not responded to.
        el = el[(el.status == "forgone") | el.program.isin(HEART_TYPES)]
        g = el.groupby(["period_start", "status"])
        den = g.size()
        for metric, num in (
            ("arrests_per_100", g.arrests.sum()),
            ("hospital_transports_per_100", g.hospital_transport.sum()),
            ("care_center_transports_per_100", g.care_center_transport.sum()),
        ):
            # a rate of 0 over incidents that exist is a value, written like any other
            rows(metric, grain, (100.0 * num / den.reindex(num.index)).rename("value"), "response_status", "status")
        # The same, standardized: per stratum (hour band x call type at dispatch) rates weighted by
        # the stratum's incidents on both sides, over the strata both sides have incidents in.
        st = (
            el.assign(band=el.hour // 6)
            .groupby(["period_start", "band", "initial_call_type", "status"])
            .agg(
                n=("status", "size"),
                arrests=("arrests", "sum"),
                hospital=("hospital_transport", "sum"),
                care_center=("care_center_transport", "sum"),
            )
            .reset_index()
        )
        strata = ["period_start", "band", "initial_call_type"]
        st = st[st.groupby(strata).status.transform("nunique") == 2]
        st["weight"] = st.groupby(strata).n.transform("sum")
        for metric, col in (
            ("arrests_per_100_standardized", "arrests"),
            ("hospital_transports_per_100_standardized", "hospital"),
            ("care_center_transports_per_100_standardized", "care_center"),
        ):
            side = (
                st.assign(w_rate=st.weight * st[col] / st.n)
                .groupby(["period_start", "status"])
                .agg(w_rate=("w_rate", "sum"), weight=("weight", "sum"), events=(col, "sum"))
            )
            rows(metric, grain, (100.0 * side.w_rate / side.weight).rename("value"), "response_status", "status")

        fam = eligible.groupby("period_start").familiar_caller.sum()
        fam = fam[fam > 0]
        rows("familiar_caller_share", grain, (fam / n_elig.reindex(fam.index)).rename("value"))
        ccd = ccd_all.groupby(ccd_all[grain].rename("period_start")).size()
        rows("ccd_incidents", grain, ccd.rename("value"))
        calls = forgone.groupby("period_start").ccd_follow_up_calls.sum()
        calls = calls[calls > 0]
        rows("ccd_follow_up_calls", grain, calls.rename("value"))
        contacts_ccd = ccd.add(calls, fill_value=0)
        rows("ccd_responses_with_follow_ups", grain, contacts_ccd[contacts_ccd > 0].rename("value"))

    result = pd.concat(out, ignore_index=True)
    result = result[result.value.notna()]
    return result.sort_values(
        ["metric_id", "period_grain", "period_start", "program", "dimension", "dimension_value"], kind="stable"
    ).reset_index(drop=True)[METRIC_COLUMNS]


# ---- files -------------------------------------------------------------------------------------


def incidents_truth(facts: IncidentFacts) -> pd.DataFrame:
    inc = facts.frame
    code = sum((inc[f"eligible_{p}"].to_numpy().astype("int64") << k) for k, p in enumerate(ELIGIBILITY_PROGRAMS))
    names = np.array(
        [";".join(p for k, p in enumerate(ELIGIBILITY_PROGRAMS) if c >> k & 1) for c in range(8)], dtype=object
    )
    return pd.DataFrame(
        {
            "incident_number": inc.incident_number.to_numpy(dtype=object),
            "eligible_programs": names[code],
            "eligible": inc.eligible.to_numpy(),
            "heart_responded": inc.heart.to_numpy(),
            "program": inc.program.to_numpy(dtype=object),
            "forgone_reason": inc.forgone_reason.to_numpy(dtype=object),
            "origin": inc.origin.to_numpy(dtype=object),
            "response_minutes": inc.response_minutes.to_numpy(),
            "familiar_caller": inc.familiar_caller.to_numpy(),
            "police_minutes": inc.police_minutes.to_numpy(),
            "follow_up": inc.follow_up.to_numpy(),
            "outcome": np.where(inc.heart.to_numpy(), inc.outcome.to_numpy(dtype=object), None),
            "set_apart": inc.set_apart.to_numpy(dtype=object),
            "sim_reason": inc.sim_reason.to_numpy(dtype=object),
            "police_units": inc.police_units.to_numpy(),
            "police_without_heart": inc.police_without_heart.to_numpy(),
            "counterfactual_police_minutes": inc.counterfactual_police_minutes.to_numpy(),
        }
    ).astype(
        {
            c: object
            for c in (
                "incident_number",
                "eligible_programs",
                "program",
                "forgone_reason",
                "origin",
                "outcome",
                "set_apart",
                "sim_reason",
            )
        }
    )


def write_truth(state, defect_rows: pd.DataFrame, rules: Rules, cfg, progress: bool = True) -> IncidentFacts:
    truth_dir = cfg.truth_dir
    truth_dir.mkdir(parents=True, exist_ok=True)
    facts = incident_facts(
        state.tables, state.encounter_incident, state.follow_up_incident, state.causal, rules, state.timezone
    )
    incidents = incidents_truth(facts)
    incidents.to_csv(truth_dir / "incidents.csv", index=False)
    state.encounter_incident.to_csv(truth_dir / "encounter_links.csv", index=False)
    state.follow_up_incident.to_csv(truth_dir / "follow_up_links.csv", index=False)
    defect_rows.to_csv(truth_dir / "defects.csv", index=False)
    (truth_dir / "canaries.json").write_text(json.dumps(state.canaries, indent=2) + "\n")
    metric_values(facts, rules).to_csv(truth_dir / "metric_values.csv", index=False)
    return facts
