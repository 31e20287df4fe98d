"""The PDF form of a data card: the HTML card itself, printed by WeasyPrint.

There is one layout. The card's HTML is laid out for paper by the print rules of `style.css`
(`@page`, `@media print`), so the PDF says exactly what the web card says. The PDF is tagged as
PDF/UA-1 (headings, paragraphs, lists, tables and the document language are in its structure tree),
so a screen reader can read it.

Nothing is fetched while printing: the card inlines its style and its SVG charts, and any other URL
is refused (`OutsideResourceError` names it). Fonts are the machine's own, found through fontconfig,
never downloaded: the print rules ask for Liberation Sans, then DejaVu Sans (Debian's fonts-liberation
and fonts-dejavu-core, which `.ci/run` installs beside pango); both cover Spanish, and WeasyPrint
embeds the glyphs it uses, so the PDF reads the same on any computer.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from xml.etree import ElementTree

PRINT_PACKAGES = "libpango-1.0-0 libpangoft2-1.0-0 fonts-liberation fonts-dejavu-core"

try:
    from weasyprint import HTML
    from weasyprint.urls import FatalURLFetchingError, URLFetcher
except OSError as missing:  # WeasyPrint loads pango when imported
    raise RuntimeError(
        f"printing the PDF data cards needs Debian's pango and fonts ({missing}): apt-get install -y {PRINT_PACKAGES}"
    ) from missing

PDF_VARIANT = "pdf/ua-1"
SVG = "http://www.w3.org/2000/svg"


class OutsideResourceError(RuntimeError):
    """The card refers to something outside itself: printing never fetches."""


def _inline_only() -> URLFetcher:
    """A fetcher for `data:` URLs only; any other URL stops the print with an error naming it."""
    return URLFetcher(allowed_protocols={"data"}, fail_on_errors=True)


def write_card_pdf(card_html: str, path: Path) -> Path:
    """Print one card's HTML (the very text written to `<quarter>.<lang>.html`) to `path`.

    The PDF's title, language and dates come from the HTML's `<title>`, `lang` and `dcterms` meta
    tags; with the same HTML the PDF is the same, byte for byte, so re-runs of one day's build match.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    html = HTML(string=card_html, url_fetcher=_inline_only(), media_type="print")
    _name_charts(html.etree_element)
    try:
        document = html.render(pdf_variant=PDF_VARIANT)
    except FatalURLFetchingError as refused:
        raise OutsideResourceError(
            f"{path.name}: {refused}: a card must carry everything it shows (only data: URLs are read while printing)"
        ) from refused
    # The document identifier is derived from the content rather than drawn at random.
    document.write_pdf(str(path), pdf_variant=PDF_VARIANT, pdf_identifier=_identifier(card_html))
    return path


def _name_charts(root) -> None:
    """Give every chart its alternative text in the PDF. A tagged PDF takes a figure's text from the
    SVG's own <title>; the card's charts name themselves with aria-label (as the browser reads them),
    so that label becomes the title of any chart that has none."""
    for svg in root.iter(f"{{{SVG}}}svg"):
        label = (svg.get("aria-label") or "").strip()
        if label and svg.find(f"{{{SVG}}}title") is None:
            title = ElementTree.Element(f"{{{SVG}}}title")
            title.text = label
            svg.insert(0, title)


def _identifier(card_html: str) -> bytes:
    return hashlib.sha256(card_html.encode("utf-8")).hexdigest()[:32].encode("ascii")
