-- One row per incident outcome category (docs "Incident outcome"), with how many source codes map
-- to it from CAD dispositions and from case-management outcomes.
with

categories as (
    select
        outcome_category,
        'cad_disposition' as source_system
    from {{ ref('dispositions') }}
    union all
    select
        outcome_category,
        'case_management_outcome' as source_system
    from {{ ref('encounter_outcomes') }}
    union all
    select
        'unknown' as outcome_category,
        'fallback' as source_system
)

select
    outcome_category,
    cast(sum(case when source_system = 'cad_disposition' then 1 else 0 end) as bigint) as disposition_codes,
    cast(sum(case when source_system = 'case_management_outcome' then 1 else 0 end) as bigint)
        as encounter_outcome_codes
from categories
group by outcome_category
