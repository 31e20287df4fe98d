"""`generate(cfg)`: simulate the city, inject defects, write both source systems and the truth."""
from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from .city import CAD_TABLES, CMS_TABLES, simulate
from .config import GeneratorConfig
from .rules import load_rules
from .writers import write_system


@dataclass(frozen=True)
class GenerationResult:
    cad_url: str
    cms_url: str
    truth_dir: Path
    counts: dict[str, int]
    seconds: float


def generate(cfg: GeneratorConfig, progress: bool = True) -> GenerationResult:
    """Build the city for `cfg` and replace the contents of both source databases and the truth."""
    t0 = time.perf_counter()
    rules = load_rules()
    cfg.sources_dir.mkdir(parents=True, exist_ok=True)
    cfg.truth_dir.mkdir(parents=True, exist_ok=True)
    with tqdm(total=4, desc=f"simulate {cfg.tier}", unit="step", disable=not progress, leave=False) as bar:
        def tick(msg: str) -> None:
            bar.set_postfix_str(msg[:60])
            bar.update(1) if bar.n < bar.total - 1 else None
        state = simulate(cfg, rules, tick)
        bar.update(bar.total - bar.n)

    written = state.tables
    from . import defects as defects_mod, truth as truth_mod  # noqa: E401 - optional stages (see below)
    if cfg.defect_rate > 0:
        written, defect_rows = defects_mod.inject(state, cfg)
    else:
        defect_rows = defects_mod.empty_log()

    total = sum(len(written[t]) for t in (*CAD_TABLES, *CMS_TABLES))
    counts: dict[str, int] = {}
    with tqdm(total=total, desc="write sources", unit="row", unit_scale=True, disable=not progress) as bar:
        counts.update(write_system(cfg.resolved_cad_url, "cad_replica", {t: written[t] for t in CAD_TABLES},
                                   bar.update))
        counts.update(write_system(cfg.resolved_cms_url, "case_management", {t: written[t] for t in CMS_TABLES},
                                   bar.update))
    truth_mod.write_truth(state, defect_rows, rules, cfg, progress=progress)
    return GenerationResult(cfg.resolved_cad_url, cfg.resolved_cms_url, cfg.truth_dir, counts,
                            time.perf_counter() - t0)
