-- One row per local hour of the week (168): the axis of the eligible-by-day-and-hour heat map.
with

days as (
    {%- for day in ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] %}
    select
        '{{ day }}' as day_of_week,
        {{ loop.index }} as iso_day_of_week
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

hours as (
    {%- for hour in range(24) %}
    select {{ hour }} as hour_number
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
)

select
    days.day_of_week || '|' || lpad(cast(hours.hour_number as {{ dbt.type_string() }}), 2, '0') as hour_of_week_key,
    days.day_of_week,
    days.iso_day_of_week,
    lpad(cast(hours.hour_number as {{ dbt.type_string() }}), 2, '0') as hour_of_day,
    hours.hour_number,
    (days.iso_day_of_week - 1) * 24 + hours.hour_number as hour_of_week_index
from days
cross join hours
