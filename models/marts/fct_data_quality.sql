-- The data quality report: how many raw rows were quarantined (by table and reason), how many
-- staged rows carry a flagged field, and how many incidents each metric had to leave out, so every
-- exclusion the metrics make is counted somewhere (docs "Response time", "Valid timestamp").
with

quarantined as (
    select
        'quarantined_row' as check_category,
        source_table,
        quarantine_reason as check_name,
        count(*) as row_count
    from {{ ref('stg_quarantine') }}
    group by source_table, quarantine_reason
),

assignments as (
    select * from {{ ref('int_unit_assignments_timed') }}
),

assignment_flags as (
    {%- for column in ['dispatched_at', 'on_scene_at', 'cleared_at'] %}
    {%- set flag = {'dispatched_at': 'has_valid_dispatch', 'on_scene_at': 'has_valid_on_scene',
                    'cleared_at': 'has_valid_clear'}[column] %}
    select
        'flagged_field' as check_category,
        'raw_cad.unit_assignments' as source_table,
        '{{ column }}_invalid' as check_name,
        count(*) as row_count
    from assignments
    where {{ column }} is not null and not {{ flag }}
    union all
    {%- endfor %}
    select
        'flagged_field' as check_category,
        'raw_cad.unit_assignments' as source_table,
        'cleared_before_dispatched' as check_name,
        count(*) as row_count
    from assignments
    where has_valid_dispatch and has_valid_clear and cleared_at < dispatched_at
),

incident_flags as (
    {%- for flag in ['is_closed_at_invalid', 'has_unknown_initial_call_type', 'has_unknown_final_call_type'] %}
    select
        'flagged_field' as check_category,
        'raw_cad.incidents' as source_table,
        '{{ flag }}' as check_name,
        count(*) as row_count
    from {{ ref('stg_cad__incidents') }}
    where {{ flag }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

response_time_exclusions as (
    select
        'excluded_from_metric' as check_category,
        'marts.fct_incidents' as source_table,
        'response_time_' || response_time_status as check_name,
        count(*) as row_count
    from {{ ref('int_incidents_enriched') }}
    where is_heart_responded and response_time_status like 'excluded%'
    group by response_time_status
),

linkage as (
    select
        'linkage' as check_category,
        'raw_cms.encounters' as source_table,
        'link_method_' || link_method as check_name,
        count(*) as row_count
    from {{ ref('int_encounters_linked') }}
    group by link_method
),

checks as (
    select * from quarantined
    union all
    select * from assignment_flags
    union all
    select * from incident_flags
    union all
    select * from response_time_exclusions
    union all
    select * from linkage
)

select
    cast(check_category as {{ dbt.type_string() }}) as check_category,
    cast(source_table as {{ dbt.type_string() }}) as source_table,
    cast(check_name as {{ dbt.type_string() }}) as check_name,
    cast(row_count as bigint) as row_count
from checks
where row_count > 0
