-- Curated, de-identified call summaries reviewed by program staff (seed public_call_summaries).
select
    quarter_start as period_start,
    program,
    summary_en,
    summary_es
from {{ ref('public_call_summaries') }}
