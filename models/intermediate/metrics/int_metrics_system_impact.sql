-- Q5 "How is the traditional emergency response system impacted by alternative response teams?"
-- police_hours_saved, police_hours_saved_net, arrests_per_100, hospital_transports_per_100, care_center_transports_per_100
-- and the three rates standardized by hour band and call type (program ALL).
{%- set rate_columns = [('arrests_per_100', 'arrests'),
                        ('hospital_transports_per_100', 'hospital_transports'),
                        ('care_center_transports_per_100', 'care_center_transports')] %}
{%- set answered_without_police = "response_status = 'responded' and heart_program in ("
    ~ quoted_list(police_free_programs()) ~ ")" %}
with

eligible as (
    select * from ({{ scoped_incidents() }}) as scoped
    where is_eligible
),

-- Durham's formula (docs/metric_definitions.md): police_hours_saved = A x B x C / 60, where
-- A = eligible incidents answered by a team without police (CRT on scene or CCD by phone; not
-- co-response, whose team includes an officer); B = police units sent per eligible incident HEART
-- did not respond to, zeros included; C = minutes per police unit from dispatch to clear, over
-- the units of those incidents with valid times. police_hours_saved_net also takes off the police
-- time actually spent on the A incidents (backup, takeovers).
hours_saved_parts as (
    select
        period_grain,
        period_start,
        program,
        sum(case when {{ answered_without_police }} then 1 else 0 end) as answered_without_police,
        {{ exact_sum('case when ' ~ answered_without_police ~ ' then police_minutes else 0 end') }}
            as police_minutes_on_answered,
        sum(case when is_forgone then 1 else 0 end) as forgone_incidents,
        sum(case when is_forgone then police_units else 0 end) as forgone_police_units,
        sum(case when is_forgone then valid_police_assignments else 0 end) as forgone_timed_police_assignments,
        {{ exact_sum('case when is_forgone then police_minutes else 0 end') }} as forgone_police_minutes
    from eligible
    group by period_grain, period_start, program
),

hours_saved as (
    select
        *,
        answered_without_police
        * (cast(forgone_police_units as {{ type_double() }}) / forgone_incidents)
        * (forgone_police_minutes / forgone_timed_police_assignments)
        / 60.0 as hours_saved
    from hours_saved_parts
    where answered_without_police > 0 and forgone_timed_police_assignments > 0
),

police_hours_saved as (
    select
        {{ metric_columns("'police_hours_saved'", "''", "''", 'hours_saved', 'null', 'null') }}
    from hours_saved
    union all
    select
        {{ metric_columns("'police_hours_saved_net'", "''", "''",
            'hours_saved - police_minutes_on_answered / 60.0', 'null', 'null') }}
    from hours_saved
),

-- like with like: eligible incidents a team answered in person against eligible incidents HEART
-- did not respond to (phone resolutions by Crisis Call Diversion are left out of the comparison)
compared as (
    select
        *,
        case
            when response_status = 'responded' and heart_program in ({{ quoted_list(dispatchable_programs()) }})
                then 'responded'
            when response_status = 'forgone' then 'forgone'
        end as comparison_status,
        -- night, morning, afternoon, evening: the standardization strata with the call type
        cast(floor(cast(created_hour as integer) / 6.0) as integer) as hour_band
    from eligible
),

-- Direct standardization (standardized_rates below) weighs each side's rate within each stratum
-- (hour band x call type as known at dispatch) by the stratum's eligible incidents on both sides
-- together, over the strata both sides have incidents in. Night-time or call-type mix then no
-- longer drives the gap; what is left can still come from anything else that differs between the
-- two sides. The crude rates add the same strata up. A standardized rate's numerator is the side's
-- events in the common strata: not value x denominator / 100, but the count the small-cell rule
-- protects (a rate resting on 1-10 arrests is hidden like the crude one).
strata as (
    select
        period_grain,
        period_start,
        program,
        comparison_status as response_status,
        hour_band,
        eligibility_call_type,
        count(*) as eligible_incidents,
        sum(arrests) as arrests,
        sum(case when has_hospital_transport then 1 else 0 end) as hospital_transports,
        sum(case when has_care_center_transport then 1 else 0 end) as care_center_transports
    from compared
    where comparison_status is not null
    group by period_grain, period_start, program, comparison_status, hour_band, eligibility_call_type
),

per_status as (
    select
        period_grain,
        period_start,
        program,
        response_status,
        sum(eligible_incidents) as eligible_incidents,
        sum(arrests) as arrests,
        sum(hospital_transports) as hospital_transports,
        sum(care_center_transports) as care_center_transports
    from strata
    group by period_grain, period_start, program, response_status
),

rates as (
    {%- for metric_id, column in rate_columns %}
    select
        {{ metric_columns("'" ~ metric_id ~ "'", "'response_status'", 'response_status',
            '100.0 * ' ~ column ~ ' / eligible_incidents', column, 'eligible_incidents') }}
    -- a rate of 0 is a finding (no arrest in any of HEART's responses), not a missing figure
    from per_status
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

common_strata as (
    select
        period_grain,
        period_start,
        program,
        hour_band,
        eligibility_call_type,
        sum(eligible_incidents) as stratum_weight
    from strata
    group by period_grain, period_start, program, hour_band, eligibility_call_type
    having count(distinct response_status) = 2
),

weighted as (
    select
        strata.*,
        common_strata.stratum_weight
    from strata
    inner join common_strata
        on
            strata.period_grain = common_strata.period_grain
            and strata.period_start = common_strata.period_start
            and strata.program = common_strata.program
            and strata.hour_band = common_strata.hour_band
            and strata.eligibility_call_type = common_strata.eligibility_call_type
),

-- exact_sum: a sum of doubles depends on the order rows arrive in, and the marts must not
-- change between re-runs of the same data
standardized_rates as (
    {%- for metric_id, column in rate_columns %}
    select
        {{ metric_columns("'" ~ metric_id ~ "_standardized'", "'response_status'", 'response_status',
            '100.0 * ' ~ exact_sum('stratum_weight * cast(' ~ column ~ ' as ' ~ type_double() ~ ') / eligible_incidents')
            ~ ' / sum(stratum_weight)', 'sum(' ~ column ~ ')', 'sum(eligible_incidents)') }}
    from weighted
    group by period_grain, period_start, program, response_status
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
)

select * from police_hours_saved
union all
select * from rates
union all
select * from standardized_rates
