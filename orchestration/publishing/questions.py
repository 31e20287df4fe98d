"""The Major Questions: for each guiding question, the figures that answer it and the one-sentence
answer written from them (templates in content/copy/<lang>.yml `answers`)."""

from __future__ import annotations

import datetime as dt
import html
import string
from dataclasses import dataclass

from orchestration.publishing.content import ContentError, Copy
from orchestration.publishing.figures import Figure, Figures
from orchestration.publishing.locale import period_from_to
from orchestration.publishing.markup import copy_html

QUESTIONS = ("Q1", "Q2", "Q3", "Q4", "Q5", "L")


@dataclass(frozen=True)
class Column:
    metric_id: str
    dimension: str = ""
    dimension_value: str = ""


@dataclass(frozen=True)
class QuestionSpec:
    chart: tuple[str, ...]  # metrics charted (each dimension value is a series)
    table: tuple[str, ...]  # metrics in the quarterly table


SPECS: dict[str, QuestionSpec] = {
    "Q1": QuestionSpec(
        chart=("heart_incidents", "eligible_incidents"),
        table=(
            "heart_incidents",
            "eligible_incidents",
            "heart_incidents_by_origin",
            "response_minutes_median",
            "response_minutes_p90",
            "time_on_task_minutes_mean",
            "set_apart_incidents",
        ),
    ),
    "Q2": QuestionSpec(
        chart=("felt_safe_share", "police_backup_share", "ems_support_share"),
        table=("felt_safe_share", "police_backup_share", "ems_support_share", "outcome_share"),
    ),
    "Q3": QuestionSpec(
        chart=("forgone_share",),
        table=("forgone_share", "police_minutes_per_forgone_incident", "eligible_response_minutes_mean"),
    ),
    "Q4": QuestionSpec(
        chart=("referral_share",),
        table=("referral_share", "transport_destination_share", "follow_up_incidents", "care_navigation_contacts"),
    ),
    "Q5": QuestionSpec(
        chart=("arrests_per_100", "arrests_per_100_standardized"),
        table=(
            "police_hours_saved",
            "police_hours_saved_net",
            "arrests_per_100",
            "arrests_per_100_standardized",
            "hospital_transports_per_100",
            "hospital_transports_per_100_standardized",
            "care_center_transports_per_100",
            "care_center_transports_per_100_standardized",
        ),
    ),
    "L": QuestionSpec(
        chart=("ccd_incidents", "ccd_follow_up_calls"),
        table=("ccd_incidents", "ccd_follow_up_calls", "familiar_caller_share"),
    ),
}


def dimension_of(figs: Figures, metric_id: str) -> str:
    for c in figs.marts.catalog:
        if c["metric_id"] == metric_id:
            return c["dimension"] or ""
    return ""


def ordered_values(figs: Figures, copy: Copy, metric_id: str, program: str | None = "ALL") -> list[str]:
    """The dimension values present in the marts, in the copy's order (unknown ones last, sorted)."""
    dim = dimension_of(figs, metric_id)
    present = figs.dimension_values(metric_id, program)
    known = list((copy.data.get("dimension_values", {}).get(dim) or {}).keys())
    return [v for v in known if v in present] + sorted(v for v in present if v not in known)


def columns(figs: Figures, copy: Copy, metrics: tuple[str, ...], program: str = "ALL") -> list[Column]:
    out = []
    for m in metrics:
        dim = dimension_of(figs, m)
        if dim:
            out += [Column(m, dim, v) for v in ordered_values(figs, copy, m, program)]
        else:
            out.append(Column(m))
    return out


def column_label(copy: Copy, col: Column, with_metric: bool = True) -> str:
    if not col.dimension:
        return copy.metric(col.metric_id)
    value = copy.dim_value(col.dimension, col.dimension_value)
    return f"{copy.metric(col.metric_id)}: {value}" if with_metric else value


