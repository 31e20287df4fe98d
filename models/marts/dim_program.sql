-- One row per program code used in the marts, plus ALL (every program together).
{%- set programs = [
    ('ALL', 'All programs', 'Every HEART program together.', false),
    ('CRT', 'Community Response Teams', '3-person civilian teams dispatched by 911.', true),
    ('CORESPONSE', 'Co-Response', 'A clinician riding with a police officer.', true),
    ('CARENAV', 'Care Navigation', 'Follow-up calls and visits connecting people to care.', false),
    ('CCD', 'Crisis Call Diversion', 'Clinicians in the 911 center resolving calls by phone.', false),
] %}
{%- for code, name, description, dispatchable in programs %}
select
    '{{ code }}' as program,
    '{{ name }}' as program_name,
    '{{ description }}' as program_description,
    {{ dispatchable }} as is_dispatchable
{%- if not loop.last %}
union all
{%- endif %}
{%- endfor %}
