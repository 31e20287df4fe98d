"""`vendor --profile`: the mapped rows checked against contract and staging, without a warehouse."""

from __future__ import annotations

from pathlib import Path

from orchestration.ingest.__main__ import main

FIXTURES = Path(__file__).parent / "fixtures" / "vendor"


def run(capsys, mapping: Path, *extra: str) -> tuple[int, str]:
    code = main(["vendor", str(mapping), "--profile", *extra])
    return code, capsys.readouterr().out


def test_profile_of_a_good_mapping_shows_the_quarantine_by_reason(capsys):
    code, out = run(capsys, FIXTURES / "split_datetime.yml")
    assert code == 0, out
    assert "incidents                  4 rows, 2 quarantined" in out
    assert "quarantined 2 (33.3%), by reason:" in out
    assert "1  created_at: '…' is not a valid timestamp   (e.g. split_datetime.csv row 5)" in out
    assert out.rstrip().endswith("OK: the mapping keeps rows in every table it fills")


def test_profile_flags_vocabularies_formats_and_fails_when_a_rule_drops_everything(tmp_path, capsys):
    text = (FIXTURES / "local_time.yml").read_text()
    assert "ONVIEW: SELF_INITIATED, TEXT: TEXT}" in text
    # Pass unknown origins through (PHONE is no contract origin) and keep the vendor's own numbers.
    loose = tmp_path / "loose.yml"
    loose.write_text(
        text.replace(
            'call_origin: {from: Origin, codes: {E911: "911", ADMIN: NON_EMERGENCY, ONVIEW: SELF_INITIATED, TEXT: TEXT}}',
            'call_origin: {from: Origin, codes: {E911: "911"}, pass_through: true}',
        ).replace(
            "incident_number: {from: CallNumber, pattern: '^P(?P<yy>\\d{2})-(?P<n>\\d{7})$', template: \"20{yy}-{n}\"}",
            "incident_number: {from: CallNumber}",
        )
    )
    code, out = run(capsys, loose, "--export", str(FIXTURES / "local_time.csv"))
    assert code == 0, out
    assert "call_origin: 3 values outside seeds/call_origins.csv ('ADMIN' x1, 'ONVIEW' x1, 'TEXT' x1)" not in out
    assert "call_origin: 2 values outside seeds/call_origins.csv ('ADMIN' x1, 'ONVIEW' x1)" in out  # TEXT is an origin
    assert (
        "incident_number: 4 values not in the contract's YYYY-NNNNNNN form that staging re-formats "
        "(e.g. 'P24-0000301' -> '2024-0000301')"
    ) in out

    # A code table that knows none of the export's codes quarantines every row: exit 1.
    strict = tmp_path / "strict.yml"
    strict.write_text(
        text.replace("ONVIEW: SELF_INITIATED, TEXT: TEXT}", "}").replace(
            'E911: "911", ADMIN: NON_EMERGENCY,', "RADIO: SELF_INITIATED"
        )
    )
    code, out = run(capsys, strict)
    assert code == 1
    assert "FAILED:\n  incidents: every one of its 5 rows would be quarantined" in out
    assert "5  call_origin: Origin '…' has no code translation" in out

    # A filter that matches no row: exit 1 as well.
    nothing = tmp_path / "nothing.yml"
    nothing.write_text(text.replace("filter: \"Agency = 'PD'\"", "filter: \"Agency = 'pd'\""))
    code, out = run(capsys, nothing)
    assert code == 1 and "incidents: source.filter / tables.incidents.where leaves no row of 7" in out


def test_incident_numbers_as_staging_reads_them():
    from orchestration.ingest.mappings.profile import staged_incident_number as staged

    assert staged("2024-0000123") == "2024-0000123"
    assert staged("P24-301") == "2024-0000301"
    assert staged("24BU000002") == "2024-0000002"
    assert staged("20240000123") == "2024-0000123"
    assert staged("A0000123") is None  # a month-letter number needs the mapping's template


def test_profile_reports_repeated_lines_that_disagree(tmp_path, capsys):
    text = (FIXTURES / "per_unit.yml").read_text()
    old = 'closed_at: {expr: "max(Cleared) OVER (PARTITION BY IncidentNum)"}'
    assert old in text
    mapping = tmp_path / "per_unit_cleared.yml"
    mapping.write_text(text.replace(old, "closed_at: {from: Cleared}"))  # each unit line has its own clear time
    code, out = run(capsys, mapping)
    assert code == 0, out
    # 2024-0000401 (3 units) and 2024-0000404 (2 units) have lines with different clear times.
    assert (
        "3 repeated lines merged into their key's row; lines of one key disagree on closed_at (2 keys): "
        "the line with the latest updated_at is kept"
    ) in out
