-- One row per catalog metric: can this city compute it, and if not, what it needs. A metric is
-- available when the city has every source table and column it needs (seed metric_requirements,
-- read against the city profile's declared sources, var city_missing_data). An unavailable metric
-- has no rows in fct_metric_values: the pages say "not available: needs ..." instead of a zero.
with

catalog as (
    select metric_id from {{ ref('metric_catalog') }}
),

missing_requirements as (
    select
        requirements.metric_id,
        requirements.requirement,
        source_data.label
    from {{ ref('metric_requirements') }} as requirements
    inner join {{ ref('source_data') }} as source_data
        on requirements.requirement = source_data.requirement
    where {{ is_missing_data('requirements.requirement') }}
),

missing_by_metric as (
    select
        metric_id,
        count(*) as missing_count,
        {{ dbt.listagg('requirement', "', '", 'order by requirement') }} as missing_requirements,
        {{ dbt.listagg('label', "', '", 'order by requirement') }} as missing_labels
    from missing_requirements
    group by metric_id
)

select
    catalog.metric_id,
    missing_by_metric.metric_id is null as is_available,
    missing_by_metric.missing_requirements,
    case
        when missing_by_metric.metric_id is not null
            then 'not available: needs ' || missing_by_metric.missing_labels
    end as unavailable_reason
from catalog
left join missing_by_metric on catalog.metric_id = missing_by_metric.metric_id
