-- The metric catalog as published on the Definitions page and in the data cards, with why the
-- city cannot compute a metric (marts.dim_metric_availability): the pages print that reason, never a zero.
with

catalog as (
    select * from {{ ref('metric_catalog') }}
),

availability as (
    select * from {{ ref('dim_metric_availability') }}
)

select
    catalog.metric_id,
    catalog.question,
    catalog.guiding_question,
    catalog.category,
    catalog.definition,
    catalog.unit,
    catalog.grain,
    catalog.dimension,
    availability.unavailable_reason
from catalog
inner join availability on catalog.metric_id = availability.metric_id
