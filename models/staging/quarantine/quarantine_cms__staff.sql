-- Raw staff rows that failed a staging rule, with the reason.
{{ quarantined_rows('base_cms__staff', 'raw_cms.staff', 'staff_key') }}
