{#- Tolerances of the CAD <-> case-management linkage (int_encounters_linked). One place, so the
    documented rule and the SQL cannot drift. -#}
{% macro linkage_settings() -%}
    {{ return({
        'exact_before_minutes': 60,
        'exact_after_hours': 24,
        'margin_minutes': 30,
        'open_window_hours': 4,
        'max_window_hours': 12,
        'phone_before_minutes': 30,
    }) }}
{%- endmacro %}
