-- The metric catalog (seed metric_catalog) as a mart, so BI tools and the publisher read the
-- definitions from the same schema as the values.
select
    metric_id,
    question,
    guiding_question,
    category,
    definition,
    unit,
    grain,
    dimension,
    source_model
from {{ ref('metric_catalog') }}
