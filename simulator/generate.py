"""`generate(cfg)`: simulate the city, inject defects, write both source systems and the truth."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from . import defects as defects_mod
from . import truth as truth_mod
from .city import CAD_TABLES, CMS_TABLES, simulate
from .config import GeneratorConfig
from .rules import load_rules
from .writers import write_system

SIMULATION_STEPS = 5  # ticks simulate() reports


@dataclass(frozen=True)
class GenerationResult:
    cad_url: str
    cms_url: str
    truth_dir: Path
    counts: dict[str, int]
    seconds: float
    stage_seconds: dict[str, float] = field(default_factory=dict)


def generate(cfg: GeneratorConfig, progress: bool = True) -> GenerationResult:
    """Build the city for `cfg` and replace the contents of both source databases and the truth."""
    t0 = time.perf_counter()
    stages: dict[str, float] = {}
    rules = load_rules()
    if cfg.service_model is not None:
        rules = cfg.service_model.apply_to_rules(rules)
    cfg.sources_dir.mkdir(parents=True, exist_ok=True)
    cfg.truth_dir.mkdir(parents=True, exist_ok=True)

    with tqdm(total=SIMULATION_STEPS, desc=f"simulate {cfg.tier}", unit="step", disable=not progress) as bar:

        def tick(msg: str) -> None:
            bar.set_postfix_str(msg[:70])
            if bar.n < bar.total:
                bar.update(1)

        state = simulate(cfg, rules, tick)
        bar.update(bar.total - bar.n)
    stages["simulate"] = time.perf_counter() - t0

    t = time.perf_counter()
    if cfg.defect_rate > 0:
        written, defect_rows = defects_mod.inject(state, cfg)
    else:
        written, defect_rows = state.tables, defects_mod.empty_log()
    stages["defects"] = time.perf_counter() - t

    t = time.perf_counter()
    total = sum(len(written[name]) for name in (*CAD_TABLES, *CMS_TABLES))
    counts: dict[str, int] = {}
    with tqdm(total=total, desc="write sources", unit="row", unit_scale=True, disable=not progress) as bar:
        counts.update(
            write_system(cfg.resolved_cad_url, "cad_replica", {n: written[n] for n in CAD_TABLES}, bar.update)
        )
        counts.update(
            write_system(cfg.resolved_cms_url, "case_management", {n: written[n] for n in CMS_TABLES}, bar.update)
        )
    stages["write"] = time.perf_counter() - t
    del written

    t = time.perf_counter()
    with tqdm(total=1, desc="truth", unit="file set", disable=not progress) as bar:
        truth_mod.write_truth(state, defect_rows, rules, cfg)
        bar.update(1)
    stages["truth"] = time.perf_counter() - t
    return GenerationResult(
        cfg.resolved_cad_url, cfg.resolved_cms_url, cfg.truth_dir, counts, time.perf_counter() - t0, stages
    )
