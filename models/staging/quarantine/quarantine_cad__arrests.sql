-- Raw arrests rows that failed a staging rule, with the reason.
{{ quarantined_rows('base_cad__arrests', 'raw_cad.arrests', 'arrest_id') }}
