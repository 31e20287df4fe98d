-- One row per police beat (seed `beats`) plus UNKNOWN for incidents that could not be geocoded,
-- with the dispatchable programs serving it today.
with

beats as (
    select
        cast(beat as {{ dbt.type_string() }}) as beat,
        district,
        cast(latitude as {{ type_double() }}) as latitude,
        cast(longitude as {{ type_double() }}) as longitude
    from {{ ref('beats') }}
    union all
    select
        'UNKNOWN' as beat,
        cast(null as {{ dbt.type_string() }}) as district,
        cast(null as {{ type_double() }}) as latitude,
        cast(null as {{ type_double() }}) as longitude
),

served_now as (
    select
        beat,
        max(case when program = 'CRT' then 1 else 0 end) = 1 as served_by_crt,
        max(case when program = 'CORESPONSE' then 1 else 0 end) = 1 as served_by_coresponse
    from {{ ref('program_service_beats') }}
    where effective_to is null
    group by beat
)

select
    beats.beat,
    beats.district,
    beats.latitude,
    beats.longitude,
    coalesce(served_now.served_by_crt, false) as served_by_crt,
    coalesce(served_now.served_by_coresponse, false) as served_by_coresponse
from beats
left join served_now on beats.beat = served_now.beat
