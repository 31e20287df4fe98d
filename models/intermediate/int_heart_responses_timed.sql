-- One row per incident that a HEART unit was assigned to: when HEART was first dispatched and first
-- on scene, which program arrived first, the response time with the reason it is excluded, and the
-- HEART units' time on task.
with

heart_assignments as (
    select * from {{ ref('int_unit_assignments_timed') }}
    where is_heart_unit
),

incidents as (
    select
        incidents.incident_number,
        origins.origin
    from {{ ref('stg_cad__incidents') }} as incidents
    left join {{ ref('call_origins') }} as origins on incidents.call_origin = origins.call_origin
),

-- the program of the HEART incident: the arrived unit with the earliest valid dispatch
-- (tie: smallest unit id), docs "HEART-responded incident". Ranked in the same pass as the
-- aggregation below, so no join of two aggregates (whose row counts PostgreSQL cannot estimate).
ranked_assignments as (
    select
        *,
        row_number() over (
            partition by incident_number, has_valid_on_scene
            order by case when has_valid_dispatch then dispatched_at end asc nulls last, unit_id asc
        ) as arrival_rank_in_group
    from heart_assignments
),

per_incident as (
    select
        incident_number,
        count(*) as heart_assignments,
        count(distinct unit_id) as heart_units,
        min(case when has_valid_dispatch then dispatched_at end) as first_heart_dispatched_at,
        min(case when has_valid_on_scene then on_scene_at end) as first_heart_on_scene_at,
        max(case when has_valid_clear then cleared_at end) as last_heart_cleared_at,
        -- time on task: every HEART unit's dispatch-to-clear minutes, summed; only when all of
        -- them are timed, since a partial sum would understate it
        {{ exact_sum('case when has_valid_dispatch_to_clear then dispatch_to_clear_minutes end') }}
            as timed_heart_unit_minutes,
        min(case when has_valid_dispatch_to_clear then 1 else 0 end) = 1 as has_all_heart_units_timed,
        max(case when has_valid_on_scene then 1 else 0 end) = 1 as has_heart_arrival,
        max(case when dispatched_at is not null and not has_valid_dispatch then 1 else 0 end) = 1
            as has_invalid_heart_dispatch,
        max(case when on_scene_at is not null and not has_valid_on_scene then 1 else 0 end) = 1
            as has_invalid_heart_on_scene,
        max(case when has_valid_on_scene and arrival_rank_in_group = 1 then heart_program end)
            as first_arrived_program,
        max(case when has_valid_on_scene and arrival_rank_in_group = 1 then unit_id end) as first_arrived_unit_id
    from ranked_assignments
    group by incident_number
),

judged as (
    select
        per_incident.*,
        case
            when incidents.origin = 'self_initiated' then 'excluded_self_initiated'
            when per_incident.first_heart_dispatched_at is null then 'excluded_missing_or_invalid_dispatch'
            when per_incident.first_heart_on_scene_at is null then 'excluded_missing_or_invalid_on_scene'
            when per_incident.first_heart_on_scene_at < per_incident.first_heart_dispatched_at
                then 'excluded_on_scene_before_dispatch'
            else 'valid'
        end as response_time_status
    from per_incident
    inner join incidents on per_incident.incident_number = incidents.incident_number
)

select
    incident_number,
    heart_assignments,
    heart_units,
    has_heart_arrival,
    first_arrived_program,
    first_arrived_unit_id,
    first_heart_dispatched_at,
    first_heart_on_scene_at,
    last_heart_cleared_at,
    case
        when has_all_heart_units_timed and has_heart_arrival then timed_heart_unit_minutes
    end as heart_time_on_task_minutes,
    has_invalid_heart_dispatch,
    has_invalid_heart_on_scene,
    response_time_status,
    case
        when response_time_status = 'valid'
            then {{ duration_minutes('first_heart_dispatched_at', 'first_heart_on_scene_at') }}
    end as response_minutes
from judged
