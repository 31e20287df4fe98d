-- Raw incidents rows that failed a staging rule, with the reason.
{{ quarantined_rows('base_cad__incidents', 'raw_cad.incidents', 'source_incident_number') }}
