-- One row per local calendar date from the first of January of the earliest incident's year to
-- the 31st of December of the latest one, with its month, quarter and year starts.
with

bounds as (
    select
        cast(date_trunc('year', min(created_at_local)) as date) as first_day,
        cast(date_trunc('year', max(created_at_local)) as date) as last_year_start
    from {{ ref('stg_cad__incidents') }}
),

digits as (
    {%- for digit in range(10) %}
    select {{ digit }} as digit
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

-- 0 .. 99 999 days (about 270 years): plain integers keep the spine engine-neutral
day_offsets as (
    select
        ones.digit
        + 10 * tens.digit
        + 100 * hundreds.digit
        + 1000 * thousands.digit
        + 10000 * ten_thousands.digit as day_offset
    from digits as ones
    cross join digits as tens
    cross join digits as hundreds
    cross join digits as thousands
    cross join digits as ten_thousands
),

days as (
    select cast(bounds.first_day + day_offsets.day_offset as date) as date_day
    from bounds
    cross join day_offsets
    where bounds.first_day + day_offsets.day_offset < cast(bounds.last_year_start + interval '1 year' as date)
)

select
    date_day,
    {{ period_start('month', 'date_day') }} as month_start,
    {{ period_start('quarter', 'date_day') }} as quarter_start,
    {{ period_start('year', 'date_day') }} as year_start,
    cast(extract(year from date_day) as integer) as year_number,
    cast(extract(quarter from date_day) as integer) as quarter_number,
    cast(extract(month from date_day) as integer) as month_number,
    cast(extract(day from date_day) as integer) as day_of_month,
    {{ day_of_week_name('date_day') }} as day_of_week,
    cast(extract(isodow from date_day) as integer) as iso_day_of_week,
    cast(extract(isodow from date_day) as integer) >= 6 as is_weekend
from days
