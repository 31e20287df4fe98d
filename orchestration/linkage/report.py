"""The linkage report: links by method, the match-probability histogram of the Fellegi-Sunter
model, its fitted m/u, the review queue, unlinked encounters, and precision and recall against the
true links when a synthetic city's truth is at hand. Written as JSON (for tools and tests) and a
small self-contained HTML page (for people), both internal: encounter ids, never client data.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from orchestration.warehouse.connections import connect
from orchestration.warehouse.destination import Destination

SCHEMA = "intermediate"
UNLINKED_LISTED = 50
QUERIES = {
    "links": f"select encounter_id, incident_number, link_method, link_confidence, match_probability, program, "
    f"started_at from {SCHEMA}.int_encounters_linked",
    "scores": f"select encounter_id, incident_number, match_probability from {SCHEMA}.int_link_pairs_scored "
    f"where candidate_rank = 1",
    "model": f"select comparison, comparison_level, m_probability, u_probability, match_weight, match_share, "
    f"em_iterations from {SCHEMA}.int_link_model_fitted order by comparison, match_weight desc",
    "review": f"select review_status, count(*) as pairs from {SCHEMA}.int_link_pairs_for_review "
    f"group by review_status order by review_status",
}


@dataclass(frozen=True)
class LinkageReport:
    figures: dict
    json_path: Path
    html_path: Path
    seconds: float


def read_tables(dest: Destination) -> dict[str, pd.DataFrame]:
    with connect(dest, read_only=True, application_name="arp_linkage_report") as con:
        if dest.kind == "duckdb":
            return {name: con.execute(sql).df() for name, sql in QUERIES.items()}
        out = {}
        with con.cursor() as cur:
            for name, sql in QUERIES.items():
                cur.execute(sql)
                out[name] = pd.DataFrame(cur.fetchall(), columns=[d[0] for d in cur.description])
        return out


def figures_of(tables: dict[str, pd.DataFrame], truth_dir: Path | None = None) -> dict:
    links = tables["links"]
    by_method = links.groupby("link_method").size().sort_values(ascending=False)
    probs = pd.to_numeric(tables["scores"].match_probability, errors="coerce").dropna()
    edges = [i / 10 for i in range(11)]
    counts = (
        pd.cut(probs, bins=edges, include_lowest=True, right=False).value_counts(sort=False)
        if len(probs)
        else pd.Series(dtype="int64")
    )
    histogram = [
        {"from": lo, "to": hi, "encounters": int(counts.iloc[i]) if len(counts) else 0}
        for i, (lo, hi) in enumerate(zip(edges[:-1], edges[1:]))
    ]
    # the last bin holds 1.0 itself too
    if len(probs):
        histogram[-1]["encounters"] += int((probs == 1.0).sum())
    unlinked = links[links.link_method == "unlinked"].sort_values("encounter_id")
    figures: dict = {
        "encounters": len(links),
        "linked": int((links.link_method != "unlinked").sum()),
        "links_by_method": {str(k): int(v) for k, v in by_method.items()},
        "model_best_candidate_histogram": histogram,
        "model": tables["model"].to_dict(orient="records"),
        "review_queue": {str(r.review_status): int(r.pairs) for r in tables["review"].itertuples()},
        "unlinked_by_program": {str(k): int(v) for k, v in unlinked.groupby("program").size().items()},
        "unlinked_encounters": [
            {"encounter_id": int(r.encounter_id), "program": r.program, "started_at": str(r.started_at)}
            for r in unlinked.head(UNLINKED_LISTED).itertuples()
        ],
    }
    truth_file = truth_dir / "encounter_links.csv" if truth_dir else None
    if truth_file is not None and truth_file.exists():
        figures["against_truth"] = against_truth(links, pd.read_csv(truth_file, dtype={"incident_number": str}))
    return figures


def against_truth(links: pd.DataFrame, truth: pd.DataFrame) -> dict:
    """Precision and recall of the links: a link is right when it names the encounter's true incident."""
    m = truth.merge(links, on="encounter_id", suffixes=("_true", "_ours"))
    linked = m.incident_number_ours.notna()
    right = linked & (m.incident_number_ours == m.incident_number_true)
    per_method = m[linked].assign(right=right[linked]).groupby("link_method").right.agg(["size", "sum"])
    return {
        "encounters_compared": len(m),
        "precision": float(right.sum() / max(1, linked.sum())),
        "recall": float(right.sum() / max(1, m.incident_number_true.notna().sum())),
        "wrong_links": int((linked & ~right).sum()),
        "missed_links": int((m.incident_number_true.notna() & ~linked).sum()),
        "by_method": {str(k): {"links": int(r["size"]), "correct": int(r["sum"])} for k, r in per_method.iterrows()},
    }


