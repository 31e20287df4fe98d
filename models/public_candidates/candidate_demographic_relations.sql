-- Additive relations among the demographic cells: each attribute's categories add up to the
-- total; for staff (everyone is on one program) the programs also add up to ALL. People served
-- are distinct people, who may meet several programs, so their programs do not add up.
with

cells as (
    select * from {{ ref('candidate_demographic_cells') }}
),

category_members as (
    select
        'categories|' || table_name || '|' || period_grain || '|' || cast(period_start as {{ dbt.type_string() }})
        || '|' || program || '|' || attribute as group_id,
        cell_id,
        1 as coefficient
    from cells
    where attribute <> 'ALL'
),

attributes as (
    select distinct
        table_name,
        attribute
    from cells
    where attribute <> 'ALL'
),

category_totals as (
    select
        'categories|' || totals.table_name || '|' || totals.period_grain || '|'
        || cast(totals.period_start as {{ dbt.type_string() }}) || '|' || totals.program || '|'
        || attributes.attribute as group_id,
        totals.cell_id,
        -1 as coefficient
    from cells as totals
    inner join attributes
        on totals.table_name = attributes.table_name
    where totals.attribute = 'ALL'
),

staff_program_members as (
    select
        'programs|' || period_grain || '|' || cast(period_start as {{ dbt.type_string() }}) || '|'
        || attribute || '|' || category as group_id,
        cell_id,
        case when program = 'ALL' then -1 else 1 end as coefficient
    from cells
    where table_name = 'staff'
)

select
    group_id,
    cell_id,
    coefficient
from category_members
union all
select
    group_id,
    cell_id,
    coefficient
from category_totals
union all
select
    group_id,
    cell_id,
    coefficient
from staff_program_members
