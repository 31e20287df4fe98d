-- Every metric value with its question, unit and definition, so a chart can show the rule beside
-- the number (the comparative rates need their caveats on screen).
select
    values_.metric_id,
    values_.period_grain,
    values_.period_start,
    values_.program,
    values_.dimension,
    values_.dimension_value,
    values_.value,
    values_.numerator,
    values_.denominator,
    values_.is_provisional,
    metric.question,
    metric.unit,
    metric.definition
from marts.fct_metric_values as values_
left join marts.dim_metric as metric
    on values_.metric_id = metric.metric_id
