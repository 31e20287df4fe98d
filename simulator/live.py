"""Live mode: keep a generated city running, as the CAD replica and the case-management warehouse do.

Each `step()` appends incidents created in the last minutes (with their calls and the units already
dispatched, still open) and closes some open incidents (units arrive and clear, a disposition is set,
HEART work gets its encounter), bumping `updated_at` to the current time so incremental loaders see
them. HEART units' status history follows their work as CAD records it: ASSIGNED at dispatch,
AVAILABLE at clear, so "no unit available" keeps being derived from status in live mode too. Times come from the wall clock (UTC). The truth files describe the generated period only.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.dialects import sqlite

from orchestration.contract import get_system, sqlalchemy_table

from . import heart, incidents, response
from .config import GeneratorConfig
from .frames import text
from .rules import DISPATCHABLE, load_rules
from .timeutil import local_parts

HEART_DISPOSITIONS = ("HEART_RESOLVED", "HEART_RESOLVED", "REFERRED", "REFUSED", "TRANSPORT")
POLICE_DISPOSITIONS = ("REPORT", "ADVISED", "ADVISED", "ASSISTED", "UTL", "GOA")
SQLITE_TS = "%(year)04d-%(month)02d-%(day)02d %(hour)02d:%(minute)02d:%(second)02d"


def _epoch(value) -> float:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return np.nan
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value.replace(tzinfo=dt.UTC).timestamp()


def _ts(seconds) -> dt.datetime | None:
    if seconds is None or (isinstance(seconds, float) and np.isnan(seconds)):
        return None
    return dt.datetime.fromtimestamp(int(seconds), dt.UTC).replace(tzinfo=None)


class LiveCity:
    """Re-opens the source databases written by `generate(cfg)` and keeps them moving."""

    def __init__(self, cfg: GeneratorConfig, clock=time.time):
        self.cfg = cfg
        self.rules = load_rules()
        self.clock = clock
        for url in (cfg.resolved_cad_url, cfg.resolved_cms_url):
            parsed = sa.engine.make_url(url)
            if parsed.get_backend_name() == "sqlite" and parsed.database and not Path(parsed.database).exists():
                raise RuntimeError(
                    f"live mode: {parsed.database} does not exist; run `python -m simulator generate` first"
                )
        self.cad = sa.create_engine(cfg.resolved_cad_url)
        self.cms = sa.create_engine(cfg.resolved_cms_url)
        self.meta = sa.MetaData()
        self.tables = {}
        for system, engine in (("cad_replica", self.cad), ("case_management", self.cms)):
            try:
                present = set(sa.inspect(engine).get_table_names())
            except sa.exc.OperationalError:
                present = set()
            for t in get_system(system).tables:
                if t.name not in present:
                    raise RuntimeError(
                        f"live mode: table {t.name} is missing at {engine.url!r}; "
                        f"run `python -m simulator generate` first"
                    )
                table = sqlalchemy_table(t, self.meta)
                if engine.dialect.name == "sqlite":
                    # Same text layout as `generate` writes ("YYYY-MM-DD HH:MM:SS", no fraction).
                    for col in table.columns:
                        if isinstance(col.type, sa.DateTime):
                            col.type = sqlite.DATETIME(storage_format=SQLITE_TS)
                self.tables[t.name] = table
        self.steps = 0

    def close(self) -> None:
        self.cad.dispose()
        self.cms.dispose()

    # ---- helpers -----------------------------------------------------------------------------
    def _max(self, engine, table: str, column: str, where=None):
        col = self.tables[table].c[column]
        stmt = sa.select(sa.func.max(col))
        if where is not None:
            stmt = stmt.where(where)
        with engine.connect() as conn:
            return conn.execute(stmt).scalar()

    def _roster(self) -> heart.Roster:
        with self.cad.connect() as conn:
            units = pd.read_sql(sa.select(self.tables["units"]), conn)
        day = lambda v: np.nan if v is None or pd.isna(v) else (pd.Timestamp(v).date() - dt.date(1970, 1, 1)).days  # noqa: E731
        units["in_service_from"] = [day(v) for v in units.in_service_from]
        units["in_service_to"] = [day(v) for v in units.in_service_to]
        units = units.astype({"unit_id": object, "unit_type": object, "agency": object, "program": object})
        return heart.Roster(units)

    def _free_at(self, now: int) -> dict[str, int]:
        """When each HEART unit becomes free: after its latest clear, or never while it has an open assignment."""
        ua = self.tables["unit_assignments"]
        stmt = sa.select(ua.c.unit_id, ua.c.dispatched_at, ua.c.cleared_at).where(
            ua.c.unit_type.in_(list(DISPATCHABLE)),
            sa.or_(ua.c.cleared_at.is_(None), ua.c.cleared_at > _ts(now - 2 * 86400)),
        )
        free: dict[str, int] = {}
        with self.cad.connect() as conn:
            for unit, _dispatched, clr in conn.execute(stmt):
                until = now + 3600 if clr is None else int(_epoch(clr))
                free[unit] = max(free.get(unit, 0), until)
        return free

    # ---- one step ----------------------------------------------------------------------------
    def step(self, new_incidents: int = 10, updates: int = 5) -> dict[str, dict[str, int]]:
        """Append `new_incidents` open incidents and close up to `updates` open ones.

        Returns {table: {"inserted": n, "updated": m}} for every contract table."""
        self.steps += 1
        now = int(self.clock())
        rng = np.random.default_rng(np.random.SeedSequence([self.cfg.seed, 0x11FE, self.steps, now]))
        counts = {name: {"inserted": 0, "updated": 0} for name in self.tables}
        # Close first, so the incidents appended now stay open until a later step.
        self._close_open(rng, now, updates, counts)
        if new_incidents > 0:
            self._append(rng, now, new_incidents, counts)
        return counts

    def _append(self, rng, now: int, n: int, counts) -> None:
        tz = self.cfg.timezone
        created = np.sort(now - rng.integers(300, 900, n)).astype("int64")
        inc = incidents.draw_incidents(rng, created, self.rules, tz)
        lp = local_parts(created, tz)
        numbers = []
        next_seq: dict[int, int] = {}
        for year in lp.year:
            if year not in next_seq:
                last = self._max(
                    self.cad,
                    "incidents",
                    "incident_number",
                    self.tables["incidents"].c.incident_number.like(f"{year}-%"),
                )
                next_seq[year] = int(last.split("-")[1]) + 1 if last else 1
            numbers.append(f"{year}-{next_seq[year]:07d}")
            next_seq[year] += 1
        inc["incident_number"] = text(numbers, inc.index)

        # HEART routing by the initial call type, as the call-taker sees it.
        ctype = inc.initial_call_type.to_numpy(dtype=object)
        beat = inc.beat.to_numpy(dtype=object)
        excl = self.rules.excluded(
            {
                "weapon_involved": inc.weapon_involved.to_numpy(),
                "violence_toward_others": inc.violence_toward_others.to_numpy(),
            },
            lp.day,
        )
        mask = np.zeros(n, dtype="int64")
        for p in DISPATCHABLE:
            ok = (
                self.rules.eligible_for(p, ctype, lp.day)
                & ~excl
                & self.rules.serves(p, beat, lp.day)
                & self.rules.operates(p, lp.dow, lp.hour, lp.day)
            )
            mask |= heart.PROGRAM_BITS[p] * ok
        call_taker = np.isin(inc.call_origin.to_numpy(dtype=object), self.rules.call_origins_from_public)
        ev = np.nonzero(call_taker & (mask > 0))[0]
        roster = self._roster()
        loop = heart.run_loop(
            rng, roster, created[ev], lp.day[ev], np.full(len(ev), heart.DISPATCH), mask[ev], free_at=self._free_at(now)
        )
        heart_asg = loop.assignments.assign(incident=ev[loop.assignments.event.to_numpy()]).drop(columns="event")
        heart_asg["transport_destination"] = text(None, heart_asg.index)
        arrived = np.zeros(n, dtype=bool)
        arrived[heart_asg.incident.to_numpy()] = True
        counts_by_type = response.unit_counts(rng, inc, ~arrived)
        other = response.build_assignments(
            rng, inc, counts_by_type, roster.units, dict(zip(self.rules.beats.beat, self.rules.beats.district))
        )
        asg = pd.concat([heart_asg, other], ignore_index=True)
        asg = asg[asg.dispatched <= now].copy()
        for col in ("en_route", "on_scene", "cleared"):
            asg[col] = np.where(asg[col].to_numpy() > now, np.nan, asg[col].to_numpy())
        asg["transport_destination"] = text(np.where(asg.cleared.isna(), None, asg.transport_destination), asg.index)

        calls = incidents.draw_calls(rng, inc, np.array([], dtype=object), np.zeros(n, dtype=bool))
        calls = calls[calls.received <= now]
        first_call = self._max(self.cad, "calls", "call_id") or 0
        first_asg = self._max(self.cad, "unit_assignments", "assignment_id") or 0
        ts = _ts
        inc_rows = [
            {
                "incident_number": r.incident_number,
                "created_at": ts(r.created),
                "initial_call_type": r.initial_call_type,
                "final_call_type": r.initial_call_type,
                "priority": int(r.priority),
                "call_origin": r.call_origin,
                "beat": r.beat,
                "block_address": r.block_address,
                "latitude": None if pd.isna(r.latitude) else float(r.latitude),
                "longitude": None if pd.isna(r.longitude) else float(r.longitude),
                "weapon_involved": bool(r.weapon_involved),
                "violence_toward_others": bool(r.violence_toward_others),
                "disposition": None,
                "closed_at": None,
                "updated_at": ts(now),
            }
            for r in inc.itertuples()
        ]
        call_rows = [
            {
                "call_id": int(first_call) + 1 + k,
                "incident_number": numbers[int(c.incident_idx)],
                "received_at": ts(c.received),
                "caller_phone": c.caller_phone,
                "updated_at": ts(now),
            }
            for k, c in enumerate(calls.sort_values("received", kind="stable").itertuples())
        ]
        asg_rows = [
            {
                "assignment_id": int(first_asg) + 1 + k,
                "incident_number": numbers[int(a.incident)],
                "unit_id": a.unit_id,
                "unit_type": a.unit_type,
                "dispatched_at": ts(a.dispatched),
                "en_route_at": ts(a.en_route),
                "on_scene_at": ts(a.on_scene),
                "cleared_at": ts(a.cleared),
                "transport_destination": a.transport_destination,
                "updated_at": ts(now),
            }
            for k, a in enumerate(asg.sort_values(["dispatched", "incident"], kind="stable").itertuples())
        ]
        status_rows = self._status_rows(
            [(a["unit_id"], a["unit_type"], a["dispatched_at"], "ASSIGNED") for a in asg_rows]
            + [(a["unit_id"], a["unit_type"], a["cleared_at"], "AVAILABLE") for a in asg_rows],
            now,
        )
        with self.cad.begin() as conn:
            for name, rows in (
                ("incidents", inc_rows),
                ("calls", call_rows),
                ("unit_assignments", asg_rows),
                ("unit_status_changes", status_rows),
            ):
                if rows:
                    conn.execute(self.tables[name].insert(), rows)
                counts[name]["inserted"] += len(rows)

    def _status_rows(self, changes: list[tuple], now: int) -> list[dict]:
        """unit_status_changes rows for HEART units' (unit, unit type, time, status) changes; a change
        with no time (a unit not yet cleared) has not happened."""
        happened = sorted(
            (t, unit, status) for unit, unit_type, t, status in changes if unit_type in DISPATCHABLE and t is not None
        )
        first = self._max(self.cad, "unit_status_changes", "status_change_id") or 0
        return [
            {
                "status_change_id": int(first) + 1 + k,
                "unit_id": unit,
                "status": status,
                "changed_at": t,
                "updated_at": _ts(now),
            }
            for k, (t, unit, status) in enumerate(happened)
        ]

    def _close_open(self, rng, now: int, limit: int, counts) -> None:
        if limit <= 0:
            return
        it = self.tables["incidents"]
        ua = self.tables["unit_assignments"]
        with self.cad.connect() as conn:
            open_rows = (
                conn.execute(
                    sa.select(it)
                    .where(it.c.closed_at.is_(None))
                    .order_by(it.c.created_at, it.c.incident_number)
                    .limit(limit)
                )
                .mappings()
                .all()
            )
            numbers = [r["incident_number"] for r in open_rows]
            assignments = (
                conn.execute(sa.select(ua).where(ua.c.incident_number.in_(numbers))).mappings().all() if numbers else []
            )
        if not numbers:
            return
        by_incident: dict[str, list] = {n: [] for n in numbers}
        for a in assignments:
            by_incident[a["incident_number"]].append(dict(a))
        stamp = _ts(now)
        inc_updates, asg_updates, encounters = [], [], []
        for row in open_rows:
            num = row["incident_number"]
            created = _epoch(row["created_at"])
            heart_arrived = None
            for a in by_incident[num]:
                changed = False
                disp = _epoch(a["dispatched_at"])
                if a["cleared_at"] is None:
                    base = created if np.isnan(disp) else disp
                    if a["on_scene_at"] is None and rng.random() > 0.05:
                        a["on_scene_at"] = _ts(min(now, base + int(rng.lognormal(np.log(600), 0.4))))
                    start = _epoch(a["on_scene_at"]) if a["on_scene_at"] is not None else base
                    a["cleared_at"] = _ts(min(now, start + int(rng.lognormal(np.log(1800), 0.5))))
                    changed = True
                if changed:
                    a["updated_at"] = stamp
                    asg_updates.append(a)
                # HEART work finished in this step gets its case-management encounter.
                if (
                    changed
                    and a["unit_type"] in DISPATCHABLE
                    and a["on_scene_at"] is not None
                    and heart_arrived is None
                ):
                    heart_arrived = a
            reclassify = rng.random() < 0.05
            final = row["final_call_type"]
            if reclassify:
                final = str(rng.choice(list(incidents.RECLASSIFY_TO.get(final, (final,)))))
            options = HEART_DISPOSITIONS if heart_arrived is not None else POLICE_DISPOSITIONS
            inc_updates.append(
                {
                    "incident_number": num,
                    "final_call_type": final,
                    "disposition": str(options[int(rng.integers(0, len(options)))]),
                    "closed_at": stamp,
                    "updated_at": stamp,
                }
            )
            if heart_arrived is not None:
                encounters.append(
                    {
                        "program": heart_arrived["unit_type"],
                        "unit_id": heart_arrived["unit_id"],
                        "cad_incident_number": num,
                        "started_at": heart_arrived["on_scene_at"],
                        "ended_at": heart_arrived["cleared_at"],
                        "block_address": row["block_address"],
                    }
                )
        status_rows = self._status_rows(
            [(a["unit_id"], a["unit_type"], a["cleared_at"], "AVAILABLE") for a in asg_updates], now
        )
        with self.cad.begin() as conn:
            conn.execute(
                it.update()
                .where(it.c.incident_number == sa.bindparam("b_key"))
                .values(
                    final_call_type=sa.bindparam("b_final"),
                    disposition=sa.bindparam("b_disposition"),
                    closed_at=sa.bindparam("b_closed"),
                    updated_at=sa.bindparam("b_updated"),
                ),
                [
                    {
                        "b_key": u["incident_number"],
                        "b_final": u["final_call_type"],
                        "b_disposition": u["disposition"],
                        "b_closed": u["closed_at"],
                        "b_updated": u["updated_at"],
                    }
                    for u in inc_updates
                ],
            )
            if asg_updates:
                conn.execute(
                    ua.update()
                    .where(ua.c.assignment_id == sa.bindparam("b_key"))
                    .values(
                        on_scene_at=sa.bindparam("b_on_scene"),
                        cleared_at=sa.bindparam("b_cleared"),
                        updated_at=sa.bindparam("b_updated"),
                    ),
                    [
                        {
                            "b_key": a["assignment_id"],
                            "b_on_scene": a["on_scene_at"],
                            "b_cleared": a["cleared_at"],
                            "b_updated": a["updated_at"],
                        }
                        for a in asg_updates
                    ],
                )
            if status_rows:
                conn.execute(self.tables["unit_status_changes"].insert(), status_rows)
        counts["incidents"]["updated"] += len(inc_updates)
        counts["unit_assignments"]["updated"] += len(asg_updates)
        counts["unit_status_changes"]["inserted"] += len(status_rows)
        if encounters:
            first = self._max(self.cms, "encounters", "encounter_id") or 0
            rows = []
            for k, e in enumerate(encounters):
                rows.append(
                    {
                        **e,
                        "encounter_id": int(first) + 1 + k,
                        "person_id": None,
                        "outcome": str(rng.choice(["RESOLVED", "LINKED_SERVICES", "DECLINED"])),
                        "responder_felt_safe": bool(rng.random() < 0.95),
                        "police_backup_requested": False,
                        "ems_requested": False,
                        "note": None,
                        "updated_at": stamp,
                    }
                )
            with self.cms.begin() as conn:
                conn.execute(self.tables["encounters"].insert(), rows)
            counts["encounters"]["inserted"] += len(rows)
