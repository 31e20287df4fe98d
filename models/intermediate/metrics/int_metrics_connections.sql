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

-- the categories of the two shares by category, per incident: each referral type and each
-- transport destination group it has
incident_categories as (
    select
        'referral_share' as metric_id,
        'referral_type' as dimension,
        incident_number,
        referral_type as category
    from {{ ref('int_referrals_rolled_up') }}
    union all
    select
        'transport_destination_share' as metric_id,
        'destination_group' as dimension,
        incident_number,
        destination_group as category
    from {{ ref('int_transports_rolled_up') }}
),

category_counts as (
    select
        heart.period_grain,
        heart.period_start,
        heart.program,
        incident_categories.metric_id,
        incident_categories.dimension,
        incident_categories.category,
        count(distinct heart.incident_number) as incidents
    from heart
    inner join incident_categories
        on heart.incident_number = incident_categories.incident_number
    group by
        heart.period_grain,
        heart.period_start,
        heart.program,
        incident_categories.metric_id,
        incident_categories.dimension,
        incident_categories.category
),

-- referral_share and transport_destination_share
category_share as (
    {{ share_of_heart_incidents('metric_id', 'dimension', 'category', 'category_counts', 'heart_totals') }}
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

-- every Care Navigation contact (follow-up), in the period it was made
follow_up_contacts as (
    select {{ to_local('followed_up_at') }} as followed_up_at_local
    from {{ ref('stg_cms__follow_ups') }}
    where follow_up_team = 'CARE_NAVIGATION'
),

care_navigation_contacts as (
    {%- for grain in period_grains() %}
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

select * from category_share
union all
select * from transport_share
union all
select * from follow_up_incidents
union all
select * from care_navigation_contacts
