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

{#- Programs case-management staff belong to (dbt var). -#}
{% macro staff_programs() -%}
    {{ return(var('staff_programs')) }}
{%- endmacro %}

{#- Programs that answer without a police officer (dbt var): Durham's A in police hours saved. -#}
{% macro police_free_programs() -%}
    {{ return(var('police_free_programs')) }}
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

{#- The plausibility window of source event times (vars plausible_from, plausible_days_ahead): from
    the program's start to now plus a day. A time outside it is a typo or a clock fault (a year of
    2100, an epoch 0), and one such row would otherwise make its own month, quarter and year of
    public figures, so the row is quarantined, never staged. Now is UTC, like every source time. -#}
{% macro plausible_from() -%}
    cast('{{ var("plausible_from") }}' as timestamp)
{%- endmacro %}

{% macro plausible_until() -%}
    {{ return(adapter.dispatch('plausible_until', 'alt_response')()) }}
{%- endmacro %}

{% macro postgres__plausible_until() -%}
    ((now() at time zone 'UTC') + interval '{{ plausible_days_ahead() }} days')
{%- endmacro %}

{% macro duckdb__plausible_until() -%}
    ((now() at time zone 'UTC') + interval '{{ plausible_days_ahead() }} days')
{%- endmacro %}

{% macro plausible_days_ahead() -%}
    {%- set days = var("plausible_days_ahead") -%}
    {%- if days is not number or days < 0 or days > 366 -%}
        {{ exceptions.raise_compiler_error("dbt var plausible_days_ahead must be a whole number of days from 0 to 366, got " ~ days) }}
    {%- endif -%}
    {{ return(days | int) }}
{%- endmacro %}

{#- True when a set timestamp lies outside the plausibility window (null is left to other rules). -#}
{% macro is_implausible(ts) -%}
    ({{ ts }} < {{ plausible_from() }} or {{ ts }} > {{ plausible_until() }})
{%- endmacro %}

{#- True for a (period_grain, period_start) row that overlaps the days the data covers
    (int_days_covered): public periods come from the data's own flow, not from a stray row. -#}
{% macro period_in_coverage(grain='period_grain', start='period_start') -%}
    exists (
        select 1 from {{ ref('int_days_covered') }} as coverage
        where {{ start }} <= coverage.as_of_date
            and case {{ grain }}
                {%- for g, months in [('month', 1), ('quarter', 3), ('year', 12)] %}
                when '{{ g }}' then {{ dbt.dateadd('month', months, start) }}
                {%- endfor %}
            end > coverage.first_date
    )
{%- endmacro %}
