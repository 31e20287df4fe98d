-- Q4 "Are the people served by alternative response teams successfully connecting to services?"
-- referral_share and transport_share (ALL and per program), follow_up_incidents (ALL).
with

scoped as (
    {{ scoped_incidents(per_heart_program=true) }}
),

heart as (
    select * from scoped
    where is_heart_responded
),

heart_totals as (
    select
        period_grain,
        period_start,
        program,
        count(*) as heart_incidents
    from heart
    group by period_grain, period_start, program
),

referral_counts as (
    select
        heart.period_grain,
        heart.period_start,
        heart.program,
        referral_types.referral_type,
        count(distinct heart.incident_number) as incidents
    from heart
    inner join {{ ref('int_incident_referral_types') }} as referral_types
        on heart.incident_number = referral_types.incident_number
    group by heart.period_grain, heart.period_start, heart.program, referral_types.referral_type
),

referral_counts_with_totals as (
    select
        referral_counts.*,
        heart_totals.heart_incidents
    from referral_counts
    inner join heart_totals
        on
            referral_counts.period_grain = heart_totals.period_grain
            and referral_counts.period_start = heart_totals.period_start
            and referral_counts.program = heart_totals.program
),

referral_share as (
    select
        {{ metric_columns("'referral_share'", "'referral_type'", 'referral_type',
            'cast(incidents as ' ~ type_double() ~ ') / heart_incidents', 'incidents', 'heart_incidents') }}
    from referral_counts_with_totals
),

transport_counts as (
    select
        period_grain,
        period_start,
        program,
        count(*) as heart_incidents,
        sum(case when has_hospital_transport then 1 else 0 end) as hospital,
        sum(case when has_care_center_transport then 1 else 0 end) as care_center,
        sum(case when has_other_transport then 1 else 0 end) as other_destination
    from heart
    group by period_grain, period_start, program
),

transport_share as (
    {%- for category, column in [('hospital', 'hospital'), ('care_center', 'care_center'),
                                 ('other', 'other_destination')] %}
    select
        {{ metric_columns("'transport_share'", "'destination'", "'" ~ category ~ "'",
            'cast(' ~ column ~ ' as ' ~ type_double() ~ ') / heart_incidents', column, 'heart_incidents') }}
    from transport_counts
    where {{ column }} > 0
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

follow_up_incidents as (
    select
        {{ metric_columns("'follow_up_incidents'", "'response_status'", 'response_status',
            'count(*)', 'count(*)', 'null') }}
    from scoped
    where program = 'ALL' and has_follow_up and response_status is not null
    group by period_grain, period_start, program, response_status
)

select * from referral_share
union all
select * from transport_share
union all
select * from follow_up_incidents
