-- Raw follow ups rows that failed a staging rule, with the reason.
{{ quarantined_rows('base_cms__follow_ups', 'raw_cms.follow_ups', 'follow_up_id') }}
