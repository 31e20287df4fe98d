-- Q4 "Are the people served by alternative response teams successfully connecting to services?"
-- referral_share, transport_share and transport_destination_share (ALL and per program),
-- follow_up_incidents and care_navigation_contacts (ALL).
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

-- any incident with a follow-up, HEART-responded or not, eligible or not
follow_up_incidents as (
    select
        {{ metric_columns("'follow_up_incidents'", "'response_status'", 'follow_up_status',
            'count(*)', 'count(*)', 'null') }}
    from (
        select
            *,
            case
                when is_heart_responded then 'responded'
                when is_forgone then 'forgone'
                else 'other'
            end as follow_up_status
        from scoped
        where program = 'ALL' and has_follow_up
    ) as followed_up
    group by period_grain, period_start, program, follow_up_status
),

transport_groups as (
    select
        heart.period_grain,
        heart.period_start,
        heart.program,
        transports.destination_group,
        count(distinct heart.incident_number) as incidents
    from heart
    inner join {{ ref('int_incident_transport_categories') }} as transports
        on heart.incident_number = transports.incident_number
    group by heart.period_grain, heart.period_start, heart.program, transports.destination_group
),

transport_groups_with_totals as (
    select
        transport_groups.*,
        heart_totals.heart_incidents
    from transport_groups
    inner join heart_totals
        on
            transport_groups.period_grain = heart_totals.period_grain
            and transport_groups.period_start = heart_totals.period_start
            and transport_groups.program = heart_totals.program
),

transport_destination_share as (
    select
        {{ metric_columns("'transport_destination_share'", "'destination_group'", 'destination_group',
            'cast(incidents as ' ~ type_double() ~ ') / heart_incidents', 'incidents', 'heart_incidents') }}
    from transport_groups_with_totals
),

-- every Care Navigation contact (follow-up), in the period it was made
follow_up_contacts as (
    select {{ to_local('followed_up_at') }} as followed_up_at_local
    from {{ ref('stg_cms__follow_ups') }}
    where follow_up_team = 'CARE_NAVIGATION'
),

care_navigation_contacts as (
    {%- for grain in ['month', 'quarter', 'year'] %}
    select
        {{ metric_columns("'care_navigation_contacts'", "''", "''", 'count(*)', 'count(*)', 'null') }}
    from (
        select
            '{{ grain }}' as period_grain,
            {{ period_start(grain, 'followed_up_at_local') }} as period_start,
            'ALL' as program
        from follow_up_contacts
    ) as contacts
    group by period_grain, period_start, program
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
)

select * from referral_share
union all
select * from transport_share
union all
select * from follow_up_incidents
union all
select * from transport_destination_share
union all
select * from care_navigation_contacts
