-- Raw calls rows that failed a staging rule, with the reason.
{{ quarantined_rows('base_cad__calls', 'raw_cad.calls', 'call_id') }}
