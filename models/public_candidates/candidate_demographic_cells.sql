-- Candidate cells of the two public demographic tables, before suppression:
-- people served (distinct people with an encounter in the period, by program) and staff on the
-- roster on the last day of the period. Each attribute's categories add up to the table's total
-- cell (attribute ALL, category TOTAL); unknown and missing answers are their own category.
with

encounters as (
    select
        person_key,
        program,
        started_at_local
    from {{ ref('fct_encounters') }}
    where person_key is not null
),

people as (
    select * from {{ ref('stg_cms__people') }}
),

staff as (
    select * from {{ ref('stg_cms__staff') }}
),

periods as (
    select distinct
        period_grain,
        period_start
    from {{ ref('fct_metric_values') }}
    where period_grain in ('quarter', 'year') and {{ period_in_coverage() }}
),

encounter_periods as (
    select
        'quarter' as period_grain,
        {{ period_start('quarter', 'started_at_local') }} as period_start,
        program,
        person_key
    from encounters
    union all
    select
        'year' as period_grain,
        {{ period_start('year', 'started_at_local') }} as period_start,
        program,
        person_key
    from encounters
),

people_served as (
    select distinct
        period_grain,
        period_start,
        program,
        person_key
    from encounter_periods
    union
    select distinct
        period_grain,
        period_start,
        'ALL' as program,
        person_key
    from encounter_periods
),

people_long as (
    {%- for attribute in ['race', 'ethnicity', 'gender', 'age_group'] %}
    select
        served.period_grain,
        served.period_start,
        served.program,
        served.person_key,
        '{{ attribute }}' as attribute,
        coalesce(people.{{ attribute }}, 'UNKNOWN') as category
    from people_served as served
    left join people on served.person_key = people.person_key
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

people_cells as (
    select
        'people_served' as table_name,
        period_grain,
        period_start,
        program,
        attribute,
        category,
        count(*) as cell_count
    from people_long
    group by period_grain, period_start, program, attribute, category
    union all
    select
        'people_served' as table_name,
        period_grain,
        period_start,
        program,
        'ALL' as attribute,
        'TOTAL' as category,
        count(*) as cell_count
    from people_served
    group by period_grain, period_start, program
),

{%- set months_in_period = "case when period_grain = 'quarter' then 3 else 12 end" %}

period_last_days as (
    select
        period_grain,
        period_start,
        cast({{ dbt.dateadd('day', -1, dbt.dateadd('month', months_in_period, 'period_start')) }} as date) as last_day
    from periods
),

staff_on_roster as (
    select
        periods.period_grain,
        periods.period_start,
        staff.program,
        staff.staff_key,
        staff.race,
        staff.ethnicity,
        staff.gender
    from period_last_days as periods
    inner join staff
        on periods.last_day >= staff.hired_on
            and (staff.separated_on is null or periods.last_day <= staff.separated_on)
),

staff_by_program as (
    select * from staff_on_roster
    union all
    select
        period_grain,
        period_start,
        'ALL' as program,
        staff_key,
        race,
        ethnicity,
        gender
    from staff_on_roster
),

staff_long as (
    {%- for attribute in ['race', 'ethnicity', 'gender'] %}
    select
        period_grain,
        period_start,
        program,
        staff_key,
        '{{ attribute }}' as attribute,
        coalesce({{ attribute }}, 'UNKNOWN') as category
    from staff_by_program
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

staff_cells as (
    select
        'staff' as table_name,
        period_grain,
        period_start,
        program,
        attribute,
        category,
        count(*) as cell_count
    from staff_long
    group by period_grain, period_start, program, attribute, category
    union all
    select
        'staff' as table_name,
        period_grain,
        period_start,
        program,
        'ALL' as attribute,
        'TOTAL' as category,
        count(*) as cell_count
    from staff_by_program
    group by period_grain, period_start, program
),

cells as (
    select * from people_cells
    union all
    select * from staff_cells
)

select
    {{ public_cell_id(['table_name', 'period_grain', 'period_start', 'program', 'attribute', 'category']) }} as cell_id,
    table_name,
    period_grain,
    period_start,
    program,
    attribute,
    category,
    cell_count,
    cell_count as disclosed_count,
    false as is_headline,
    1 as value_floor,
    {{ var('public_demographic_protection_width', 9) }} as protection_width,
    {{ is_small_count('cell_count') }} as is_primary
from cells
