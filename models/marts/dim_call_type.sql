-- One row per call type of the seed `call_types`, with CAD's own label and the programs it is
-- eligible for today (open rules of `call_type_eligibility`).
with

call_types as (
    select * from {{ ref('call_types') }}
),

cad_labels as (
    select
        call_type_code,
        call_type_description
    from {{ ref('stg_cad__call_types') }}
),

eligible_now as (
    select
        call_type_code,
        max(case when program = 'CRT' then 1 else 0 end) = 1 as eligible_now_crt,
        max(case when program = 'CORESPONSE' then 1 else 0 end) = 1 as eligible_now_coresponse,
        max(case when program = 'CCD' then 1 else 0 end) = 1 as eligible_now_ccd
    from {{ ref('call_type_eligibility') }}
    where effective_to is null
    group by call_type_code
)

select
    call_types.call_type_code,
    call_types.description,
    cad_labels.call_type_description as cad_description,
    call_types.category,
    coalesce(eligible_now.eligible_now_crt, false) as eligible_now_crt,
    coalesce(eligible_now.eligible_now_coresponse, false) as eligible_now_coresponse,
    coalesce(eligible_now.eligible_now_ccd, false) as eligible_now_ccd
from call_types
left join cad_labels on call_types.call_type_code = cad_labels.call_type_code
left join eligible_now on call_types.call_type_code = eligible_now.call_type_code
