-- Fails with one row per metric that is in the catalog and available for the city but has no rows
-- in fct_metric_values, or has rows there but is missing from the catalog. A metric the city cannot
-- compute (dim_metric_availability, with its reason) is expected to have no rows.
with

catalog as (
    select metric_id
    from {{ ref('dim_metric_availability') }}
    where is_available
),

computed as (
    select distinct metric_id from {{ ref('fct_metric_values') }}
)

select
    coalesce(catalog.metric_id, computed.metric_id) as metric_id,
    case
        when computed.metric_id is null then 'in catalog, no rows in fct_metric_values'
        else 'in fct_metric_values, missing from the catalog'
    end as problem
from catalog
full outer join computed on catalog.metric_id = computed.metric_id
where catalog.metric_id is null or computed.metric_id is null
