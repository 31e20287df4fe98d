-- Raw unit assignments rows that failed a staging rule, with the reason.
{{ quarantined_rows('base_cad__unit_assignments', 'raw_cad.unit_assignments', 'assignment_id') }}
