-- Raw call types rows that failed a staging rule, with the reason.
{{ quarantined_rows('base_cad__call_types', 'raw_cad.call_types', 'source_call_type_code') }}
