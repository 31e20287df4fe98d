-- Raw units rows that failed a staging rule, with the reason.
{{ quarantined_rows('base_cad__units', 'raw_cad.units', 'source_unit_id') }}
