"""Numbers and dates in the reader's language: English (1,234.5; July–September 2024) and Spanish
(1.234,5; julio–septiembre de 2024). Suppressed counts print as "<11" in both."""
from __future__ import annotations

import datetime as dt
import math

LANGS = ("en", "es")
SUPPRESSED_SMALL = "<11"
# A share, mean or rate computed over 1-10 incidents is hidden too; "<11" would read as its value.
SUPPRESSED_SMALL_BASE = "n<11"
# A complementary-suppressed cell is not small: it is hidden so a small one cannot be worked out.
SUPPRESSED_COMPLEMENTARY = "—"
NBSP = "\u00a0"

MONTHS = {
    "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"],
    "es": ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
           "octubre", "noviembre", "diciembre"],
}
MONTHS_SHORT = {
    "en": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
    "es": ["ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic"],
}

# How many decimals each catalog unit shows, and whether it is a share printed as a percent.
UNIT_DECIMALS = {"incidents": 0, "people": 0, "staff": 0, "hours": 0, "minutes": 1,
                 "per 100 incidents": 1, "share (0..1)": 1}
COUNT_UNITS = {"incidents", "people", "staff"}


def _check(lang: str) -> None:
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; choose one of {LANGS}")


def format_number(value: float, decimals: int, lang: str) -> str:
    """Grouped thousands, fixed decimals: en 1,234.5 / es 1.234,5."""
    _check(lang)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        raise ValueError("format_number needs a value; suppressed cells are formatted by format_cell")
    text = f"{value:,.{decimals}f}"
    if lang == "es":
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text


def format_value(value: float, unit: str, lang: str) -> str:
    decimals = UNIT_DECIMALS.get(unit, 1)
    if unit == "share (0..1)":
        number = format_number(value * 100, decimals, lang)
        return f"{number}%" if lang == "en" else f"{number}{NBSP}%"
    return format_number(value, decimals, lang)


def format_cell(value: float | None, unit: str, lang: str, suppression_reason: str | None = None) -> str:
    """A published cell: the value, or the suppression mark when it is hidden."""
    if value is None:
        if suppression_reason == "complementary":
            return SUPPRESSED_COMPLEMENTARY
        return SUPPRESSED_SMALL if unit in COUNT_UNITS else SUPPRESSED_SMALL_BASE
    return format_value(value, unit, lang)


def parse_number(text: str, lang: str) -> float:
    """The inverse of format_value for tests and checks: '1.234,5 %' (es) -> 1234.5."""
    _check(lang)
    t = text.replace(NBSP, "").replace("%", "").strip()
    t = t.replace(",", "") if lang == "en" else t.replace(".", "").replace(",", ".")
    return float(t)


def _quarter(start: dt.date) -> int:
    return (start.month - 1) // 3 + 1


def period_label(start: dt.date, grain: str, lang: str) -> str:
    """July 2024 / julio de 2024; July–September 2024 / julio–septiembre de 2024; 2024."""
    _check(lang)
    months = MONTHS[lang]
    if grain == "year":
        return str(start.year)
    if grain == "month":
        return f"{months[start.month - 1]} {start.year}" if lang == "en" else \
            f"{months[start.month - 1]} de {start.year}"
    if grain == "quarter":
        first, last = months[start.month - 1], months[start.month + 1]
        return f"{first}–{last} {start.year}" if lang == "en" else f"{first}–{last} de {start.year}"
    raise ValueError(f"unknown period grain {grain!r}")


def period_short(start: dt.date, grain: str, lang: str) -> str:
    """Axis and column labels: Jul 2024 / jul 2024; Q3 2024 / T3 2024; 2024."""
    _check(lang)
    if grain == "year":
        return str(start.year)
    if grain == "month":
        return f"{MONTHS_SHORT[lang][start.month - 1]} {start.year}"
    return f"{'Q' if lang == 'en' else 'T'}{_quarter(start)} {start.year}"


def period_from_to(start: dt.date, grain: str, lang: str) -> str:
    """The opening of a sentence: 'From July to September 2024' / 'De julio a septiembre de 2024'."""
    _check(lang)
    months = MONTHS[lang]
    if grain == "quarter":
        first, last = months[start.month - 1], months[start.month + 1]
        return f"From {first} to {last} {start.year}" if lang == "en" else f"De {first} a {last} de {start.year}"
    return ("In " if lang == "en" else "En ") + period_label(start, grain, lang)


def quarter_id(start: dt.date) -> str:
    """The file-name form of a quarter: 2024-Q3."""
    return f"{start.year}-Q{_quarter(start)}"
