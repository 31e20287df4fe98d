-- Raw people rows that failed a staging rule, with the reason.
{{ quarantined_rows('base_cms__people', 'raw_cms.people', 'person_key') }}
