"""Data Docs: a static site of the latest validation of every suite, in build/docs/quality/.

`build_quality_docs()` reads the validation results the checks wrote (build/gx/results/*.json;
validating first when there are none, or when asked), renders them with Great Expectations' own
site builder into a file context under build/gx/docs_context/, and then makes the site work
offline: GX's pages load Bootstrap, jQuery, Font Awesome and Vega from public CDNs and a logo from
GX's S3 bucket (with the context id in the URL). Those tags are removed, a small local stylesheet
replaces them, and GX's index (a table drawn by Bootstrap-Table from JavaScript, empty without the
CDN) is replaced by a plain HTML index grouped by Dagster asset and check.

    python -m orchestration.quality.docs [--rerun]     # or build_quality_docs() from `make demo`
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import json
import os
import re
import shutil
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from orchestration.paths import output_dir
from orchestration.quality.runner import results_dir as default_results_dir
from orchestration.quality.runner import validate_asset
from orchestration.quality.settings import load_settings
from orchestration.quality.suites import load_suites
from orchestration.quality.warehouse import Warehouse


# A city profile other than the demo city writes under build/<city>/ (ARP_OUTPUT_DIR, orchestration/cities).
def default_docs_dir() -> Path:
    return output_dir() / "docs" / "quality"


def default_context_dir() -> Path:
    return output_dir() / "gx" / "docs_context"


SITE_NAME = "quality"
STYLESHEET = "static/styles/arp_quality.css"
TEMPLATES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=jinja2.select_autoescape(["html", "j2"]),
    undefined=jinja2.StrictUndefined,
)

_EXTERNAL_SCRIPT = re.compile(r"<script\b[^>]*\bsrc=\"https?://[^\"]*\"[^>]*>\s*</script>", re.I | re.S)
_EXTERNAL_LINK = re.compile(r"<link\b[^>]*\bhref=\"https?://[^\"]*\"[^>]*>", re.I | re.S)
# Inline scripts drive Bootstrap widgets through jQuery, which is gone; the content is static HTML.
_INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>.*?</script>", re.I | re.S)
_REMOTE_IMG = re.compile(r"(<img\b[^>]*\bsrc=)\"https?://[^\"]*\"", re.I | re.S)
# GX writes links to its static files one directory level short on validation pages.
_STATIC_REF = re.compile(r'((?:src|href)=")(?:\.\./)*static/')
_EXTERNAL_REF = re.compile(r"<(?:script|link|img)\b[^>]*\b(?:src|href)=\"https?://", re.I)


@dataclass
class CheckSummary:
    name: str
    severity: str
    description: str
    expectations: int = 0
    failed: int = 0
    unexpected: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return self.failed == 0


@dataclass
class SuiteSummary:
    name: str
    validated_at: str
    warehouse: str
    page: str | None
    suite_page: str | None
    success: bool
    evaluated: int
    failed: int


@dataclass
class AssetSummary:
    label: str
    asset_key: list[str]
    suite_file: str
    checks: dict[str, CheckSummary] = field(default_factory=dict)
    suites: list[SuiteSummary] = field(default_factory=list)


def _unexpected(res: dict) -> int:
    result = res.get("result") or {}
    if result.get("unexpected_count") is not None:
        return int(result["unexpected_count"])
    if not res.get("success") and res["expectation_config"]["type"] == "unexpected_rows_expectation":
        return int(result.get("observed_value") or 0)
    return 0


def _error(res: dict) -> str | None:
    info = res.get("exception_info") or {}
    infos = [info] if "raised_exception" in info else [v for v in info.values() if isinstance(v, dict)]
    for i in infos:
        if i.get("raised_exception") or i.get("exception_message"):
            return str(i.get("exception_message") or "").strip().splitlines()[0][:300]
    return None


def load_results(results_dir: Path | None = None) -> list[dict]:
    results_dir = results_dir or default_results_dir()
    docs = []
    for path in sorted(results_dir.glob("*.json")):
        try:
            docs.append(json.loads(path.read_text()))
        except json.JSONDecodeError as exc:
            raise ValueError(f"validation result {path} is not valid JSON ({exc}); delete it and re-run") from None
    return docs


def validate_all(warehouse: Warehouse | None = None, results_dir: Path | None = None) -> None:
    """Validate every suite now (what the checks do, without Dagster), writing results_dir."""
    results_dir = results_dir or default_results_dir()
    warehouse = Warehouse.coerce(warehouse)
    settings = load_settings()
    if results_dir.exists():
        shutil.rmtree(results_dir)
    for asset in load_suites():
        validate_asset(asset, warehouse, settings, results_dir=results_dir)


def _render_gx_site(results: list[dict], out_dir: Path, context_dir: Path) -> None:
    import great_expectations as gx
    from great_expectations.core.expectation_validation_result import ExpectationSuiteValidationResultSchema
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
        ValidationResultIdentifier,
    )

    shutil.rmtree(context_dir, ignore_errors=True)
    context = gx.get_context(mode="file", project_root_dir=str(context_dir))
    context.enable_analytics(False)
    context.add_data_docs_site(
        site_name=SITE_NAME,
        site_config={
            "class_name": "SiteBuilder",
            "show_how_to_buttons": False,
            "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(out_dir)},
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        },
    )
    schema = ExpectationSuiteValidationResultSchema()
    for doc in results:
        result = schema.load(doc["result"])
        suite = gx.ExpectationSuite(
            name=doc["suite"], meta={"asset_key": doc["asset_key"], "suite_file": doc["suite_file"]}
        )
        for r in result.results:
            suite.add_expectation_configuration(r.expectation_config)
        context.suites.add(suite)
        run_time = dt.datetime.fromisoformat(doc["result"]["meta"]["run_id"]["run_time"])
        key = ValidationResultIdentifier(
            ExpectationSuiteIdentifier(doc["suite"]), RunIdentifier(run_name="latest", run_time=run_time), doc["suite"]
        )
        context.validation_results_store.set(key, result)
    context.build_data_docs(site_names=[SITE_NAME])


def _offline(page: Path, out_dir: Path) -> None:
    text = page.read_text()
    static = os.path.relpath(out_dir / "static", page.parent)
    text = _EXTERNAL_SCRIPT.sub("", text)
    text = _EXTERNAL_LINK.sub("", text)
    text = _INLINE_SCRIPT.sub("", text)
    text = _STATIC_REF.sub(rf"\g<1>{static}/", text)
    text = _REMOTE_IMG.sub(rf'\1"{static}/images/logo-long.png"', text)
    css = f'<link rel="stylesheet" href="{os.path.relpath(out_dir / STYLESHEET, page.parent)}">'
    text = text.replace("</head>", f"  {css}\n</head>", 1)
    page.write_text(text)


def _summaries(results: list[dict], out_dir: Path) -> list[AssetSummary]:
    assets: dict[str, AssetSummary] = {}
    for doc in results:
        label = ".".join(doc["asset_key"])
        asset = assets.setdefault(label, AssetSummary(label, doc["asset_key"], doc["suite_file"]))
        for name, meta in doc["checks"].items():
            asset.checks.setdefault(name, CheckSummary(name, meta["severity"], meta["description"]))
        failed = 0
        for res in doc["result"]["results"]:
            check = asset.checks[res["expectation_config"]["meta"]["check"]]
            check.expectations += 1
            if not res["success"]:
                failed += 1
                check.failed += 1
                check.unexpected += _unexpected(res)
                if (err := _error(res)) and err not in check.errors:
                    check.errors.append(err)
        pages = sorted((out_dir / "validations" / doc["suite"]).glob("latest/*/*.html"))
        suite_page = out_dir / "expectations" / f"{doc['suite']}.html"
        asset.suites.append(
            SuiteSummary(
                doc["suite"],
                doc["validated_at"],
                doc["warehouse"],
                pages[-1].relative_to(out_dir).as_posix() if pages else None,
                suite_page.relative_to(out_dir).as_posix() if suite_page.exists() else None,
                bool(doc["result"]["success"]),
                len(doc["result"]["results"]),
                failed,
            )
        )
    for asset in assets.values():  # checks not run in the latest validations have no expectations
        asset.checks = {k: v for k, v in asset.checks.items() if v.expectations}
    return list(assets.values())


def build_quality_docs(
    out_dir: Path | None = None,
    results_dir: Path | None = None,
    warehouse: Warehouse | None = None,
    rerun: bool = False,
    context_dir: Path | None = None,
) -> Path:
    """Build the static Data Docs site; returns its index.html.

    Uses the latest results the Dagster checks wrote; validates every suite first (against
    `warehouse`, by default the ARP_TARGET one) when `rerun` is set or there are no results.
    """
    out_dir = out_dir or default_docs_dir()
    results_dir = results_dir or default_results_dir()
    context_dir = context_dir or default_context_dir()
    if rerun or not list(results_dir.glob("*.json")):
        validate_all(warehouse, results_dir)
    results = load_results(results_dir)
    tmp_dir = out_dir.with_name(out_dir.name + ".tmp")
    shutil.rmtree(tmp_dir, ignore_errors=True)
    _render_gx_site(results, tmp_dir, context_dir)
    (tmp_dir / STYLESHEET).parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(Path(__file__).parent / "templates" / "arp_quality.css", tmp_dir / STYLESHEET)
    for page in tmp_dir.rglob("*.html"):
        _offline(page, tmp_dir)
    assets = _summaries(results, tmp_dir)
    (tmp_dir / "index.html").write_text(
        TEMPLATES.get_template("index.html.j2").render(
            assets=assets,
            built_at=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
            warehouses=sorted({s.warehouse for a in assets for s in a.suites}),
            totals={
                "checks": sum(len(a.checks) for a in assets),
                "failed_blocking": sum(
                    1 for a in assets for c in a.checks.values() if not c.passed and c.severity == "error"
                ),
                "failed_warning": sum(
                    1 for a in assets for c in a.checks.values() if not c.passed and c.severity == "warn"
                ),
            },
        )
    )
    shutil.rmtree(out_dir, ignore_errors=True)
    tmp_dir.replace(out_dir)
    return out_dir / "index.html"


def external_references(site_dir: Path | None = None) -> dict[str, list[str]]:
    """Pages that would still make a request off the machine: {page: [tag starts]}."""
    site_dir = site_dir or default_docs_dir()
    found: dict[str, list[str]] = defaultdict(list)
    for page in site_dir.rglob("*.html"):
        for m in _EXTERNAL_REF.finditer(page.read_text()):
            found[page.relative_to(site_dir).as_posix()].append(html.unescape(m.group(0)))
    return dict(found)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m orchestration.quality.docs", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--rerun", action="store_true", help="validate every suite now instead of using the checks' latest results"
    )
    args = parser.parse_args(argv)
    index = build_quality_docs(rerun=args.rerun)
    print(f"quality Data Docs: {index}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
