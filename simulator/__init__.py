"""Synthetic city generator: a deterministic simulated city with known truth.

    from simulator import GeneratorConfig, generate, LiveCity
    result = generate(GeneratorConfig(tier="demo", seed=7))

writes the CAD replica and the case-management warehouse (contracts/*.yml) as two databases and the
truth the pipeline never reads (`build/truth/`): true links, eligibility, forgone reasons, defects,
PII canaries and the true value of every metric of docs/metric_definitions.md.
"""

from .config import TIERS, GeneratorConfig
from .generate import GenerationResult, generate
from .planted import PlantedEffect

__all__ = ["GeneratorConfig", "GenerationResult", "generate", "LiveCity", "PlantedEffect", "TIERS"]


def __getattr__(name):
    if name == "LiveCity":
        from .live import LiveCity

        return LiveCity
    raise AttributeError(name)
