"""The teams as a SimPy discrete-event model, replaying one scenario's calls with one random seed.

As in the synthetic city (and as CAD's status history shows the real teams): a call that reaches
the loop goes to a free team of a program that serves its beat at that hour, picked at random;
with no team free it is forgone (`no_unit_available`), there is no queue: police take it. A team
is committed from the call until it clears. The dispatcher keeps some calls with police although a
team is free, and some runs are cancelled before arrival (both `other`). Teams are off duty on the
shifts the roster left unstaffed, take a meal break in the middle half of a shift of 8 hours or
more when free as it falls due, and spend free time on their own outreach.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import simpy

from orchestration.planning.model import LOOP, PlannedCalls

PROGRAM_BITS = {"CRT": 1, "CORESPONSE": 2}
MIN_TIMING_SAMPLES = 20  # fewer responses in a beat and hour band: use the program's hour band
LONG_SHIFT_SECONDS = 8 * 3600


@dataclass
class RunResult:
    outcome: np.ndarray  # per planned call: route, or responded_<program> / no_unit_available / other
    response_seconds: np.ndarray  # per call responded by a team (NaN otherwise)
    busy_seconds: dict[str, float]  # program -> team-seconds committed
    on_duty_seconds: dict[str, float]  # program -> staffed team-seconds
    not_dispatchable: int  # calls routed `other` before the loop (no dispatchable program eligible)


class _TeamState:
    __slots__ = ("program", "on_duty", "busy", "on_break")

    def __init__(self, program: str) -> None:
        self.program, self.on_duty, self.busy, self.on_break = program, False, False, False

    @property
    def free(self) -> bool:
        return self.on_duty and not self.busy and not self.on_break


class _TimingSampler:
    """Draws (delay, response, busy) of one observed response like the call: same program, beat and
    hour band when there are enough of them, else the program's hour band, else the program, else any."""

    def __init__(self, timings, rng: np.random.Generator) -> None:
        self.rng, f = rng, timings.frame
        self.values = f[["delay", "response", "busy"]].to_numpy()
        self.groups: dict[tuple, np.ndarray] = {}
        for keys in (["program", "beat", "band"], ["program", "band"], ["program"]):
            for key, idx in f.groupby(keys).indices.items():
                if len(idx) >= MIN_TIMING_SAMPLES or keys == ["program"]:
                    self.groups[(len(keys), *(key if isinstance(key, tuple) else (key,)))] = idx

    def draw(self, program: str, beat: str, band: int) -> np.ndarray:
        for key in ((3, program, beat, band), (2, program, band), (1, program)):
            idx = self.groups.get(key)
            if idx is not None:
                return self.values[idx[int(self.rng.integers(len(idx)))]]
        return self.values[int(self.rng.integers(len(self.values)))]


