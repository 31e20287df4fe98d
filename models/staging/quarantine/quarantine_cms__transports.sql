-- Raw transports rows that failed a staging rule, with the reason.
{{ quarantined_rows('base_cms__transports', 'raw_cms.transports', 'transport_id') }}
