"""The source contract parses, is self-consistent, and the dbt sources generated from it are current."""

import sqlalchemy as sa

from orchestration import contract


def test_both_systems_and_their_tables_are_defined():
    systems = contract.load_contracts()
    assert set(systems) == {"cad_replica", "case_management"}
    assert {t.name for t in systems["cad_replica"].tables} == {
        "call_types",
        "units",
        "unit_status_changes",
        "incidents",
        "calls",
        "unit_assignments",
        "arrests",
    }
    assert {t.name for t in systems["case_management"].tables} == {
        "people",
        "encounters",
        "referrals",
        "transports",
        "follow_ups",
        "staff",
    }
    for system in systems.values():
        for table in system.tables:
            assert table.cursor == "updated_at"
            assert not table.column("updated_at").nullable


def test_committed_dbt_sources_match_the_contract():
    assert contract.stale_sources() == [], "run `python -m orchestration.contract sources`"


def test_sqlalchemy_tables_round_trip_in_sqlite(tmp_path):
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'c.sqlite'}")
    metadata = sa.MetaData()
    for table in contract.get_system("cad_replica").tables:
        contract.sqlalchemy_table(table, metadata)
    metadata.create_all(engine)
    inspected = sa.inspect(engine)
    incidents = {c["name"]: c for c in inspected.get_columns("incidents")}
    assert list(incidents) == contract.get_system("cad_replica").table("incidents").column_names
    assert incidents["created_at"]["nullable"] is False
    assert inspected.get_pk_constraint("incidents")["constrained_columns"] == ["incident_number"]


def test_unknown_type_is_rejected_naming_file_table_and_column(tmp_path, monkeypatch):
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "system: x\nraw_schema: raw_x\ndescription: d\ntables:\n"
        "  - name: t\n    description: d\n    primary_key: [id]\n    cursor: id\n"
        "    columns:\n      - {name: id, type: uuid, nullable: false, description: d}\n"
    )
    try:
        contract._parse_system(bad)
    except contract.ContractError as exc:
        assert "bad.yml" in str(exc) and "t.id" in str(exc) and "uuid" in str(exc)
    else:
        raise AssertionError("unknown type accepted")
