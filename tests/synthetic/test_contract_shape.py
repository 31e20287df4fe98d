"""Every generated table has exactly the contract's shape: names, types, nullability, keys."""

from __future__ import annotations

import sqlalchemy as sa

from orchestration.contract import get_system

# The logical contract type -> the SQLAlchemy type classes a database may report for it.
REFLECTED = {
    "string": (sa.Text, sa.String),
    "integer": (sa.BigInteger, sa.Integer),
    "float": (sa.Float,),
    "boolean": (sa.Boolean,),
    "timestamp": (sa.DateTime,),
    "date": (sa.Date,),
}


def assert_matches_contract(url: str, system_name: str, frames: dict) -> None:
    system = get_system(system_name)
    engine = sa.create_engine(url)
    try:
        inspector = sa.inspect(engine)
        assert set(inspector.get_table_names()) >= {t.name for t in system.tables}
        for table in system.tables:
            cols = inspector.get_columns(table.name)
            assert [c["name"] for c in cols] == table.column_names, f"{system_name}.{table.name}: column order/names"
            for reflected, col in zip(cols, table.columns):
                where = f"{system_name}.{table.name}.{col.name}"
                assert isinstance(reflected["type"], REFLECTED[col.type]), (
                    f"{where}: {reflected['type']!r} is not {col.type}"
                )
                expect_nullable = col.nullable and col.name not in table.primary_key
                assert bool(reflected["nullable"]) == expect_nullable, f"{where}: nullable should be {expect_nullable}"
                if not col.nullable:
                    assert frames[table.name][col.name].notna().all(), f"{where}: NULL in a NOT NULL column"
            pk = inspector.get_pk_constraint(table.name)["constrained_columns"]
            assert pk == list(table.primary_key), f"{system_name}.{table.name}: primary key"
            frame = frames[table.name]
            assert len(frame) > 0, f"{system_name}.{table.name} is empty"
            assert not frame.duplicated(list(table.primary_key)).any(), f"{system_name}.{table.name}: duplicate key"
    finally:
        engine.dispose()


def test_cad_tables_match_the_contract(tiny):
    _, result, cad, _ = tiny
    assert_matches_contract(result.cad_url, "cad_replica", cad)


def test_cms_tables_match_the_contract(tiny):
    _, result, _, cms = tiny
    assert_matches_contract(result.cms_url, "case_management", cms)


def test_counts_report_the_rows_written(tiny):
    _, result, cad, cms = tiny
    for name, frame in {**cad, **cms}.items():
        assert result.counts[name] == len(frame), name


def test_timestamps_are_utc_text_without_offset(tiny):
    _, result, _, _ = tiny
    engine = sa.create_engine(result.cad_url)
    with engine.connect() as conn:
        raw = conn.exec_driver_sql("select created_at from incidents limit 5").scalars().all()
    engine.dispose()
    for value in raw:
        assert len(value) == 19 and value[4] == "-" and value[10] == " ", value
