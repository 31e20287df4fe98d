-- The last run's data-quality report: quarantined rows, flagged fields, incidents a metric left
-- out and encounter links, with a status per line (any row counted needs a look).
select
    check_category,
    source_table,
    check_name,
    row_count,
    case
        when check_category = 'linkage' then 'info'
        when row_count > 0 then 'attention'
        else 'ok'
    end as status
from marts.fct_data_quality
