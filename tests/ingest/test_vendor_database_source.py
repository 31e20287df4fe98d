"""A vendor database (tables or views, any SQLAlchemy URL) mapped exactly like an export file."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from orchestration.ingest.mappings import load_vendor_file
from orchestration.ingest.warehouse import connect

# A vendor CAD schema: events, a nature-code table, and a reporting view joining them.
EVENTS = [
    # event_no, created (local), nature, how_received, x, y
    ("EV24000501", "2024-04-02 08:15:00", "WC", "E", 35.99, -78.90),
    ("EV24000502", "2024-04-02 09:30:00", "MH", "P", 35.98, -78.91),
    ("EV24000503", "2024-04-02 10:45:00", "ZZ", "E", None, None),  # no nature row: null type, still loaded
    ("EV24000504", "2024-04-02 11:00:00", "WC", "?", 35.97, -78.92),  # unknown origin: quarantined
    ("BAD-505", "2024-04-02 11:30:00", "WC", "E", 35.97, -78.92),  # unreadable number: quarantined
]
NATURES = [("WC", "WELFARE CHECK"), ("MH", "MENTAL HEALTH")]


def create_vendor_schema(url: str, schema: str | None) -> None:
    engine = sa.create_engine(url)
    prefix = f"{schema}." if schema else ""
    with engine.begin() as conn:
        if schema:
            conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
        conn.execute(
            sa.text(
                f"CREATE TABLE {prefix}cad_event (event_no VARCHAR(20), created VARCHAR(30), "
                f"nature_code VARCHAR(4), how_received VARCHAR(2), lat FLOAT, lon FLOAT)"
            )
        )
        conn.execute(sa.text(f"CREATE TABLE {prefix}nature (code VARCHAR(4), label VARCHAR(40))"))
        conn.execute(
            sa.text(f"INSERT INTO {prefix}cad_event VALUES (:a, :b, :c, :d, :e, :f)"),
            [dict(zip("abcdef", e)) for e in EVENTS],
        )
        conn.execute(sa.text(f"INSERT INTO {prefix}nature VALUES (:a, :b)"), [dict(zip("ab", n)) for n in NATURES])
        conn.execute(
            sa.text(
                f"CREATE VIEW {prefix}v_incidents AS SELECT e.*, n.label AS nature_label "
                f"FROM {prefix}cad_event e LEFT JOIN {prefix}nature n ON n.code = e.nature_code"
            )
        )
    engine.dispose()


MAPPING = """
name: vendor_db
system: cad_replica
timezone: America/New_York
source:
  format: sql
  url: "{url}"
  table: {table}
  record_id: event_no
  max_quarantine_share: 0.5
tables:
  incidents:
    columns:
      incident_number: {{from: event_no, pattern: '^EV(?P<yy>\\d{{2}})(?P<n>\\d{{6}})$', template: "20{{yy}}-{{n:0>7}}"}}
      created_at: {{from: created, timestamp: {{format: "%Y-%m-%d %H:%M:%S"}}}}
      initial_call_type: {{from: nature_label}}
      final_call_type: {{same_as: initial_call_type}}
      priority: {{value: null}}
      call_origin: {{from: how_received, codes: {{E: "911", P: NON_EMERGENCY}}}}
      beat: {{value: null}}
      block_address: {{value: null}}
      latitude: {{from: lat}}
      longitude: {{from: lon}}
      weapon_involved: {{value: false}}
      violence_toward_others: {{value: false}}
      disposition: {{value: null}}
      closed_at: {{value: null}}
      updated_at: {{same_as: created_at}}
"""


@pytest.mark.parametrize("engine", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_database_view_is_mapped_like_a_file(tmp_path, duck, engine, request):
    if engine == "sqlite":
        url, schema = f"sqlite:///{tmp_path / 'vendor.db'}", None
    else:
        pg = request.getfixturevalue("pg")
        kw = pg.pg_connect_kwargs()
        url, schema = f"postgresql+psycopg2://{kw['user']}@{kw['host']}:{kw['port']}/{kw['dbname']}", "tyler"
    create_vendor_schema(url, schema)
    mapping = tmp_path / "vendor_db.yml"
    mapping.write_text(MAPPING.format(url=url, table=f"{schema}.v_incidents" if schema else "v_incidents"))

    report = load_vendor_file(mapping, None, duck, staged_path=tmp_path / "s.sqlite")

    labels = dict(NATURES)
    zone = ZoneInfo("America/New_York")
    expected = {
        f"20{e[0][2:4]}-{e[0][4:]:0>7}": (
            dt.datetime.fromisoformat(e[1]).replace(tzinfo=zone).astimezone(dt.UTC).replace(tzinfo=None),
            labels.get(e[2]),
        )
        for e in EVENTS
        if e[0].startswith("EV") and e[3] in ("E", "P")
    }
    with connect(duck) as wh:
        got = {
            r[0]: r[1:]
            for r in wh.query("SELECT incident_number, created_at, initial_call_type FROM raw_cad.incidents")
        }
        sources = wh.query("SELECT DISTINCT source_file FROM raw_cad.vendor_quarantine")
    assert got == expected and len(got) == 3
    assert report.rows_in == len(EVENTS)
    assert report.quarantined("incidents") == len(EVENTS) - len(expected) == 2
    assert sources == [(f"{schema}.v_incidents" if schema else "v_incidents",)]
    assert load_vendor_file(mapping, None, duck, staged_path=tmp_path / "s.sqlite").load.total_loaded == 0


def test_missing_view_names_the_url_and_query(tmp_path, duck):
    from orchestration.ingest.mappings import MappingError

    url = f"sqlite:///{tmp_path / 'vendor.db'}"
    create_vendor_schema(url, None)
    mapping = tmp_path / "vendor_db.yml"
    mapping.write_text(MAPPING.format(url=url, table="v_incident"))
    with pytest.raises(MappingError) as err:
        load_vendor_file(mapping, None, duck, staged_path=tmp_path / "s.sqlite")
    assert str(err.value).startswith(f'vendor_db.yml: cannot read `SELECT * FROM "v_incident"` from {url}: ')
    assert "no such table: v_incident" in str(err.value)
