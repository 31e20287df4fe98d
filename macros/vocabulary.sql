{#- Fixed vocabularies of the source contract (contracts/*.yml). Code lists that programs change
    over time (call types, dispositions, beats, hours...) are seeds, not these. -#}

{% macro unit_types() -%}
    {{ return(['POLICE', 'EMS', 'FIRE', 'CRT', 'CORESPONSE']) }}
{%- endmacro %}

{#- Unit statuses of the CAD status history (raw_cad.unit_status_changes). -#}
{% macro unit_statuses() -%}
    {{ return(['AVAILABLE', 'ASSIGNED', 'OUT_OF_SERVICE', 'OFF_DUTY']) }}
{%- endmacro %}

{#- HEART teams' unit types are their program codes: the dispatchable programs (dbt var). -#}
{% macro heart_unit_types() -%}
    {{ return(var('dispatchable_programs')) }}
{%- endmacro %}

{#- Programs a call can be eligible for, and that case-management encounters belong to (dbt var). -#}
{% macro encounter_programs() -%}
    {{ return(var('eligibility_programs')) }}
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
    {{ return(var('dispatchable_programs')) }}
{%- endmacro %}

{#- The duplicate-call window (dbt var duplicate_call_seconds, the one home of the rule). -#}
{% macro duplicate_call_seconds() -%}
    {{ var('duplicate_call_seconds') }}
{%- endmacro %}

{#- The placeholder cutoff (dbt var placeholder_before): an earlier source timestamp means "unknown". -#}
{% macro placeholder_before() -%}
    cast('{{ var("placeholder_before") }}' as timestamp)
{%- endmacro %}
