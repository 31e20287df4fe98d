-- Q5 "How is the traditional emergency response system impacted by alternative response teams?"
-- police_hours_saved, arrests_per_100, hospital_transports_per_100, care_center_transports_per_100
-- (program ALL).
with

eligible as (
    select * from ({{ scoped_incidents() }}) as scoped
    where is_eligible
),

-- police_hours_saved = A x B x C (docs/metric_definitions.md):
-- A eligible HEART incidents; B mean valid police assignments per eligible forgone incident with
-- at least one; C mean police hours per such assignment.
hours_saved_parts as (
    select
        period_grain,
        period_start,
        program,
        sum(case when response_status = 'responded' then 1 else 0 end) as responded_incidents,
        sum(case when is_forgone and valid_police_assignments > 0 then 1 else 0 end) as police_handled_incidents,
        sum(case when is_forgone and valid_police_assignments > 0 then valid_police_assignments else 0 end)
            as police_assignments,
        sum(case when is_forgone and valid_police_assignments > 0 then police_minutes else 0 end) / 60.0
            as police_hours
    from eligible
    group by period_grain, period_start, program
),

police_hours_saved as (
    select
        {{ metric_columns("'police_hours_saved'", "''", "''",
            'responded_incidents'
            ~ ' * (cast(police_assignments as ' ~ type_double() ~ ') / police_handled_incidents)'
            ~ ' * (police_hours / police_assignments)',
            'null', 'null') }}
    from hours_saved_parts
    where responded_incidents > 0 and police_handled_incidents > 0
),

per_status as (
    select
        period_grain,
        period_start,
        program,
        response_status,
        count(*) as eligible_incidents,
        sum(arrests) as arrests,
        sum(case when has_hospital_transport then 1 else 0 end) as hospital_transports,
        sum(case when has_care_center_transport then 1 else 0 end) as care_center_transports
    from eligible
    group by period_grain, period_start, program, response_status
),

rates as (
    {%- for metric_id, column in [('arrests_per_100', 'arrests'),
                                  ('hospital_transports_per_100', 'hospital_transports'),
                                  ('care_center_transports_per_100', 'care_center_transports')] %}
    select
        {{ metric_columns("'" ~ metric_id ~ "'", "'response_status'", 'response_status',
            '100.0 * ' ~ column ~ ' / eligible_incidents', column, 'eligible_incidents') }}
    from per_status
    where {{ column }} > 0
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
)

select * from police_hours_saved
union all
select * from rates
