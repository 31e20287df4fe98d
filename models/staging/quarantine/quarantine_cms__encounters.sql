-- Raw encounters rows that failed a staging rule, with the reason.
{{ quarantined_rows('base_cms__encounters', 'raw_cms.encounters', 'encounter_id') }}