def _top(figs: Figures, metric_id: str, quarter: dt.date, copy: Copy) -> tuple[str | None, Figure | None]:
    """The dimension value with the largest published value in the quarter (hidden cells cannot win)."""
    best: tuple[str | None, Figure | None] = (None, None)
    for v in ordered_values(figs, copy, metric_id):
        f = figs.metric(metric_id, "quarter", quarter, "ALL", dimension_of(figs, metric_id), v)
        if f.shown and (best[1] is None or f.value > best[1].value):
            best = (copy.dim_value(dimension_of(figs, metric_id), v), f)
    return best


def answer_figures(figs: Figures, question: str, quarter: dt.date, copy: Copy) -> dict[str, Figure | str]:
    """The values a question's answer sentence needs, for one quarter, all programs."""

    def m(metric_id: str, dv: str = "") -> Figure:
        return figs.metric(metric_id, "quarter", quarter, "ALL", dimension_of(figs, metric_id) if dv else "", dv)

    if question == "Q1":
        return {
            "heart_incidents": m("heart_incidents"),
            "eligible_incidents": m("eligible_incidents"),
            "response_minutes_median": m("response_minutes_median"),
        }
    if question == "Q2":
        return {"felt_safe_share": m("felt_safe_share"), "police_backup_share": m("police_backup_share")}
    if question == "Q3":
        label, fig = _top(figs, "forgone_share", quarter, copy)
        return {"top_reason": label, "top_reason_share": fig}
    if question == "Q4":
        label, fig = _top(figs, "referral_share", quarter, copy)
        return {"top_referral": label, "top_referral_share": fig, "follow_ups": m("follow_up_incidents", "responded")}
    if question == "Q5":
        return {
            "police_hours_saved": m("police_hours_saved"),
            "arrests_responded": m("arrests_per_100", "responded"),
            "arrests_forgone": m("arrests_per_100", "forgone"),
        }
    if question == "L":
        return {"familiar_caller_share": m("familiar_caller_share"), "ccd_incidents": m("ccd_incidents")}
    raise KeyError(f"no answer is defined for question {question!r}")


def _fields(template: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(template) if f}


def answer(figs: Figures, question: str, quarter: dt.date, copy: Copy, *, as_html: bool) -> str:
    """The short answer of a question for a quarter, in the copy's language: one sentence per clause
    of `answers.<question>`. A clause whose figure is hidden or unavailable is replaced by its
    `fallback`, which is worded to need no number, so a suppression mark never lands in a sentence."""
    na = copy.get("not_available")
    figures = answer_figures(figs, question, quarter, copy)
    opening = period_from_to(quarter, "quarter", copy.lang)
    values = {"period": html.escape(opening) if as_html else opening}
    usable = {"period"}
    for name, v in figures.items():
        if isinstance(v, Figure):
            values[name] = v.html(copy.lang, na) if as_html else v.text(copy.lang, na)
            if v.printable:
                usable.add(name)
        elif v is not None:
            values[name] = html.escape(v) if as_html else v
            usable.add(name)
    sentences = []
    for clause in copy.get(f"answers.{question}"):
        # A figure the city cannot compute at all is said so, with what it needs, not "withheld".
        blocked = [
            v for n in sorted(_fields(clause["text"])) if isinstance(v := figures.get(n), Figure) and v.not_computed
        ]
        if blocked:
            said = f"{copy.metric(blocked[0].key[0])}: {blocked[0].text(copy.lang)}."
            if said not in sentences:
                sentences.append(html.escape(said) if as_html else said)
            continue
        template = clause["text"] if _fields(clause["text"]) <= usable else clause.get("fallback") or ""
        template = " ".join(template.split())
        if not template:
            continue
        if not _fields(template) <= usable:
            raise ContentError(f"answers.{question}: the fallback {template!r} needs a figure that is not available")
        sentences.append(copy_html(template, **values) if as_html else template.format(**values))
    return " ".join(sentences)
