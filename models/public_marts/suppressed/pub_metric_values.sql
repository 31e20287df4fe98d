-- Every candidate metric cell as the public may see it: its value rounded as the public outputs
-- print it, unless the suppression step decided to hide it. Every hidden cell carries the same
-- marker, whether it is small itself or hidden to protect a small one: telling them apart would
-- hand a reader the range 1-10 for the small ones. A cell without a decision gets a null
-- is_suppressed, which the contract's not_null refuses: nothing is published undecided.
with

cells as (
    select * from {{ ref('candidate_metric_cells') }}
),

decisions as (
    select * from {{ source('suppression', 'cell_decisions') }}
    where cell_set = 'metric'
)

select
    cells.metric_id,
    cells.period_grain,
    cells.period_start,
    cells.program,
    cells.dimension,
    cells.dimension_value,
    case when decisions.is_suppressed then null else cells.published_value end as value,
    decisions.is_suppressed,
    case when decisions.is_suppressed then 'suppressed' end as suppression_reason,
    cells.is_provisional
from cells
left join decisions on cells.cell_id = decisions.cell_id
