"""Script and HTML typed into any content source is printed as text: a payload planted in every
string of the page copy, the glossary, the catalog's Spanish text, every card story, the site
settings and the warehouse text the pages print (call summaries, catalog definitions) makes no
dialog, no console error and no element in the real Chromium."""

from __future__ import annotations

import shutil

import duckdb
import yaml

from orchestration.publishing.build import build_public_outputs
from orchestration.warehouse.destination import Destination

from .browser import open_page
from .conftest import GENERATED
from .fixtures import PROJECT_ROOT

PAYLOAD = (
    "<script>alert('script')</script><img src=x onerror=\"alert('img')\">"
    "\"'><svg onload=alert('svg')></svg>[link](javascript:alert('md'))"
)
# A planted element: markup from the payload, or a script to run (not the page's data block) holding it.
PLANTED_ELEMENTS_JS = """() => document.querySelectorAll("img[src='x'], svg[onload], a[href^='javascript']").length
  + Array.from(document.scripts).filter(s => s.type !== 'application/json' && s.text.includes("alert('")).length"""
WAREHOUSE_TEXT = {
    "pub_call_summaries": ["summary_en", "summary_es"],
    "pub_metric_catalog": ["question", "guiding_question", "definition"],
}


def _plant(node):
    if isinstance(node, str):
        return node + " " + PAYLOAD
    if isinstance(node, list):
        return [_plant(v) for v in node]
    if isinstance(node, dict):
        return {k: (_plant(v) if k not in ("lang", "locale", "code", "id") else v) for k, v in node.items()}
    return node


def plant_content(content):
    for path in sorted(content.glob("*/*.yml")):
        path.write_text(
            yaml.safe_dump(_plant(yaml.safe_load(path.read_text(encoding="utf-8"))), allow_unicode=True),
            encoding="utf-8",
        )
    for story in sorted((content / "cards").glob("*.md")):
        story.write_text(story.read_text(encoding="utf-8") + "\n" + PAYLOAD + "\n", encoding="utf-8")
    site = yaml.safe_load((content / "site.yml").read_text())
    site["contact_email"] = "data@example.org\"><script>alert('mail')</script>"
    (content / "site.yml").write_text(yaml.safe_dump(site))


def plant_warehouse(path):
    with duckdb.connect(str(path)) as con:
        for table, columns in WAREHOUSE_TEXT.items():
            con.execute(
                f"update public_marts.{table} set "
                + ", ".join(f"{c} = coalesce({c}, '') || ' ' || ?" for c in columns),
                [PAYLOAD] * len(columns),
            )


def test_no_planted_payload_executes_on_any_page(browser, fixture_warehouse, tmp_path, monkeypatch):
    content = tmp_path / "content"
    shutil.copytree(PROJECT_ROOT / "content", content)
    plant_content(content)
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(fixture_warehouse, warehouse)
    plant_warehouse(warehouse)
    monkeypatch.setenv("ARP_CONTENT_DIR", str(content))
    out = tmp_path / "out"
    build_public_outputs(Destination.duckdb(warehouse), out, generated=GENERATED)

    pages = sorted((out / "site").rglob("*.html")) + sorted((out / "cards").rglob("*.html"))
    assert len(pages) > 10
    dialogs, errors, elements, shown = [], [], [], 0
    for path in pages:
        opened = open_page(browser, path)
        try:
            opened.page.on("dialog", lambda d, where=path: (dialogs.append(f"{where.name}: {d.message}"), d.dismiss()))
            opened.page.reload()
            opened.page.wait_for_load_state("load")
            # every tab, so the dashboard's script renders each panel from the embedded data
            for tab in opened.page.query_selector_all("[role=tab]"):
                tab.click()
            found = opened.page.evaluate(PLANTED_ELEMENTS_JS)
            if found:
                elements.append(f"{path.relative_to(out)}: {found} planted elements")
            shown += opened.page.evaluate('() => document.body.innerText.split("alert(\'").length - 1')
            errors += [f"{path.relative_to(out)}: {e}" for e in opened.console_errors]
        finally:
            opened.close()
    print(
        f"\n{len(pages)} pages opened, payload shown as text {shown} times; dialogs {len(dialogs)}, "
        f"console errors {len(errors)}, planted elements {len(elements)}"
    )
    assert shown > len(pages), "the payload was not printed as text; the test planted nothing visible"
    assert not dialogs, f"planted scripts ran: {dialogs[:10]}"
    assert not errors, f"console errors: {errors[:10]}"
    assert not elements, f"planted markup became elements: {elements[:10]}"
