"""One glossary of program and category names per language, used on every page; the Spanish
Definitions page in Spanish; dates and contact on every page."""

from __future__ import annotations

import csv
import html as html_lib
import re

import pytest
import yaml

from .fixtures import PROJECT_ROOT

CONTENT = PROJECT_ROOT / "content"
LANGS = ("en", "es")


def _yaml(path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _glossary(lang: str) -> dict:
    return _yaml(CONTENT / "glossary" / f"{lang}.yml")


def _keys(node, prefix=""):
    if isinstance(node, dict):
        return {k for key, v in node.items() for k in _keys(v, f"{prefix}{key}.")}
    return {prefix.rstrip(".")}


def _page_text(path) -> str:
    raw = path.read_text(encoding="utf-8")
    raw = re.sub(r"<(script|style)\b.*?</\1>", " ", raw, flags=re.S)
    return html_lib.unescape(re.sub(r"<[^>]+>", " ", raw))


def _lang_of(path) -> str:
    return "es" if "/es/" in path.as_posix() or path.name.endswith(".es.html") else "en"


def _catalog() -> list[dict]:
    with open(PROJECT_ROOT / "seeds" / "metric_catalog.csv", newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def name_disagreements(text: str, names: list[str], foreign: list[str]) -> list[str]:
    """Program names written otherwise than the glossary spells them (another capitalisation), and
    the other language's names, in one language's text."""
    found = []
    for name in names:
        for m in re.finditer(re.escape(name), text, flags=re.I):
            if m.group(0) != name:
                found.append(f"{m.group(0)!r} instead of {name!r}")
    found += [f"{name!r} from the other language" for name in foreign if name in text]
    return found


def test_glossaries_name_the_same_things():
    en, es = _glossary("en"), _glossary("es")
    assert _keys(en) == _keys(es), f"only in one glossary: {sorted(_keys(en) ^ _keys(es))}"
    for lang in LANGS:
        names = [v for v in _glossary(lang)["programs"].values()]
        assert len(set(names)) == len(names), f"{lang}: two programs share a name"


def test_the_disagreement_check_finds_variants():
    names = ["Equipos de Respuesta Comunitaria"]
    assert name_disagreements("los equipos de respuesta comunitaria", names, []) != []
    assert name_disagreements("the Community Response Teams", names, ["Community Response Teams"]) != []
    assert name_disagreements("los Equipos de Respuesta Comunitaria", names, ["Community Response Teams"]) == []


def test_program_names_agree_on_every_page_and_in_reviewed_text(published):
    programs = {lang: [v for k, v in _glossary(lang)["programs"].items() if k != "ALL"] for lang in LANGS}
    foreign = {
        "en": [n for n in programs["es"] if n not in programs["en"]],
        "es": [n for n in programs["en"] if n not in programs["es"]],
    }
    problems = []
    pages = [*published.site.rglob("*.html"), *published.cards.glob("2024-*.html")]
    assert len(pages) > 20
    for path in pages:
        lang = _lang_of(path)
        text = _page_text(path)
        if lang == "en" and path.name == "definitions.html":
            # The English definitions are the metric catalog's own words (seeds/metric_catalog.csv), which
            # say "co-response" for the kind of response as well as for the program; they are checked
            # against the catalog, not the glossary.
            raw = re.sub(r'<dd class="definition">.*?</dd>', " ", path.read_text(encoding="utf-8"), flags=re.S)
            text = html_lib.unescape(
                re.sub(r"<[^>]+>", " ", re.sub(r"<(script|style)\b.*?</\1>", " ", raw, flags=re.S))
            )
        problems += [f"{path.name} ({lang}): {p}" for p in name_disagreements(text, programs[lang], foreign[lang])]
    for lang in LANGS:
        reviewed = [CONTENT / "copy" / f"{lang}.yml", *sorted((CONTENT / "cards").glob(f"*.{lang}.md"))]
        for path in reviewed:
            problems += [
                f"{path.name}: {p}"
                for p in name_disagreements(path.read_text(encoding="utf-8"), programs[lang], foreign[lang])
            ]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("lang", LANGS)
def test_program_labels_are_the_glossarys(published, lang):
    """The dashboard's program filter and each card's program table print exactly the glossary's names."""
    glossary = _glossary(lang)["programs"]
    index = (published.site / ("index.html" if lang == "en" else "es/index.html")).read_text(encoding="utf-8")
    data = re.search(r'<script type="application/json" id="dashboard-data">(.*?)</script>', index, re.S).group(1)
    import json

    for code, label in json.loads(data.replace("<\\/", "</"))["programs"]:
        assert label == glossary[code], f"{lang} filter: {code} is {label!r}, glossary {glossary[code]!r}"
    card = (published.cards / f"2024-Q3.{lang}.html").read_text(encoding="utf-8")
    rows = re.findall(r'<tr><th scope="row">([^<]+)</th>', card)
    assert rows and set(rows) <= set(glossary.values()), rows


def test_every_catalog_metric_has_spanish_text():
    words = _yaml(CONTENT / "catalog" / "es.yml")
    missing = []
    for row in _catalog():
        entry = (words.get("metrics") or {}).get(row["metric_id"]) or {}
        if not str(entry.get("definition") or "").strip():
            missing.append(f"metrics.{row['metric_id']}.definition")
        for section, column in (
            ("categories", "category"),
            ("units", "unit"),
            ("grains", "grain"),
            ("dimensions", "dimension"),
        ):
            if row[column] and row[column] not in (words.get(section) or {}):
                missing.append(f"{section}: {row[column]!r}")
        copy = _yaml(CONTENT / "copy" / "es.yml")
        if row["metric_id"] not in copy["metrics"]:
            missing.append(f"content/copy/es.yml metrics.{row['metric_id']}")
    assert not missing, "content/catalog/es.yml needs Spanish text for:\n" + "\n".join(sorted(set(missing)))


def test_spanish_definitions_page_is_in_spanish(published):
    page = (published.site / "es" / "definitions.html").read_text(encoding="utf-8")
    words = _yaml(CONTENT / "catalog" / "es.yml")
    assert 'lang="en"' not in page.replace('hreflang="en" lang="en"', ""), "an English definition on the Spanish page"
    text = " ".join(_page_text(published.site / "es" / "definitions.html").split())
    for row in _catalog():
        assert " ".join(words["metrics"][row["metric_id"]]["definition"].split()) in text, row["metric_id"]
        assert row["definition"] not in text, f"{row['metric_id']}: the English definition on the Spanish page"
    english = " ".join(_page_text(published.site / "definitions.html").split())
    assert all(row["definition"] in english for row in _catalog())


def test_every_page_says_when_and_whom_to_ask(published):
    site_email = _yaml(CONTENT / "site.yml")["contact_email"]
    for path in [*published.site.rglob("*.html"), *published.cards.glob("2024-*.html")]:
        text = " ".join(_page_text(path).split())
        lang = _lang_of(path)
        through = "Data current through December 31, 2024" if lang == "en" else "Datos hasta el 31 de diciembre de 2024"
        published_on = "Published on January 31, 2025" if lang == "en" else "Publicado el 31 de enero de 2025"
        assert through in text and published_on in text, f"{path}: no data-current-through or published-on date"
        assert f'href="mailto:{site_email}"' in path.read_text(encoding="utf-8"), f"{path}: no contact line"