def _table(rows: list[dict]) -> str:
    if not rows:
        return "<p>None.</p>"
    head = "".join(f"<th>{html.escape(str(k))}</th>" for k in rows[0])
    body = "".join("<tr>" + "".join(f"<td>{html.escape(_fmt(v))}</td>" for v in r.values()) + "</tr>" for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _fmt(v) -> str:
    return f"{v:.4g}" if isinstance(v, float) else str(v)


def render_html(figures: dict, generated: dt.date) -> str:
    top = max([h["encounters"] for h in figures["model_best_candidate_histogram"]] + [1])
    bars = "".join(
        f"<tr><td>{h['from']:.1f}-{h['to']:.1f}</td><td><span class='bar' style='width:{300 * h['encounters'] / top:.0f}px'>"
        f"</span> {h['encounters']}</td></tr>"
        for h in figures["model_best_candidate_histogram"]
    )
    truth = figures.get("against_truth")
    truth_html = (
        "<p>No truth at hand (a real city): precision and recall need the synthetic city's true links.</p>"
        if truth is None
        else f"<p>Precision {truth['precision']:.2%}, recall {truth['recall']:.2%} "
        f"({truth['wrong_links']} wrong, {truth['missed_links']} missed of "
        f"{truth['encounters_compared']} encounters).</p>"
        + _table([{"method": k, **v} for k, v in truth["by_method"].items()])
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Linkage report</title>
<style>body{{font-family:sans-serif;max-width:60rem;margin:2rem auto}}table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:.2rem .5rem;text-align:left}}.bar{{display:inline-block;height:.8rem;background:#36c}}</style>
</head><body>
<h1>CAD &harr; case-management linkage</h1>
<p>Generated {generated.isoformat()}: {figures["linked"]} of {figures["encounters"]} encounters linked.</p>
<h2>Links by method</h2>
{_table([{"method": k, "encounters": v} for k, v in figures["links_by_method"].items()])}
<h2>Match probability of each model-scored encounter's best candidate</h2>
<table>{bars}</table>
<h2>Fitted Fellegi-Sunter model</h2>
{_table(figures["model"])}
<h2>Clerical review queue</h2>
{_table([{"status": k, "pairs": v} for k, v in figures["review_queue"].items()])}
<h2>Against the true links</h2>
{truth_html}
<h2>Unlinked encounters</h2>
{_table([{"program": k, "encounters": v} for k, v in figures["unlinked_by_program"].items()])}
<p>The first {UNLINKED_LISTED} by id:</p>
{_table(figures["unlinked_encounters"])}
</body></html>
"""


def build_linkage_report(
    dest: Destination, out_dir: Path, truth_dir: Path | None = None, generated: dt.date | None = None
) -> LinkageReport:
    started = time.perf_counter()
    figures = figures_of(read_tables(dest), truth_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    json_path, html_path = out_dir / "linkage_report.json", out_dir / "linkage_report.html"
    json_path.write_text(json.dumps(figures, indent=2, default=str) + "\n")
    html_path.write_text(render_html(figures, generated or dt.date.today()))
    return LinkageReport(figures, json_path, html_path, time.perf_counter() - started)
