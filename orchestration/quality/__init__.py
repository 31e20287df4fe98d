"""Data quality: Great Expectations 1.x suites (expectations/*.yml) run inside the warehouse as
Dagster asset checks, and their Data Docs site.

    from orchestration.quality.defs import defs                 # the asset checks (merged in definitions.py)
    from orchestration.quality.runner import validate_asset     # one asset's suites, without Dagster
    from orchestration.quality.docs import build_quality_docs   # build/docs/quality/ (make demo)

See docs/quality.md.
"""
