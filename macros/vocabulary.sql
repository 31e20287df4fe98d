{#- Fixed vocabularies of the source contract (contracts/*.yml). Code lists that programs change
    over time (call types, dispositions, beats, hours...) are seeds, not these. -#}

{% macro unit_types() -%}
    {{ return(['POLICE', 'EMS', 'FIRE', 'CRT', 'CORESPONSE']) }}
{%- endmacro %}

{#- Unit statuses of the CAD status history (raw_cad.unit_status_changes). -#}
{% macro unit_statuses() -%}
    {{ return(['AVAILABLE', 'ASSIGNED', 'OUT_OF_SERVICE', 'OFF_DUTY']) }}
{%- endmacro %}

{% macro heart_unit_types() -%}
    {{ return(['CRT', 'CORESPONSE']) }}
{%- endmacro %}

{% macro encounter_programs() -%}
    {{ return(['CRT', 'CORESPONSE', 'CCD']) }}
{%- endmacro %}

{% macro staff_programs() -%}
    {{ return(['CRT', 'CORESPONSE', 'CARENAV', 'CCD']) }}
{%- endmacro %}

{% macro quoted_list(values) -%}
    {%- for v in values -%}'{{ v }}'{{ ", " if not loop.last }}{%- endfor -%}
{%- endmacro %}

{#- Incident flag columns an eligibility exclusion (seed eligibility_exclusions) may name. -#}
{% macro exclusion_flags() -%}
    {{ return(['weapon_involved', 'violence_toward_others']) }}
{%- endmacro %}

{% macro dispatchable_programs() -%}
    {{ return(['CRT', 'CORESPONSE']) }}
{%- endmacro %}

{#- Two calls about one incident from one phone this close together are one call logged twice: a
    real call-back (redial after a dropped call) takes longer than half a minute. -#}
{% macro duplicate_call_seconds() -%}
    30
{%- endmacro %}
