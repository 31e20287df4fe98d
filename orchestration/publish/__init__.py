"""Public transparency outputs: the public dashboard site, the Major Questions pages and the
bilingual quarterly data cards, built from the public marts alone."""

from orchestration.publish.build import PublishReport, build_public_outputs

__all__ = ["PublishReport", "build_public_outputs"]
