"""Quarterly data cards, English and Spanish, as HTML and PDF (`build/cards/<YYYY>-Q<n>.<lang>.html|pdf`).

Each card: the quarter's one-sentence answer, highlights, HEART incidents by program, the reviewed
story for the quarter from `content/cards/` (never from warehouse text), the curated call summaries
and the suppression notes. The PDF is the HTML card printed (`pdf.py`), so the two formats cannot
disagree: there is one layout, and the print rules of `style.css` adapt it to paper.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from orchestration.business_rules import business_rules
from orchestration.publishing.charts import bar_list, figure_row, static_figure
from orchestration.publishing.content import Copy, load_copy, load_story
from orchestration.publishing.figures import Figure, Figures, answered_share
from orchestration.publishing.locale import LANGS, period_end, period_label, quarter_id
from orchestration.publishing.pdf import write_card_pdf
from orchestration.publishing.questions import answer
from orchestration.publishing.site import STATIC, _date_text, dates_line, environment, write_csv

HIGHLIGHTS = (
    "heart_incidents",
    "eligible_incidents",
    "response_minutes_median",
    "felt_safe_share",
    "police_backup_share",
    "ems_support_share",
    "ccd_incidents",
    "police_hours_saved",
)
CARD_PROGRAMS = ("CRT", "CORESPONSE", "CARENAV", "CCD")


@dataclass
class Highlight:
    label: str
    figure: Figure
    html: str  # the number, or "Not available" and why: a headline is never a bare mark


@dataclass
class Card:
    quarter: str
    lang: str
    title: str
    period: str
    lead: str
    highlights: list[Highlight]
    programs: list[dict]
    story: str | None
    summaries: list[dict]
    generated: str
    generated_on: dt.date
    notes: list[str] = field(default_factory=list)
    pdf_href: str = ""
    other_href: str = ""
    other_lang: str = ""
    program_chart: str = ""
    csv_href: str = ""
    dates: dict = field(default_factory=dict)
    provisional: str = ""  # the sentence saying the quarter's figures can still change, if they can


def make_card(figs: Figures, copy: Copy, start: dt.date, generated: dt.date, content_dir: Path | None = None) -> Card:
    lang, na = copy.lang, copy.get("not_available")
    unavailable, reasons = copy.get("unavailable.label"), copy.get("unavailable")
    qid = quarter_id(start)

    def highlight(label: str, f: Figure) -> Highlight:
        return Highlight(label, f, f.tile_html(lang, unavailable, reasons))

    # The share of eligible incidents HEART answered leads, as on the dashboard.
    highlights = [highlight(copy.get("site.headline_label"), answered_share(figs, "quarter", start))]
    for metric_id in HIGHLIGHTS:
        f = figs.metric(metric_id, "quarter", start)
        if f.missing and figs.unit(metric_id) == "":
            continue  # a metric the catalog does not publish
        highlights.append(highlight(copy.metric(metric_id), f))
    programs = []
    for p in CARD_PROGRAMS:
        f = figs.metric("heart_incidents", "quarter", start, p)
        if f.missing:
            continue
        programs.append({"code": p, "label": copy.label("programs", p), "figure": f, "html": f.html(lang, na)})
    story = load_story(qid, lang, content_dir) if content_dir else load_story(qid, lang)
    summaries = [
        {"program": copy.label("programs", r["program"]), "text": r[f"summary_{lang}"]}
        for r in sorted(figs.marts.summaries, key=lambda r: r["program"])
        if r["period_start"] == start and r.get(f"summary_{lang}")
    ]
    other = "es" if lang == "en" else "en"
    provisional = ""
    if figs.is_provisional("quarter", start):
        until = period_end(start, "quarter") + dt.timedelta(days=business_rules().follow_up_window_days)
        provisional = copy.get("card.provisional").format(date=_date_text(until, lang))
    card = Card(
        quarter=qid,
        lang=lang,
        title=copy.get("card.title"),
        period=period_label(start, "quarter", lang),
        lead=answer(figs, "Q1", start, copy, as_html=True),
        highlights=highlights,
        programs=programs,
        story=story.html() if story else None,
        summaries=summaries,
        generated=copy.get("site.generated").format(date=_date_text(generated, lang)),
        generated_on=generated,
        provisional=provisional,
        notes=[
            *([provisional] if provisional else []),
            copy.get("notes.small_cell"),
            copy.get("notes.small_base"),
            copy.get("notes.complementary"),
            f"{copy.get('notes.missing_zero')} {copy.get('notes.not_available')}",
        ],
        pdf_href=f"{qid}.{lang}.pdf",
        other_href=f"{qid}.{other}.html",
        other_lang=other,
        csv_href=f"{qid}.{lang}.programs.csv",
        dates=dates_line(figs, copy, generated),
    )
    chart_title = f"{copy.get('card.by_program')}, {period_label(start, 'quarter', lang)}"
    rows = [
        figure_row(p["figure"], lang, na, copy.get("unavailable"), label=p["label"], order=i)
        for i, p in enumerate(programs)
    ]
    # A card is printed, so its chart is drawn to SVG here rather than in the page.
    card.program_chart = (
        static_figure(
            bar_list(
                rows=rows,
                x_title=copy.label("units", "incidents"),
                y_title=copy.get("site.axis_program"),
                value_title=copy.get("site.value"),
                hidden_label=copy.get("site.hidden_mark"),
                description=chart_title,
            ),
            lang,
            chart_title,
        )
        if rows
        else ""
    )
    return card


def build_cards(
    figs: Figures, out_dir: Path, generated: dt.date, langs: tuple[str, ...] = LANGS, content_dir: Path | None = None
) -> list[Path]:
    env = environment()
    css = (STATIC / "style.css").read_text(encoding="utf-8")
    page_js = (STATIC / "page.js").read_text(encoding="utf-8")
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    quarters = figs.periods("quarter")
    for start in quarters:
        for lang in langs:
            copy = load_copy(lang)
            card = make_card(figs, copy, start, generated, content_dir)
            written.append(
                write_csv(
                    out_dir / card.csv_href,
                    [copy.get("site.program"), copy.label("units", "incidents")],
                    [[p["label"], p["figure"].csv(lang, copy.get("not_available"))] for p in card.programs],
                )
            )
            html_path = out_dir / f"{card.quarter}.{lang}.html"
            card_html = env.get_template("card.html.j2").render(
                lang=lang, copy=copy, card=card, css=css, page_js=page_js
            )
            html_path.write_text(card_html, encoding="utf-8")
            # The PDF is this same HTML printed: one layout, two formats.
            pdf_path = write_card_pdf(card_html, out_dir / f"{card.quarter}.{lang}.pdf")
            written += [html_path, pdf_path]
    index = out_dir / "index.html"
    index.write_text(
        env.get_template("cards_index.html.j2").render(
            css=css,
            en=load_copy("en"),
            es=load_copy("es"),
            cards=[
                {"quarter": quarter_id(q), "label_en": period_label(q, "quarter", "en")} for q in reversed(quarters)
            ],
        ),
        encoding="utf-8",
    )
    return [*written, index]
