-- Raw unit status rows that failed a staging rule, with the reason.
{{ quarantined_rows('base_cad__unit_status_changes', 'raw_cad.unit_status_changes', 'status_change_id') }}
