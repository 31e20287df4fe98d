-- The metric catalog as published on the Definitions page and in the data cards.
select
    metric_id,
    question,
    guiding_question,
    category,
    definition,
    unit,
    grain,
    dimension
from {{ ref('metric_catalog') }}
