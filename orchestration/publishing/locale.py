"""Numbers and dates in the reader's language, from Babel's CLDR data for en-US and es-US.

Durham's Spanish-speaking readers use United States conventions (1,160 and 95.4%), not Spain's
(1.160 and 95,4 %), so Spanish pages format with es-US. Babel is the only source of these formats:
the page scripts receive the symbols Babel produced (`format_settings`) instead of their own rules.
Suppressed counts print as "<11" in both languages.
"""

from __future__ import annotations

import datetime as dt
import math

from babel import dates as babel_dates
from babel import numbers as babel_numbers

from orchestration.business_rules import business_rules

LANGS = ("en", "es")
LOCALES = {"en": "en_US", "es": "es_US"}
SUPPRESSED_SMALL = f"<{business_rules().small_cell_max + 1}"
# A share, mean or rate computed over 1-10 incidents is hidden too; "<11" would read as its value.
SUPPRESSED_SMALL_BASE = f"n{SUPPRESSED_SMALL}"
# A complementary-suppressed cell is not small: it is hidden so a small one cannot be worked out.
SUPPRESSED_COMPLEMENTARY = "—"
NBSP = "\u00a0"

# How many decimals each catalog unit shows, and whether it is a share printed as a percent.
UNIT_DECIMALS = {
    "incidents": 0,
    "people": 0,
    "staff": 0,
    "contacts": 0,
    "hours": 0,
    "minutes": 1,
    "per 100 incidents": 1,
    "share (0..1)": 1,
}
COUNT_UNITS = {"incidents", "people", "staff", "contacts"}
SHARE_UNIT = "share (0..1)"


def _check(lang: str) -> str:
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; choose one of {LANGS}")
    return LOCALES[lang]


def _pattern(decimals: int) -> str:
    return "#,##0" + ("." + "0" * decimals if decimals else "")


def format_number(value: float, decimals: int, lang: str) -> str:
    """Grouped thousands and fixed decimals in the language's locale (1,234.5 in en-US and es-US)."""
    locale = _check(lang)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        raise ValueError("format_number needs a value; suppressed cells are formatted by format_cell")
    return babel_numbers.format_decimal(value, _pattern(decimals), locale=locale)


def format_percent(share: float, decimals: int, lang: str) -> str:
    """A share (0..1) as the locale writes a percent: 95.4%."""
    return babel_numbers.format_percent(share, _pattern(decimals) + "%", locale=_check(lang))


def format_value(value: float, unit: str, lang: str) -> str:
    decimals = UNIT_DECIMALS.get(unit, 1)
    if unit == SHARE_UNIT:
        return format_percent(value, decimals, lang)
    return format_number(value, decimals, lang)


def csv_value(value: float, unit: str) -> str:
    """The figure of a downloaded table: the printed precision, no grouping, a dot for decimals
    (shares as the printed percent), so a spreadsheet reads it as a number in any locale."""
    decimals = UNIT_DECIMALS.get(unit, 1)
    number = value * 100 if unit == SHARE_UNIT else value
    return babel_numbers.format_decimal(number, "0" + ("." + "0" * decimals if decimals else ""), locale="en_US")


def format_cell(value: float | None, unit: str, lang: str, suppression_reason: str | None = None) -> str:
    """A published cell: the value, or the suppression mark when it is hidden."""
    if value is None:
        # One mark for every hidden cell when the marts say only "suppressed", so a reader cannot tell
        # a small cell from its complement by the mark.
        if suppression_reason in ("complementary", "suppressed"):
            return SUPPRESSED_COMPLEMENTARY
        return SUPPRESSED_SMALL if unit in COUNT_UNITS else SUPPRESSED_SMALL_BASE
    return format_value(value, unit, lang)


def format_settings(lang: str) -> dict:
    """The symbols and affixes Babel uses for the language, read off formatted samples, for the page
    scripts: the browser's own Intl data would be a second, possibly different, source."""
    locale = _check(lang)
    sample = babel_numbers.format_decimal(1234.5, "#,##0.0", locale=locale)
    digits = [i for i, ch in enumerate(sample) if ch.isdigit()]
    group, decimal = sample[digits[0] + 1 : digits[1]], sample[digits[3] + 1 : digits[4]]
    percent = babel_numbers.format_percent(0.5, "#,##0%", locale=locale)
    prefix, _, suffix = percent.partition("50")
    minus = babel_numbers.get_minus_sign_symbol(locale)
    return {
        "locale": locale.replace("_", "-"),
        "group": group,
        "decimal": decimal,
        "percent_prefix": prefix,
        "percent_suffix": suffix,
        "minus": minus,
        "decimals": UNIT_DECIMALS,
    }


def parse_number(text: str, lang: str) -> float:
    """The inverse of format_value for tests and checks: '1,234.5%' -> 1234.5."""
    s = format_settings(lang)
    t = text.replace(NBSP, "").replace(s["percent_suffix"].strip(), "").replace(s["percent_prefix"].strip(), "")
    return float(t.strip().replace(s["group"], "").replace(s["decimal"], "."))


def _quarter(start: dt.date) -> int:
    return (start.month - 1) // 3 + 1


def _quarter_end(start: dt.date) -> dt.date:
    return dt.date(start.year, start.month + 2, 1)


def month_name(month: int, lang: str, width: str = "wide") -> str:
    return babel_dates.get_month_names(width, locale=_check(lang))[month]


def format_date(day: dt.date, lang: str) -> str:
    """January 31, 2025 / 31 de enero de 2025."""
    return babel_dates.format_date(day, "long", locale=_check(lang))


def period_label(start: dt.date, grain: str, lang: str) -> str:
    """July 2024 / julio de 2024; July – September 2024 / julio–septiembre de 2024; 2024."""
    locale = _check(lang)
    if grain == "year":
        return str(start.year)
    if grain == "month":
        return babel_dates.format_skeleton("yMMMM", start, locale=locale)
    if grain == "quarter":
        return babel_dates.format_interval(start, _quarter_end(start), "yMMMM", locale=locale)
    raise ValueError(f"unknown period grain {grain!r}")


def period_short(start: dt.date, grain: str, lang: str) -> str:
    """Axis and column labels: Jul 2024 / jul 2024; Q3 2024 / T3 2024; 2024."""
    locale = _check(lang)
    if grain == "year":
        return str(start.year)
    if grain == "month":
        return babel_dates.format_skeleton("yMMM", start, locale=locale)
    return babel_dates.format_date(start, "QQQ y", locale=locale)


def period_from_to(start: dt.date, grain: str, lang: str) -> str:
    """The opening of a sentence: 'From July to September 2024' / 'De julio a septiembre de 2024'."""
    _check(lang)
    if grain == "quarter":
        first, last = month_name(start.month, lang), month_name(start.month + 2, lang)
        return f"From {first} to {last} {start.year}" if lang == "en" else f"De {first} a {last} de {start.year}"
    return ("In " if lang == "en" else "En ") + period_label(start, grain, lang)


def period_end(start: dt.date, grain: str) -> dt.date:
    """The last day of a period."""
    months = {"month": 1, "quarter": 3, "year": 12}[grain]
    m = start.month - 1 + months
    return dt.date(start.year + m // 12, m % 12 + 1, 1) - dt.timedelta(days=1)


def quarter_id(start: dt.date) -> str:
    """The file-name form of a quarter: 2024-Q3."""
    return f"{start.year}-Q{_quarter(start)}"
