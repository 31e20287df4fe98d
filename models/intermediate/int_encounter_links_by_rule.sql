-- The deterministic half of the CAD <-> case-management linkage (docs "Linked encounter"): one row
-- per staged encounter with the incident a rule links it to, or 'unlinked' for the Fellegi-Sunter
-- model (int_encounter_link_pairs) to score.
--
-- Rules, best first:
--   exact_number (1.00): the normalized typed number is a CAD incident, the encounter starts in
--       the incident's window, and it is corroborated: the encounter's unit was assigned to that
--       incident or, for work without a unit (CCD by phone), the block address agrees;
--   unit_time_location (0.90): the encounter's HEART unit was assigned to an incident whose
--       dispatch-to-clear window (with a margin) holds the encounter start, at the same block;
--   phone_time_location (0.85): a CCD encounter (phone work, no unit) starting shortly after an
--       incident was created at the same block.
-- Units are compared on unit_key (staff type 'CRT 3' for CAD's 'CRT03'); block addresses arrive
-- normalized from staging. A number that matches without corroboration, or a unit and time without
-- the block, is evidence rather than proof (a mistyped number can hit a neighbouring incident), so
-- those encounters go to the probabilistic model, which weighs every comparison together.
{%- set s = linkage_settings() %}
with

encounters as (
    select * from {{ ref('stg_cms__encounters') }}
),

incidents as (
    select
        incident_number,
        created_at,
        closed_at,
        block_address
    from {{ ref('stg_cad__incidents') }}
),

assigned_units as (
    select distinct
        incident_number,
        {{ unit_key('unit_id') }} as unit_key
    from {{ ref('int_unit_assignments_timed') }}
    where is_heart_unit
),

heart_assignments as (
    select
        incident_number,
        {{ unit_key('unit_id') }} as unit_key,
        coalesce(
            case when has_valid_dispatch then dispatched_at end,
            case when has_valid_on_scene then on_scene_at end
        ) as window_start,
        case when has_valid_clear then cleared_at end as cleared_at
    from {{ ref('int_unit_assignments_timed') }}
    where is_heart_unit
),

heart_windows as (
    select
        incident_number,
        unit_key,
        window_start,
        -- a clear before the start (or none) leaves the window open for a few hours
        case
            when cleared_at >= window_start then cleared_at
            else window_start + interval '{{ s.open_window_hours }} hours'
        end as window_end
    from heart_assignments
    where window_start is not null
),

-- each assignment's usable window, bucketed by UTC day so the unit + time join is an equi-join
assignment_windows as (
    select
        incident_number,
        unit_key,
        window_start - interval '{{ s.margin_minutes }} minutes' as window_from,
        least(window_end, window_start + interval '{{ s.max_window_hours }} hours')
        + interval '{{ s.margin_minutes }} minutes' as window_to
    from heart_windows
),

assignment_buckets as (
    select
        *,
        cast(floor({{ epoch_seconds('window_from') }} / 86400) as bigint) as day_bucket
    from assignment_windows
    union all
    select
        *,
        cast(floor({{ epoch_seconds('window_from') }} / 86400) as bigint) + 1 as day_bucket
    from assignment_windows
),

encounter_units as (
    select
        encounters.encounter_id,
        {{ unit_key('encounters.unit_id') }} as unit_key,
        encounters.started_at,
        encounters.block_address,
        cast(floor({{ epoch_seconds('encounters.started_at') }} / 86400) as bigint) as day_bucket
    from encounters
    where encounters.unit_id is not null
),

unit_time_candidates as (
    select distinct
        encounter_units.encounter_id,
        assignment_buckets.incident_number,
        coalesce(encounter_units.block_address = incidents.block_address, false) as location_agrees
    from encounter_units
    inner join assignment_buckets
        on
            encounter_units.unit_key = assignment_buckets.unit_key
            and encounter_units.day_bucket = assignment_buckets.day_bucket
            and encounter_units.started_at >= assignment_buckets.window_from
            and encounter_units.started_at <= assignment_buckets.window_to
    inner join incidents on assignment_buckets.incident_number = incidents.incident_number
),

-- phone work: the incident was created shortly before the encounter, at the same block
phone_candidates as (
    select
        encounters.encounter_id,
        incidents.incident_number
    from encounters
    inner join incidents
        on
            encounters.block_address = incidents.block_address
            -- a start typed rounded down can read a few minutes before the call was created
            and encounters.started_at >= incidents.created_at - interval '{{ s.typed_early_minutes }} minutes'
            and encounters.started_at - interval '{{ s.phone_before_minutes }} minutes' <= incidents.created_at
    where encounters.program = 'CCD' and encounters.unit_id is null
),

exact_candidates as (
    select
        encounters.encounter_id,
        incidents.incident_number,
        case
            when encounters.unit_id is not null then assigned_units.unit_key is not null
            else coalesce(encounters.block_address = incidents.block_address, false)
        end as is_corroborated
    from encounters
    inner join incidents on encounters.cad_incident_number = incidents.incident_number
    left join assigned_units
        on
            incidents.incident_number = assigned_units.incident_number
            and {{ unit_key('encounters.unit_id') }} = assigned_units.unit_key
    where
        encounters.started_at >= incidents.created_at - interval '{{ s.exact_before_minutes }} minutes'
        and encounters.started_at
        <= coalesce(incidents.closed_at, incidents.created_at) + interval '{{ s.exact_after_hours }} hours'
),

candidates as (
    select
        encounter_id,
        incident_number,
        'exact_number' as link_method,
        1.00 as link_confidence
    from exact_candidates
    where is_corroborated
    union all
    select
        encounter_id,
        incident_number,
        'phone_time_location' as link_method,
        0.85 as link_confidence
    from phone_candidates
    union all
    select
        encounter_id,
        incident_number,
        'unit_time_location' as link_method,
        0.90 as link_confidence
    from unit_time_candidates
    where location_agrees
),

scored as (
    select
        candidates.*,
        abs(
            {{ epoch_seconds('encounters.started_at') }} - {{ epoch_seconds('incidents.created_at') }}
        ) as seconds_from_creation
    from candidates
    inner join encounters on candidates.encounter_id = encounters.encounter_id
    inner join incidents on candidates.incident_number = incidents.incident_number
),

ranked as (
    select
        *,
        row_number() over (
            partition by encounter_id
            order by link_confidence desc, seconds_from_creation asc, incident_number asc
        ) as candidate_rank
    from scored
)

select
    encounters.encounter_id,
    ranked.incident_number,
    coalesce(ranked.link_method, 'unlinked') as link_method,
    cast(coalesce(ranked.link_confidence, 0) as {{ type_double() }}) as link_confidence,
    encounters.cad_incident_number as typed_incident_number,
    encounters.program,
    encounters.unit_id,
    encounters.started_at,
    encounters.updated_at
from encounters
left join ranked
    on
        encounters.encounter_id = ranked.encounter_id
        and ranked.candidate_rank = 1