def run(planned: PlannedCalls, inputs, seed: int, demand_growth: float = 1.0) -> RunResult:
    rng = np.random.default_rng(seed)
    env = simpy.Environment(initial_time=0)
    calls = _with_growth(planned.frame, demand_growth, rng)
    origin = int(min(calls.t.min(), *(t.shifts[0, 0] for t in planned.teams if len(t.shifts))))
    teams = [_TeamState(t.program) for t in planned.teams]
    busy = {p: 0.0 for p in PROGRAM_BITS}
    on_duty = {p: 0.0 for p in PROGRAM_BITS}
    sampler = _TimingSampler(inputs.timings, rng)
    break_seconds = inputs.break_minutes * 60.0

    def hold(team: _TeamState, seconds: float):
        team.busy = True
        busy[team.program] += seconds
        yield env.timeout(seconds)
        team.busy = False

    def take_break(team: _TeamState, at: float):
        yield env.timeout(at)
        if team.free:
            team.on_break = True
            yield env.timeout(break_seconds)
            team.on_break = False

    def shifts(team: _TeamState, windows: np.ndarray):
        staffed = rng.random(len(windows)) >= inputs.unstaffed_share
        for (start, end), on in zip(windows - origin, staffed):
            if start > env.now:
                yield env.timeout(start - env.now)
            if not on:
                continue
            team.on_duty = True
            on_duty[team.program] += end - start
            if end - start >= LONG_SHIFT_SECONDS:
                env.process(take_break(team, (0.25 + 0.5 * rng.random()) * (end - start)))
            yield env.timeout(end - env.now)
            team.on_duty = False

    def outreach():
        """Self-initiated contacts: at a rate per on-duty CRT team hour, taken when that team is free."""
        crt = [t for t in teams if t.program == "CRT"]
        if not crt or inputs.outreach_per_free_hour <= 0:
            return
        rate = inputs.outreach_per_free_hour / 3600.0
        while True:
            yield env.timeout(rng.exponential(1.0 / (rate * len(crt))))
            team = crt[int(rng.integers(len(crt)))]
            if team.free:
                env.process(hold(team, float(rng.choice(inputs.outreach_busy))))

    n = len(calls)
    outcome = calls.route.to_numpy(dtype=object).copy()
    response = np.full(n, np.nan)
    t_rel = calls.t.to_numpy() - origin
    masks, beats, bands = calls["mask"].to_numpy(), calls.beat.to_numpy(dtype=object), calls.band.to_numpy()
    in_loop = np.nonzero(outcome == LOOP)[0]
    other = inputs.other_work
    other_t = other.t.to_numpy() - origin
    other_busy = other.busy.to_numpy()

    def arrivals():
        # The loop's calls and the co-response requests, merged in time order.
        events = sorted([(t_rel[i], 0, i) for i in in_loop] + [(other_t[k], 1, k) for k in range(len(other))])
        for at, kind, i in events:
            if at > env.now:
                yield env.timeout(at - env.now)
            if kind == 1:
                free = [t for t in teams if t.program == "CORESPONSE" and t.free]
                if free:
                    env.process(hold(free[int(rng.integers(len(free)))], float(other_busy[i])))
                continue
            free = [t for t in teams if t.free and PROGRAM_BITS[t.program] & masks[i]]
            if not free:
                outcome[i] = "no_unit_available"
                continue
            if rng.random() < inputs.decline_share:
                outcome[i] = "other"
                continue
            team = free[int(rng.integers(len(free)))]
            delay, resp, team_busy = sampler.draw(team.program, beats[i], bands[i])
            if rng.random() < inputs.cancel_share:
                outcome[i] = "other"
                env.process(hold(team, delay + float(rng.choice(inputs.timings.cancelled_busy))))
                continue
            outcome[i] = f"responded_{team.program}"
            response[i] = resp
            env.process(hold(team, delay + team_busy))
            others = [t for t in free if t is not team]
            if others and rng.random() < inputs.second_unit_share:
                env.process(hold(others[int(rng.integers(len(others)))], max(team_busy / 2.0, 600.0)))

    for team, spec in zip(teams, planned.teams):
        if len(spec.shifts):
            env.process(shifts(team, spec.shifts))
    env.process(outreach())
    env.process(arrivals())
    horizon = max(
        t_rel.max() if n else 0, max((s.shifts[-1, 1] - origin for s in planned.teams if len(s.shifts)), default=0)
    )
    env.run(until=horizon + 1)
    return RunResult(outcome, response, busy, on_duty, int((calls.route == "other").sum()))


def _with_growth(calls: pd.DataFrame, growth: float, rng: np.random.Generator) -> pd.DataFrame:
    """The calls scaled by the demand growth: a random share dropped (< 1) or copied (> 1); a copy
    arrives within the same hour as its original, so the hour and beat mix stays as observed."""
    if growth == 1.0:
        return calls
    whole, part = int(growth), growth - int(growth)
    pieces = [calls] * whole if whole else []
    pieces.append(calls[rng.random(len(calls)) < part])
    copies = [p.assign(t=p.t + rng.uniform(-1800, 1800, len(p))) for p in pieces[1:]]
    out = pd.concat([pieces[0]] + copies if whole else pieces, ignore_index=True)
    return out.sort_values("t", kind="stable").reset_index(drop=True)
